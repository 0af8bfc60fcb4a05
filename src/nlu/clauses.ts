// Contrast and negation at clause level. In 「暗証番号は覚えてるけどカードをなくした」 the request is
// the clause after けど; in 「口座振替じゃなくてネットで払いたい」 the topic before じゃなくて is ruled
// out. A message is cut into clauses at punctuation and at such markers; each clause gets a role, and
// the recognizer weighs a clause's features by its role (features.ts) instead of letting the topic
// that was only mentioned to be ruled out win.
import type { CompiledConcepts } from './features.js';

export type ClauseRole = 'main' | 'background' | 'ruledOut';

export interface Clause {
  /** Normalised text of the clause. */
  text: string;
  role: ClauseRole;
}

// Japanese markers that end a clause, on normalised text (hiragana). The clause before a background
// marker is context (けど, のに, polite verb + が); the clause before a rule-out marker names what the
// member does not want (じゃなくて, ではなく, なくていいので, はいいから, 要らないので, はやめて).
const JA_MARKER = new RegExp(
  [
    '(?<ruledOut>' +
      [
        '(?:じゃ|では|でわ|で)なく(?:て)?',
        'じゃない(?!か)(?:です|んです|んで|ので|から)?(?:けど|が)?',
        'ではない(?:です|んです|ので|から)?(?:けど|が)?',
        'わけ(?:じゃ|では)な(?:くて|く|いけど|いです|いんです|いが)',
        '(?:なく|ないで)(?:て)?(?:も)?(?:いい|大丈夫|だいじょうぶ|平気|結構|けっこう)(?:です)?(?:から|ので|んで|けど|が)',
        '(?:は|とか|なんて)(?:もう)?(?:いい|大丈夫|結構|けっこう)(?:です)?(?:から|ので|んで|けど|が|(?=\\s|$))',
        '(?:は|を)(?:使わ|利用し|かけ|頼ま|し|必要)な(?:い|くて)(?:です)?(?:から|ので|んで|けど|が)',
        '(?:は|なんて|とか)?(?:いら|要ら)な(?:い|くて)(?:です)?(?:から|ので|んで|けど|が)?',
        '(?:は|を)やめて(?=\\s|[^ほくもいおし])',
      ].join('|') +
      ')',
    // のに after a plain verb is "in order to" (ログインするのに), so only after てる/た/ある/ない forms.
    '(?<background>けれど(?:も)?|けど(?:も)?|(?:てる|ている|てた|た|だ|ある|いる|ない)のに|ものの|(?:です|ます|ました|でした|ません|たんだ|んだ)が(?=\\s|$|[^っ])|(?:てる|ている|た|ない|ある|いる)が(?=\\s|$))',
  ].join('|'),
  'g',
);

// English: "X but Y" (X is context); "not X", "no need for X", "instead of X", "X is fine" (X is ruled
// out). A ruled-out span runs to the next resumption ("just", "I want", "can you", …) or clause end.
const EN_BUT = /(?<![a-z])(?:but|however|although|though)(?![a-z])/g;
const EN_RESUME =
  /(?<![a-z])(?:just|only|i want|i'd like|i'd rather|i need|i mean|i just|i forgot|i think|i lost|i have|can you|can i|could you|how (?:do|can)|tell me|please|so)(?![a-z])/g;
const EN_RULED_OUT =
  /(?<![a-z])(?:not (?:the|a|an|my|about|asking|interested|looking|for|by|via|through|with|using|lost|stolen|missing|locked|blocked)|isn't|aren't|wasn't|no need|don't (?:need|want)|do not (?:need|want)|instead of|rather than|other than|(?:is|are) (?:fine|ok|okay|safe)|forget (?:the|about)|never ?mind (?:the|about))(?![a-z])/;

const CONTRAST_OPENER = /^(?:でも|だけど|けど|しかし|ただ(?!し|いま)|but|however)(?![a-z])\s*/;

const CLAUSE_PUNCTUATION = /[、。,.!?;:\n…]+/;

// 「暗証番号は覚えてる」「ログインはできる」「カードは手元にある」, "the PIN is fine": a context clause
// that says a topic is fine, known or at hand rules that topic out.
const FINE =
  /(?:覚えて|おぼえて|わかって|分かって|知って|持って|もって|合って|あって)(?:る|います|いる|ます)|(?:は|なら|も)(?:ある|あります|できる|できます|できた|使える|わかる|大丈夫|問題ない|平気)|手元に(?:ある|あります)|見つかった|見つかりました|(?<![a-z])(?:is|are|was|'s) (?:fine|ok|okay|right|correct|safe)|(?<![a-z])i (?:know|have|remember) (?:my|the)(?![a-z])|(?<![a-z])can login(?![a-z])/;

/** Concepts that qualify a request (how, what, when, how much) rather than name a topic. */
const QUALIFIERS = new Set([
  'HOWTO',
  'WHATIS',
  'UNKNOWN',
  'CANT',
  'FORGET',
  'AMOUNT',
  'DUE',
  'HOURS',
  'RESET',
  'REISSUE',
  'ISSUE',
  'NOTHAVE',
  'NOT_LOSE',
  'HELP',
  'ONLINE',
]);

interface Segment {
  text: string;
  role: ClauseRole;
}

function splitJapanese(text: string): Segment[] {
  const out: Segment[] = [];
  let start = 0;
  for (const m of text.matchAll(JA_MARKER)) {
    const end = m.index + m[0].length;
    const role: ClauseRole = m.groups?.ruledOut ? 'ruledOut' : 'background';
    out.push({ text: text.slice(start, m.index), role });
    start = end;
  }
  out.push({ text: text.slice(start), role: 'main' });
  return out;
}

function splitEnglish(segment: Segment): Segment[] {
  if (!/[a-z]/.test(segment.text)) return [segment];
  const cuts = new Set<number>([0, segment.text.length]);
  for (const m of segment.text.matchAll(EN_RESUME)) cuts.add(m.index);
  const butAt: number[] = [];
  for (const m of segment.text.matchAll(EN_BUT)) {
    cuts.add(m.index);
    butAt.push(m.index);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const text = segment.text.slice(sorted[i], sorted[i + 1]);
    let role = segment.role;
    if (EN_RULED_OUT.test(text)) role = 'ruledOut';
    else if (role === 'main' && butAt.includes(sorted[i + 1]!)) role = 'background';
    out.push({ text, role });
  }
  return out;
}

function firesAny(text: string, concepts: CompiledConcepts, topicalOnly: boolean): boolean {
  for (const [name, pattern] of concepts) {
    if (topicalOnly && QUALIFIERS.has(name)) continue;
    if (pattern.test(text)) return true;
  }
  return false;
}

/**
 * Clauses of a message with their roles. `normalizeClause` turns one punctuation-delimited piece of
 * the raw text into normalised text. A clause is only demoted when another clause carries the
 * request: a ruled-out clause needs some other clause with any concept, a background clause needs a
 * later main clause that names a topic. Otherwise every clause is main.
 */
/** Cheap test on the whole normalised message: could it have a contrast or rule-out at all? */
export function mayContrast(normalized: string): boolean {
  JA_MARKER.lastIndex = 0;
  const found =
    JA_MARKER.test(normalized) ||
    EN_RULED_OUT.test(normalized) ||
    /(?<![a-z])(?:but|however|although|though)(?![a-z])|でも|しかし/.test(normalized);
  JA_MARKER.lastIndex = 0;
  return found;
}

export function clausesOf(
  text: string,
  normalizeClause: (piece: string) => string,
  concepts: CompiledConcepts,
): Clause[] {
  const segments: Segment[] = [];
  for (const piece of text.normalize('NFKC').split(CLAUSE_PUNCTUATION)) {
    const normalized = normalizeClause(piece);
    if (!normalized) continue;
    const parts = splitJapanese(normalized);
    // Each marker ends a clause, which takes the marker's role; English is then cut at but/not/just.
    for (const part of parts) segments.push(...splitEnglish(part));
  }
  const clauses: Clause[] = [];
  for (const s of segments) {
    const trimmed = s.text.trim();
    // 「…できます。でも…」, "…, but …": a clause opening with a contrast makes the one before it context.
    const opener = CONTRAST_OPENER.exec(trimmed);
    const previous = clauses.at(-1);
    if (opener && previous?.role === 'main') previous.role = 'background';
    const text = opener ? trimmed.slice(opener[0].length).trim() : trimmed;
    if (text) clauses.push({ text, role: s.role });
  }
  // A clause saying a topic is fine (「暗証番号はわかります。」) rules it out when a later clause names a topic.
  clauses.forEach((c, i) => {
    if (c.role === 'ruledOut' || !FINE.test(c.text)) return;
    if (clauses.slice(i + 1).some((o) => o.role === 'main' && firesAny(o.text, concepts, true)))
      c.role = 'ruledOut';
  });
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i]!;
    if (
      c.role === 'ruledOut' &&
      !clauses.some((o, j) => j !== i && o.role !== 'ruledOut' && firesAny(o.text, concepts, false))
    )
      c.role = 'main';
  }
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i]!;
    if (
      c.role === 'background' &&
      !clauses.slice(i + 1).some((o) => o.role === 'main' && firesAny(o.text, concepts, true))
    )
      c.role = 'main';
  }
  return clauses;
}
