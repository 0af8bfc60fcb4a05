/**
 * How far an activity's `timestamp` may be from the server clock and still be trusted as "now":
 * 15 minutes either way. Channels stamp activities with their own clock (a member's browser for Web
 * Chat, the Emulator's machine), so a few seconds or minutes of drift are normal; anything further is
 * a wrong clock or a client choosing its own time (1999, year +275760 …). Such a timestamp would
 * otherwise become an inquiry's createdAt, dueAt and id, so it is ignored and the server clock used.
 */
export const MAX_TIMESTAMP_SKEW_MS = 15 * 60 * 1000;

/**
 * "Now" for the time rules (design.md): the incoming activity's timestamp when the channel sent a
 * valid one within MAX_TIMESTAMP_SKEW_MS of the server clock, otherwise the server clock itself.
 * `serverNow` is that clock (default: `new Date()`); tests inject it. The only impure helper of the policy.
 */
export function instantOf(activity: { timestamp?: Date | string } | undefined, serverNow?: Date): Date {
  const server = serverNow && !Number.isNaN(serverNow.getTime()) ? new Date(serverNow.getTime()) : new Date();
  const ts = activity?.timestamp;
  if (ts !== undefined && ts !== null && ts !== '') {
    const d = ts instanceof Date ? new Date(ts.getTime()) : new Date(ts);
    const t = d.getTime();
    if (!Number.isNaN(t) && Math.abs(t - server.getTime()) <= MAX_TIMESTAMP_SKEW_MS) return d;
  }
  return server;
}
