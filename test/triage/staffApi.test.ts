import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/tempDir.js';
import { jst, newInquiry } from './helpers.js';
import { type StaffServer, startStaffServer, TOKEN } from './server.js';

const tempDir = useTempDirs();
const running: StaffServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

async function start(options: Parameters<typeof startStaffServer>[1] = {}) {
  const s = await startStaffServer(await tempDir(), options);
  running.push(s);
  return s;
}

describe('staff API: authentication', () => {
  it('is off without STAFF_TOKEN: 503 with a clear JSON message, even with some bearer token', async () => {
    const s = await start({ staffToken: '' });
    for (const token of [null, '', 'anything-at-all-here']) {
      const res = await s.api('/api/staff/inquiries', { token });
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('StaffApiDisabled');
      expect(body.error.message).toContain('STAFF_TOKEN');
    }
  });

  it('answers 401 without a token, with a wrong token, and with a non-Bearer scheme', async () => {
    const s = await start();
    await s.inquiries.create(newInquiry());
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${TOKEN}` },
      { authorization: 'Bearer' },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${s.base}/api/staff/inquiries`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      const text = await res.text();
      expect(text).not.toContain('ログイン');
    }
    const post = await s.api('/api/staff/inquiries/x/notes', {
      token: 'nope',
      body: { text: 'a', author: 'b' },
    });
    expect(post.status).toBe(401);
  });

  it('lets the right token in (contract shape of GET /api/staff/inquiries)', async () => {
    const s = await start();
    const q = await s.inquiries.create(newInquiry());
    const res = await s.api('/api/staff/inquiries');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { inquiries: Array<Record<string, unknown>> };
    expect(body.inquiries).toHaveLength(1);
    expect(body.inquiries[0]).toMatchObject({
      id: q.id,
      topic: 'login.trouble',
      priority: 'high',
      status: 'new',
      createdAt: q.createdAt,
      dueAt: q.dueAt,
      locale: 'ja',
      summary: 'ログインできません',
    });
    // The list carries neither the conversation reference nor the excerpt.
    expect(body.inquiries[0]).not.toHaveProperty('conversationReference');
    expect(body.inquiries[0]).not.toHaveProperty('excerpt');
  });
});

describe('staff API: queue and inquiries', () => {
  it('filters by status, priority, topic and overdue, sorted by due time', async () => {
    const now = jst('2026-11-25T12:20:00');
    const s = await start({ now: () => now });
    const lost = await s.inquiries.create(
      newInquiry({ topic: 'card.lost', createdAt: jst('2026-11-25T11:55:00') }),
    );
    const points = await s.inquiries.create(
      newInquiry({ topic: 'service.points', createdAt: jst('2026-11-25T11:10:00') }),
    );
    const login = await s.inquiries.create(
      newInquiry({ topic: 'login.trouble', createdAt: jst('2026-11-25T11:40:00') }),
    );
    const done = await s.inquiries.create(
      newInquiry({ topic: 'webid.issue', createdAt: jst('2026-11-25T10:50:00') }),
    );
    await s.inquiries.setStatus(done.id, 'resolved');

    const ids = async (qs: string) => {
      const res = await s.api(`/api/staff/inquiries${qs}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { inquiries: Array<{ id: string }> }).inquiries.map((q) => q.id);
    };
    // lost due 12:10, login 12:40, done 12:50, points 13:10.
    expect(await ids('')).toEqual([lost.id, login.id, done.id, points.id]);
    expect(await ids('?status=open')).toEqual([lost.id, login.id, points.id]);
    expect(await ids('?status=resolved')).toEqual([done.id]);
    expect(await ids('?status=new,resolved&priority=urgent,normal')).toEqual([lost.id, done.id, points.id]);
    expect(await ids('?priority=high')).toEqual([login.id]);
    expect(await ids('?topic=service.points')).toEqual([points.id]);
    expect(await ids('?overdue=true')).toEqual([lost.id]);
    expect(await ids('?overdue=false&status=open')).toEqual([login.id, points.id]);
  });

  it('answers 400 with field errors for a bad filter', async () => {
    const s = await start();
    const res = await s.api('/api/staff/inquiries?status=closed&priority=max&overdue=yes&colour=red');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: Record<string, string[]> } };
    expect(Object.keys(body.error.fields).sort()).toEqual(['colour', 'overdue', 'priority', 'status']);
  });

  it('gets one inquiry with its excerpt and allowed moves; unknown id is 404', async () => {
    const s = await start();
    const q = await s.inquiries.create(newInquiry());
    const res = await s.api(`/api/staff/inquiries/${q.id}`);
    expect(res.status).toBe(200);
    const { inquiry } = (await res.json()) as { inquiry: Record<string, unknown> };
    expect(inquiry).toMatchObject({
      id: q.id,
      channel: 'emulator',
      allowedStatuses: ['in_progress', 'resolved'],
    });
    expect(inquiry.excerpt).toHaveLength(2);
    expect(inquiry).not.toHaveProperty('conversationReference');
    expect((await s.api('/api/staff/inquiries/Q20260101-DEADBEEF')).status).toBe(404);
    expect((await s.api('/api/staff/inquiries/..%2F..%2Fetc')).status).toBe(404);
    const missing = await s.api('/api/staff/inquiries/Q20260101-DEADBEEF/notes', {
      body: { text: 'x', author: 'y' },
    });
    expect(missing.status).toBe(404);
  });

  it('assigns, adds notes (a card number refused, 422) and validates bodies with field errors', async () => {
    const s = await start();
    const q = await s.inquiries.create(newInquiry());
    const assign = await s.api(`/api/staff/inquiries/${q.id}/assign`, { body: { assignee: 'sato' } });
    expect(assign.status).toBe(200);
    expect((await s.inquiries.get(q.id))?.assignee).toBe('sato');
    const unassign = await s.api(`/api/staff/inquiries/${q.id}/assign`, { body: { assignee: null } });
    expect(unassign.status).toBe(200);
    expect((await s.inquiries.get(q.id))?.assignee).toBeNull();

    const refused = await s.api(`/api/staff/inquiries/${q.id}/notes`, {
      body: { text: 'card 4980 1234 5678 9012 stopped', author: 'sato' },
    });
    expect(refused.status).toBe(422);
    const note = await s.api(`/api/staff/inquiries/${q.id}/notes`, {
      body: { text: 'card stopped by phone', author: 'sato' },
    });
    expect(note.status).toBe(201);
    const stored = (await s.inquiries.get(q.id))!.notes;
    // The author is who called (here the STAFF_TOKEN service); an author in the body is ignored.
    expect(stored).toMatchObject([{ author: 'service', text: 'card stopped by phone' }]);

    const bad = await s.api(`/api/staff/inquiries/${q.id}/notes`, { body: { text: '   ', extra: 1 } });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { fields: Record<string, string[]> } };
    expect(Object.keys(body.error.fields).sort()).toEqual(['extra', 'text']);
    const notJson = await fetch(`${s.base}/api/staff/inquiries/${q.id}/assign`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(notJson.status).toBe(400);
    expect((await s.inquiries.get(q.id))!.notes).toHaveLength(1);
  });

  it('changes status along the allowed moves and refuses others with 409 listing the allowed ones', async () => {
    const s = await start();
    const q = await s.inquiries.create(newInquiry());
    const move = (status: string) => s.api(`/api/staff/inquiries/${q.id}/status`, { body: { status } });

    const skip = await move('waiting_member');
    expect(skip.status).toBe(409);
    expect(await skip.json()).toMatchObject({
      error: {
        code: 'InvalidTransition',
        from: 'new',
        to: 'waiting_member',
        allowed: ['in_progress', 'resolved'],
      },
    });
    expect((await move('in_progress')).status).toBe(200);
    expect((await move('in_progress')).status).toBe(409);
    expect((await move('new')).status).toBe(409);
    expect((await move('waiting_member')).status).toBe(200);
    expect((await move('resolved')).status).toBe(200);
    const back = await move('new');
    expect(back.status).toBe(409);
    expect(((await back.json()) as { error: { allowed: string[] } }).error.allowed).toEqual(['in_progress']);
    expect((await move('closed')).status).toBe(400);
    expect((await s.inquiries.get(q.id))?.status).toBe('resolved');
  });

  it('lists unanswered questions grouped, and dismisses a group', async () => {
    const s = await start();
    const at = new Date('2026-11-25T03:00:00Z');
    await s.unanswered.record('天気はどう？', 'ja', at);
    await s.unanswered.record('天気はどう', 'ja', at);
    await s.unanswered.record('ｶｰﾄﾞﾛｰﾝの金利', 'ja', at);
    const res = await s.api('/api/staff/unanswered');
    expect(res.status).toBe(200);
    const { groups } = (await res.json()) as {
      groups: Array<{ id: string; count: number; examples: string[] }>;
    };
    expect(groups.map((g) => g.count)).toEqual([2, 1]);
    // Examples keep the member's own wording (half-width kana and all).
    expect(groups[1]!.examples).toEqual(['ｶｰﾄﾞﾛｰﾝの金利']);
    expect((await s.api(`/api/staff/unanswered/${groups[0]!.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await s.api(`/api/staff/unanswered/${groups[0]!.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(await s.unanswered.list()).toHaveLength(1);
  });
});
