import { isIP } from 'node:net';
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
  // Staff sign-in (src/staff/staffAuth.ts).
  STAFF_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  STAFF_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  STAFF_LOGIN_FAILURES_PER_LOGIN: z.coerce.number().int().min(1).default(5),
  STAFF_LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  STAFF_LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STATE_TTL_HOURS: z.coerce
    .number()
    .min(0)
    .default(24 * 7),
  DIRECTLINE_TOKEN_SECRET: z
    .string()
    .default('')
    .refine((v) => v === '' || v.length >= 32, 'must be empty (generated) or at least 32 characters'),
  DIRECTLINE_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 366)
    .default(24),
  METRICS_RETENTION_DAYS: z.coerce.number().positive().max(3660).default(400),
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(20),
  // Persistence (src/persistence): embedded lowdb under DATA_DIR, or PostgreSQL shared by instances.
  STORAGE: z.enum(['lowdb', 'postgres'], { error: "must be empty, 'lowdb' or 'postgres'" }).default('lowdb'),
  DATABASE_URL: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || /^postgres(ql)?:\/\//.test(v), 'must be a postgres://user@host:port/db URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
  TRUST_PROXY: z
    .string()
    .default('')
    .refine(
      (v) => parseProxyList(v) !== undefined,
      'must be a comma-separated list of IP addresses or CIDRs (e.g. 10.0.0.0/8,127.0.0.1)',
    ),
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
  /** The service bearer token ('' none). The staff API is on when it is set or an account exists. */
  staffToken: string;
  staffAuth: {
    sessionIdleMinutes: number;
    sessionMaxHours: number;
    loginFailuresPerLogin: number;
    loginFailuresPerAddress: number;
    lockoutMinutes: number;
  };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Idle conversation and user state is removed after this many hours (0: never). */
  stateTtlHours: number;
  /** Signs Web Chat's Direct Line tokens; '' when unset: generated once and kept by the backend. */
  directLineTokenSecret: string;
  /** Hours a Web Chat transcript is kept after the conversation's last activity. */
  directLineRetentionHours: number;
  /** METRICS_RETENTION_DAYS: counters older than this are dropped (default 400). */
  metricsRetentionDays: number;
  /** HEAP_GROWING_PERCENT: how far the JS heap may grow past live data before a full GC (0: V8's own). */
  heapGrowingPercent: number;
  /** Where everything is kept: lowdb files under dataDir, or PostgreSQL at databaseUrl. */
  storage: 'lowdb' | 'postgres';
  databaseUrl: string;
  /** Most connections of one instance's query pool. */
  databasePoolMax: number;
  /** Proxy addresses / CIDRs whose X-Forwarded-For, -Proto and -Host are believed (empty: none). */
  trustProxy: string[];
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
  if (e.STORAGE === 'postgres' && !e.DATABASE_URL) {
    throw new ConfigError(['DATABASE_URL: required with STORAGE=postgres (postgres://user@host:port/db)']);
  }
  return {
    port: e.PORT,
    microsoftAppType: e.MicrosoftAppType,
    microsoftAppId: e.MicrosoftAppId,
    microsoftAppPassword: e.MicrosoftAppPassword,
    microsoftAppTenantId: e.MicrosoftAppTenantId,
    dataDir: resolve(e.DATA_DIR),
    staffToken: e.STAFF_TOKEN,
    staffAuth: {
      sessionIdleMinutes: e.STAFF_SESSION_IDLE_MINUTES,
      sessionMaxHours: e.STAFF_SESSION_MAX_HOURS,
      loginFailuresPerLogin: e.STAFF_LOGIN_FAILURES_PER_LOGIN,
      loginFailuresPerAddress: e.STAFF_LOGIN_FAILURES_PER_ADDRESS,
      lockoutMinutes: e.STAFF_LOGIN_LOCKOUT_MINUTES,
    },
    logLevel: e.LOG_LEVEL,
    stateTtlHours: e.STATE_TTL_HOURS,
    directLineTokenSecret: e.DIRECTLINE_TOKEN_SECRET,
    directLineRetentionHours: e.DIRECTLINE_RETENTION_HOURS,
    metricsRetentionDays: e.METRICS_RETENTION_DAYS,
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    storage: e.STORAGE,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    trustProxy: parseProxyList(e.TRUST_PROXY) ?? [],
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

/** `a, b/n, …` → entries, or undefined when one is not an IP address or CIDR. */
export function parseProxyList(value: string): string[] | undefined {
  const entries = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const valid = entries.every((entry) => {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
  });
  return valid ? entries : undefined;
}
