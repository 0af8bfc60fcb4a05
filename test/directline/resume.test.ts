import { afterEach, describe, expect, it } from 'vitest';
import { signResumeToken } from '../../src/directline/tokens.js';
import { call, startConversation, startTestServer, TEST_SECRET, type TestServer } from './helpers.js';

// The Web Chat page's resume credential: after the 30-minute token expired (tab closed for hours),
// it gets a fresh token for the same conversation while the transcript is kept; nothing else does.

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(options: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer({ resumeTtlSeconds: 24 * 3600, stream: false, ...options });
  servers.push(s);
  return s;
}

describe('Direct Line resume credential', () => {
  it('is handed out with a token and exchanged (in the body) for a fresh token of the same conversation', async () => {
    const s = await server();
    const { generated, conversationId } = await startConversation(s.baseUrl);
    expect(typeof generated.body.resume).toBe('string');
    const resumed = await call(s.baseUrl, 'POST', '/v3/directline/tokens/resume', {
      body: { resume: generated.body.resume },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.conversationId).toBe(conversationId);
    expect(typeof resumed.body.resume).toBe('string');
    // The fresh token reads the conversation's transcript.
    const read = await call(s.baseUrl, 'GET', `/v3/directline/conversations/${conversationId}/activities`, {
      token: resumed.body.token,
    });
    expect(read.status).toBe(200);
  });

  it('refuses what is not a resume credential, and a conversation that is gone or not its user', async () => {
    const s = await server();
    const { generated, conversationId } = await startConversation(s.baseUrl);
    const resume = (body: unknown) => call(s.baseUrl, 'POST', '/v3/directline/tokens/resume', { body });
    // A Direct Line token is not a resume credential; a resume credential is not a Direct Line token.
    expect((await resume({ resume: generated.body.token })).status).toBe(401);
    expect(
      (
        await call(s.baseUrl, 'GET', `/v3/directline/conversations/${conversationId}/activities`, {
          token: generated.body.resume,
        })
      ).status,
    ).toBe(401);
    expect((await resume({ resume: 'x.y.z' })).status).toBe(401);
    expect((await resume({})).status).toBe(400);
    const otherUser = await signResumeToken(TEST_SECRET, { conversationId, userId: 'dl_someone-else' }, 600);
    expect((await resume({ resume: otherUser })).status).toBe(404);
    const gone = await signResumeToken(
      TEST_SECRET,
      { conversationId: 'no-such-conversation', userId: 'u' },
      600,
    );
    expect((await resume({ resume: gone })).status).toBe(404);
    const expired = await signResumeToken(
      TEST_SECRET,
      { conversationId, userId: 'u' },
      60,
      new Date(Date.now() - 3600_000),
    );
    expect((await resume({ resume: expired })).status).toBe(401);
  });

  it('is rate-limited per address (429 with Retry-After)', async () => {
    const s = await server({ resumesPerMinute: 3 });
    const { generated } = await startConversation(s.baseUrl);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${s.baseUrl}/v3/directline/tokens/resume`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resume: generated.body.resume }),
      });
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
