import type { Middleware } from 'botbuilder';
import { MainDialog } from '../dialogs/mainDialog.js';
import { createSupportFacts } from '../dialogs/supportFacts.js';
import { MemberHelpBot } from './bot.js';
import type { Config } from './config.js';
import { DIRECTLINE_SERVICE_URL } from './directline/directLineAdapter.js';
import { InsightRecorder } from './insights/recorder.js';
import { type Knowledge, loadKnowledge } from './knowledge/index.js';
import type { Logger } from './logger.js';
import { resolveWhen } from './nlu/entities.js';
import { TopicRecognizer } from './nlu/recognizer.js';
import { buildVocabulary, yesNoReader } from './nlu/yesNo.js';
import { openPersistence, type PersistenceConfig } from './persistence/index.js';
import type { Persistence, StateStorage } from './persistence/types.js';
import { formatJst, formatJstFrom, instantOf } from './policy/index.js';
import { createSecretGuardMiddleware } from './privacy/secretGuardMiddleware.js';
import { JsonConversationState } from './storage/conversationState.js';
import { conversationDocumentSchema } from './storage/stateSchema.js';
import { createConversationMiddleware } from './triage/conversationMiddleware.js';
import { createPendingReplyMiddleware } from './triage/delivery.js';
import { limitInquiries } from './triage/inquiryLimit.js';
import { createInquiryLookup } from './triage/inquiryLookup.js';
import { InquiryService } from './triage/inquiryStore.js';
import { inquiryRulesFromPolicy } from './triage/rules.js';
import { UnansweredLogService } from './triage/unansweredLog.js';

/** Everything behind the bot except HTTP: shared by the server and by the dialog tests. */
export interface BotServices {
  knowledge: Knowledge;
  /** Everything kept, behind the persistence seam (lowdb or PostgreSQL). */
  persistence: Persistence;
  storage: StateStorage;
  recognizer: Pick<TopicRecognizer, 'recognizeText'>;
  inquiries: InquiryService;
  unanswered: UnansweredLogService;
  /** The counters (insight): the dialogs record turns and CSAT; live chat records takeovers here. */
  metrics: InsightRecorder;
  bot: MemberHelpBot;
  /** For every adapter, in this order: the secret guard first, so nothing downstream sees a secret. */
  middleware: Middleware[];
  /** Waits for pending writes (state, inquiries, unanswered log, transcripts). */
  flush(): Promise<void>;
}

export interface BotServicesOptions {
  knowledge?: Knowledge;
  /** Server clock for turns without a timestamp; replaceable in tests. */
  now?: () => Date;
  /** Replaces the trained recognizer (dialog tests that need a given recognition). */
  recognizer?: Pick<TopicRecognizer, 'recognizeText'>;
  /** An opened backend; by default the one the config names is opened (and owned) here. */
  persistence?: Persistence;
}

export async function createBotServices(
  config: Pick<Config, 'dataDir' | 'stateTtlHours'> &
    Partial<PersistenceConfig> & {
      /** Inquiries per member (and client address) per hour; absent: no limit. */
      rateLimit?: Pick<Config['rateLimit'], 'inquiriesPerHour'>;
    },
  logger: Logger,
  options: BotServicesOptions = {},
): Promise<BotServices> {
  const knowledge = options.knowledge ?? loadKnowledge();
  const now = options.now ?? (() => new Date());
  const recognizer = options.recognizer ?? TopicRecognizer.fromKnowledge(knowledge.dir);
  const recognizeYesNo = yesNoReader(buildVocabulary(knowledge.confirmWords));

  const persistence =
    options.persistence ??
    (await openPersistence(
      {
        storage: config.storage ?? 'lowdb',
        databaseUrl: config.databaseUrl ?? '',
        databasePoolMax: config.databasePoolMax ?? 10,
        dataDir: config.dataDir,
        stateTtlHours: config.stateTtlHours,
        directLineRetentionHours: config.directLineRetentionHours ?? 24,
        metricsRetentionDays: config.metricsRetentionDays,
      },
      logger,
    ));
  const storage = persistence.state;
  const inquiries = new InquiryService(
    persistence.inquiries,
    persistence.outbox,
    inquiryRulesFromPolicy(knowledge.supportHours, knowledge.triage),
    { logger, events: persistence.inquiryEvents },
  );
  const unanswered = new UnansweredLogService(persistence.unanswered);
  const metrics = new InsightRecorder(persistence.metrics, now);

  const conversationState = new JsonConversationState(storage, {
    schema: conversationDocumentSchema,
    logger,
  });
  const dialog = new MainDialog(
    {
      knowledge,
      recognize: (text) => {
        const r = recognizer.recognizeText(text);
        return {
          topic: r.top.topic,
          score: r.top.score,
          runnerUp: r.runnerUp?.topic,
          ambiguous: r.ambiguous,
          noneKind: r.noneKind,
        };
      },
      recognizeYesNo,
      extractWhen: (text, lang, at) => resolveWhen(text, lang, at)?.at,
      formatTime: (at, lang, from) => (from ? formatJstFrom(at, from, lang) : formatJst(at, lang)),
      // The in-process Web Chat keeps its transcripts this long for the member's browser to return.
      transcriptHours: (activity) =>
        activity.serviceUrl === DIRECTLINE_SERVICE_URL ? (config.directLineRetentionHours ?? 24) : undefined,
      supportFacts: createSupportFacts(knowledge.supportHours),
      instantOf: (activity) => instantOf(activity, now()),
      inquiries: limitInquiries(
        inquiries,
        config.rateLimit?.inquiriesPerHour ?? 0,
        logger,
        persistence.rateLimits,
      ),
      // A reference number from any conversation: its status only, limited per member and address.
      lookupInquiry: createInquiryLookup(inquiries, { stores: persistence.rateLimits, logger }),
      unanswered,
      metrics,
      logger,
    },
    conversationState,
  );
  const bot = new MemberHelpBot({ conversationState, dialog, knowledge });

  return {
    knowledge,
    persistence,
    storage,
    recognizer,
    inquiries,
    unanswered,
    metrics,
    bot,
    middleware: [
      createSecretGuardMiddleware(knowledge.privacy, { store: persistence.keys }),
      createPendingReplyMiddleware(inquiries, {
        wording: knowledge.triage.staffReply,
        directLineServiceUrl: DIRECTLINE_SERVICE_URL,
        logger,
      }),
      createConversationMiddleware(inquiries, {
        wording: knowledge.triage.liveChat,
        isCancel: (text) => recognizer.recognizeText(text).top.topic === 'cancel',
        now,
        logger,
      }),
    ],
    async flush() {
      await inquiries.flush();
      await persistence.flush();
    },
  };
}
