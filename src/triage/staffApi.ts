import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { HttpError } from '../httpErrors.js';
import { bearerToken } from '../httpRequest.js';
import { fill } from '../knowledge/template.js';
import type { InquiryEvents } from '../persistence/types.js';
import { staffTextRefusal } from '../privacy/staffTextCheck.js';
import { isStorageFailure } from '../storage/storageErrors.js';
import { TOPIC_IDS } from '../topics.js';
import type { DeliverReply } from './delivery.js';
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
import type { AuditRecorder, StaffActor } from './staffActor.js';
import { registerStaffEvents } from './staffEvents.js';
import { INQUIRY_STATUSES, type Inquiry, PRIORITIES } from './types.js';
import type { UnansweredLogService } from './unansweredLog.js';

// The staff side of triage: a small JSON API under /api/staff, for the staff page and for scripts.
// Every route needs `Authorization: Bearer $STAFF_TOKEN`; with no token configured the whole API
// answers 503, so a missing setting never leaves it open.

export interface StaffApiDeps {
  /** '' turns the API off (503 on every route). */
  staffToken: string;
  inquiries: InquiryService;
  unanswered: Pick<UnansweredLogService, 'list' | 'dismiss'>;
  deliver: DeliverReply;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  now?: () => Date;
  audit?: AuditRecorder;
  /** Live chat: the wording (knowledge/triage.json liveChat) and a sender of text as written. */
  liveChat?: { wording: LiveChatWording; send: DeliverReply };
  /** Pushes inquiry changes to the console (GET /api/staff/events); absent: no stream. */
  events?: InquiryEvents;
  /** The display name of the STAFF_TOKEN service (scripts); 'service' by default. */
  serviceName?: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(presented: string, expected: string): boolean {
  return expected.length > 0 && timingSafeEqual(digest(presented), digest(expected));
}

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
// The author is the signed-in actor; an `author` in the body is accepted and ignored.
const noteBody = z.object({ text: text(4000), author: z.unknown().optional() }).strict();
const replyBody = z.object({ text: text(2000), author: z.unknown().optional() }).strict();
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

export function registerStaffApi(server: Server, deps: StaffApiDeps): void {
  const now = deps.now ?? (() => new Date());
  const expected = deps.staffToken;

  const serviceActor: StaffActor = {
    login: 'service',
    name: deps.serviceName || 'service',
    role: 'supervisor',
    service: true,
  };
  /** Who is calling (throws 503 when the API is off, 401 without valid credentials). */
  const authenticate = (req: Request, res: Response): StaffActor => {
    if (!expected) {
      throw new HttpError(
        503,
        'StaffApiDisabled',
        'The staff API is off: set STAFF_TOKEN (at least 16 characters) to enable it.',
      );
    }
    const presented = bearerToken(req.header('authorization'));
    if (presented === undefined || !tokenMatches(presented, expected)) {
      res.header('WWW-Authenticate', 'Bearer realm="staff"');
      throw new HttpError(
        401,
        'Unauthorized',
        'A valid staff token is required: Authorization: Bearer <STAFF_TOKEN>.',
      );
    }
    return serviceActor;
  };

  const route =
    (handler: (req: Request, actor: StaffActor) => Promise<{ status: number; body?: unknown }>) =>
    async (req: Request, res: Response) => {
      res.header('Cache-Control', 'no-store');
      try {
        const actor = authenticate(req, res);
        const result = await handler(req, actor);
        if (result.body === undefined) res.send(result.status);
        else res.send(result.status, result.body);
      } catch (err) {
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
          deps.logger?.warn(
            { err: (err as Error).message, path: req.path() },
            'staff API: storage unavailable',
          );
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
      }
    };

  const inquiryId = (req: Request): string => {
    const parsed = idParam.safeParse(req.params?.id);
    if (!parsed.success) throw new HttpError(404, 'NotFound', 'No such inquiry');
    return parsed.data;
  };
  const audit = (action: string, id: string, extra: object = {}) =>
    deps.logger?.info({ staffAction: action, inquiryId: id, ...extra }, 'staff action');

  server.get(
    '/api/staff/meta',
    route(async () => ({
      status: 200,
      body: {
        topics: TOPIC_IDS,
        statuses: INQUIRY_STATUSES,
        priorities: PRIORITIES,
        transitions: STATUS_TRANSITIONS,
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
    route(async (req) => {
      const id = inquiryId(req);
      const found = await deps.inquiries.get(id);
      if (!found) throw new InquiryNotFoundError(id);
      return { status: 200, body: { inquiry: detail(found, now()) } };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/assign',
    route(async (req) => {
      const id = inquiryId(req);
      const body = parse(assignBody, req.body, 'body');
      const updated = await deps.inquiries.assign(id, body.assignee);
      audit('assign', id);
      return { status: 200, body: { inquiry: detail(updated, now()) } };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/status',
    route(async (req) => {
      const id = inquiryId(req);
      const body = parse(statusBody, req.body, 'body');
      const updated = await deps.inquiries.setStatus(id, body.status);
      audit('status', id, { status: body.status });
      return { status: 200, body: { inquiry: detail(updated, now()) } };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/notes',
    route(async (req, actor) => {
      const id = inquiryId(req);
      const body = parse(noteBody, req.body, 'body');
      refuseSecrets(body.text);
      const updated = await deps.inquiries.addNote(id, { author: actor.name, text: body.text });
      audit('note', id);
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
      const { inquiry, reply } = await deps.inquiries.addReply(id, { author: actor.name, text: body.text });
      const live = inquiry.liveChat && deps.liveChat;
      let delivery: 'delivered' | 'pending' = 'pending';
      try {
        // In a live chat the member reads it at once, under the staff member's display name.
        delivery = live
          ? await live.send(inquiry, liveText(live.wording.staffMessage, inquiry, actor.name, reply.text))
          : await deps.deliver(inquiry, reply.text);
      } catch {
        delivery = 'pending';
      }
      let updated = inquiry;
      let recorded = true;
      if (delivery === 'delivered') {
        try {
          updated = await deps.inquiries.markReplyDelivered(id, reply.id);
        } catch (err) {
          // It reached the member: the store keeps it delivered in memory and retries the write, so it
          // is never sent again; the answer says so instead of a 500 that invites a second reply.
          recorded = false;
          updated = (await deps.inquiries.get(id).catch(() => undefined)) ?? inquiry;
          deps.logger?.warn(
            { inquiryId: id, err: (err as Error).message },
            'staff reply delivered but not yet recorded; retrying the write',
          );
        }
      } else await deps.inquiries.releaseReply(reply.id);
      audit('reply', id, { delivery, recorded });
      await deps.audit?.record({ actor, action: 'reply', inquiryId: id, detail: { delivery, live: !!live } });
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
      const { wording, send } = liveChat();
      const current = await deps.inquiries.get(id);
      if (!current) throw new InquiryNotFoundError(id);
      const notice = liveText(wording.joined, current, actor.name);
      const updated = await deps.inquiries.takeOver(id, actor, notice);
      const delivery = await send(updated, notice).catch(() => 'pending' as const);
      audit('takeover', id, { delivery });
      await deps.audit?.record({ actor, action: 'takeover', inquiryId: id, detail: { delivery } });
      return { status: 200, body: { delivery, inquiry: detail(updated, now()) } };
    }),
  );

  server.post(
    '/api/staff/inquiries/:id/release',
    route(async (req, actor) => {
      const id = inquiryId(req);
      parse(emptyBody, req.body ?? {}, 'body');
      const { wording, send } = liveChat();
      const current = await deps.inquiries.get(id);
      if (!current) throw new InquiryNotFoundError(id);
      const notice = liveText(wording.left, current, current.liveChat?.name ?? actor.name);
      const updated = await deps.inquiries.release(id, notice);
      const delivery = await send(updated, notice).catch(() => 'pending' as const);
      audit('release', id, { delivery });
      await deps.audit?.record({ actor, action: 'release', inquiryId: id, detail: { delivery } });
      return { status: 200, body: { delivery, inquiry: detail(updated, now()) } };
    }),
  );

  if (deps.events)
    registerStaffEvents(server, { events: deps.events, inquiries: deps.inquiries, authenticate });

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
}

/** A live-chat line in the inquiry's language, with the staff member's display name (never the login). */
function liveText(template: LiveChatWording['joined'], inquiry: Inquiry, name: string, message = ''): string {
  return fill(template[inquiry.locale], { name, text: message });
}
