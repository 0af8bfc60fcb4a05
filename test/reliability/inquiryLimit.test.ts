import { describe, expect, it, vi } from 'vitest';
import { runForClient } from '../../src/clientScope.js';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { InquiryLimitReachedError, inquiryLimitKeys, limitInquiries } from '../../src/triage/inquiryLimit.js';
import type { Inquiry, NewInquiry } from '../../src/triage/types.js';
import { emulatorActivity } from '../support/fakeConnector.js';
import { useTempDirs } from '../support/tempDir.js';
import { type DirectLineClient, type Running, rawRequest, startApp } from './helpers.js';

// RATE_LIMIT_INQUIRIES_PER_HOUR: per member, and per client address where from.id is not vouched
// for (local mode, Direct Line). Over it: a polite message with the phone number, nothing filed.

const tempDir = useTempDirs();
const handoff = loadKnowledge().flows.handoff.texts;
const limitedJa = handoff.limitReached.ja.split('、')[0]!;
const REFERENCE = /受付番号：(Q\d{8}-[A-HJ-NP-Z]{8})/;

/** The three messages that leave an inquiry, from one member and address; returns the bot's replies. */
async function leaveInquiry(app: Running, conversationId: string, member: string, localAddress: string) {
  const before = app.connector.calls.length;
  for (const text of ['担当者と話したい', 'ログインできません。エラーが出ます', 'はい']) {
    const res = await rawRequest(app.base, 'POST', '/api/messages', {
      localAddress,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        emulatorActivity(app.connector.url, {
          conversation: { id: conversationId },
          from: { id: member, role: 'user' },
          locale: 'ja-JP',
          text,
        }),
      ),
    });
    expect(res.status).toBe(200);
  }
  return app.connector.calls.slice(before).map((c) => String(c.body.text ?? ''));
}

async function filedCount(app: Running): Promise<number> {
  const list = (await (await app.staff('/api/staff/inquiries')).json()) as { inquiries: unknown[] };
  return list.inquiries.length;
}

async function leaveOnDirectLine(client: DirectLineClient): Promise<string> {
  for (const text of ['担当者と話したい', 'ログインできません。エラーが出ます', 'はい']) {
    expect((await client.send(text)).status).toBe(200);
  }
  return (await client.botTexts()).join('\n');
}

describe('inquiry limit over HTTP', () => {
  it('local mode: the address counts too, so a fresh from.id does not get around it', async () => {
    const app = await startApp(await tempDir(), { RATE_LIMIT_INQUIRIES_PER_HOUR: '2' });
    for (const n of [1, 2]) {
      const replies = await leaveInquiry(app, `limit-a-${n}`, 'member-a', '127.0.0.1');
      expect(replies.some((r) => REFERENCE.test(r))).toBe(true);
    }
    const refused = await leaveInquiry(app, 'limit-b', 'member-b', '127.0.0.1');
    expect(refused.some((r) => REFERENCE.test(r))).toBe(false);
    const polite = refused.find((r) => r.startsWith(limitedJa));
    expect(polite).toContain('0120-24-0365');
    expect(await filedCount(app)).toBe(2);

    // Another address is not affected.
    const other = await leaveInquiry(app, 'limit-c', 'member-c', '127.0.0.2');
    expect(other.some((r) => REFERENCE.test(r))).toBe(true);
    expect(await filedCount(app)).toBe(3);
  });

  it('Direct Line: a new conversation from the same address does not get around it', async () => {
    const app = await startApp(await tempDir(), { RATE_LIMIT_INQUIRIES_PER_HOUR: '1' });
    expect(await leaveOnDirectLine(await app.directLine())).toMatch(REFERENCE);
    const second = await leaveOnDirectLine(await app.directLine());
    expect(second).not.toMatch(REFERENCE);
    expect(second).toContain(limitedJa);
    expect(await filedCount(app)).toBe(1);
  });
});

describe('whose allowance an inquiry uses', () => {
  const input = (user: string): NewInquiry =>
    ({
      topic: 'login.trouble',
      locale: 'ja',
      summary: 's',
      excerpt: [],
      conversationReference: { channelId: 'msteams', user: { id: user }, conversation: { id: `c-${user}` } },
      createdAt: new Date(),
    }) as unknown as NewInquiry;

  it('uses from.id only when channel authentication vouches for it; else the address as well', () => {
    expect(
      runForClient({ address: '10.0.0.1', memberIdTrusted: true }, () => inquiryLimitKeys(input('u1'))),
    ).toEqual(['member:msteams/u1']);
    expect(
      runForClient({ address: '10.0.0.1', memberIdTrusted: false }, () => inquiryLimitKeys(input('u1'))),
    ).toEqual(['member:msteams/u1', 'address:10.0.0.1']);
  });

  it('authenticated members behind one channel address each get their own allowance', async () => {
    const create = vi.fn(async (i: NewInquiry) => ({ id: 'Q', ...i }) as unknown as Inquiry);
    const intake = limitInquiries({ create }, 1);
    const trusted = { address: '52.0.0.1', memberIdTrusted: true };
    await runForClient(trusted, () => intake.create(input('u1')));
    await runForClient(trusted, () => intake.create(input('u2')));
    await expect(runForClient(trusted, () => intake.create(input('u1')))).rejects.toBeInstanceOf(
      InquiryLimitReachedError,
    );
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('a refusal by one allowance is not charged to the other', async () => {
    const create = vi.fn(async (i: NewInquiry) => ({ id: 'Q', ...i }) as unknown as Inquiry);
    const intake = limitInquiries({ create }, 1);
    const local = (address: string) => ({ address, memberIdTrusted: false });
    await runForClient(local('127.0.0.1'), () => intake.create(input('u1')));
    // u2 from the same address: refused by the address; u2's own allowance stays unused.
    await expect(runForClient(local('127.0.0.1'), () => intake.create(input('u2')))).rejects.toBeInstanceOf(
      InquiryLimitReachedError,
    );
    await runForClient(local('127.0.0.2'), () => intake.create(input('u2')));
    expect(create).toHaveBeenCalledTimes(2);
  });
});
