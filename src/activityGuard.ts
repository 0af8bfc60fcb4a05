import { z } from 'zod';

/** Longest message text the bot accepts; longer ones are refused with a clear 400/413 before any work. */
export const MAX_MESSAGE_CHARS = 4000;

/** Longest id (conversation, user, activity) accepted at the edge. */
export const MAX_ID_CHARS = 512;

// C0/C1 control characters and DEL: an id carrying one breaks the reply (botbuilder puts ids in URLs
// and headers: ERR_INVALID_CHAR), so it is refused before any work. Lone surrogates likewise
// (encodeURIComponent throws on them); with the u flag, this class matches unpaired halves only.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** A conversation, user or activity id as both edges (/api/messages, Direct Line) accept it. */
export const idSchema = z
  .string()
  .min(1)
  .max(MAX_ID_CHARS, `id is longer than ${MAX_ID_CHARS} characters`)
  .refine((id) => !CONTROL_CHARS.test(id), 'id contains a control character')
  .refine((id) => !LONE_SURROGATE.test(id), 'id contains a lone surrogate');

/**
 * Largest serialised size (UTF-8 bytes) of the fields a member's client may fill besides `text`.
 * Checked before masking or any dialog work: the secret guard's cost
 * grows with what it scans, so a field over its cap is answered 413 instead of being scanned.
 */
export const FIELD_CAPS = {
  value: 4 * 1024,
  channelData: 4 * 1024,
  entities: 4 * 1024,
  attachments: 16 * 1024,
} as const;

export type CappedField = keyof typeof FIELD_CAPS;

export interface FieldTooLarge {
  field: CappedField;
  bytes: number;
  limit: number;
  message: string;
}

/** The first field of `activity` over its cap, or undefined when every field fits. */
export function oversizedField(activity: unknown): FieldTooLarge | undefined {
  if (activity === null || typeof activity !== 'object') return undefined;
  const fields = activity as Record<string, unknown>;
  for (const [field, limit] of Object.entries(FIELD_CAPS) as Array<[CappedField, number]>) {
    const value = fields[field];
    if (value === undefined || value === null) continue;
    const json = JSON.stringify(value);
    // A UTF-8 byte is at most 3 per UTF-16 unit: most values are decided without counting bytes.
    if (json === undefined || json.length * 3 <= limit) continue;
    const bytes = Buffer.byteLength(json);
    if (bytes > limit) {
      return { field, bytes, limit, message: `${field} is too large: at most ${limit} bytes of JSON` };
    }
  }
  return undefined;
}

const account = z.object({ id: idSchema }).passthrough();

// botbuilder sends the conversation id in a header too (x-ms-conversation-id), where Node accepts
// printable Latin-1 only: anything else would make every reply fail.
const HEADER_SAFE = /^[\u0020-\u007e\u00a0-\u00ff]*$/;
const conversationAccount = z
  .object({
    id: idSchema.refine(
      (id) => HEADER_SAFE.test(id),
      'conversation id may hold printable ASCII and Latin-1 characters only',
    ),
  })
  .passthrough();

// The fields the bot and botbuilder rely on; everything else passes through untouched. Checked
// before the adapter sees the request so a malformed activity gets a 400, not a crash or a 500.
const incomingActivity = z
  .object({
    type: z.string().min(1).max(64),
    id: idSchema.optional(),
    replyToId: idSchema.optional(),
    channelId: z.string().min(1).max(128),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    conversation: conversationAccount,
    from: account,
    recipient: account.optional(),
    text: z.string().max(MAX_MESSAGE_CHARS, `text is longer than ${MAX_MESSAGE_CHARS} characters`).optional(),
    locale: z.string().max(32).optional(),
    timestamp: z.string().max(64).optional(),
  })
  .passthrough();

export type ActivityCheck = { ok: true } | { ok: false; message: string; status?: 400 | 413 };

/** Shape, ids and field sizes of an /api/messages activity: 400 or 413 (`status`) when refused. */
export function checkIncomingActivity(body: unknown): ActivityCheck {
  const tooLarge = oversizedField(body);
  if (tooLarge) return { ok: false, status: 413, message: `Invalid activity: ${tooLarge.message}` };
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
