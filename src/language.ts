import type { Lang } from './topics.js';

// Hiragana, katakana (full and half width), CJK ideographs and the Japanese long-vowel mark.
const JAPANESE_SCRIPT = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/u;

/**
 * The reply language for one message: Japanese script in the text means Japanese (the Emulator sends
 * en-US even when the member types Japanese); otherwise the activity's locale; otherwise Japanese.
 */
export function detectLang(text: string | undefined, locale: string | undefined): Lang {
  if (text && JAPANESE_SCRIPT.test(text)) return 'ja';
  if (locale) return locale.toLowerCase().startsWith('en') ? 'en' : 'ja';
  return 'ja';
}

export function hasJapaneseScript(text: string): boolean {
  return JAPANESE_SCRIPT.test(text);
}
