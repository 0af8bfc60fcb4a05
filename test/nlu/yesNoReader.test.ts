import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { buildVocabulary, yesNoAnswerWith, yesNoReader, yesNoWith } from '../../src/nlu/yesNo.js';

const vocab = buildVocabulary(loadKnowledge().confirmWords);
const texts = [
  'はい',
  'いいえ',
  'はい、できません',
  'できました',
  'まだです',
  'no thanks',
  'yes please',
  '結構です',
  'カードをなくしました',
  'わからない',
  '',
];

describe('yesNoReader', () => {
  it('reads every message as yesNoWith and yesNoAnswerWith do, asked once or again in any order', () => {
    const read = yesNoReader(vocab);
    for (let pass = 0; pass < 3; pass++) {
      for (const text of pass === 1 ? [...texts].reverse() : texts) {
        expect(read(text), text).toBe(yesNoWith(text, vocab));
        expect(read(text, true), text).toBe(yesNoAnswerWith(text, vocab));
      }
    }
  });

  it('keeps the question reading and the answer reading of one text apart', () => {
    const read = yesNoReader(vocab);
    // 「はい、できません」 is a yes as a plain message and a no as the answer to "did it work?".
    expect(read('はい、できません', true)).toBe(false);
    expect(read('はい、できません')).toBe(true);
    expect(read('はい、できません', true)).toBe(false);
  });
});
