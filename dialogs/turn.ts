import type { TurnContext } from 'botbuilder';
import { emptyOutcome, type TurnOutcome } from '../src/insights/recorder.js';
import type { Lang } from '../src/topics.js';

/** What the router worked out about the current message; every dialog reads it from here. */
export interface TurnInfo {
  lang: Lang;
  /** "Now" for time rules: the activity's timestamp when present, else the server clock. */
  now: Date;
}

const TURN_INFO = Symbol('turnInfo');

export function setTurnInfo(context: TurnContext, info: TurnInfo): void {
  context.turnState.set(TURN_INFO, info);
}

export function turnInfo(context: TurnContext): TurnInfo {
  const info = context.turnState.get(TURN_INFO) as TurnInfo | undefined;
  if (!info) throw new Error('turnInfo read before the router set it');
  return info;
}

const OUTCOME = Symbol('turnOutcome');

/** What this turn did, for the counters (src/insights): flows mark it, the router records it. */
export function turnOutcome(context: TurnContext): TurnOutcome {
  let outcome = context.turnState.get(OUTCOME) as TurnOutcome | undefined;
  if (!outcome) {
    outcome = emptyOutcome();
    context.turnState.set(OUTCOME, outcome);
  }
  return outcome;
}
