import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../src/activityGuard.js';
import { emulatorActivity } from '../support/fakeConnector.js';
import { type RawResponse, type Running, rawRequest, STAFF_TOKEN, startApp } from './helpers.js';

// Fuzzing the three HTTP surfaces of the real app (Emulator endpoint, Direct Line, staff API) with
// fast-check: wrong types, missing fields, huge texts, control characters, lone surrogates (as
// escapes and as raw bytes), invalid UTF-8, deep nesting, wrong content types. Every answer must be
// < 500 and the server must keep answering. Fixed seed and bounded runs: deterministic and fast.

const SEED = 20_240_611;
const RUNS = 150;

let dataDir: string;
let app: Running;
let dl: { token: string; conversationId: string };
const failures: string[] = [];

beforeAll(async () => {
  // Limits off: the fuzz sends far more than any member would (the limits have their own test).
  dataDir = await mkdtemp(join(tmpdir(), 'member-help-fuzz-'));
  app = await startApp(
    dataDir,
    { LOG_LEVEL: 'silent', RATE_LIMIT_IP_REQUESTS: '0', RATE_LIMIT_CONVERSATION_MESSAGES: '0' },
    {},
    'manual',
  );
  dl = (await (await fetch(`${app.base}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as {
    token: string;
    conversationId: string;
  };
});

afterAll(async () => {
  await app?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function record(label: string, res: RawResponse): RawResponse {
  if (res.status >= 500 || res.status === 0)
    failures.push(`${label} → ${res.status} ${res.text.slice(0, 200)}`);
  return res;
}

async function healthy(): Promise<boolean> {
  const res = await fetch(`${app.base}/healthz`);
  return res.status === 200;
}

/** encodeURIComponent, except that a lone surrogate becomes its raw (invalid UTF-8) bytes, %ED%A0%80. */
function pct(text: string): string {
  let out = '';
  for (const ch of text) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      const c = ch.charCodeAt(0);
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    }
  }
  return out;
}

// --- arbitraries -------------------------------------------------------------------------------

/** Any UTF-16 code unit, lone surrogates and control characters included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const nastyChar = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u200b',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\uffff',
  '\r\n',
  '"',
  '\\',
  '%',
  '{',
  '$' + '{x}',
  '{phone}',
  '</script>',
  '暗証番号は1234',
  'ｶｰﾄﾞ',
);
const weirdText = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: 60 }),
  fc.array(nastyChar, { maxLength: 12 }).map((a) => a.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'はい', 'いいえ', '担当者と話したい', 'cancel', '最初から'),
  fc.integer({ min: MAX_MESSAGE_CHARS - 2, max: MAX_MESSAGE_CHARS + 3 }).map((n) => 'あ'.repeat(n)),
);

/** JSON values of the wrong type for a field. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  weirdText,
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Nesting of a chosen depth, arrays or objects, around any value. */
const nested = fc
  .tuple(fc.integer({ min: 1, max: 200 }), fc.boolean(), wrongValue)
  .map(([depth, arrays, leaf]) => {
    let v: unknown = leaf;
    for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
    return v;
  });

const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), nested, wrongValue);

const ACTIVITY_FIELDS = [
  'type',
  'id',
  'timestamp',
  'channelId',
  'from',
  'conversation',
  'recipient',
  'locale',
  'text',
  'value',
  'entities',
  'attachments',
  'channelData',
  'membersAdded',
  'replyToId',
  'localTimestamp',
  'name',
  'textFormat',
];

/** A valid Emulator activity with some fields removed, retyped or replaced. */
function mutatedActivity(serviceUrl: string) {
  return fc
    .record({
      conversation: fc.constantFrom('fz-a', 'fz-b', 'fz-c'),
      text: weirdText,
      drop: fc.subarray(ACTIVITY_FIELDS, { maxLength: 3 }),
      replace: fc.array(fc.tuple(fc.constantFrom(...ACTIVITY_FIELDS), anyJson), { maxLength: 3 }),
      type: fc.constantFrom(
        'message',
        'message',
        'message',
        'conversationUpdate',
        'event',
        'typing',
        'bogus',
      ),
    })
    .map(({ conversation, text, drop, replace, type }) => {
      const activity: Record<string, unknown> = emulatorActivity(serviceUrl, {
        conversation: { id: conversation },
        text,
        type,
        locale: 'ja-JP',
      });
      for (const field of drop) delete activity[field];
      for (const [field, value] of replace) activity[field] = value;
      return activity;
    });
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'text/csv',
  'application/xml',
  'application/octet-stream',
  '',
  'garbage/;;;',
];

/** A body as bytes: JSON text (possibly with raw lone surrogates or invalid UTF-8 spliced in) or noise. */
function bodyBytes(json: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  return fc.oneof(
    json.map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8')),
    fc
      .tuple(
        json,
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom('eda080', 'edbfbf', 'c0af', 'ff', 'f4908080', '00'),
      )
      .map(([v, at, hex]) => {
        const text = Buffer.from(JSON.stringify(v) ?? 'null', 'utf8');
        const cut = Math.min(at, text.length);
        return Buffer.concat([text.subarray(0, cut), Buffer.from(hex, 'hex'), text.subarray(cut)]);
      }),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    fc
      .constantFrom('{', '{"type":', '[', '""', 'null', '{"text":"\\ud800"}', '\u0000')
      .map((s) => Buffer.from(s)),
  );
}

function headersFor(contentType: string, extra: Record<string, string> = {}): Record<string, string> {
  return contentType ? { 'content-type': contentType, ...extra } : extra;
}

// --- properties --------------------------------------------------------------------------------

describe('fuzzing the HTTP surfaces (fixed seed)', () => {
  it('POST /api/messages: no 5xx for mutated activities (wrong types, missing fields, odd texts)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedActivity(app.connector.url), async (activity) => {
        const res = record(
          'messages activity',
          await rawRequest(app.base, 'POST', '/api/messages', {
            body: JSON.stringify(activity),
            headers: { 'content-type': 'application/json' },
          }),
        );
        return res.status < 500;
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
    expect(failures).toEqual([]);
    // Not only 400s: a good share of the mutated activities got through to the bot, which answered.
    expect(app.connector.calls.length).toBeGreaterThan(RUNS / 5);
    expect(await healthy()).toBe(true);
  });

  it('POST /api/messages: no 5xx for any bytes under any content type', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(bodyBytes(mutatedActivity(app.connector.url)), bodyBytes(anyJson)),
        fc.constantFrom(...CONTENT_TYPES),
        async (body, contentType) => {
          const res = record(
            `messages bytes ${contentType}`,
            await rawRequest(app.base, 'POST', '/api/messages', { body, headers: headersFor(contentType) }),
          );
          return res.status < 500;
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    expect(failures).toEqual([]);
    expect(await healthy()).toBe(true);
  });

  it('Direct Line: no 5xx for any body, token, watermark or path', async () => {
    const path = `/v3/directline/conversations/${dl.conversationId}`;
    const request = fc.oneof(
      fc.record({
        kind: fc.constant('post-activity' as const),
        body: bodyBytes(
          fc.oneof(
            anyJson,
            fc
              .record({
                type: fc.oneof(fc.constantFrom('message', 'event', 'typing'), wrongValue),
                text: fc.oneof(weirdText, wrongValue),
                value: fc.option(anyJson),
                locale: fc.option(fc.oneof(weirdText, fc.constantFrom('ja-JP', 'en-US'))),
                channelData: fc.option(anyJson),
                attachments: fc.option(fc.array(anyJson, { maxLength: 2 })),
              })
              .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== null))),
          ),
        ),
        contentType: fc.constantFrom(...CONTENT_TYPES),
        token: fc.oneof(fc.constant('valid'), fc.constant(''), fc.string({ maxLength: 40 })),
      }),
      fc.record({
        kind: fc.constant('get-activities' as const),
        watermark: fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String), fc.constant('-1')),
        token: fc.oneof(fc.constant('valid'), fc.string({ maxLength: 40 })),
      }),
      fc.record({
        kind: fc.constant('start' as const),
        route: fc.constantFrom(
          '/v3/directline/conversations',
          '/v3/directline/tokens/refresh',
          '/v3/directline/tokens/generate',
        ),
        body: bodyBytes(anyJson),
        contentType: fc.constantFrom(...CONTENT_TYPES),
        token: fc.oneof(fc.constant('valid'), fc.constant(''), fc.string({ maxLength: 40 })),
      }),
      fc.record({
        kind: fc.constant('odd-path' as const),
        suffix: fc.string({ unit: codeUnit, maxLength: 20 }),
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const auth = (token: string): Record<string, string> =>
          token === 'valid'
            ? { authorization: `Bearer ${dl.token}` }
            : token
              ? { authorization: `Bearer ${token}` }
              : {};
        let res: RawResponse;
        if (r.kind === 'post-activity') {
          res = await rawRequest(app.base, 'POST', `${path}/activities`, {
            body: r.body,
            headers: headersFor(r.contentType, auth(r.token)),
          });
        } else if (r.kind === 'get-activities') {
          res = await rawRequest(app.base, 'GET', `${path}/activities?watermark=${pct(r.watermark)}`, {
            headers: auth(r.token),
          });
        } else if (r.kind === 'start') {
          res = await rawRequest(app.base, 'POST', r.route, {
            body: r.body,
            headers: headersFor(r.contentType, auth(r.token)),
          });
        } else {
          const suffix = pct(r.suffix).replace(/%2F/g, '/');
          res = await rawRequest(app.base, r.method, `${path}/${suffix}`, {
            headers: { authorization: `Bearer ${dl.token}` },
          });
        }
        return record(`directline ${r.kind}`, res).status < 500;
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
    expect(failures).toEqual([]);
    expect(await healthy()).toBe(true);
  });

  it('staff API: no 5xx for any route, id, query or body', async () => {
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
      route: fc.oneof(
        fc.constant('/api/staff/inquiries'),
        fc.constant('/api/staff/meta'),
        fc.constant('/api/staff/unanswered'),
        fc
          .tuple(
            fc.oneof(fc.constant('Q20240611-0123ABCD'), fc.string({ unit: codeUnit, maxLength: 70 })),
            fc.constantFrom('', '/assign', '/status', '/notes', '/replies', '/bogus'),
          )
          .map(([id, action]) => `/api/staff/inquiries/${pct(id)}${action}`),
        fc.string({ unit: codeUnit, maxLength: 20 }).map((id) => `/api/staff/unanswered/${pct(id)}`),
      ),
      query: fc.oneof(
        fc.constant(''),
        fc
          .array(
            fc.tuple(
              fc.constantFrom('status', 'priority', 'topic', 'overdue', 'assignee', 'x', 'status[a]'),
              fc.oneof(
                fc.string({ unit: codeUnit, maxLength: 20 }),
                fc.constantFrom('open', 'new,urgent', 'true'),
              ),
            ),
            { maxLength: 4 },
          )
          .map((pairs) => `?${pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')}`),
      ),
      body: fc.option(
        bodyBytes(
          fc.oneof(
            anyJson,
            fc.record({
              assignee: fc.option(weirdText),
              status: fc.oneof(fc.constantFrom('new', 'in_progress', 'resolved'), wrongValue),
              text: fc.oneof(weirdText, wrongValue),
              author: fc.oneof(weirdText, wrongValue),
            }),
          ),
        ),
      ),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      auth: fc.oneof(fc.constant(`Bearer ${STAFF_TOKEN}`), fc.constant(''), fc.string({ maxLength: 40 })),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers = headersFor(r.body ? r.contentType : '', r.auth ? { authorization: r.auth } : {});
        const res = await rawRequest(app.base, r.method, `${r.route}${r.query}`, {
          headers,
          body: r.body ?? undefined,
        });
        return record(`staff ${r.method} ${r.route}`, res).status < 500;
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
    expect(failures).toEqual([]);
    expect(await healthy()).toBe(true);
  });
});

describe('limits hold on every surface, with clear JSON errors', () => {
  const huge = Buffer.from(JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) }));

  it('answers a body over 256 KiB with 413 and a clear JSON message on all three surfaces', async () => {
    const targets: Array<[string, string, Record<string, string>]> = [
      ['POST', '/api/messages', {}],
      [
        'POST',
        `/v3/directline/conversations/${dl.conversationId}/activities`,
        { authorization: `Bearer ${dl.token}` },
      ],
      ['POST', '/api/staff/inquiries/Q20240611-0123ABCD/notes', { authorization: `Bearer ${STAFF_TOKEN}` }],
    ];
    for (const [method, path, auth] of targets) {
      for (const contentType of ['application/json', 'text/plain']) {
        const res = await rawRequest(app.base, method, path, {
          body: huge,
          headers: { 'content-type': contentType, ...auth },
        });
        expect(res.status, `${path} ${contentType}`).toBe(413);
        expect(res.json().error.message).toMatch(/too large.*262144 bytes/);
      }
    }
    expect(await healthy()).toBe(true);
  });

  it(`refuses a text over ${MAX_MESSAGE_CHARS} characters with 400 on /api/messages and Direct Line`, async () => {
    const long = 'あ'.repeat(MAX_MESSAGE_CHARS + 1);
    const messages = await rawRequest(app.base, 'POST', '/api/messages', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(emulatorActivity(app.connector.url, { text: long })),
    });
    expect(messages.status).toBe(400);
    expect(messages.json().error.message).toContain(`longer than ${MAX_MESSAGE_CHARS} characters`);
    const direct = await rawRequest(
      app.base,
      'POST',
      `/v3/directline/conversations/${dl.conversationId}/activities`,
      {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${dl.token}` },
        body: JSON.stringify({ type: 'message', text: long }),
      },
    );
    expect(direct.status).toBe(400);
    expect(direct.json().error.message).toContain(`longer than ${MAX_MESSAGE_CHARS} characters`);
    // Exactly at the limit is fine.
    const atLimit = await rawRequest(
      app.base,
      'POST',
      `/v3/directline/conversations/${dl.conversationId}/activities`,
      {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${dl.token}` },
        body: JSON.stringify({ type: 'message', text: 'あ'.repeat(MAX_MESSAGE_CHARS) }),
      },
    );
    expect(atLimit.status).toBe(200);
  });

  it('refuses deep nesting (400), multipart (415) and bad JSON (400) with JSON errors', async () => {
    const deep = `{"type":"event","value":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    for (const contentType of ['application/json', 'text/plain']) {
      const res = await rawRequest(
        app.base,
        'POST',
        `/v3/directline/conversations/${dl.conversationId}/activities`,
        {
          headers: { 'content-type': contentType, authorization: `Bearer ${dl.token}` },
          body: deep,
        },
      );
      expect(res.status).toBe(400);
      expect(res.json().error.message).toMatch(/nested too deeply/);
    }
    const staffDeep = await rawRequest(app.base, 'POST', '/api/staff/inquiries/Q20240611-0123ABCD/notes', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${STAFF_TOKEN}` },
      body: `{"text":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`,
    });
    expect(staffDeep.status).toBe(400);
    const multipart = await rawRequest(app.base, 'POST', '/api/messages', {
      headers: { 'content-type': 'multipart/form-data; boundary=abc' },
      body: '--abc\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhello\r\n--abc--\r\n',
    });
    expect(multipart.status).toBe(415);
    expect(multipart.json().error.code).toBe('UnsupportedMediaType');
    const badJson = await rawRequest(app.base, 'POST', '/api/messages', {
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message", ',
    });
    expect(badJson.status).toBe(400);
    expect(badJson.json().error.message).toBe('The request body is not valid JSON.');
    const notFound = await rawRequest(app.base, 'GET', '/no/such/path');
    expect(notFound.status).toBe(404);
    expect(notFound.json()).toEqual({ error: { code: 'ResourceNotFound', message: 'No such endpoint.' } });
  });

  it('takes lone surrogates (escaped and raw) and control characters without failing', async () => {
    const before = app.connector.calls.length;
    const bodies = [
      JSON.stringify(
        emulatorActivity(app.connector.url, {
          conversation: { id: 'sur' },
          text: 'a\ud800b\u0000\u001b[31m',
        }),
      ),
      // A raw lone surrogate (CESU-8 bytes ED A0 80, invalid UTF-8) inside the text.
      Buffer.concat(
        JSON.stringify(emulatorActivity(app.connector.url, { conversation: { id: 'sur' }, text: 'a@@b' }))
          .split('@@')
          .flatMap((part, i) =>
            i === 0 ? [Buffer.from(part)] : [Buffer.from('eda080', 'hex'), Buffer.from(part)],
          ),
      ),
    ];
    for (const body of bodies) {
      const res = await rawRequest(app.base, 'POST', '/api/messages', {
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBeLessThan(500);
    }
    expect(app.connector.calls.length).toBeGreaterThan(before);
    expect(await healthy()).toBe(true);
  });
});
