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
      dataDir: config.dataDir,
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
}

main().catch((err: unknown) => {
  // Configuration and knowledge errors already name the variable or file and field.
  if (err instanceof ConfigError || err instanceof KnowledgeError) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
