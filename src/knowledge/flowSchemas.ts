import { z } from 'zod';
import { TOPIC_IDS } from '../topics.js';
import { bilingualText } from './bilingual.js';

/** An object whose every listed key is a bilingual text: a missing key fails at start-up, not mid-chat. */
function texts<const K extends string>(keys: readonly K[]) {
  return z
    .object(Object.fromEntries(keys.map((k) => [k, bilingualText])) as Record<K, typeof bilingualText>)
    .strict();
}

/** One answer button of a question; `synonyms` let free text pick it (口座です → 口座). */
export const choiceSchema = z
  .object({
    value: z.string().min(1),
    label: bilingualText,
    synonyms: z.array(z.string().min(1)).default([]),
    /** The choice a plain yes (うん, はい, yeah) or no (ううん, いや, nope) picks. */
    answers: z.enum(['yes', 'no']).optional(),
  })
  .strict();
export type Choice = z.infer<typeof choiceSchema>;
const choices = z.array(choiceSchema).min(1);

/**
 * A question asked right after an answer, read in its context (「どの銀行？」 after internet repayment):
 * any of `keywords`, and when given also one of `alsoNeeds`, and none of `unless`.
 */
export const followUpSchema = z
  .object({
    keywords: z.array(z.string().min(1)).min(1),
    alsoNeeds: z.array(z.string().min(1)).optional(),
    unless: z.array(z.string().min(1)).optional(),
    answer: bilingualText,
    /** The answer offers to leave an inquiry: a plain yes to it takes the offer. */
    offersHuman: z.boolean().optional(),
    /**
     * Right after the answer these words are about it, however sure the recognizer is of another
     * topic: 「土日は？」 after 瞬フリ is about 瞬フリ, not the support hours.
     */
    contextWins: z.boolean().optional(),
  })
  .strict();
export type FollowUp = z.infer<typeof followUpSchema>;
const followUps = z.array(followUpSchema).default([]);

export const loginFlowSchema = z
  .object({
    texts: texts([
      'whereToLogin',
      'askMethod',
      'methodCard',
      'methodWebId',
      'methodUnsure',
      'registration',
      'troubleIntro',
      'troubleAskMethod',
      'checkTypingCard',
      'checkTypingWebId',
      'checkForm',
      'askStillFailing',
      'solved',
      'askLocked',
      'lockedCard',
      'lockedWebId',
      'askForgot',
      'forgotCardPassword',
      'unresolved',
    ]),
    methodChoices: choices,
    stillFailingChoices: choices,
    /** 「忘れましたか？」: values yes/no; 「覚えてます」 is a no, 「忘れてない」 too. */
    forgotChoices: choices,
    unresolvedChoices: choices,
    /** Questions right after a login answer (「いつ解除されますか」). */
    followUps,
  })
  .strict();

export const webIdFlowSchema = z
  .object({
    texts: texts([
      'whatIsIt',
      'issueSteps',
      'memberNumber',
      'askResult',
      'askResultRetry',
      'otherTrouble',
      'done',
      'mailMissing',
      'forgot',
      'forgotMeanwhile',
      'cardPassword',
    ]),
    resultChoices: choices,
    /** In the first message, these mean the setup mail did not arrive: skip straight to that help. */
    mailMissingPhrases: z.array(z.string().min(1)).min(1),
    followUps,
  })
  .strict();

export const lostCardFlowSchema = z
  .object({
    texts: texts([
      'intro',
      'askKind',
      'askWhen',
      'step1',
      'askCalled',
      'callNow',
      'cannotCall',
      'step2Lost',
      'step2Stolen',
      'askInquiry',
      'closing',
      'summaryLost',
      'summaryStolen',
      'summaryWhen',
      'whenUnknown',
      'found',
      'leaveReminder',
    ]),
    kindChoices: choices,
    whenUnknownChoices: choices,
    calledChoices: choices,
  })
  .strict();

export const pinFlowSchema = z
  .object({
    texts: texts(['askWhich', 'rule', 'documents', 'neverHere', 'places', 'webIdInstead']),
    documents: z.array(bilingualText).min(1),
    whichChoices: choices,
    followUps,
  })
  .strict();

const serviceTopic = z.enum(TOPIC_IDS).refine((t) => t.startsWith('service.') && t !== 'service.overview', {
  message: 'must be one of the service.* topics other than service.overview',
});

export const servicesFlowSchema = z
  .object({
    texts: texts(['overview']),
    services: z
      .array(
        z
          .object({
            topic: serviceTopic,
            label: bilingualText,
            answer: bilingualText,
            followUps,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const contactFlowSchema = z
  .object({
    texts: texts([
      'phoneFirst',
      'phoneOpenNow',
      'phoneClosedNow',
      'web',
      'paymentPhoneOnly',
      'paymentNoChat',
      'askLeaveInquiry',
      'recentInquiry',
      'inPersonHours',
    ]),
    /** A contact question naming these is (also) about the in-person places' hours. */
    inPersonWords: z.array(z.string().min(1)).min(1),
    /** Follow-ups right after a payment answer (「チャットで教えてよ」). */
    paymentFollowUps: followUps,
  })
  .strict();

export const handoffFlowSchema = z
  .object({
    texts: texts([
      'askDescription',
      'askConfirm',
      'created',
      'createdUrgent',
      'whereToReadWebChat',
      'whereToRead',
      'notSent',
      'refusedPayment',
      'failed',
      'limitReached',
      'recentInquiry',
      'askAnother',
      'askDescriptionAgain',
      'noContent',
      'statusNew',
      'statusInProgress',
      'statusAnswered',
      'statusResolved',
      'statusUnknown',
      'statusNote',
      'statusLimited',
    ]),
  })
  .strict();

export type LoginFlow = z.infer<typeof loginFlowSchema>;
export type WebIdFlow = z.infer<typeof webIdFlowSchema>;
export type LostCardFlow = z.infer<typeof lostCardFlowSchema>;
export type PinFlow = z.infer<typeof pinFlowSchema>;
export type ServicesFlow = z.infer<typeof servicesFlowSchema>;
export type ContactFlow = z.infer<typeof contactFlowSchema>;
export type HandoffFlow = z.infer<typeof handoffFlowSchema>;
