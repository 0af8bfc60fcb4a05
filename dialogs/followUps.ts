import type { FollowUp } from '../src/knowledge/flowSchemas.js';
import type { Knowledge } from '../src/knowledge/index.js';
import type { TopicId } from '../src/topics.js';
import { longestMatch } from './matchText.js';

/** The follow-up questions knowledge/ answers right after `topic` was answered. */
export function followUpsFor(knowledge: Knowledge, topic: TopicId): FollowUp[] {
  const flows = knowledge.flows;
  if (topic === 'card.pin_forgot') return flows.pin.followUps;
  if (topic === 'webid.issue') return flows.webId.followUps;
  if (topic === 'payment.inquiry') return flows.contact.paymentFollowUps;
  if (topic === 'login.trouble' || topic === 'login.howto') return flows.login.followUps;
  return flows.services.services.find((s) => s.topic === topic)?.followUps ?? [];
}

/** The follow-up `text` asks, by its longest keyword; undefined when none applies. */
export function pickFollowUp(followUps: readonly FollowUp[], text: string): FollowUp | undefined {
  let best: { length: number; followUp: FollowUp } | undefined;
  for (const followUp of followUps) {
    if (followUp.alsoNeeds && longestMatch(text, followUp.alsoNeeds) === 0) continue;
    if (followUp.unless && longestMatch(text, followUp.unless) > 0) continue;
    const length = longestMatch(text, followUp.keywords);
    if (length > 0 && (!best || length > best.length)) best = { length, followUp };
  }
  return best?.followUp;
}
