import { describe, expect, it } from 'vitest';
import { createHarness, type Harness, joined } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

// Every question the bot asks, answered the ways members answer in Japanese: polite and plain,
// negative and positive, with and without はい/いいえ. What the answer says wins over はい/いいえ.
const tempDir = useTempDirs();
const at = new Date('2026-11-26T14:00:00+09:00');

interface Question {
  name: string;
  /** Messages that bring the bot to the question. */
  reach: string[];
  /** What the bot asks (checked once, so the table stays honest when wording changes). */
  asks: string;
  /** Answer → a phrase of the reply it must get. */
  answers: Array<[string, string]>;
}

const LOGIN = ['ログインできない', 'カード番号'];
const SOLVED = 'ログインできてよかった';
const NEXT_CHECK = '【確認2】';
const LOCKED = 'ロックの解除はプロミスコール';
const CHECK4 = '【確認4】';
const FORGOT = 'カード番号ログインのパスワードは';
const UNRESOLVED = 'お問い合わせを残しますか';
const DESCRIBE = '具体的に入力してください';
const LOST = ['カードの紛失・盗難'];
const LOST_WHEN = [...LOST, 'なくした', '今朝'];

const QUESTIONS: Question[] = [
  {
    name: 'which way do you log in (trouble)',
    reach: ['ログインできない'],
    asks: 'どちらの方法でログインしようとしていますか',
    answers: [
      ['カードです', '【確認1】カード番号'],
      ['カード番号でやってます', '【確認1】カード番号'],
      ['Web-IDです', '【確認1】Web-ID'],
      ['ウェブIDでログインしてます', '【確認1】Web-ID'],
    ],
  },
  {
    name: 'were you able to log in after checking',
    reach: LOGIN,
    asks: '確認したあと、ログインできましたか',
    answers: [
      ['はい', SOLVED],
      ['はい、できました', SOLVED],
      ['できました', SOLVED],
      ['できた', SOLVED],
      ['ログインできました！', SOLVED],
      ['入れました', SOLVED],
      ['解決しました', SOLVED],
      ['うん', SOLVED],
      ['いいえ', NEXT_CHECK],
      ['いいえ、できません', NEXT_CHECK],
      ['はい、できません', NEXT_CHECK],
      ['できません', NEXT_CHECK],
      ['できない', NEXT_CHECK],
      ['できなかったです', NEXT_CHECK],
      ['まだできない', NEXT_CHECK],
      ['まだです', NEXT_CHECK],
      ['まだ', NEXT_CHECK],
      ['だめでした', NEXT_CHECK],
      ['できてない', NEXT_CHECK],
      ['入れません', NEXT_CHECK],
      ['解決してない', NEXT_CHECK],
      ['ううん', NEXT_CHECK],
      ['エラーが出ます', NEXT_CHECK],
    ],
  },
  {
    name: 'is a lock-out message shown',
    reach: [...LOGIN, 'まだ', 'まだ'],
    asks: '表示が出ていますか',
    answers: [
      ['はい', LOCKED],
      ['出ています', LOCKED],
      ['出てます', LOCKED],
      ['はい、出ています', LOCKED],
      ['ロックされてる', LOCKED],
      ['うん', LOCKED],
      ['いいえ', CHECK4],
      ['出ていません', CHECK4],
      ['出てない', CHECK4],
      ['いいえ、出ていません', CHECK4],
      ['そういう表示はないです', CHECK4],
      ['ロックはされてません', CHECK4],
    ],
  },
  {
    name: 'have you forgotten the password itself',
    reach: [...LOGIN, 'まだ', 'まだ', 'いいえ'],
    asks: 'そのものを忘れてしまいましたか',
    answers: [
      ['はい', FORGOT],
      ['忘れました', FORGOT],
      ['はい、忘れました', FORGOT],
      ['忘れた', FORGOT],
      ['覚えてない', FORGOT],
      ['思い出せません', FORGOT],
      ['いいえ', UNRESOLVED],
      ['覚えてます', UNRESOLVED],
      ['覚えています', UNRESOLVED],
      ['いいえ、覚えています', UNRESOLVED],
      ['忘れてない', UNRESOLVED],
      ['忘れていません', UNRESOLVED],
      ['わかります', UNRESOLVED],
    ],
  },
  {
    name: 'shall I leave an inquiry (login unresolved)',
    reach: [...LOGIN, 'まだ', 'まだ', 'いいえ', 'いいえ'],
    asks: UNRESOLVED,
    answers: [
      ['はい', DESCRIBE],
      ['お願いします', DESCRIBE],
      ['残してください', DESCRIBE],
      ['問い合わせを残す', DESCRIBE],
      ['いいえ', 'お役に立ちましたか'],
      ['電話します', 'お役に立ちましたか'],
      ['いいえ、電話します', 'お役に立ちましたか'],
    ],
  },
  {
    name: 'lost or stolen',
    reach: LOST,
    asks: 'なくしましたか、それとも盗まれましたか',
    answers: [
      ['なくしました', 'いつごろ気づきましたか'],
      ['落としたみたいです', 'いつごろ気づきましたか'],
      ['盗まれました', 'いつごろ気づきましたか'],
      ['すられた', 'いつごろ気づきましたか'],
      ['見つかりました', '見つかってよかったです'],
    ],
  },
  {
    name: 'when did you notice',
    reach: [...LOST, 'なくした'],
    asks: 'いつごろ気づきましたか',
    answers: [
      ['今朝です', 'お電話はできましたか'],
      ['昨日の夜8時ごろ', 'お電話はできましたか'],
      ['わからないです', 'お電話はできましたか'],
      ['覚えてない', 'お電話はできましたか'],
      ['見つかりました', '見つかってよかったです'],
    ],
  },
  {
    name: 'have you been able to call',
    reach: LOST_WHEN,
    asks: 'お電話はできましたか',
    answers: [
      ['はい', '紛失届'],
      ['電話しました', '紛失届'],
      ['はい、しました', '紛失届'],
      ['もう止めました', '紛失届'],
      ['いいえ', 'このあとすぐ'],
      ['まだです', 'このあとすぐ'],
      ['してません', 'このあとすぐ'],
      ['まだしていません', 'このあとすぐ'],
      ['これからします', 'このあとすぐ'],
      ['電話できません', 'お電話が難しい場合'],
      ['電話がつながらない', 'お電話が難しい場合'],
    ],
  },
  {
    name: 'shall I leave an urgent note (lost card)',
    reach: [...LOST_WHEN, '電話した'],
    asks: '至急のお問い合わせとして残しておきますか',
    answers: [
      ['はい', '至急のお問い合わせとして受け付けました'],
      ['お願いします', '至急のお問い合わせとして受け付けました'],
      ['残してください', '至急のお問い合わせとして受け付けました'],
      ['いいえ', '①プロミスコール'],
      ['結構です', '①プロミスコール'],
      ['いらないです', '①プロミスコール'],
      ['残さなくていいです', '①プロミスコール'],
    ],
  },
  {
    name: 'send this inquiry',
    reach: ['担当者と話したい', 'Web-IDの登録メールが何度やっても届きません'],
    asks: 'よろしいですか',
    answers: [
      ['はい', 'お問い合わせを受け付けました'],
      ['お願いします', 'お問い合わせを受け付けました'],
      ['送ってください', 'お問い合わせを受け付けました'],
      ['大丈夫です', 'お問い合わせを受け付けました'],
      ['いいえ', '送信しませんでした'],
      ['送らないでください', '送信しませんでした'],
      ['いいえ、やめておきます', '送信しませんでした'],
    ],
  },
  {
    name: 'card PIN or Web-ID password',
    reach: ['パスワードを忘れました'],
    asks: 'カードの暗証番号',
    answers: [
      ['カードの暗証番号です', '自動契約機'],
      ['ATMで使う4桁の数字', '自動契約機'],
      ['Web-IDのパスワードです', 'Web‐ID、パスワードをお忘れの方はコチラ'],
    ],
  },
  {
    name: 'how did the Web-ID steps go',
    reach: ['Web-IDを作りたい'],
    asks: '手続きはできましたか',
    answers: [
      ['できました', 'Web-IDとパスワードは'],
      ['はい', 'Web-IDとパスワードは'],
      ['うまくいきません', 'ほかの理由でうまくいかない場合は'],
      ['いいえ', 'ほかの理由でうまくいかない場合は'],
      ['メールが届きません', '迷惑メール'],
      ['会員番号がわかりません', '会員番号は'],
    ],
  },
];

async function reachQuestion(q: Question): Promise<Harness> {
  const h = await createHarness(await tempDir(), { at });
  let last = '';
  for (const text of q.reach) last = joined(await h.say(text));
  expect(last, `reaching "${q.name}"`).toContain(q.asks);
  return h;
}

describe('answers to every question the bot asks', () => {
  for (const q of QUESTIONS) {
    describe(q.name, () => {
      it.each(q.answers)('「%s」 → %s', async (answer, expected) => {
        const h = await reachQuestion(q);
        expect(joined(await h.say(answer))).toContain(expected);
      });
    });
  }
});
