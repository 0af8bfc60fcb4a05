import type { Activity, Middleware, ResourceResponse, TurnContext } from 'botbuilder';

// One bubble per step: the text messages a member's turn produces go out when the turn ends, each run
// of plain text messages joined into one message that keeps the run's last buttons. Every handler
// (secret guard, trail, log) still sees the messages one by one; only the adapters' sending is held,
// so a phone shows one bubble to read and a turn costs one send instead of two or three.

const BATCH = Symbol('replyBatch');
const PARAGRAPH = '\n\n';

type Outgoing = Partial<Activity>;

/** Opens a batch for each message turn and sends it, merged, when the turn ends (also when it fails). */
export function createReplyBatchMiddleware(): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      if (context.activity.type !== 'message') return next();
      const held: Outgoing[] = [];
      context.turnState.set(BATCH, held);
      try {
        await next();
      } finally {
        context.turnState.delete(BATCH);
        if (held.length > 0) await context.adapter.sendActivities(context, mergeReplies(held.splice(0)));
      }
    },
  };
}

/**
 * An adapter's sendActivities goes through here: while the turn's batch is open, plain text messages
 * are held (their resource responses are empty). Anything else (a staff reply with its channel data, a
 * card) is sent at once by `send`, after what was held before it, so its caller still learns whether
 * it was delivered.
 */
export async function sendOrHold(
  context: TurnContext,
  activities: Outgoing[],
  send: (activities: Outgoing[]) => Promise<ResourceResponse[]>,
): Promise<ResourceResponse[]> {
  const held = context.turnState.get(BATCH) as Outgoing[] | undefined;
  if (!held) return send(activities);
  if (activities.every(holdable)) {
    held.push(...activities);
    return activities.map(() => ({ id: '' }));
  }
  if (held.length > 0) await send(mergeReplies(held.splice(0)));
  return send(activities);
}

/** Consecutive plain text messages become one; buttons, cards and other activities end a run. */
export function mergeReplies(activities: Outgoing[]): Outgoing[] {
  const out: Outgoing[] = [];
  let run: Outgoing[] = [];
  const close = () => {
    if (run.length > 0) out.push(joined(run));
    run = [];
  };
  for (const activity of activities) {
    if (!isText(activity)) {
      close();
      out.push(activity);
      continue;
    }
    if (run.length > 0 && !sameKind(run[0]!, activity)) close();
    run.push(activity);
    if (activity.suggestedActions) close();
  }
  close();
  return out;
}

function isText(a: Outgoing): boolean {
  return a.type === 'message' && typeof a.text === 'string' && a.text !== '' && !(a.attachments?.length ?? 0);
}

function holdable(a: Outgoing): boolean {
  return isText(a) && a.channelData === undefined;
}

function sameKind(a: Outgoing, b: Outgoing): boolean {
  return (
    a.textFormat === b.textFormat &&
    a.locale === b.locale &&
    a.conversation?.id === b.conversation?.id &&
    a.channelData === undefined &&
    b.channelData === undefined
  );
}

function joined(run: Outgoing[]): Outgoing {
  if (run.length === 1) return run[0]!;
  const last = run[run.length - 1]!;
  const speak = run.map((a) => a.speak).filter((s): s is string => !!s);
  return {
    ...last,
    text: run.map((a) => a.text).join(PARAGRAPH),
    ...(speak.length > 0 ? { speak: speak.join(' ') } : {}),
  };
}
