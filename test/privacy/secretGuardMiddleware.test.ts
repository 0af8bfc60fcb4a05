import { type Activity, MemoryStorage, TestAdapter, type TurnContext, UserState } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { loadPrivacyKnowledge } from '../../src/privacy/privacyKnowledge.js';
import { maskSecrets, type SecretKind } from '../../src/privacy/secretGuard.js';
import {
  createSecretGuardMiddleware,
  PendingLabels,
  SECRETS_FOUND_KEY,
  secretsFound,
} from '../../src/privacy/secretGuardMiddleware.js';

const knowledge = loadPrivacyKnowledge();
const CARD_DIGITS = '4539148803436467';

interface Seen {
  text: string | undefined;
  value: unknown;
  found: SecretKind[] | undefined;
}

/** A bot that records what it sees and echoes it back — the worst thing a dialog could do. */
function echoBot(seen: Seen[]) {
  return async (context: TurnContext) => {
    if (context.activity.type !== 'message') return;
    seen.push({
      text: context.activity.text,
      value: context.activity.value,
      found: context.turnState.get(SECRETS_FOUND_KEY) as SecretKind[] | undefined,
    });
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
  };
}

function adapterWith(seen: Seen[], logic = echoBot(seen)) {
  const adapter = new TestAdapter(logic);
  adapter.use(createSecretGuardMiddleware(knowledge));
  return adapter;
}

const digitsOf = (s: string | undefined) =>
  (s ?? '')
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/\D/g, '');

function noSecretIn(reply: Partial<Activity>) {
  expect(digitsOf(reply.text)).not.toContain(CARD_DIGITS);
  expect(reply.text ?? '').not.toMatch(/1234|hunter2/);
}

describe('secret guard middleware', () => {
  it('warns in Japanese first, hands the bot masked text, and no reply carries the number', async () => {
    const seen: Seen[] = [];
    await adapterWith(seen)
      .send('カード番号は4539 1488 0343 6467です')
      .assertReply((reply) => {
        expect(reply.text).toBe(knowledge.warnings.card_number.ja);
        noSecretIn(reply);
      })
      .assertReply((reply) => {
        expect(reply.text).toBe('echo: カード番号は**** **** **** 6467です');
        noSecretIn(reply);
      })
      .startTest();
    expect(seen).toEqual([
      { text: 'カード番号は**** **** **** 6467です', value: undefined, found: ['card_number'] },
    ]);
  });

  it('warns in English for an English message, and masks a PIN and a password together', async () => {
    const seen: Seen[] = [];
    await adapterWith(seen)
      .send({ type: 'message', text: 'my pin is 1234 and my password is hunter2', locale: 'en-US' })
      .assertReply((reply) => {
        expect(reply.text).toBe(knowledge.warnings.multiple.en);
        noSecretIn(reply);
      })
      .assertReply('echo: my pin is **** and my password is ********')
      .startTest();
    expect(seen[0]?.found).toEqual(['pin', 'password']);
  });

  it('English card number: English warning, masked text', async () => {
    const seen: Seen[] = [];
    await adapterWith(seen)
      .send({ type: 'message', text: 'card number 4539-1488-0343-6467 please help', locale: 'en-US' })
      .assertReply(knowledge.warnings.card_number.en)
      .assertReply('echo: card number ****-****-****-6467 please help')
      .startTest();
  });

  it('uses Japanese for Latin-only text when the locale is not English', async () => {
    await adapterWith([])
      .send({ type: 'message', text: 'PIN 1234', locale: 'ja-JP' })
      .assertReply(knowledge.warnings.pin.ja)
      .assertReply('echo: PIN ****')
      .startTest();
  });

  it('says nothing extra and records no findings for an ordinary message', async () => {
    const seen: Seen[] = [];
    await adapterWith(seen)
      .send('プロミスコールは0120-24-0365ですか')
      .assertReply('echo: プロミスコールは0120-24-0365ですか')
      .assertNoReply('no warning for an ordinary message', 200)
      .startTest();
    expect(seen[0]?.found).toEqual([]);
  });

  it('masks strings inside activity.value (card submits, postBacks)', async () => {
    const seen: Seen[] = [];
    await adapterWith(seen)
      .send({
        type: 'message',
        value: { form: { password: 'password: hunter2', count: 3 } },
        locale: 'en-US',
      })
      .assertReply(knowledge.warnings.password.en)
      .assertReply('echo: ')
      .startTest();
    expect(seen[0]?.value).toEqual({ form: { password: 'password: ********', count: 3 } });
  });

  it('masks what the bot sends even when a dialog tries to repeat a secret', async () => {
    const leaky = async (context: TurnContext) => {
      await context.sendActivity(`Your card is ${CARD_DIGITS} and your PIN is 1234`);
      await context.sendActivities([
        { type: 'message', text: 'パスワードはabc123ですね', speak: `暗証番号は9876` },
      ]);
    };
    const adapter = adapterWith([], leaky);
    await adapter
      .send('こんにちは')
      .assertReply('Your card is ************6467 and your PIN is ****')
      .assertReply((reply) => {
        expect(reply.text).toBe('パスワードは********ですね');
        expect(reply.speak).toBe('暗証番号は****');
      })
      .startTest();
  });

  it('masks before later middleware (transcripts, state) sees the activity', async () => {
    const logged: string[] = [];
    const adapter = new TestAdapter(async () => {});
    adapter.use(createSecretGuardMiddleware(knowledge));
    adapter.use({
      onTurn: async (context, next) => {
        logged.push(context.activity.text ?? '');
        expect(secretsFound(context)).toEqual(['pin']);
        await next();
      },
    });
    await adapter.send('暗証番号は0000').assertReply(knowledge.warnings.pin.ja).startTest();
    expect(logged).toEqual(['暗証番号は****']);
  });

  it('stored user state holds only masked text', async () => {
    const storage = new MemoryStorage();
    const userState = new UserState(storage);
    const lastMessage = userState.createProperty<string>('lastMessage');
    const adapter = new TestAdapter(async (context) => {
      await lastMessage.set(context, context.activity.text ?? '');
      await userState.saveChanges(context);
    });
    adapter.use(createSecretGuardMiddleware(knowledge));
    await adapter.send('ログインできません パスワードはabc123 カード4539148803436467').startTest();
    const dump = JSON.stringify(
      await storage.read(Object.keys((storage as unknown as { memory: object }).memory)),
    );
    expect(dump).toContain('パスワードは********');
    expect(dump).not.toContain('abc123');
    expect(dump).not.toContain(CARD_DIGITS);
  });
});

describe('secret guard middleware: label in one message, value in the next', () => {
  it('masks a bare PIN after 「暗証番号は」 and warns', async () => {
    const seen: Seen[] = [];
    await adapterWith(seen)
      .send('暗証番号は')
      .assertReply('echo: 暗証番号は')
      .send('1234')
      .assertReply(knowledge.warnings.pin.ja)
      .assertReply('echo: ****')
      .startTest();
    expect(seen.map((s) => [s.text, s.found])).toEqual([
      ['暗証番号は', []],
      ['****', ['pin']],
    ]);
  });

  it('masks a bare password after "password:" and a PIN after "my PIN is", in English', async () => {
    await adapterWith([])
      .send({ type: 'message', text: 'password:', locale: 'en-US' })
      .assertReply('echo: password:')
      .send({ type: 'message', text: 'hunter22', locale: 'en-US' })
      .assertReply(knowledge.warnings.password.en)
      .assertReply('echo: ********')
      .send({ type: 'message', text: 'my PIN is', locale: 'en-US' })
      .assertReply('echo: my PIN is')
      .send({ type: 'message', text: '4821', locale: 'en-US' })
      .assertReply(knowledge.warnings.pin.en)
      .assertReply('echo: ****')
      .startTest();
  });

  it('only the very next message, only a bare value, and not after the label has expired', async () => {
    let now = 1_000_000;
    const adapter = new TestAdapter(echoBot([]));
    adapter.use(createSecretGuardMiddleware(knowledge, { now: () => now }));
    await adapter
      .send('暗証番号は')
      .assertReply('echo: 暗証番号は')
      .send('えっと')
      .assertReply('echo: えっと')
      .send('1234')
      .assertReply('echo: 1234') // two messages later: an ordinary number
      .send('パスワードは')
      .assertReply('echo: パスワードは')
      .send('忘れました')
      .assertReply('echo: 忘れました')
      .send('暗証番号は')
      .assertReply('echo: 暗証番号は')
      .then(() => {
        now += 3 * 60_000;
      })
      .send('5678')
      .assertReply('echo: 5678')
      .assertNoReply('no warning', 100)
      .startTest();
  });
});

describe('PendingLabels', () => {
  it('remembers per conversation, once, until it expires', () => {
    let now = 0;
    const labels = new PendingLabels({ ttlMs: 1000, now: () => now });
    labels.set('a', 'pin');
    labels.set('b', 'password');
    expect(labels.take('b')).toBe('password');
    expect(labels.take('b')).toBeUndefined();
    now = 999;
    expect(labels.take('a')).toBe('pin');
    labels.set('a', 'pin');
    now = 2000;
    expect(labels.take('a')).toBeUndefined();
    expect(labels.size).toBe(0);
  });

  it('holds at most maxEntries, dropping expired then oldest entries first', () => {
    let now = 0;
    const labels = new PendingLabels({ ttlMs: 100, maxEntries: 3, now: () => now });
    labels.set('old', 'pin');
    now = 50;
    labels.set('b', 'pin');
    labels.set('c', 'pin');
    labels.set('d', 'password'); // full: 'old' (the oldest) goes
    expect(labels.size).toBe(3);
    expect(labels.take('old')).toBeUndefined();
    expect(labels.take('d')).toBe('password');
    for (let i = 0; i < 50_000; i++) labels.set(`conv-${i}`, 'pin');
    expect(labels.size).toBe(3);
  });
});

describe('privacy knowledge', () => {
  it('has a warning per kind in both languages, none of which the guard would mask', () => {
    for (const text of Object.values(knowledge.warnings)) {
      for (const lang of ['ja', 'en'] as const) {
        expect(text[lang].length).toBeGreaterThan(10);
        expect(maskSecrets(text[lang])).toEqual({ text: text[lang], found: [] });
      }
    }
    expect(knowledge.warnings.multiple.ja).toContain(
      'カード番号・暗証番号・パスワード・セキュリティコードはチャットに入力しないでください',
    );
  });
});
