import type { MetricEvent, MetricsStore } from '../persistence/types.js';
import type { Lang } from '../topics.js';

// What the dialogs tell the counters. Recording never waits and never fails a turn: the store
// buffers and writes in batches.

/** What happened in one member turn (no member text). */
export interface TurnOutcome {
  topic?: string;
  answered: boolean;
  fallback: boolean;
  didYouMean: boolean;
  handoff: boolean;
  cancel: boolean;
  secretWarning: boolean;
}

export function emptyOutcome(): TurnOutcome {
  return {
    answered: false,
    fallback: false,
    didYouMean: false,
    handoff: false,
    cancel: false,
    secretWarning: false,
  };
}

export interface MetricsRecorder {
  turn(conversationId: string, at: Date, lang: Lang, channel: string, outcome: TurnOutcome): void;
  csat(conversationId: string, at: Date, topic: string, helpful: boolean): void;
  /** A staff member took the conversation over (live chat): it is no longer contained. */
  recordTakeover(conversationId: string, at?: Date): void;
}

export class InsightRecorder implements MetricsRecorder {
  constructor(
    private readonly store: Pick<MetricsStore, 'record'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  turn(conversationId: string, at: Date, lang: Lang, channel: string, outcome: TurnOutcome): void {
    const event: MetricEvent = { conversationId, at: iso(at, this.now), kind: 'turn', lang, channel };
    if (outcome.topic) event.topic = outcome.topic;
    for (const flag of [
      'answered',
      'fallback',
      'didYouMean',
      'handoff',
      'cancel',
      'secretWarning',
    ] as const) {
      if (outcome[flag]) event[flag] = true;
    }
    this.safely(event);
  }

  csat(conversationId: string, at: Date, topic: string, helpful: boolean): void {
    this.safely({ conversationId, at: iso(at, this.now), kind: 'csat', topic, helpful });
  }

  recordTakeover(conversationId: string, at: Date = this.now()): void {
    this.safely({ conversationId, at: iso(at, this.now), kind: 'takeover' });
  }

  private safely(event: MetricEvent): void {
    try {
      this.store.record(event);
    } catch {
      // Counting is never worth a failed turn.
    }
  }
}

function iso(at: Date, now: () => Date): string {
  return (Number.isNaN(at.getTime()) ? now() : at).toISOString();
}
