// Multi-turn member conversations the load benchmark replays. Each follows a real path through the
// flows (checked against the dialogs: every turn gets an on-topic answer), in Japanese and English.

export interface ConversationScript {
  name: string;
  locale: 'ja-JP' | 'en-US';
  turns: string[];
}

export const SCRIPTS: ConversationScript[] = [
  {
    name: 'ja lost card (stolen)',
    locale: 'ja-JP',
    turns: ['カードの紛失・盗難', '盗まれた', '昨日の夜', '電話した', 'いいえ'],
  },
  {
    name: 'ja lost card',
    locale: 'ja-JP',
    turns: ['カードをなくしました', '昨日の夜', '電話した', 'いいえ'],
  },
  {
    name: 'en lost card',
    locale: 'en-US',
    turns: ['Lost or stolen card', 'it was stolen', 'yesterday evening', 'done', 'no thanks'],
  },
  { name: 'ja login trouble', locale: 'ja-JP', turns: ['ログインできません', 'カード番号', 'ありがとう'] },
  { name: 'en login trouble', locale: 'en-US', turns: ["I can't log in", 'Web-ID', 'thanks'] },
  {
    name: 'ja services + follow-ups',
    locale: 'ja-JP',
    turns: [
      'ウェブのサービスについて教えて',
      '瞬フリって何？',
      '土日でも振り込まれますか',
      'ポイントは何に使えますか',
      'ありがとうございました',
    ],
  },
  {
    name: 'en services + follow-ups',
    locale: 'en-US',
    turns: [
      'what web services do you have',
      'tell me about instant transfer',
      'which banks work at night',
      'thank you',
    ],
  },
  {
    name: 'ja Web-ID',
    locale: 'ja-JP',
    turns: ['Web-IDはどうやって作るの？', '会員番号はどこに書いてありますか', 'ありがとう'],
  },
  { name: 'ja support hours', locale: 'ja-JP', turns: ['問い合わせの受付時間は？', 'ありがとう'] },
];

export const MEAN_TURNS_PER_SCRIPT = SCRIPTS.reduce((n, s) => n + s.turns.length, 0) / SCRIPTS.length;
