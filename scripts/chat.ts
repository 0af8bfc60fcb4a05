// A terminal chat with a running bot over the Emulator protocol, for when the Bot Framework Emulator
// is not at hand: `npm start` in one terminal, `npm run chat` in another (`-- --locale en-US`,
// `-- --url http://host:port/api/messages`). Without --url it talks to this machine on PORT, read like
// the server reads it (environment, then .env). Replies arrive at a small local connector, as in the Emulator.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, parseConfig } from '../src/config.js';
import { DotEnvError, loadDotEnv } from '../src/loadDotEnv.js';

const { values: options } = parseArgs({
  options: {
    url: { type: 'string' },
    locale: { type: 'string', default: 'ja-JP' },
  },
});

/** --url, else the server's own PORT rule (same default, same validation). */
function botUrl(): string {
  if (options.url) return options.url;
  try {
    loadDotEnv();
    return `http://127.0.0.1:${parseConfig({ PORT: process.env.PORT }).port}/api/messages`;
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof DotEnvError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
const values = { url: botUrl(), locale: options.locale };

interface BotReply {
  text?: string;
  type?: string;
  suggestedActions?: { actions?: Array<{ title?: string }> };
}

function show(reply: BotReply): void {
  if (reply.type !== 'message') return;
  console.log(`\x1b[36mbot>\x1b[0m ${(reply.text ?? '').replace(/\n/g, '\n     ')}`);
  const buttons = reply.suggestedActions?.actions?.map((a) => `[${a.title}]`) ?? [];
  if (buttons.length > 0) console.log(`     ${buttons.join(' ')}`);
}

const connector = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => {
    body += chunk.toString('utf8');
  });
  req.on('end', () => {
    try {
      show(JSON.parse(body) as BotReply);
    } catch {
      // Not an activity (e.g. a token request): nothing to show.
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: randomUUID() }));
  });
});

await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}`;
const conversation = { id: `cli-${randomUUID()}` };
const member = { id: 'cli-member', name: 'Member', role: 'user' };
const bot = { id: 'bot', name: 'Bot', role: 'bot' };

async function send(activity: Record<string, unknown>): Promise<void> {
  const res = await post(activity);
  if (!res.ok) console.log(`\x1b[31m${res.status}\x1b[0m ${await res.text()}`);
}

function post(activity: Record<string, unknown>): Promise<Response> {
  return fetch(values.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: randomUUID(),
      channelId: 'emulator',
      serviceUrl,
      conversation,
      from: member,
      recipient: bot,
      locale: values.locale,
      timestamp: new Date().toISOString(),
      ...activity,
    }),
  }).catch((err: unknown) => {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? String(err);
    console.error(`Cannot reach the bot at ${values.url} (${reason}). Is it running (npm start)?`);
    console.error('It listens on PORT (default 3978); point this chat elsewhere with -- --url URL.');
    process.exit(1);
  });
}

console.log(`Chatting with ${values.url} (${values.locale}). Empty line or Ctrl+D quits.`);
await send({ type: 'conversationUpdate', membersAdded: [bot, member] });
const input = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
input.prompt();
for await (const line of input) {
  if (!line.trim()) break;
  await send({ type: 'message', text: line });
  input.prompt();
}
input.close();
connector.close();
