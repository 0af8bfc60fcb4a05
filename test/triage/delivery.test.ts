import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConversationReference, TurnContext } from 'botbuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTLINE_SERVICE_URL, DirectLineAdapter } from '../../src/directline/directLineAdapter.js';
import { createPendingReplyMiddleware, createReplyDelivery } from '../../src/triage/delivery.js';
import type { Inquiry } from '../../src/triage/types.js';
import { tempDirectLineLog } from '../directline/helpers.js';
import { emulatorActivity, FakeConnector } from '../support/fakeConnector.js';
import { useTempDirs } from '../support/tempDir.js';
import { newInquiry, openInquiries, testRules } from './helpers.js';
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
    const stored = (await s.inquiries.get(q.id))!;
    expect(stored.status).toBe('waiting_member');
    // The author is the caller (the STAFF_TOKEN service here); the body's author is ignored.
    expect(stored.replies).toMatchObject([{ author: 'service', delivery: 'delivered' }]);
    expect(stored.replies[0]!.deliveredAt).toBeDefined();
  });

  it('uses the English wording for an English inquiry and never sends a card number staff typed', async () => {
    const { connector, s } = await setup();
    const q = await s.inquiries.create(
      newInquiry({ locale: 'en', conversationReference: reference(connector.url, 'conv-en') }),
    );
    const refused = await s.api(`/api/staff/inquiries/${q.id}/replies`, {
      body: { text: 'We stopped card 4980 1234 5678 9012.', author: 'sato' },
    });
    expect(refused.status).toBe(422);
    await s.api(`/api/staff/inquiries/${q.id}/replies`, {
      body: { text: 'We stopped your card.', author: 'sato' },
    });
    await connector.waitFor(1);
    expect(connector.calls).toHaveLength(1);
    const text = String(connector.calls[0]!.body.text);
    expect(text).toBe('Reply from our staff: We stopped your card.');
  });

  it('keeps the reply pending when the channel cannot be reached, and sends it first on the next visit', async () => {
    const connector = new FakeConnector();
    await connector.start();
    cleanups.push(() => connector.stop());
    // The proactive send fails (the channel refuses it); the member later writes from the same
    // conversation, channel and serviceUrl.
    const s = await startStaffServer(await tempDir(), {
      withBot: true,
      deliver: createReplyDelivery({
        botAppId: '',
        cloudAdapter: {
          continueConversationAsync: (async () => {
            throw new Error('connect ECONNREFUSED');
          }) as never,
        },
      }),
    });
    cleanups.push(() => s.close());
    const q = await s.inquiries.create(
      newInquiry({ conversationReference: reference(connector.url, 'conv-later') }),
    );
    const res = await s.api(`/api/staff/inquiries/${q.id}/replies`, {
      body: { text: '店舗でお手続きください。', author: 'tanaka' },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as ReplyResponse;
    expect(body.delivery).toBe('pending');
    expect(body.inquiry.status).toBe('waiting_member');
    expect((await s.inquiries.get(q.id))!.replies[0]!.delivery).toBe('pending');

    const post = (text: string, overrides: Record<string, unknown> = {}) =>
      fetch(`${s.base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          emulatorActivity(connector.url, { conversation: { id: 'conv-later' }, text, ...overrides }),
        ),
      });
    // Another channel using the same conversation id does not get it.
    expect((await post('だれ？', { channelId: 'webchat' })).status).toBeLessThan(300);
    await connector.waitFor(1);
    expect(connector.texts()).toEqual(['echo: だれ？']);
    expect((await s.inquiries.get(q.id))!.replies[0]!.delivery).toBe('pending');

    // The member comes back in the same conversation.
    expect((await post('こんにちは')).status).toBeLessThan(300);
    await connector.waitFor(3);
    expect(connector.texts().slice(1)).toEqual([
      '担当者からの返信: 店舗でお手続きください。',
      'echo: こんにちは',
    ]);
    expect((await s.inquiries.get(q.id))!.replies[0]!.delivery).toBe('delivered');

    // Shown once only.
    await post('ありがとう');
    await connector.waitFor(4);
    expect(connector.texts().slice(3)).toEqual(['echo: ありがとう']);
  });

  it('a proactive reply whose record fails is answered 201 (recorded: false) and never sent again', async () => {
    const connector = new FakeConnector();
    await connector.start();
    cleanups.push(() => connector.stop());
    const dataDir = await tempDir();
    const dir = join(dataDir, 'inquiries');
    const sent: string[] = [];
    const s = await startStaffServer(dataDir, {
      withBot: true,
      // Delivers, and the disk fails right after (before the delivery is recorded).
      deliver: async (_inquiry, text) => {
        sent.push(text);
        await rm(dir, { recursive: true });
        await writeFile(dir, 'not a folder');
        return 'delivered';
      },
    });
    cleanups.push(() => s.close());
    const q = await s.inquiries.create(
      newInquiry({ conversationReference: reference(connector.url, 'conv-unrecorded') }),
    );
    const res = await s.api(`/api/staff/inquiries/${q.id}/replies`, {
      body: { text: 'ご連絡ありがとうございます。', author: 'sato' },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as ReplyResponse & { recorded?: boolean };
    expect(body).toMatchObject({ delivery: 'delivered', recorded: false, reply: { delivery: 'delivered' } });
    // The member writes again: the reply is not sent a second time.
    await fetch(`${s.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        emulatorActivity(connector.url, { conversation: { id: 'conv-unrecorded' }, text: 'はい' }),
      ),
    });
    await connector.waitFor(1);
    expect(connector.texts()).toEqual(['echo: はい']);
    expect(sent).toHaveLength(1);
    // Once the disk is back, the delivery is recorded.
    await rm(dir);
    await mkdir(dir);
    await s.inquiries.flush();
    const reopened = await openInquiries(dir, testRules());
    expect((await reopened.get(q.id))?.replies[0]?.delivery).toBe('delivered');
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

describe('pending-reply middleware', () => {
  it('after a sent reply fails to be recorded, releases only the replies not yet sent', async () => {
    const claims = ['r1', 'r2', 'r3'].map((id, i) => ({
      inquiry: { id: `Q${i}`, locale: 'ja' } as Inquiry,
      reply: { id, at: '', author: 'a', text: id, delivery: 'pending' as const },
    }));
    const released: string[] = [];
    const addresses: unknown[] = [];
    const middleware = createPendingReplyMiddleware(
      {
        claimPendingReplies: async (address) => {
          addresses.push(address);
          return claims;
        },
        markReplyDelivered: async () => {
          throw new Error('EIO');
        },
        releaseReply: async (id) => {
          released.push(id);
        },
      },
      { wording: { ja: '{text}', en: '{text}' } },
    );
    const sent: string[] = [];
    const context = {
      activity: {
        type: 'message',
        text: 'hi',
        channelId: 'emulator',
        serviceUrl: 'http://127.0.0.1:9',
        conversation: { id: 'c1' },
        from: { id: 'u', role: 'user' },
      },
      sendActivity: async (a: { text: string }) => {
        sent.push(a.text);
      },
    } as unknown as TurnContext;
    let nextRan = false;
    await middleware.onTurn(context, async () => {
      nextRan = true;
    });
    expect(addresses).toEqual([
      { conversationId: 'c1', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9' },
    ]);
    expect(sent).toEqual(['r1']);
    expect(released).toEqual(['r2', 'r3']);
    expect(nextRan).toBe(true);
  });
});

describe('staff reply into Web Chat (the in-process Direct Line adapter)', () => {
  it('appends the reply to a live Direct Line conversation, and keeps it pending once the chat expired', async () => {
    const dl = new DirectLineAdapter({ conversations: (await tempDirectLineLog()).log });
    const deliver = createReplyDelivery({
      botAppId: '',
      cloudAdapter: {
        continueConversationAsync: (async () => {
          throw new Error('must not be used for Direct Line');
        }) as never,
      },
      directLine: { adapter: dl, serviceUrl: DIRECTLINE_SERVICE_URL },
    });
    const live = await dl.conversations.create();
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
    const texts = (await dl.conversations.list(live.id)).activities.map((a) => a.text);
    expect(texts).toContain('Reply from our staff: Your new card is on its way.');
    expect(await deliver(inquiry('gone-conversation'), 'hello?')).toBe('pending');
  });
});
