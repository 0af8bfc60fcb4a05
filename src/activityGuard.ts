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

/**
 * Emulator local mode (MicrosoftAppId empty) has no authentication: anyone who reaches the port could
 * name any `serviceUrl` and make the bot POST its replies there (server-side request forgery). In that
 * mode only a loopback serviceUrl is accepted: `localhost`, 127.0.0.0/8 or [::1] — where the Emulator
 * and `npm run chat` listen. With an app id, Bot Framework authentication validates the request instead.
 */
export const LOCAL_MODE_SERVICE_URL_RULE =
  'Without MicrosoftAppId (Emulator local mode) the bot only answers activities whose serviceUrl is on ' +
  'this machine (localhost, 127.0.0.0/8 or [::1]); set MicrosoftAppId to serve other channels.';

export function isLoopbackServiceUrl(serviceUrl: unknown): boolean {
  if (typeof serviceUrl !== 'string') return false;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  // WHATWG URL parsing has already normalised 127.1, 0x7f.0.0.1, [0:0:0:0:0:0:0:1] and letter case.
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The local-mode serviceUrl rule for an activity that passed `checkIncomingActivity`. */
export function checkServiceUrl(body: unknown, authenticated: boolean): ActivityCheck {
  if (authenticated) return { ok: true };
  const serviceUrl = (body as { serviceUrl?: unknown } | undefined)?.serviceUrl;
  return isLoopbackServiceUrl(serviceUrl)
    ? { ok: true }
    : { ok: false, message: LOCAL_MODE_SERVICE_URL_RULE };
}
