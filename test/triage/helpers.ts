import { pendingReplies } from '../../src/persistence/lowdb/index.js';
import { LowdbInquiryRepository } from '../../src/persistence/lowdb/inquiries.js';
import { MemoryOutbox } from '../../src/persistence/memory.js';
import { InquiryService, type StoreOptions } from '../../src/triage/inquiryStore.js';
import type { FirstResponseAt, InquiryRules } from '../../src/triage/rules.js';
import { loadTriageRules } from '../../src/triage/rules.js';
import type { NewInquiry } from '../../src/triage/types.js';

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/**
 * Stand-in for the policy module's web-inquiry window in unit tests: 9:00–21:00 JST every day;
 * outside it, the next 9:00. Payment questions have no web window (phone only).
 */
export const officeHours: FirstResponseAt = (topic, at) => {
  if (topic === 'payment.inquiry') return null;
  const jst = new Date(at.getTime() + JST_OFFSET_MS);
  const hour = jst.getUTCHours();
  if (hour >= 9 && hour < 21) return at;
  const next = new Date(jst);
  if (hour >= 21) next.setUTCDate(next.getUTCDate() + 1);
  next.setUTCHours(9, 0, 0, 0);
  return new Date(next.getTime() - JST_OFFSET_MS);
};

export function testRules(firstResponseAt: FirstResponseAt = officeHours): InquiryRules {
  return { triage: loadTriageRules(), firstResponseAt };
}

export function newInquiry(overrides: Partial<NewInquiry> = {}): NewInquiry {
  return {
    topic: 'login.trouble',
    locale: 'ja',
    summary: 'ログインできません',
    excerpt: [
      { from: 'member', text: 'ログインできない', at: '2026-11-25T01:00:00.000Z' },
      { from: 'bot', text: 'お困りの点を教えてください。', at: '2026-11-25T01:00:01.000Z' },
    ],
    conversationReference: {
      channelId: 'emulator',
      serviceUrl: 'http://127.0.0.1:9/',
      conversation: { id: 'conv-1', isGroup: false, conversationType: 'personal', name: '' },
      user: { id: 'user-1', name: 'User' },
      bot: { id: 'bot-1', name: 'Bot' },
    },
    createdAt: new Date('2026-11-25T01:00:00.000Z'),
    ...overrides,
  };
}

/** A JST wall-clock time as a Date. */
export function jst(isoLocal: string): Date {
  return new Date(`${isoLocal}+09:00`);
}

/** The inquiry service on lowdb files in `dir`, as the embedded backend opens it. */
export async function openInquiries(
  dir: string,
  rules: InquiryRules = testRules(),
  options: StoreOptions = {},
): Promise<InquiryService> {
  const repository = await LowdbInquiryRepository.open(dir, options.logger);
  return new InquiryService(repository, new MemoryOutbox(pendingReplies(repository.all())), rules, options);
}
