import { pino } from 'pino';
import type { Config } from './config.js';

export type Logger = pino.Logger;

// Structured JSON logs. Message text is never logged at info level; fields that could carry what a
// member typed are removed outright.
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'member-help-bot' },
    redact: {
      paths: ['text', '*.text', 'activity.text', 'req.headers.authorization', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
