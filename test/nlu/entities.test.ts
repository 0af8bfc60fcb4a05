import { describe, expect, it } from 'vitest';
import { extractEntities, resolveWhen } from '../../src/nlu/entities.js';
import { recognizeYesNo } from '../../src/nlu/yesNo.js';

// 2024-05-10 12:00 in Tokyo. Every expectation is an absolute UTC instant, so the result must not
// depend on the time zone of the machine running the tests.
const NOW = new Date('2024-05-10T03:00:00Z');
const tokyo = (iso: string) => new Date(`${iso}+09:00`).toISOString();

describe('extractEntities', () => {
  it('finds numbers, phone numbers and e-mail addresses (full-width digits too)', () => {
    const e = extractEntities(
      '２万５千円を払った。電話は090-1234-5678、メールは taro@example.co.jp です',
      'ja',
      NOW,
    );
    expect(e.numbers).toContain(25000);
    expect(e.phoneNumbers).toEqual(['090-1234-5678']);
    expect(e.emails).toEqual(['taro@example.co.jp']);
    // The digits of the phone number are not reported as amounts.
    expect(e.numbers).not.toContain(90);
  });

  it('finds English numbers and a yes/no answer', () => {
    const e = extractEntities('yes, I paid 3 times', 'en', NOW);
    expect(e.numbers).toEqual([3]);
    expect(e.yesNo).toBe(true);
  });

  it.each([
    ['昨日の夜8時', '2024-05-09T20:00'],
    ['３日前', '2024-05-07T12:00'],
    ['三日前に落とした', '2024-05-07T12:00'],
    ['おとといの朝', '2024-05-08T08:00'],
    ['今朝', '2024-05-10T08:00'],
    ['今日の午後3時半', '2024-05-10T15:30'],
    ['2時間前', '2024-05-10T10:00'],
    ['昨夜', '2024-05-09T20:00'],
  ])('resolves Japanese %s on the Tokyo clock', (text, expected) => {
    expect(resolveWhen(text, 'ja', NOW)?.at.toISOString()).toBe(tokyo(expected));
  });

  it.each([
    ['yesterday evening', '2024-05-09T18:00'],
    ['this morning', '2024-05-10T08:00'],
    ['last night at 8', '2024-05-09T20:00'],
    ['3 days ago', '2024-05-07T12:00'],
    ['yesterday at 7:30 pm', '2024-05-09T19:30'],
  ])('resolves English %s on the Tokyo clock', (text, expected) => {
    expect(resolveWhen(text, 'en', NOW)?.at.toISOString()).toBe(tokyo(expected));
  });

  it('uses the Tokyo date even when it differs from the UTC date', () => {
    // 2024-05-10 23:30 UTC is already 2024-05-11 08:30 in Tokyo: 昨日 is the 10th.
    const late = new Date('2024-05-10T23:30:00Z');
    expect(resolveWhen('昨日の夜8時', 'ja', late)?.at.toISOString()).toBe(tokyo('2024-05-10T20:00'));
  });

  it('treats a bare time of day later than now as the last one (members report past events)', () => {
    expect(resolveWhen('夜8時ごろ', 'ja', NOW)?.at.toISOString()).toBe(tokyo('2024-05-09T20:00'));
  });

  it('falls back to chrono-node for absolute dates and returns nothing without a time', () => {
    expect(resolveWhen('5月3日に落としました', 'ja', NOW)?.at.toISOString().slice(0, 10)).toBe('2024-05-03');
    expect(resolveWhen('カードをなくした', 'ja', NOW)).toBeUndefined();
    expect(extractEntities('カードをなくした', 'ja', NOW).when).toBeUndefined();
  });
});

describe('recognizeYesNo', () => {
  it.each([
    'はい',
    'うん',
    'ええ',
    'そう',
    'そうです',
    '大丈夫です',
    'お願いします',
    'はい、お願いします',
    'ＯＫ',
    'ok',
    'yes',
    'Yeah',
    'sure',
    'yes please',
  ])('%s → true', (text) => {
    expect(recognizeYesNo(text)).toBe(true);
  });

  it.each([
    'いいえ',
    'いや',
    '違う',
    'ちがいます',
    '違います。',
    'いいや',
    'no',
    'Nope',
    'not really',
    'no thanks',
  ])('%s → false', (text) => {
    expect(recognizeYesNo(text)).toBe(false);
  });

  it.each(['カードをなくした', 'what is a web id', '明日の天気', ''])('%s → undefined', (text) => {
    expect(recognizeYesNo(text)).toBeUndefined();
  });
});
