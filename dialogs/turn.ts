import type { TurnContext } from 'botbuilder';
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
