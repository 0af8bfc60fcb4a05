import { type Activity, TestAdapter } from 'botbuilder';
import { pino } from 'pino';
import { type BotServices, type BotServicesOptions, createBotServices } from '../../src/botServices.js';

export interface Reply {
  text: string;
  buttons: string[];
}

export interface Harness {
  services: BotServices;
  dataDir: string;
  /** The member sends `text`; resolves to the bot's replies to it, in order. */
  say(text: string, extra?: Partial<Activity>): Promise<Reply[]>;
}

/**
 * The real bot (knowledge, recognizer, policy, dialogs, secret guard, lowdb stores in their own
 * DATA_DIR) behind botbuilder's TestAdapter. `at` is the member's clock: every message carries it as
 * its timestamp, as channels do, and it is also the server clock (unless `services.now` says
 * otherwise), since a timestamp far from the server clock is not trusted.
 */
export async function createHarness(
  dataDir: string,
  options: {
    locale?: string;
    at?: Date;
    conversationId?: string;
    /** The channel the member uses (default 'test'; 'webchat' is the bot's own page). */
    channelId?: string;
    services?: BotServicesOptions;
  } = {},
): Promise<Harness> {
  const services = await createBotServices(
    { dataDir, stateTtlHours: 24 },
    pino({ level: 'silent' }),
    // The server clock agrees with the member's: a timestamp far from it would be ignored (instantOf).
    options.at ? { now: () => options.at as Date, ...options.services } : options.services,
  );
  const adapter = new TestAdapter(async (context) => services.bot.run(context), {
    channelId: options.channelId ?? 'test',
    serviceUrl: 'https://test.invalid',
    conversation: {
      id: options.conversationId ?? 'conv-1',
      isGroup: false,
      conversationType: 'personal',
      name: '',
    },
    from: { id: 'member-1', name: 'Member', role: 'user' },
    recipient: { id: 'bot', name: 'Bot', role: 'bot' },
    locale: options.locale ?? 'ja-JP',
  });
  for (const m of services.middleware) adapter.use(m);
  adapter.onTurnError = async (_context, error) => {
    throw error;
  };

  return {
    services,
    dataDir,
    async say(text, extra = {}) {
      adapter.activeQueue.splice(0);
      await adapter.receiveActivity({
        type: 'message',
        text,
        locale: options.locale ?? 'ja-JP',
        ...(options.at ? { timestamp: options.at } : {}),
        ...extra,
      } as Activity);
      return adapter.activeQueue.splice(0).map((a) => ({
        text: a.text ?? '',
        buttons: (a.suggestedActions?.actions ?? []).map((b) => String(b.title)),
      }));
    },
  };
}

/** All reply texts of one turn as one string, for `toContain` assertions. */
export function joined(replies: Reply[]): string {
  return replies.map((r) => r.text).join('\n');
}

/**
 * The buttons of replies other than the turn's last: Web Chat shows only the newest message's
 * buttons, so any here would never be seen (expected to be empty).
 */
export function hiddenButtons(replies: Reply[]): string[] {
  return replies.slice(0, -1).flatMap((r) => r.buttons ?? []);
}

/** The buttons offered with the last reply of a turn. */
export function lastButtons(replies: Reply[]): string[] {
  return replies.at(-1)?.buttons ?? [];
}
