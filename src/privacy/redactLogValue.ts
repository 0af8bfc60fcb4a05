import { maskKnownText } from './maskMemo.js';
import { maskSecrets } from './secretGuard.js';

// Log redaction shaped for pino's hooks: maskDeep's walk, plus Errors (which pino's err serializer
// would otherwise print with an unmasked message) and cycles (log objects are not always trees).
// pino's `redact` removes known fields; these catch a secret in any other string and in the message.

const MAX_DEPTH = 20;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function walk(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return maskKnownText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) {
      const out: Record<string, unknown> = {
        type: value.name,
        message: maskSecrets(value.message).text,
        stack: value.stack === undefined ? undefined : maskSecrets(value.stack).text,
      };
      if (value.cause !== undefined) out.cause = walk(value.cause, seen, depth + 1);
      return out;
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, seen, depth + 1));
    if (!isPlainObject(value)) return value; // Date, Buffer, class instances: left as they are
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = walk(item, seen, depth + 1);
    return out;
  } finally {
    seen.delete(value); // only ancestors count as cycles; shared siblings are walked again
  }
}

/** A copy of a log value with every string inside masked; Errors become { type, message, stack }. */
export function redactLogValue(value: unknown): unknown {
  return walk(value, new WeakSet(), 0);
}

/** For pino `formatters.log`: the merging object of every log call, masked. */
export function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  return redactLogValue(object) as Record<string, unknown>;
}

/**
 * For pino `hooks.logMethod`: masks the message string and string interpolation arguments (objects,
 * Errors included, are left to `formatters.log` so pino still recognises an Error first argument), e.g.
 * `hooks: { logMethod(args, method) { return method.apply(this, redactLogArgs(args)); } }`.
 */
export function redactLogArgs<A extends unknown[]>(args: A): A {
  return args.map((arg) => (typeof arg === 'string' ? maskKnownText(arg) : arg)) as A;
}
