import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { strictMask } from '../../src/privacy/strictMask.js';

const SEED = 16_0316;

describe('strictMask (the unanswered-question log)', () => {
  it.each([
    ['天気はどう？', '天気はどう？'],
    ['パスワードを忘れました', 'パスワードを忘れました'],
    ['一緒にログインできない', '一緒にログインできない'],
    ['十二月に入会した', '十二月に入会した'],
    ['2024年11月30日に返済', '****年11月30日に返済'],
    ['三十一日に返済したい', '***日に返済したい'],
    ['会員番号12345678でWeb-ID', '会員番号********でWeb-ID'],
    ['電話 090-1234-5678', '電話 ***-****-****'],
    ['番号は 8 3 1 7 です', '番号は * * * * です'],
    ['パスワードはなにかな', 'パスワードは***'],
    ['合言葉は ふくろう', '合言葉は ***'],
    ['PINは何桁？', 'PINは***？'],
    ['passport renewal', 'passport renewal'],
    ['IDはtanaka88', 'IDはtanaka88'],
    ['pin: abc12x', 'pin: ***'],
    ['暗号 abc12x です', '暗号 *** です'],
  ])('%j → %j', (input, expected) => {
    expect(strictMask(input)).toBe(expected);
  });

  it.each([
    '暗証番号は1234', // a secret the guard catches: no content gap to count
    '暗証番号は1と2と3と4',
    'カード番号は四五三九一四八八〇三四三六四六七',
    'my password is sunny day',
    'パスワード「ねこ まる」',
    'パスワードのことで「ねこまる」が通らない',
    'パスワードはさくらもちです', // a kana password before a copula: the guard's own catch
    'パスワードはさくらもちかな', // …and before かな ("I think"): the second round's catch
  ])('drops %j', (input) => {
    expect(strictMask(input)).toBeUndefined();
  });

  const KANJI = '〇一二三四五六七八九';
  const unit = fc.constantFrom(
    ...'0123456789０１２３４５６７８９',
    ...KANJI,
    '十',
    '百',
    ' ',
    '-',
    'と',
    '、',
    'あ',
    'の',
    '円',
    '日',
    'a',
    'Z',
    '暗証番号は',
    'パスワードは',
    'password: ',
    '合言葉は',
    'ログイン',
  );
  const message = fc.array(unit, { maxLength: 30 }).map((u) => u.join(''));

  it('keeps no run of 3 or more digits in any script (also joined one by one)', () => {
    fc.assert(
      fc.property(message, (text) => {
        const out = strictMask(text);
        if (out === undefined) return;
        const folded = out
          .normalize('NFKC')
          .replace(/[〇一二三四五六七八九十百千万]/gu, '9')
          .replace(/(?<=\d)[ \-‐－ー・、,，.．と](?=\d)/gu, '');
        expect(folded).not.toMatch(/\d{3}/u);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('masks the word after any secret label, and is stable on its own output', () => {
    const label = fc.constantFrom(
      'パスワードは',
      '暗証番号は',
      '合言葉は',
      'password: ',
      'my pin is ',
      'パスは',
    );
    const word = fc.constantFrom('ふくろう', 'kestrel', 'ひまわり', 'otter', 'やまびこ');
    fc.assert(
      fc.property(fc.constantFrom('', 'えっと、', 'Hi '), label, word, message, (lead, l, w, rest) => {
        const out = strictMask(`${lead}${l}${w} ${rest}`);
        if (out === undefined) return;
        expect(out).not.toContain(w);
        expect(strictMask(out)).toBe(out);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
