import { describe, expect, it } from 'vitest';
import { conceptsOf } from '../../src/nlu/features.js';
import { katakanaToHiragana, normalize } from '../../src/nlu/normalize.js';
import { compileVariants } from '../../src/nlu/variants.js';

describe('normalize', () => {
  it('answers a repeated text from the last result only for the same variants', () => {
    const cardToKaado = compileVariants({ terms: [{ canonical: 'kaado', spellings: ['カード'] }] } as never);
    const cardToCard = compileVariants({ terms: [{ canonical: 'card', spellings: ['カード'] }] } as never);
    expect(normalize('カード番号', cardToKaado)).toBe('kaado番号');
    expect(normalize('カード番号', cardToCard)).toBe('card番号');
    expect(normalize('カード番号', cardToKaado)).toBe('kaado番号');
    expect(normalize('カードを紛失', cardToKaado)).toBe('kaadoを紛失');
  });

  it('folds half-width katakana, full-width katakana and hiragana onto one form', () => {
    expect(normalize('ﾛｸﾞｲﾝ')).toBe(normalize('ログイン'));
    expect(normalize('ろぐいん')).toBe(normalize('ログイン'));
    expect(katakanaToHiragana('カードヴ')).toBe('かーどゔ');
  });

  it('turns full-width letters and digits into lower-case ASCII', () => {
    expect(normalize('ＰＩＮコード１２３')).toBe(normalize('pinコード123'));
    expect(normalize('HELLO')).toBe('hello');
  });

  it('drops long-vowel marks so パスワード and パスワド (a typo) match', () => {
    expect(normalize('パスワード')).toBe(normalize('パスワド'));
    expect(normalize('ｵﾍﾟﾚｰﾀｰ')).toBe(normalize('オペレータ'));
  });

  it('folds every spelling of Web-ID', () => {
    for (const v of [
      'Web-ID',
      'Web‐ID',
      'ＷｅｂＩＤ',
      'web id',
      'ウェブID',
      'ウエブＩＤ',
      'ｳｪﾌﾞｱｲﾃﾞｨｰ',
      'webid',
    ]) {
      expect(normalize(`${v}を忘れた`), v).toBe('webidを忘れた');
    }
  });

  it('corrects common misspellings and kana/kanji variants', () => {
    expect(normalize('暗唱番号')).toBe('暗証番号');
    expect(normalize('あんしょうばんごう')).toBe('暗証番号');
    expect(normalize('カードを無くした')).toBe(normalize('かーどをなくした'));
    expect(normalize('カードを失くした')).toBe(normalize('カードをなくした'));
    expect(normalize('問合せ')).toBe(normalize('問い合わせ'));
    expect(normalize('なにができるの')).toBe(normalize('何ができるの'));
  });

  it('treats punctuation and spacing as noise but keeps English contractions', () => {
    expect(normalize('ログイン、できない！！')).toBe('ろぐいん できない');
    expect(normalize("I can't   log in?")).toBe("i can't login");
  });

  it('gives Japanese and English synonyms the same concept', () => {
    expect(conceptsOf('暗証番号わすれた')).toEqual(expect.arrayContaining(['PIN', 'FORGET']));
    expect(conceptsOf('forgot my PIN')).toEqual(expect.arrayContaining(['PIN', 'FORGET']));
    expect(conceptsOf('財布ごと落とした')).toEqual(expect.arrayContaining(['WALLET', 'LOSE']));
    expect(conceptsOf('恋人がほしい')).not.toContain('HUMAN');
  });

  it('joins "e mail" but not the end of another word ("the mail")', () => {
    expect(normalize('e-mail')).toBe('email');
    expect(normalize('the mail')).toBe('the mail');
  });

  it('has a NOT_LOSE concept for not having / doing without, and keeps block apart from lock', () => {
    expect(conceptsOf('免許証なくても平気？')).toEqual(expect.arrayContaining(['NOT_LOSE', 'NOTHAVE']));
    expect(conceptsOf('まだカード持ってません')).toEqual(expect.arrayContaining(['NOT_LOSE', 'NOTHAVE']));
    expect(conceptsOf('カードをなくしても大丈夫？')).not.toContain('NOT_LOSE');
    expect(conceptsOf('block my card')).not.toContain('LOCK');
    expect(conceptsOf('my account is locked')).toContain('LOCK');
  });
  it('folds typos and spaced-out letters', () => {
    expect(normalize('ログイソ')).toBe('ろぐいん');
    expect(normalize('ロ グ イ ン')).toBe('ろぐいん');
    expect(normalize('logging in')).toBe('login');
    expect(normalize('signing')).toBe('signing');
    expect(normalize('pasword')).toBe('password');
    expect(normalize('kuchi-furi')).toBe('口ふり');
    expect(normalize('ｺｳｻﾞﾌﾘｶｴ')).toBe('口座振替');
    expect(normalize('旬フリ')).toBe('瞬ふり');
    expect(normalize('hiiii pls')).toBe('hi please');
  });
});
