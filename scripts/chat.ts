// A terminal chat with a running bot over the Emulator protocol, for when the Bot Framework Emulator
// is not at hand: `npm start` in one terminal, `npm run chat` in another (`-- --locale en-US`,
// `-- --url http://host:port/api/messages`). Replies arrive at a small local connector, as in the Emulator.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3978/api/messages' },
    locale: { type: 'string', default: 'ja-JP' },
  },
});

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
  const res = await fetch(values.url, {
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
  });
  if (!res.ok) console.log(`\x1b[31m${res.status}\x1b[0m ${await res.text()}`);
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
