import { describe, expect, it } from 'vitest';
import { loadSupportHours } from '../../src/policy/index.js';
import { maskSecrets } from '../../src/privacy/secretGuard.js';
import { inquiryRulesFromPolicy } from '../../src/triage/rules.js';
import { useTempDirs } from '../support/tempDir.js';
import { openInquiries } from './helpers.js';

const tempDir = useTempDirs();

describe('inquiry reference numbers', () => {
  it('are never touched by the secret guard in the message that tells the member', async () => {
    const store = await openInquiries(await tempDir(), inquiryRulesFromPolicy(loadSupportHours()));
    const at = new Date('2026-11-26T14:00:00+09:00');
    for (let i = 0; i < 300; i++) {
      const inquiry = await store.create({
        topic: 'handoff.human',
        locale: 'ja',
        summary: 'test',
        excerpt: [],
        conversationReference: {},
        createdAt: at,
      });
      expect(inquiry.id).toMatch(/^Q20261126-[A-HJ-NP-Z]{8}$/);
      const told = `お問い合わせを受け付けました（受付番号：${inquiry.id}）。`;
      expect(maskSecrets(told).text).toBe(told);
    }
  });
});
