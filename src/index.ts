import { createApp } from './app.js';
import { ConfigError, parseConfig } from './config.js';
import { boundHeapGrowth, collectStartupGarbage } from './heapGrowth.js';
import { KnowledgeError } from './knowledge/loader.js';
import { DotEnvError, loadDotEnv } from './loadDotEnv.js';

async function main(): Promise<void> {
  const envFile = loadDotEnv();
  const config = parseConfig();
  boundHeapGrowth(config.heapGrowingPercent);
  const app = await createApp(config);
  collectStartupGarbage();
  const url = await app.listen(config.port);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A promise nobody awaited that rejects is a bug, but no reason to drop every member's chat: log it.
  // An uncaught exception leaves the process in an unknown state: log it and exit so a supervisor
  // restarts the bot (inquiries are on disk before a member is told about them).
  process.on('unhandledRejection', (reason: unknown) => {
    app.logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err: Error) => {
    app.logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
  // Last: whoever waits for this line (a supervisor, a test) may send SIGTERM right away.
  app.logger.info(
    {
      url,
      storage: config.storage,
      dataDir: config.storage === 'lowdb' ? config.dataDir : undefined,
      envFile: envFile ?? 'none',
      auth: config.microsoftAppId ? 'bot-framework' : 'none (Emulator local mode)',
    },
    'member-help bot listening',
  );
}

main().catch((err: unknown) => {
  // Configuration, .env, knowledge and database errors already name the variable, the file and line
  // or field, or the host.
  const listenError = err as NodeJS.ErrnoException & { port?: number };
  if (
    err instanceof ConfigError ||
    err instanceof DotEnvError ||
    err instanceof KnowledgeError ||
    (err instanceof Error && err.name === 'DatabaseStartError')
  ) {
    console.error(err.message);
  } else if (listenError.code === 'EADDRINUSE') {
    console.error(
      `Port ${listenError.port} is already in use (is the bot running in another terminal?). ` +
        'Stop that process or choose another port, e.g. PORT=4000 npm start.',
    );
  } else {
    console.error(err);
  }
  process.exit(1);
});
