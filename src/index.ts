import { createApp } from './app.js';
import { ConfigError, parseConfig } from './config.js';
import { KnowledgeError } from './knowledge/loader.js';

async function main(): Promise<void> {
  const config = parseConfig();
  const app = await createApp(config);
  const url = await app.listen(config.port);
  app.logger.info(
    {
      url,
      storage: config.storage,
      dataDir: config.storage === 'lowdb' ? config.dataDir : undefined,
      auth: config.microsoftAppId ? 'bot-framework' : 'none (Emulator local mode)',
    },
    'member-help bot listening',
  );

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
}

main().catch((err: unknown) => {
  // Configuration, knowledge and database errors already name the variable, file and field, or host.
  if (
    err instanceof ConfigError ||
    err instanceof KnowledgeError ||
    (err instanceof Error && err.name === 'DatabaseStartError')
  ) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
