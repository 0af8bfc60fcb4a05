import { z } from 'zod';

/** Longest message text the bot accepts; longer ones are refused with a clear 400/413 before any work. */
export const MAX_MESSAGE_CHARS = 4000;

const account = z.object({ id: z.string().min(1).max(512) }).passthrough();

// The fields the bot and botbuilder rely on; everything else passes through untouched. Checked
// before the adapter sees the request so a malformed activity gets a 400, not a crash or a 500.
const incomingActivity = z
  .object({
    type: z.string().min(1).max(64),
    channelId: z.string().min(1).max(128),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    conversation: account,
    from: account,
    recipient: account.optional(),
    text: z.string().max(MAX_MESSAGE_CHARS, `text is longer than ${MAX_MESSAGE_CHARS} characters`).optional(),
    locale: z.string().max(32).optional(),
    timestamp: z.string().max(64).optional(),
  })
  .passthrough();

export type ActivityCheck = { ok: true } | { ok: false; message: string };

export function checkIncomingActivity(body: unknown): ActivityCheck {
  const parsed = incomingActivity.safeParse(body);
  if (parsed.success) return { ok: true };
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  return { ok: false, message: `Invalid activity: ${problems.join('; ')}` };
}
