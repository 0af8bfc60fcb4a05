/**
 * "Now" for the time rules (design.md): the incoming activity's timestamp when the channel sent a
 * valid one, otherwise `fallback` (default: the server clock). The only impure helper of the policy.
 */
export function instantOf(activity: { timestamp?: Date | string } | undefined, fallback?: Date): Date {
  const ts = activity?.timestamp;
  if (ts !== undefined && ts !== null && ts !== '') {
    const d = ts instanceof Date ? new Date(ts.getTime()) : new Date(ts);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return fallback ? new Date(fallback.getTime()) : new Date();
}
