import { describe, expect, it } from 'vitest';
import { maskKnownText } from '../../src/privacy/maskMemo.js';
import { maskSecrets } from '../../src/privacy/secretGuard.js';

const LINES = [
  'お役に立ちましたか？',
  '【1. まず今すぐ】プロミスコール（0120-24-0365・通話無料）へお電話ください。',
  '暗証番号は4821です',
  'my password is marmalade7',
  'カード番号 4111 1111 1111 1111',
  'GET /v3/directline/conversations/:conversationId/activities',
  `${'長い文章です。'.repeat(200)}暗証番号は9034`,
];

describe('maskKnownText (remembered verdicts for replies and log fields)', () => {
  it('gives exactly what maskSecrets gives, the first time and every time after', () => {
    for (let round = 0; round < 3; round++) {
      for (const line of LINES) expect(maskKnownText(line), line).toBe(maskSecrets(line).text);
    }
  });

  it('masks a secret every time, also after the harmless text around it was remembered', () => {
    maskKnownText('暗証番号は');
    expect(maskKnownText('暗証番号は4821')).not.toContain('4821');
    expect(maskKnownText('暗証番号は4821')).not.toContain('4821');
  });
});
