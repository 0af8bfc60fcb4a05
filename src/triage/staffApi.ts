import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { HttpError } from '../httpErrors.js';
import { bearerToken, clientAddress, forwarded, ProxyTrust } from '../httpRequest.js';
import { fill } from '../knowledge/template.js';
import type { AuditEntry, AuditQuery, InquiryEvents, StaffStore } from '../persistence/types.js';
import { staffTextRefusal } from '../privacy/staffTextCheck.js';
import { LOGIN_PATTERN } from '../staff/passwords.js';
import { csrfMatches, SESSION_COOKIE, type StaffAuth } from '../staff/staffAuth.js';
import { isStorageFailure } from '../storage/storageErrors.js';
import { TOPIC_IDS } from '../topics.js';
import type { CannedReply } from './cannedReplies.js';
import type { DeliverReply, DeliveryResult } from './delivery.js';
import {
  InquiryClosedError,
  type InquiryFilter,
  InquiryNotFoundError,
  type InquiryService,
  InvalidTransitionError,
  isOverdue,
  LiveChatConflictError,
  STATUS_TRANSITIONS,
} from './inquiryStore.js';
import type { LiveChatWording } from './rules.js';
import type { AuditDetail, AuditRecorder, StaffActor, StaffRole } from './staffActor.js';
import { registerStaffEvents } from './staffEvents.js';
import { INQUIRY_STATUSES, type Inquiry, PRIORITIES } from './types.js';
import type { UnansweredLogService } from './unansweredLog.js';

// The staff side of triage: a small JSON API under /api/staff, for the staff page and for scripts.
// Every route but sign-in needs a signed-in session (cookie; changes also need X-CSRF-Token) or the
// service bearer `Authorization: Bearer $STAFF_TOKEN`. With no account and no token the whole API
// answers 503, so a missing setting never leaves it open.

export interface StaffApiDeps {
  auth: StaffAuth;
  /** Records and (for supervisors) lists the audit log. */
  audit: AuditRecorder & { list(query: AuditQuery): Promise<AuditEntry[]> };
  accounts: Pick<StaffStore, 'listAccounts' | 'getAccount' | 'updateAccount' | 'deleteSessionsOf'>;
  inquiries: InquiryService;
  unanswered: Pick<UnansweredLogService, 'list' | 'dismiss'>;
  deliver: DeliverReply;
  /** Starting points for replies, by topic (knowledge/canned-replies.json). */
  cannedReplies?: readonly CannedReply[];
  /** Whose X-Forwarded-* headers are believed (client address for lock-out, https for the cookie). */
  trust?: ProxyTrust;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  now?: () => Date;
  /**
   * Live chat: the wording (knowledge/triage.json liveChat), a sender of staff messages as written
   * (settled like replies), and one of join/leave notices (not replies: nothing to settle).
   */
  liveChat?: { wording: LiveChatWording; send: DeliverReply; notify: DeliverReply };
  /** Pushes inquiry changes to the console (GET /api/staff/events); absent: no stream. */
  events?: InquiryEvents;
  /** Told when staff take a conversation over (the insight counters: it is then not contained). */
  onTakeover?: (conversationId: string) => void;
  /** The display name of the STAFF_TOKEN service (scripts); 'service' by default. */
  serviceName?: string;
}

/** A staff route's answer; `contentType` sends `body` as text (the CSV export) instead of JSON. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}
export type StaffHandler = (req: Request, actor: StaffActor) => Promise<RouteResult>;
export type StaffRoute = (
  handler: StaffHandler,
  options?: { role?: StaffRole },
) => (req: Request, res: Response) => Promise<void>;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));

const listQuery = z
  .object({
    status: z.union([z.literal('open'), csv(INQUIRY_STATUSES)]).optional(),
    priority: csv(PRIORITIES).optional(),
    topic: csv(TOPIC_IDS).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    assignee: z.string().trim().max(100).optional(),
  })
  .strict();

const assignBody = z.object({ assignee: z.union([text(100), z.null()]) }).strict();
const statusBody = z.object({ status: z.enum(INQUIRY_STATUSES) }).strict();
// `author` is accepted for older scripts but ignored: the author is whoever is signed in.
const noteBody = z.object({ text: text(4000), author: z.unknown().optional() }).strict();
const replyBody = z.object({ text: text(2000), author: z.unknown().optional() }).strict();
const classifyBody = z.object({ topic: z.enum(TOPIC_IDS), priority: z.enum(PRIORITIES) }).strict();
const loginBody = z
  .object({ login: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) })
  .strict();
const isoInstantParam = z.iso.datetime({ offset: true });
const auditQuery = z
  .object({
    inquiry: z.string().trim().max(64).optional(),
    actor: z.string().trim().max(64).optional(),
    from: isoInstantParam.optional(),
    to: isoInstantParam.optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
const loginParam = z.string().regex(LOGIN_PATTERN);

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=') || undefined;
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const emptyBody = z.object({}).strict();
const idParam = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/** Staff never ask a member for, nor write, a card number, PIN or password: 422 with the reason. */
function refuseSecrets(text: string): void {
  const refusal = staffTextRefusal(text);
  if (refusal) throw new HttpError(422, refusal.code, refusal.message, { details: { kind: refusal.kind } });
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> {
  const parsed = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  const fields: Record<string, string[]> = {};
  const add = (key: string, message: string) => {
    fields[key] = [...(fields[key] ?? []), message];
  };
  for (const issue of parsed.error.issues) {
    // A bad item of a comma list is reported on the field itself ("priority", not "priority.0").
    const named = issue.path.filter((p) => typeof p !== 'number').map(String);
    const key = named.length ? named.join('.') : where === 'body' ? '(body)' : '(query)';
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) add(k, 'unknown field');
      continue;
    }
    add(key, issue.message);
  }
  throw new HttpError(400, 'BadRequest', `Invalid ${where}: ${Object.keys(fields).join(', ')}`, {
    details: { fields },
  });
}

/** What the queue shows for one inquiry (no excerpt, no conversation reference). */
function summarize(q: Inquiry, now: Date) {
  return {
    id: q.id,
    topic: q.topic,
    priority: q.priority,
    status: q.status,
    createdAt: q.createdAt,
    dueAt: q.dueAt,
    updatedAt: q.updatedAt,
    locale: q.locale,
    summary: q.summary,
    assignee: q.assignee,
    overdue: isOverdue(q, now),
    channel: q.conversationReference.channelId ?? null,
    notes: q.notes.length,
    replies: q.replies.length,
    pendingReplies: q.replies.filter((r) => r.delivery === 'pending').length,
  };
}

/** One inquiry in full, minus the raw conversation reference (ids staff have no use for). */
function detail(q: Inquiry, now: Date) {
  const { conversationReference: _reference, ...rest } = q;
  return {
    ...rest,
    overdue: isOverdue(q, now),
    channel: q.conversationReference.channelId ?? null,
    allowedStatuses: STATUS_TRANSITIONS[q.status],
    messages: (q.messages ?? []).map(({ id: _id, ...m }) => m),
    liveChat: q.liveChat ? { name: q.liveChat.name, login: q.liveChat.login, since: q.liveChat.since } : null,
  };
}

export function registerStaffApi(server: Server, deps: StaffApiDeps): { route: StaffRoute } {
  const now = deps.now ?? (() => new Date());
  const trust = deps.trust ?? new ProxyTrust([]);
  const { auth } = deps;

  const fail = (req: Request, res: Response, err: unknown) => {
    if (err instanceof HttpError) {
      err.send(res);
    } else if (err instanceof InquiryNotFoundError) {
      res.send(404, { error: { code: 'NotFound', message: `No inquiry ${err.id}` } });
    } else if (err instanceof InvalidTransitionError) {
      res.send(409, {
        error: {
          code: 'InvalidTransition',
          message: err.message,
          from: err.from,
          to: err.to,
          allowed: err.allowed,
        },
      });
    } else if (err instanceof LiveChatConflictError) {
      res.send(409, { error: { code: 'LiveChatConflict', message: err.message } });
    } else if (err instanceof InquiryClosedError) {
      res.send(409, { error: { code: 'InquiryResolved', message: err.message } });
    } else if (isStorageFailure(err)) {
      deps.logger?.warn({ err: (err as Error).message, path: req.path() }, 'staff API: storage unavailable');
      new HttpError(
        503,
        'StorageUnavailable',
        'The inquiry storage is not available right now; try again shortly.',
        { retryAfterSeconds: 5 },
      ).send(res);
    } else {
      deps.logger?.warn({ err: (err as Error).message, path: req.path() }, 'staff API failed');
      res.send(500, { error: { code: 'InternalError', message: 'Something went wrong; try again.' } });
    }
  };

  const requireEnabled = async () => {
    if (!(await auth.enabled())) {
      throw new HttpError(
        503,
        'StaffApiDisabled',
        'The staff API is off: add a staff account (npm run staff -- add LOGIN --role agent --password-stdin) or set STAFF_TOKEN (at least 16 characters).',
      );
    }
  };

  const send = (res: Response, result: RouteResult) => {
    for (const [name, value] of Object.entries(result.headers ?? {})) res.header(name, value);
    if (result.contentType) {
      const text = Buffer.from(String(result.body ?? ''), 'utf8');
      res.writeHead(result.status, { 'Content-Type': result.contentType, 'Content-Length': text.length });
      res.end(text);
    } else if (result.body === undefined) res.send(result.status);
    else res.send(result.status, result.body);
  };

  /** Who is calling: 401 when nobody valid, 403 for a change without the session's CSRF token. */
  const caller = async (req: Request) => {
    const header = req.header('authorization');
    const bearer = header === undefined ? undefined : (bearerToken(header) ?? '');
    const found = await auth.authenticate(bearer, cookie(req, SESSION_COOKIE));
    if (!found) {
      throw new HttpError(
        401,
        'Unauthorized',
        'Sign in at /staff (or send the service token: Authorization: Bearer <STAFF_TOKEN>).',
      );
    }
    if (found.session && !SAFE_METHODS.has(req.method ?? 'GET')) {
      if (!csrfMatches(req.header('x-csrf-token'), found.session)) {
        throw new HttpError(
          403,
          'CsrfTokenMissing',
          'This change needs the X-CSRF-Token header of your session.',
        );
      }
    }
    // The service token speaks to members under the service's display name (knowledge/triage.json).
    if (found.actor.service && deps.serviceName) found.actor = { ...found.actor, name: deps.serviceName };
    return found;
  };

  const route: StaffRoute =
    (handler, options = {}) =>
    async (req, res) => {
      res.header('Cache-Control', 'no-store');
      try {
        await requireEnabled();
        let actor: StaffActor;
        try {
          actor = (await caller(req)).actor;
        } catch (err) {
          if (err instanceof HttpError && err.status === 401)
            res.header('WWW-Authenticate', 'Bearer realm="staff"');
          throw err;
        }
        if (options.role === 'supervisor' && actor.role !== 'supervisor') {
          throw new HttpError(403, 'Forbidden', 'Only a supervisor can do this.');
        }
        send(res, await handler(req, actor));
      } catch (err) {
        fail(req, res, err);
      }
    };

  const audit = (actor: StaffActor, action: string, inquiryId?: string, detail?: AuditDetail) =>
    deps.audit.record({ actor, action, ...(inquiryId ? { inquiryId } : {}), ...(detail ? { detail } : {}) });

  const secure = (req: Request) =>
    (req as Request & { isSecure?: () => boolean }).isSecure?.() === true ||
    forwarded(req, trust, 'proto') === 'https';

  const sessionCookie = (req: Request, value: string, maxAgeSeconds: number) =>
    [
      `${SESSION_COOKIE}=${value}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${maxAgeSeconds}`,
      ...(secure(req) ? ['Secure'] : []),
    ].join('; ');

  /** The session routes: the API must be on; each checks who is calling itself (sign-in: nobody yet). */
  const sessionRoute =
    (handler: (req: Request, res: Response) => Promise<RouteResult>) =>
    async (req: Request, res: Response) => {
      res.header('Cache-Control', 'no-store');
      try {
        await requireEnabled();
        send(res, await handler(req, res));
      } catch (err) {
        fail(req, res, err);
      }
    };

  server.post(
    '/api/staff/login',
    sessionRoute(async (req, res) => {
      const body = parse(loginBody, req.body, 'body');
      const { sessionId, session, actor } = await auth.signIn(
        body.login,
        body.password,
        clientAddress(req, trust),
      );
      res.header('Set-Cookie', sessionCookie(req, sessionId, auth.maxAgeSeconds));
      return {
        status: 200,
        body: { login: actor.login, name: actor.name, role: actor.role, csrfToken: session.csrfToken },
      };
    }),
  );

  server.get(
    '/api/staff/session',
    sessionRoute(async (req) => {
      const { actor, session } = await caller(req);
      return {
        status: 200,
        body: {
          login: actor.login,
          name: actor.name,
          role: actor.role,
          csrfToken: session?.csrfToken ?? null,
        },
      };
    }),
  );

  server.post(
    '/api/staff/logout',
    sessionRoute(async (req, res) => {
      const { actor, session } = await caller(req);
      if (session) {
        await auth.signOut(session);
        await audit(actor, 'sign_out');
      }
      res.header('Set-Cookie', sessionCookie(req, '', 0));
      return { status: 204 };
    }),
  );

  const inquiryId = (req: Request): string => {
    const parsed = idParam.safeParse(req.params?.id);
    if (!parsed.success) throw new HttpError(404, 'NotFound', 'No such inquiry');
    return parsed.data;
  };

  server.get(
    '/api/staff/meta',
    route(async () => ({
      status: 200,
      body: {
        topics: TOPIC_IDS,
        statuses: INQUIRY_STATUSES,
        priorities: PRIORITIES,
        transitions: STATUS_TRANSITIONS,
        cannedReplies: deps.cannedReplies ?? [],
      },
    })),
  );

  // What staff must know about the data itself; the public /healthz stays minimal.
  server.get(
    '/api/staff/health',
    route(async () => {
      const unreadable = deps.inquiries.unreadable;
      const problems =
        unreadable === 0
          ? []
          : [`${unreadable} ${unreadable === 1 ? 'inquiry' : 'inquiries'} could not be read`];
      return {
        status: 200,
        body: {
          status: problems.length === 0 ? 'ok' : 'degraded',
          unreadableInquiries: unreadable,
          problems,
        },
      };
    }),
  );

  server.get(
    '/api/staff/inquiries',
    route(async (req) => {
      const q = parse(listQuery, req.query, 'query');
      const filter: InquiryFilter = {
        status: q.status === 'open' ? ['new', 'in_progress', 'waiting_member', 'member_replied'] : q.status,
        priority: q.priority,
        topic: q.topic,
        overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
        assignee: q.assignee,
      };
      const at = now();
      return {
        status: 200,
        body: {
          now: at.toISOString(),
          inquiries: (await deps.inquiries.list(filter)).map((i) => summarize(i, at)),
        },
      };
    }),
  );

  server.get(
    '/api/staff/inquiries/:id',
    route(async (req, actor) => {
      const id = inquiryId(req);
      const found = await deps.inquiries.get(id);
      if (!found) throw new InquiryNotFoundError(id);
      // Opening one inquiry is a view in the audit (the queue list is not).
      await audit(actor, 'view', id);
      return { status: 200, body: { inquiry: detail(found, now()) } };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/assign',
    route(async (req, actor) => {
      const id = inquiryId(req);
      const body = parse(assignBody, req.body, 'body');
      const updated = await deps.inquiries.assign(id, body.assignee);
      await audit(actor, 'assign', id, { assignee: body.assignee });
      return { status: 200, body: { inquiry: detail(updated, now()) } };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/status',
    route(async (req, actor) => {
      const id = inquiryId(req);
      const body = parse(statusBody, req.body, 'body');
      const before = (await deps.inquiries.get(id))?.status ?? null;
      const updated = await deps.inquiries.setStatus(id, body.status);
      await audit(actor, 'status', id, { from: before, to: body.status });
      return { status: 200, body: { inquiry: detail(updated, now()) } };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/notes',
    route(async (req, actor) => {
      const id = inquiryId(req);
      const body = parse(noteBody, req.body, 'body');
      refuseSecrets(body.text);
      const updated = await deps.inquiries.addNote(id, { text: body.text, author: actor.name });
      await audit(actor, 'note', id);
      return { status: 201, body: { inquiry: detail(updated, now()) } };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/replies',
    route(async (req, actor) => {
      const id = inquiryId(req);
      const body = parse(replyBody, req.body, 'body');
      refuseSecrets(body.text);
      // Stored (masked, pending) before sending: a crash mid-send leaves it for the next visit.
      const { inquiry, reply } = await deps.inquiries.addReply(id, { text: body.text, author: actor.name });
      const live = inquiry.liveChat && deps.liveChat;
      let delivery: DeliveryResult = 'pending';
      try {
        // In a live chat the member reads it at once, under the staff member's display name.
        delivery = live
          ? await live.send(inquiry, {
              id: reply.id,
              text: liveText(live.wording.staffMessage, inquiry, actor.name, reply.text),
            })
          : await deps.deliver(inquiry, reply);
      } catch {
        delivery = 'pending';
      }
      let updated = inquiry;
      let recorded = true;
      if (delivery === 'pushed') {
        try {
          updated = await deps.inquiries.markReplyPushed(id, reply.id);
        } catch (err) {
          // It reached the member: the store keeps it pushed in memory and retries the write, so it
          // is never sent again; the answer says so instead of a 500 that invites a second reply.
          recorded = false;
          updated = (await deps.inquiries.get(id).catch(() => undefined)) ?? inquiry;
          deps.logger?.warn(
            { inquiryId: id, err: (err as Error).message },
            'staff reply pushed but not yet recorded; retrying the write',
          );
        }
      } else {
        await deps.inquiries.releaseReply(reply.id);
        updated = (await deps.inquiries.get(id).catch(() => undefined)) ?? inquiry;
      }
      await audit(actor, 'reply', id, { delivery, recorded, live: !!live });
      const stored = updated.replies.find((r) => r.id === reply.id) ?? reply;
      return {
        status: 201,
        body: {
          delivery,
          ...(recorded ? {} : { recorded: false }),
          reply: stored,
          inquiry: detail(updated, now()),
        },
      };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/classify',
    route(
      async (req, actor) => {
        const id = inquiryId(req);
        const body = parse(classifyBody, req.body, 'body');
        const before = await deps.inquiries.get(id);
        if (!before) throw new InquiryNotFoundError(id);
        const updated = await deps.inquiries.classify(id, body);
        await audit(actor, 'classify', id, {
          fromTopic: before.topic,
          toTopic: updated.topic,
          fromPriority: before.priority,
          toPriority: updated.priority,
        });
        return { status: 200, body: { inquiry: detail(updated, now()) } };
      },
      { role: 'supervisor' },
    ),
  );

  server.get(
    '/api/staff/audit',
    route(
      async (req) => {
        const q = parse(auditQuery, req.query, 'query');
        if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) {
          throw new HttpError(400, 'BadRequest', 'Invalid query: from is after to', {
            details: { fields: { from: ['must not be after to'] } },
          });
        }
        const limit = q.limit ?? 100;
        const rows = await deps.audit.list({
          inquiryId: q.inquiry || undefined,
          actor: q.actor || undefined,
          from: q.from,
          to: q.to,
          before: q.before,
          limit: limit + 1,
        });
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          status: 200,
          body: {
            entries: page.map(({ seq: _seq, ...entry }) => entry),
            ...(rows.length > limit && last ? { next: String(last.seq) } : {}),
          },
        };
      },
      { role: 'supervisor' },
    ),
  );

  server.get(
    '/api/staff/accounts',
    route(
      async () => ({
        status: 200,
        body: {
          accounts: (await deps.accounts.listAccounts()).map((a) => ({
            login: a.login,
            name: a.name,
            role: a.role,
            disabled: a.disabled,
          })),
        },
      }),
      { role: 'supervisor' },
    ),
  );

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    server.post(
      `/api/staff/accounts/:login/${action}`,
      route(
        async (req, actor) => {
          const login = loginParam.safeParse(req.params?.login);
          const found = login.success ? await deps.accounts.getAccount(login.data) : undefined;
          if (!login.success || !found) throw new HttpError(404, 'NotFound', 'No such staff account');
          if (disabled && found.login === actor.login) {
            throw new HttpError(409, 'CannotDisableSelf', 'You cannot disable your own account.');
          }
          const updated = await deps.accounts.updateAccount(found.login, { disabled });
          if (disabled) await deps.accounts.deleteSessionsOf(found.login);
          await audit(actor, `account_${action}`, undefined, { login: found.login });
          return {
            status: 200,
            body: { account: { login: updated.login, name: updated.name, role: updated.role, disabled } },
          };
        },
        { role: 'supervisor' },
      ),
    );
  }

  const liveChat = (): NonNullable<StaffApiDeps['liveChat']> => {
    if (!deps.liveChat) throw new HttpError(503, 'LiveChatOff', 'Live chat is not available on this server.');
    return deps.liveChat;
  };

  // Live chat: the bot goes quiet in the member's conversation and the member sees who joined.
  server.post(
    '/api/staff/inquiries/:id/takeover',
    route(async (req, actor) => {
      const id = inquiryId(req);
      parse(emptyBody, req.body ?? {}, 'body');
      const { wording, notify } = liveChat();
      const current = await deps.inquiries.get(id);
      if (!current) throw new InquiryNotFoundError(id);
      const notice = liveText(wording.joined, current, actor.name);
      const updated = await deps.inquiries.takeOver(id, actor, notice);
      const conversationId = updated.conversationReference.conversation?.id;
      if (conversationId) deps.onTakeover?.(conversationId);
      const delivery = await notify(updated, { id: randomUUID(), text: notice }).catch(
        () => 'pending' as const,
      );
      await audit(actor, 'takeover', id, { delivery });
      return { status: 200, body: { delivery, inquiry: detail(updated, now()) } };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/release',
    route(async (req, actor) => {
      const id = inquiryId(req);
      parse(emptyBody, req.body ?? {}, 'body');
      const { wording, notify } = liveChat();
      const current = await deps.inquiries.get(id);
      if (!current) throw new InquiryNotFoundError(id);
      const notice = liveText(wording.left, current, current.liveChat?.name ?? actor.name);
      const updated = await deps.inquiries.release(id, notice);
      const delivery = await notify(updated, { id: randomUUID(), text: notice }).catch(
        () => 'pending' as const,
      );
      await audit(actor, 'release', id, { delivery });
      return { status: 200, body: { delivery, inquiry: detail(updated, now()) } };
    }),
  );

  if (deps.events)
    registerStaffEvents(server, {
      events: deps.events,
      inquiries: deps.inquiries,
      authenticate: async (req) => {
        await requireEnabled();
        return (await caller(req)).actor;
      },
    });

  server.get(
    '/api/staff/unanswered',
    route(async () => ({ status: 200, body: { groups: await deps.unanswered.list() } })),
  );

  server.del(
    '/api/staff/unanswered/:id',
    route(async (req) => {
      const id = String(req.params?.id ?? '');
      if (!(await deps.unanswered.dismiss(id))) {
        throw new HttpError(404, 'NotFound', 'No such unanswered group');
      }
      return { status: 204 };
    }),
  );
  return { route };
}

/** A live-chat line in the inquiry's language, with the staff member's display name (never the login). */
function liveText(template: LiveChatWording['joined'], inquiry: Inquiry, name: string, message = ''): string {
  return fill(template[inquiry.locale], { name, text: message });
}
