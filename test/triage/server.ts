import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import { LowdbStaffStore } from '../../src/persistence/lowdb/staff.js';
import { LowdbUnansweredStore } from '../../src/persistence/lowdb/unanswered.js';
import { MemoryRateLimitStores } from '../../src/persistence/memory.js';
import type { StaffStore } from '../../src/persistence/types.js';
import { createAuditLog, StaffAuth, type StaffAuthSettings } from '../../src/staff/staffAuth.js';
import { loadCannedReplies } from '../../src/triage/cannedReplies.js';
import {
  createPendingReplyMiddleware,
  createReplyDelivery,
  type DeliverReply,
} from '../../src/triage/delivery.js';
import type { InquiryService } from '../../src/triage/inquiryStore.js';
import type { InquiryRules } from '../../src/triage/rules.js';
import { registerStaffApi } from '../../src/triage/staffApi.js';
import { registerStaffPage } from '../../src/triage/staffPage.js';
import { UnansweredLogService } from '../../src/triage/unansweredLog.js';
import { openInquiries, testRules } from './helpers.js';

export const TOKEN = 'test-staff-token-0123456789';

export interface StaffServer {
  base: string;
  server: restify.Server;
  adapter: CloudAdapter;
  inquiries: InquiryService;
  unanswered: UnansweredLogService;
  staff: StaffStore;
  api(path: string, init?: { method?: string; body?: unknown; token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** A small restify server with just the triage parts, wired the way the app wires them. */
export async function startStaffServer(
  dataDir: string,
  options: {
    staffToken?: string;
    /** Another staff store (e.g. PostgreSQL's); by default lowdb files under dataDir/staff. */
    staff?: StaffStore;
    auth?: Partial<Omit<StaffAuthSettings, 'serviceToken'>>;
    deliver?: DeliverReply;
    rules?: InquiryRules;
    now?: () => Date;
    /** Also serve /api/messages with a bot that answers "echo: …", behind the pending-reply middleware. */
    withBot?: boolean;
  } = {},
): Promise<StaffServer> {
  const inquiries = await openInquiries(join(dataDir, 'inquiries'), options.rules ?? testRules(), {
    now: options.now,
  });
  const unansweredStore = await LowdbUnansweredStore.open(join(dataDir, 'unanswered.json'));
  const unanswered = new UnansweredLogService(unansweredStore);
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer({ name: 'triage-test' });
  server.use(restify.plugins.queryParser());
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  const staff = options.staff ?? (await LowdbStaffStore.open(join(dataDir, 'staff')));
  const audit = createAuditLog(staff, options.now);
  registerStaffApi(server, {
    auth: new StaffAuth({
      store: staff,
      rateLimits: new MemoryRateLimitStores(),
      audit,
      settings: {
        serviceToken: options.staffToken ?? TOKEN,
        sessionIdleMinutes: 30,
        sessionMaxHours: 12,
        loginFailuresPerLogin: 5,
        loginFailuresPerAddress: 20,
        lockoutMinutes: 15,
        ...options.auth,
      },
      now: options.now,
    }),
    audit,
    accounts: staff,
    cannedReplies: loadCannedReplies(),
    inquiries,
    unanswered,
    deliver: options.deliver ?? createReplyDelivery({ cloudAdapter: adapter, botAppId: '' }),
    now: options.now,
  });
  registerStaffPage(server);
  if (options.withBot) {
    adapter.use(createPendingReplyMiddleware(inquiries));
    server.post('/api/messages', async (req, res) => {
      await adapter.process(req, res, async (context) => {
        await context.sendActivity(`echo: ${context.activity.text}`);
      });
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    server,
    adapter,
    inquiries,
    unanswered,
    staff,
    api(path, init = {}) {
      const token = init.token === undefined ? TOKEN : init.token;
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${base}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.server.closeAllConnections?.();
      });
      await inquiries.flush();
      await unansweredStore.flush();
    },
  };
}
