// The topic (intent) ids of ../shared/design.md. The recognizer, the policy module, the dialogs
// and the evaluation data all use exactly these strings.
export const TOPIC_IDS = [
  'login.howto',
  'login.trouble',
  'login.registration',
  'webid.issue',
  'webid.forgot',
  'card.lost',
  'card.pin_forgot',
  'support.contact',
  'payment.inquiry',
  'service.overview',
  'service.instant_transfer',
  'service.points',
  'service.internet_repayment',
  'service.direct_debit',
  'handoff.human',
  'greeting',
  'help',
  'thanks_bye',
  'cancel',
  'none',
] as const;

export type TopicId = (typeof TOPIC_IDS)[number];

export function isTopicId(value: string): value is TopicId {
  return (TOPIC_IDS as readonly string[]).includes(value);
}

/** Reply languages the bot speaks. */
export const LOCALES = ['ja', 'en'] as const;
export type Lang = (typeof LOCALES)[number];
