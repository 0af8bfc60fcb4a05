import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';

// Every setting the bot reads from the environment. A bad value stops start-up with a message that
// names the variable, instead of a half-working bot.
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppId: z.string().trim().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppTenantId: z.string().trim().default(''),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  STAFF_TOKEN: z
    .string()
    .default('')
    .refine((v) => v === '' || v.length >= 16, 'must be empty (staff API off) or at least 16 characters'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STATE_TTL_HOURS: z.coerce
    .number()
    .min(0)
    .default(24 * 7),
  DIRECTLINE_TOKEN_SECRET: z
    .string()
    .default('')
    .refine((v) => v === '' || v.length >= 32, 'must be empty (generated) or at least 32 characters'),
  // Rate limits (src/rateLimit.ts); a count of 0 turns that limit off.
  RATE_LIMIT_IP_REQUESTS: z.coerce.number().int().min(0).default(120),
  RATE_LIMIT_IP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  RATE_LIMIT_CONVERSATION_MESSAGES: z.coerce.number().int().min(0).default(20),
  RATE_LIMIT_CONVERSATION_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RATE_LIMIT_DIRECTLINE_STARTS_PER_MINUTE: z.coerce.number().int().min(0).default(120),
  RATE_LIMIT_INQUIRIES_PER_HOUR: z.coerce.number().int().min(0).default(5),
});

export interface Config {
  port: number;
  microsoftAppType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  microsoftAppId: string;
  microsoftAppPassword: string;
  microsoftAppTenantId: string;
  /** Absolute path of the folder that holds everything the bot persists. */
  dataDir: string;
  /** Empty: the staff API is off. */
  staffToken: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Idle conversation and user state is removed after this many hours (0: never). */
  stateTtlHours: number;
  /** Signs Web Chat's Direct Line tokens. */
  directLineTokenSecret: string;
  /**
   * HTTP requests per client address, activities per conversation, new Direct Line conversations per
   * address per minute, inquiries per member (and address) per hour; a count of 0: off.
   */
  rateLimit: {
    ipRequests: number;
    ipWindowSeconds: number;
    conversationMessages: number;
    conversationWindowSeconds: number;
    directLineStartsPerMinute: number;
    inquiriesPerHour: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment (empty strings count as unset, as in a copied .env.example). */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}: ${issue.message} (got ${JSON.stringify(present[name])})`;
      }),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    microsoftAppType: e.MicrosoftAppType,
    microsoftAppId: e.MicrosoftAppId,
    microsoftAppPassword: e.MicrosoftAppPassword,
    microsoftAppTenantId: e.MicrosoftAppTenantId,
    dataDir: resolve(e.DATA_DIR),
    staffToken: e.STAFF_TOKEN,
    logLevel: e.LOG_LEVEL,
    stateTtlHours: e.STATE_TTL_HOURS,
    // A per-process secret means a page reload after a restart starts a new chat; set one to keep them.
    directLineTokenSecret: e.DIRECTLINE_TOKEN_SECRET || randomBytes(32).toString('hex'),
    rateLimit: {
      ipRequests: e.RATE_LIMIT_IP_REQUESTS,
      ipWindowSeconds: e.RATE_LIMIT_IP_WINDOW_SECONDS,
      conversationMessages: e.RATE_LIMIT_CONVERSATION_MESSAGES,
      conversationWindowSeconds: e.RATE_LIMIT_CONVERSATION_WINDOW_SECONDS,
      directLineStartsPerMinute: e.RATE_LIMIT_DIRECTLINE_STARTS_PER_MINUTE,
      inquiriesPerHour: e.RATE_LIMIT_INQUIRIES_PER_HOUR,
    },
  };
}
