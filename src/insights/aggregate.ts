import type { MetricEvent, MetricsSummary } from '../persistence/types.js';
import { DAY_MS, JST_OFFSET_MS } from '../policy/tokyoTime.js';

// The metric definitions in one place (the lowdb backend runs this; the PostgreSQL one computes the
// same in SQL, and the contract suite holds them to each other). Everything of a conversation counts
// in the window of its first member message.

/** 'YYYY-MM-DD' of the Tokyo day and the Tokyo hour of an instant (ms). */
export function jstDate(ms: number): string {
  return new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);
}
export function jstHour(ms: number): number {
  return new Date(ms + JST_OFFSET_MS).getUTCHours();
}

/** Every Tokyo date touched by [from, to), in order. */
export function jstDates(from: Date, to: Date): string[] {
  const dates: string[] = [];
  if (to.getTime() <= from.getTime()) return dates;
  const last = jstDate(to.getTime() - 1);
  for (let ms = from.getTime(); ; ms += DAY_MS) {
    const d = jstDate(ms);
    dates.push(d);
    if (d >= last) break;
  }
  return dates;
}

export function emptySeriesRow(date: string): MetricsSummary['series'][number] {
  return {
    date,
    conversations: 0,
    contained: 0,
    handedOff: 0,
    fallbackTurns: 0,
    csatPositive: 0,
    csatNegative: 0,
  };
}

/** A summary with every count at zero, a row per JST day of [from, to) and per hour. */
export function emptySummary(from: Date, to: Date): MetricsSummary {
  return {
    conversations: 0,
    contained: 0,
    handedOff: 0,
    fallbackOnly: 0,
    turns: 0,
    fallbackTurns: 0,
    csat: { positive: 0, negative: 0 },
    topics: [],
    csatByTopic: [],
    byHour: Array.from({ length: 24 }, (_, hour) => ({ hour, conversations: 0, handedOff: 0 })),
    series: jstDates(from, to).map(emptySeriesRow),
  };
}

export function summarize(events: Iterable<MetricEvent>, from: Date, to: Date): MetricsSummary {
  const byConversation = new Map<string, MetricEvent[]>();
  for (const e of events) {
    const list = byConversation.get(e.conversationId);
    if (list) list.push(e);
    else byConversation.set(e.conversationId, [e]);
  }
  const summary = emptySummary(from, to);
  const series = new Map(summary.series.map((row) => [row.date, row]));
  const topics = new Map<string, number>();
  const csat = new Map<string, { positive: number; negative: number }>();
  for (const list of byConversation.values()) {
    const turns = list.filter((e) => e.kind === 'turn');
    if (turns.length === 0) continue;
    const first = Math.min(...turns.map((e) => Date.parse(e.at)));
    if (first < from.getTime() || first >= to.getTime()) continue;
    const handedOff = list.some((e) => e.kind === 'takeover' || (e.kind === 'turn' && e.handoff));
    const fallbackTurns = turns.filter((e) => e.fallback).length;
    const row = series.get(jstDate(first)) ?? emptySeriesRow(jstDate(first));
    const hour = summary.byHour[jstHour(first)] ?? { hour: 0, conversations: 0, handedOff: 0 };
    summary.conversations += 1;
    row.conversations += 1;
    hour.conversations += 1;
    if (handedOff) {
      summary.handedOff += 1;
      row.handedOff += 1;
      hour.handedOff += 1;
    } else {
      summary.contained += 1;
      row.contained += 1;
    }
    if (fallbackTurns === turns.length) summary.fallbackOnly += 1;
    summary.turns += turns.length;
    summary.fallbackTurns += fallbackTurns;
    row.fallbackTurns += fallbackTurns;
    for (const t of turns) if (t.topic) topics.set(t.topic, (topics.get(t.topic) ?? 0) + 1);
    for (const e of list) {
      if (e.kind !== 'csat' || e.helpful === undefined) continue;
      const topic = e.topic ?? 'none';
      const counts = csat.get(topic) ?? { positive: 0, negative: 0 };
      csat.set(topic, counts);
      if (e.helpful) {
        counts.positive += 1;
        summary.csat.positive += 1;
        row.csatPositive += 1;
      } else {
        counts.negative += 1;
        summary.csat.negative += 1;
        row.csatNegative += 1;
      }
    }
  }
  summary.topics = [...topics]
    .map(([topic, count]) => ({ topic, count }))
    .sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic));
  summary.csatByTopic = [...csat]
    .map(([topic, c]) => ({ topic, ...c }))
    .sort((a, b) => b.positive + b.negative - (a.positive + a.negative) || a.topic.localeCompare(b.topic));
  return summary;
}
