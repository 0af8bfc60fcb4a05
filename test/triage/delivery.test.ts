import type { ConversationReference, TurnContext } from 'botbuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTLINE_SERVICE_URL, DirectLineAdapter } from '../../src/directline/directLineAdapter.js';
import { createReplyDelivery } from '../../src/triage/delivery.js';
import type { Inquiry } from '../../src/triage/types.js';
import { emulatorActivity, FakeConnector } from '../support/fakeConnector.js';
import { useTempDirs } from '../support/tempDir.js';
import { newInquiry } from './helpers.js';
import { type StaffServer, startStaffServer } from './server.js';

const tempDir = useTempDirs();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const connector = new FakeConnector();
  await connector.start();
  cleanups.push(() => connector.stop());
  const s: StaffServer = await startStaffServer(await tempDir(), { withBot: true });
  cleanups.push(() => s.close());
  return { connector, s };
}

function reference(serviceUrl: string, conversationId: string): Partial<ConversationReference> {
  return {
    channelId: 'emulator',
    serviceUrl,
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    user: { id: 'user-1', name: 'User' },
    bot: { id: 'bot-1', name: 'Bot' },
  };
}

type ReplyResponse = {
  delivery: string;
  reply: { delivery: string; text: string };
  inquiry: { status: string };
};

describe('staff reply delivery', () => {
  it('sends a staff reply to the member proactively (continueConversation) and marks it delivered', async () => {
    const { connector, s } = await setup();
    const q = await s.inquiries.create(
      newInquiry({ locale: 'ja', conversationReference: reference(connector.url, 'conv-proactive') }),
    );
    const res = await s.api(`/api/staff/inquiries/${q.id}/replies`, {
      body: { text: 'Web-IDの再発行手続きをご案内します。', author: 'sato' },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as ReplyResponse;
    expect(body.delivery).toBe('delivered');
    expect(body.inquiry.status).toBe('waiting_member');

    await connector.waitFor(1);
    const call = connector.calls[0]!;
    expect(call.method).toBe('POST');
    // continueConversation posts into the stored conversation (botbuilder adds a synthetic replyToId).
    expect(call.path).toMatch(/^\/v3\/conversations\/conv-proactive\/activities(\/[\w-]+)?$/);
    expect(call.body).toMatchObject({
      type: 'message',
      text: '担当者からの返信: Web-IDの再発行手続きをご案内します。',
      conversation: { id: 'conv-proactive' },
      recipient: { id: 'user-1' },
    });
    const stored = s.inquiries.get(q.id)!;
    expect(stored.status).toBe('waiting_member');
    expect(stored.replies).toMatchObject([{ author: 'sato', delivery: 'delivered' }]);
    expect(stored.replies[0]!.deliveredAt).toBeDefined();
  });

  it('uses the English wording for an English inquiry and masks what staff typed', async () => {
    const { connector, s } = await setup();
    const q = await s.inquiries.create(
      newInquiry({ locale: 'en', conversationReference: reference(connector.url, 'conv-en') }),
    );
    await s.api(`/api/staff/inquiries/${q.id}/replies`, {
      body: { text: 'We stopped card 4980 1234 5678 9012.', author: 'sato' },
    });
    await connector.waitFor(1);
    const text = String(connector.calls[0]!.body.text);
    expect(text.startsWith('Reply from our staff: ')).toBe(true);
    expect(text).not.toContain('4980 1234');
  });

  it('keeps the reply pending when the channel cannot be reached, and sends it first on the next visit', async () => {
    const { connector, s } = await setup();
    // A closed port: the proactive send fails.
    const dead = new FakeConnector();
    const deadUrl = await dead.start();
    await dead.stop();
    const q = await s.inquiries.create(
      newInquiry({ conversationReference: reference(deadUrl, 'conv-later') }),
    );
    const res = await s.api(`/api/staff/inquiries/${q.id}/replies`, {
      body: { text: '店舗でお手続きください。', author: 'tanaka' },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as ReplyResponse;
    expect(body.delivery).toBe('pending');
    expect(body.inquiry.status).toBe('waiting_member');
    expect(s.inquiries.get(q.id)!.replies[0]!.delivery).toBe('pending');

    // The member comes back in the same conversation (now reachable at the connector).
    const post = (text: string) =>
      fetch(`${s.base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(emulatorActivity(connector.url, { conversation: { id: 'conv-later' }, text })),
      });
    expect((await post('こんにちは')).status).toBeLessThan(300);
    await connector.waitFor(2);
    expect(connector.texts()).toEqual(['担当者からの返信: 店舗でお手続きください。', 'echo: こんにちは']);
    expect(s.inquiries.get(q.id)!.replies[0]!.delivery).toBe('delivered');

    // Shown once only.
    await post('ありがとう');
    await connector.waitFor(3);
    expect(connector.texts().slice(2)).toEqual(['echo: ありがとう']);
  });

  it('routes Direct Line (Web Chat) references to the Direct Line adapter, others to the CloudAdapter', async () => {
    const dlCalls: Array<{ botAppId: string; reference: Partial<ConversationReference>; sent: string[] }> =
      [];
    const cloudCalls: string[] = [];
    const fakeContext = (sent: string[]) =>
      ({ sendActivity: async (a: { text: string }) => sent.push(a.text) }) as unknown as TurnContext;
    const deliver = createReplyDelivery({
      botAppId: 'app-id',
      cloudAdapter: {
        continueConversationAsync: (async (_id: string, ref: Partial<ConversationReference>) => {
          cloudCalls.push(ref.conversation!.id);
        }) as never,
      },
      directLine: {
        serviceUrl: 'urn:botframework:directline:local',
        adapter: {
          async continueConversationAsync(botAppId, ref, logic) {
            const sent: string[] = [];
            await logic(fakeContext(sent));
            dlCalls.push({ botAppId, reference: ref, sent });
          },
        },
      },
    });
    const inquiry = (serviceUrl: string, id: string) =>
      ({ id: 'Q1', locale: 'ja', conversationReference: reference(serviceUrl, id) }) as Inquiry;
    expect(await deliver(inquiry('urn:botframework:directline:local', 'dl-1'), 'こんにちは')).toBe(
      'delivered',
    );
    expect(await deliver(inquiry('https://smba.example/', 'teams-1'), 'hi')).toBe('delivered');
    expect(dlCalls).toEqual([
      {
        botAppId: 'app-id',
        reference: expect.objectContaining({ conversation: expect.objectContaining({ id: 'dl-1' }) }),
        sent: ['担当者からの返信: こんにちは'],
      },
    ]);
    expect(cloudCalls).toEqual(['teams-1']);
  });

  it('reports pending for a reference without a service URL or when the adapter throws', async () => {
    const deliver = createReplyDelivery({
      botAppId: '',
      cloudAdapter: {
        continueConversationAsync: (async () => {
          throw new Error('403 Forbidden');
        }) as never,
      },
    });
    const base = { id: 'Q1', locale: 'ja' } as Inquiry;
    expect(await deliver({ ...base, conversationReference: {} }, 'x')).toBe('pending');
    expect(await deliver({ ...base, conversationReference: reference('https://x.example/', 'c') }, 'x')).toBe(
      'pending',
    );
  });
});

describe('staff reply into Web Chat (the in-process Direct Line adapter)', () => {
  it('appends the reply to a live Direct Line conversation, and keeps it pending once the chat expired', async () => {
    const dl = new DirectLineAdapter();
    const deliver = createReplyDelivery({
      botAppId: '',
      cloudAdapter: {
        continueConversationAsync: (async () => {
          throw new Error('must not be used for Direct Line');
        }) as never,
      },
      directLine: { adapter: dl, serviceUrl: DIRECTLINE_SERVICE_URL },
    });
    const live = dl.conversations.create('dl_user');
    const inquiry = (conversationId: string) =>
      ({
        id: 'Q1',
        locale: 'en',
        conversationReference: {
          channelId: 'webchat',
          serviceUrl: DIRECTLINE_SERVICE_URL,
          conversation: { id: conversationId },
          user: { id: 'dl_user' },
          bot: { id: 'bot' },
        },
      }) as Inquiry;
    expect(await deliver(inquiry(live.id), 'Your new card is on its way.')).toBe('delivered');
    const texts = dl.conversations.peek(live.id)!.entries.map((e) => e.activity.text);
    expect(texts).toContain('Reply from our staff: Your new card is on its way.');
    expect(await deliver(inquiry('gone-conversation'), 'hello?')).toBe('pending');
  });
});
