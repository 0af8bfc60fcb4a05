import {
  type Activity,
  ActivityTypes,
  BotAdapter,
  type ConversationReference,
  type ResourceResponse,
  TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import { KeyedQueue } from '../keyedQueue.js';
import { RecentMap } from '../recentMap.js';
import { sendOrHold } from '../replyBatch.js';
import { ConversationNotFoundError, type DirectLineLog, type StoredActivity } from './conversationLog.js';
import type { DirectLineStreams } from './stream.js';

// The in-process adapter behind the local Direct Line endpoint: activities posted by Web Chat run
// through the middleware and the bot here, and whatever the bot sends is appended to the conversation
// log that Web Chat polls. No network hop, no Azure.

/** serviceUrl of every activity this adapter produces: tells which adapter owns a conversation reference. */
export const DIRECTLINE_SERVICE_URL = 'urn:botframework:directline:local';
export const DIRECTLINE_CHANNEL_ID = 'webchat';
export const DIRECTLINE_BOT_ID = 'bot';

/** Typing indicators are shown for a few seconds only; they need not survive a page reload. */
const TYPING_TTL_MS = 60_000;

type TurnLogic = (context: TurnContext) => Promise<void>;

export interface DirectLineAdapterOptions {
  /** The transcripts (persistence seam): what clients read and the stream pushes. */
  conversations: DirectLineLog;
  logger?: Logger;
  botName?: string;
}

export function isDirectLineReference(reference: Partial<ConversationReference> | undefined): boolean {
  return reference?.serviceUrl === DIRECTLINE_SERVICE_URL;
}

export class DirectLineAdapter extends BotAdapter {
  readonly conversations: DirectLineLog;
  /** The WebSocket streams of these conversations, once registerDirectLine has attached them. */
  streams: DirectLineStreams | undefined;
  private readonly logger: Logger | undefined;
  private readonly botName: string;
  /** Turns of one conversation run one at a time (dialog state is read and saved per turn). */
  private readonly queue = new KeyedQueue();
  /** The member's id per conversation (it never changes): one lookup per conversation, not per reply. */
  private readonly userIds = new RecentMap<string, string>(10_000);

  constructor(options: DirectLineAdapterOptions) {
    super();
    this.conversations = options.conversations;
    this.logger = options.logger;
    this.botName = options.botName ?? 'Bot';
    this.onTurnError = (context, error) => this.defaultOnTurnError(context, error);
  }

  /** The bot's identity on this channel, as it appears in `from` of its activities. */
  get bot(): { id: string; name: string; role: 'bot' } {
    return { id: DIRECTLINE_BOT_ID, name: this.botName, role: 'bot' };
  }

  /**
   * Runs one incoming activity through middleware and `logic`. The activity is completed with the
   * channel fields; turns of the same conversation are serialised.
   */
  async processActivity(activity: Partial<Activity>, logic: TurnLogic): Promise<void> {
    const conversationId = activity.conversation?.id;
    if (!conversationId) throw new Error('processActivity: activity.conversation.id is required');
    const full: Partial<Activity> = {
      channelId: DIRECTLINE_CHANNEL_ID,
      serviceUrl: DIRECTLINE_SERVICE_URL,
      recipient: { id: DIRECTLINE_BOT_ID, name: this.botName, role: 'bot' },
      timestamp: new Date(),
      ...activity,
    };
    return this.queue.run(conversationId, () => this.runMiddleware(new TurnContext(this, full), logic));
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return sendOrHold(context, activities, (ready) => this.deliver(context, ready));
  }

  private async deliver(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      switch (activity.type) {
        case 'delay': {
          const ms = typeof activity.value === 'number' ? activity.value : 1000;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(ms, 60_000))));
          responses.push({ id: '' });
          break;
        }
        // Not meaningful for a Web Chat client: invoke responses go back in the HTTP reply of other
        // channels, traces are for the Emulator.
        case ActivityTypes.InvokeResponse:
        case ActivityTypes.Trace:
          responses.push({ id: '' });
          break;
        default: {
          const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
          if (!conversationId) throw new Error('sendActivities: no conversation id');
          const stored = await this.conversations.append(
            conversationId,
            await this.outgoing(activity, conversationId),
            activity.type === ActivityTypes.Typing ? { ephemeralMs: TYPING_TTL_MS } : {},
          );
          responses.push({ id: stored.id });
        }
      }
    }
    return responses;
  }

  async updateActivity(
    context: TurnContext,
    activity: Partial<Activity>,
  ): Promise<ResourceResponse | undefined> {
    const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
    if (!conversationId || !activity.id)
      throw new Error('updateActivity: conversation id and activity id required');
    const stored = await this.conversations.replace(
      conversationId,
      activity.id,
      await this.outgoing({ ...activity, type: activity.type ?? ActivityTypes.Message }, conversationId),
    );
    if (!stored) throw new Error(`updateActivity: activity ${activity.id} not found`);
    return { id: stored.id };
  }

  async deleteActivity(context: TurnContext, reference: Partial<ConversationReference>): Promise<void> {
    const conversationId = reference.conversation?.id ?? context.activity.conversation?.id;
    if (!conversationId || !reference.activityId) {
      throw new Error('deleteActivity: conversation id and activity id required');
    }
    // Clients that already read it keep it; new readers (a reload) no longer see it.
    await this.conversations.remove(conversationId, reference.activityId);
  }

  /** Proactive turn (e.g. a staff reply). Throws ConversationNotFoundError when the chat has expired. */
  async continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId || !(await this.conversations.get(conversationId))) {
      throw new ConversationNotFoundError(conversationId ?? '');
    }
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'ContinueConversation' },
      { ...reference, channelId: DIRECTLINE_CHANNEL_ID, serviceUrl: DIRECTLINE_SERVICE_URL },
      true,
    );
    activity.timestamp = new Date();
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /** Same as continueConversation; the app id / claims and audience do not matter in-process. */
  override async continueConversationAsync(
    _botAppIdOrClaims: unknown,
    reference: Partial<ConversationReference>,
    logicOrAudience: TurnLogic | string,
    maybeLogic?: TurnLogic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new TypeError('continueConversationAsync: logic is required');
    return this.continueConversation(reference, logic);
  }

  private async userIdOf(conversationId: string): Promise<string | undefined> {
    const known = this.userIds.get(conversationId);
    if (known) return known;
    const userId = (await this.conversations.get(conversationId))?.userId;
    if (userId) {
      this.userIds.set(conversationId, userId);
    }
    return userId;
  }

  /** Completes what the bot sent with the fields every Direct Line client expects. */
  private async outgoing(activity: Partial<Activity>, conversationId: string): Promise<StoredActivity> {
    const userId = await this.userIdOf(conversationId);
    const { id: _ignored, ...rest } = activity;
    return {
      ...rest,
      type: activity.type ?? ActivityTypes.Message,
      channelId: DIRECTLINE_CHANNEL_ID,
      serviceUrl: DIRECTLINE_SERVICE_URL,
      conversation: { id: conversationId },
      from: { id: DIRECTLINE_BOT_ID, name: this.botName, role: 'bot' },
      recipient: { id: userId ?? activity.recipient?.id ?? '', role: 'user' },
      timestamp: new Date().toISOString(),
      ...(activity.id ? { id: activity.id } : {}),
    } as unknown as StoredActivity;
  }

  private async defaultOnTurnError(context: TurnContext, error: Error): Promise<void> {
    this.logger?.error(
      {
        err: { name: error?.name, message: error?.message, stack: error?.stack },
        conversationId: context.activity.conversation?.id,
      },
      'bot turn failed',
    );
    // Only message turns get an apology; a failed typing or event turn must not produce chat noise.
    if (context.activity.type !== ActivityTypes.Message) return;
    const english = (context.activity.locale ?? '').toLowerCase().startsWith('en');
    try {
      await context.sendActivity(
        english
          ? 'Sorry, something went wrong on our side. Please try again in a moment.'
          : '申し訳ありません。システムで問題が発生しました。しばらくしてからもう一度お試しください。',
      );
    } catch (sendError) {
      this.logger?.error({ err: sendError }, 'could not send the turn-error message');
    }
  }
}
