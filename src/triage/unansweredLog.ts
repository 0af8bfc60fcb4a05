import { createHash } from 'node:crypto';
import type { UnansweredGroup, UnansweredStore } from '../persistence/types.js';
import type { Lang } from '../topics.js';
import { maskText } from './mask.js';
import type { UnansweredLog } from './types.js';

// What members asked that the bot could not answer, grouped by a normalised form and counted, so
// staff see which content is missing. Masked and normalised here; kept by the persistence seam.

export type { UnansweredGroup };

const MAX_TEXT = 300;

/** NFKC (full-width letters, half-width kana), lower case, whitespace folded, end punctuation dropped. */
export function normalizeUtterance(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')
    .trim();
}

export class UnansweredLogService implements UnansweredLog {
  constructor(private readonly store: UnansweredStore) {}

  async record(text: string, lang: Lang, at: Date, topic?: string): Promise<void> {
    const masked = maskText(text).replace(/\s+/gu, ' ').trim().slice(0, MAX_TEXT);
    const normalized = normalizeUtterance(masked);
    if (!normalized) return;
    const id = createHash('sha256').update(normalized).digest('hex').slice(0, 16);
    const when = (Number.isNaN(at.getTime()) ? new Date() : at).toISOString();
    await this.store.add({ id, normalized, masked, lang, at: when, ...(topic ? { topic } : {}) });
  }

  /** Groups, most frequent first, then most recent. */
  list(): Promise<UnansweredGroup[]> {
    return this.store.list();
  }

  /** Removes a group once content covers it; false if there is no such group. */
  dismiss(id: string): Promise<boolean> {
    return this.store.dismiss(id);
  }
}
