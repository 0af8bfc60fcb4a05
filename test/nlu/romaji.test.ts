import { describe, expect, it } from 'vitest';
import { loadConcepts } from '../../src/nlu/features.js';
import { TopicRecognizer } from '../../src/nlu/recognizer.js';
import { readRomaji, romajiToKana } from '../../src/nlu/romaji.js';

describe('romaji', () => {
  it('reads syllable sequences as hiragana, long vowels dropped as the katakana long mark is', () => {
    expect(romajiToKana('wasureta')).toBe('わすれた');
    expect(romajiToKana('kaado')).toBe('かど');
    expect(romajiToKana('anshou')).toBe('あんしょう');
    expect(romajiToKana('konnichiwa')).toBe('こんにちわ');
    expect(romajiToKana('kitty')).toBeNull();
    expect(romajiToKana('hello')).toBeNull();
  });

  it('leaves known words, common English and concept words alone', () => {
    const known = { words: new Set(['web', 'id']), concepts: loadConcepts() };
    expect(readRomaji('web id wasureta', known)).toBe('web id わすれた');
    expect(readRomaji('same time', known)).toBeNull();
    expect(readRomaji('aeon card', known)).toBeNull();
  });

  it('recognises topics typed in romaji', () => {
    const r = TopicRecognizer.fromKnowledge();
    expect(r.recognizeText('pasuwado wasurechatta').top.topic).toBe('webid.forgot');
    expect(r.recognizeText('kado wo otoshita').top.topic).toBe('card.lost');
    expect(r.recognizeText('anshoubangou ga wakaranai').top.topic).toBe('card.pin_forgot');
  });
});
