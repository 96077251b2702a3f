// Imitates https://pubhub.devnetcloud.com/media/enterprise-chat-and-email/docs/guides/interaction-api-developer-guide/d2/d44/classclientapplications_1_1pages_1_1asyncmessaging_1_1_start_conversation_page.html
// (seed 003) plus the token, configuration and sendmessage calls of reference section 2.
import { type Context, Hono } from 'hono';
import { toEcho } from '../../echo.ts';
import { readBody } from '../../http.ts';
import { getOwn } from '../../own.ts';
import { type EceContext, postCallbacks, scheduleAssignment } from './effects.ts';
import {
  applyComplete,
  applyCustomerMessage,
  applyStart,
  findAttachment,
  makeAttachments,
  type Posting,
} from './model.ts';
import { hasAgentForQueue } from './model-agent.ts';
import {
  addIssuedSession,
  endClientSessions,
  endExpiredSessions,
  TOKEN_LIFETIME_MS,
} from './model-indexes.ts';
import type { ClientApplication, EceState } from './model-state.ts';
import {
  renderBody,
  renderWsError,
  toConfigurationBody,
  toConversationBody,
  toSentMessageBody,
} from './render.ts';
import { type EceError, fail, type Result, succeed } from './render-errors.ts';
import {
  checkChatApplication,
  checkClientCredentials,
  checkEntryPoint,
  checkQueryNames,
  checkSession,
  type Format,
  parseAccept,
  parseAcceptLanguage,
  parseConfigurationQuery,
  parseStartQuery,
  parseTokenQuery,
  toErrorFormat,
  toQueryMap,
} from './rules.ts';
import { checkAttributes, parseStartBody } from './rules-body.ts';
import { checkCase, checkConversationContact, planCustomer } from './rules-customer.ts';
import { readDocument } from './rules-document.ts';
import { parseSendMessageBody, type SendMessageBody } from './rules-message.ts';

/** Both spellings of the base path: the server's /system/ws/... and the documentation's /ws/... */
export const BASE_PATHS = ['/system/ws/v19/clientapplications', '/ws/v19/clientapplications'] as const;

/** Response format and language, negotiated before anything else can fail. */
type Negotiated = { format: Format; language: string };

/** Thrown inside a handler to answer a WSError. */
class Refusal extends Error {
  readonly refusal: EceError;
  constructor(refusal: EceError) {
    super(refusal.detail);
    this.refusal = refusal;
  }
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Refusal(result.error);
  return result.value;
}

/** The language errors are told in even before Accept-Language has been checked. */
export function toErrorLanguage(c: Context, state: EceState): string {
  const language = parseAcceptLanguage(c.req.header('accept-language'), state.settings.languages);
  return language.ok ? language.value : (state.settings.languages[0] ?? 'en-US');
}

function negotiate(c: Context, state: EceState): Negotiated {
  const format = unwrap(parseAccept(c.req.header('accept')));
  const language = unwrap(parseAcceptLanguage(c.req.header('accept-language'), state.settings.languages));
  return { format, language };
}

/** Runs a handler, answering a Refusal as a WSError in the requested format and language. */
async function respond(
  ctx: EceContext,
  c: Context,
  handler: () => Promise<Response> | Response,
): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return renderWsError(
      c,
      toErrorFormat(c.req.header('accept')),
      toErrorLanguage(c, ctx.state()),
      error.refusal,
    );
  }
}

/** Authenticates a bearer token of a Chat client application (401, then 403 for other types). */
function authenticate(ctx: EceContext, c: Context): ClientApplication {
  const { app } = unwrap(checkSession(ctx.state(), c.req.header('authorization'), ctx.clock.now()));
  return unwrap(checkChatApplication(app));
}

function handleToken(ctx: EceContext, c: Context) {
  return respond(ctx, c, async () => {
    const state = ctx.state();
    const { format } = negotiate(c, state);
    const { forceLogin } = unwrap(parseTokenQuery(new URL(c.req.url).searchParams));
    const app = unwrap(checkClientCredentials(state, c.req.header('authorization')));
    const body = await readBody(c, ['form']);
    const grant =
      body.ok && body.kind === 'form' ? (body.value as Record<string, string>).grant_type : undefined;
    if (grant !== 'client_credentials') {
      unwrap(
        fail('grant.invalid', 'Body must be application/x-www-form-urlencoded grant_type=client_credentials'),
      );
    }
    const token = ctx.random.uuid();
    const now = ctx.clock.now();
    ctx.update((draft) => {
      // Expired sessions are forgotten, oldest first, so a long run does not keep every token ever issued.
      endExpiredSessions(draft, now);
      if (forceLogin) endClientSessions(draft, app.key);
      addIssuedSession(draft, {
        token,
        kind: 'clientApplication',
        clientKey: app.key,
        createdAt: now,
        expiresAt: now + TOKEN_LIFETIME_MS,
      });
    });
    return renderBody(c, format, 'token', {
      access_token: token,
      expires_in: TOKEN_LIFETIME_MS / 1000,
      token_type: 'Bearer',
    });
  });
}

function handleConfiguration(ctx: EceContext, c: Context) {
  return respond(ctx, c, () => {
    const app = authenticate(ctx, c);
    const state = ctx.state();
    const { format } = negotiate(c, state);
    const id = unwrap(parseConfigurationQuery(new URL(c.req.url).searchParams));
    unwrap(checkEntryPoint(state, app, id, null));
    const entryPoint = getOwn(state.entryPoints, id)!;
    return renderBody(c, format, 'entryPointConfigurations', toConfigurationBody(entryPoint));
  });
}

function checkPreconditions(state: EceState, app: ClientApplication, queueId: string): Result<true> {
  if (!state.settings.assignmentServiceRunning)
    return fail('assignment.down', 'The assignment service is not running');
  if (!hasAgentForQueue(state, queueId)) {
    return fail('agent.unavailable', `No agent is logged in and available for queue ${toEcho(queueId)}`);
  }
  if (!app.callback.active || !app.callback.url) {
    return fail(
      'callback.inactive',
      app.callback.url
        ? `The callback URL of client application ${toEcho(app.key)} has been deactivated; reactivate it through the admin API`
        : `Client application ${toEcho(app.key)} has no callback URL`,
    );
  }
  return succeed(true);
}

function handleStart(ctx: EceContext, c: Context) {
  return respond(ctx, c, async () => {
    const app = authenticate(ctx, c);
    const state = ctx.state();
    const { format } = negotiate(c, state);
    const query = unwrap(parseStartQuery(new URL(c.req.url).searchParams, state.contactAttributes));
    const { document } = unwrap(await readDocument(c));
    const body = unwrap(parseStartBody(document, state.activityAttributes));
    unwrap(checkEntryPoint(state, app, body.entryPointId, body.lastModified));
    const entryPoint = getOwn(state.entryPoints, body.entryPointId)!;
    const plan = unwrap(planCustomer(state, query, body.customer, entryPoint));
    if (plan.kind === 'create' && body.customer) {
      const where = 'activity.customer.contacts.contact.customAttributes';
      unwrap(checkAttributes(body.customer.contact.custom, state.contactAttributes, where));
    }
    const contactPoint = unwrap(checkConversationContact(state, plan, query.conversationContact));
    unwrap(checkCase(state, plan, body.caseId));
    unwrap(checkPreconditions(state, app, entryPoint.queueId));
    const id = ctx.random.uuid();
    const now = ctx.clock.now();
    const answer = ctx.update((draft) =>
      toConversationBody(applyStart(draft, { id, app, entryPoint, query, body, plan, contactPoint, now })),
    );
    ctx.notify({ type: 'conversation.started', conversationId: id, data: { entryPointId: entryPoint.id } });
    scheduleAssignment(ctx);
    return renderBody(c, format, 'conversation', answer);
  });
}

function checkSendMessage(state: EceState, app: ClientApplication, message: SendMessageBody): Result<true> {
  const id = toEcho(message.conversationId);
  const conversation = getOwn(state.conversations, message.conversationId);
  if (!conversation) return fail('conversation.notFound', `Conversation ${id} does not exist`);
  if (conversation.clientKey !== app.key) {
    return fail(
      'conversation.notOwned',
      `Conversation ${id} was not started by client application ${toEcho(app.key)}`,
    );
  }
  if (conversation.status === 'completed') {
    return fail('conversation.completed', `Conversation ${id} has already been completed`);
  }
  const entryPoint = getOwn(state.entryPoints, conversation.entryPointId);
  if (message.lastModified !== null && entryPoint && message.lastModified !== entryPoint.lastModified) {
    return fail(
      'entryPoint.stale',
      `lastModified.date ${toEcho(message.lastModified)} does not match ${toEcho(entryPoint.lastModified)}`,
    );
  }
  if (message.kind === 'acceptAttachment' || message.kind === 'rejectAttachment') {
    for (const attachment of message.attachments) {
      if (!findAttachment(state, conversation, 'toClient', attachment.id)) {
        return fail(
          'body.invalid',
          `Attachment ${toEcho(attachment.id)} was not uploaded by the agent in this conversation`,
        );
      }
    }
  }
  return succeed(true);
}

function handleSendMessage(ctx: EceContext, c: Context) {
  return respond(ctx, c, async () => {
    const app = authenticate(ctx, c);
    const state = ctx.state();
    const { format } = negotiate(c, state);
    unwrap(checkQueryNames(unwrap(toQueryMap(new URL(c.req.url).searchParams)), []));
    const { document, files } = unwrap(await readDocument(c));
    const message = unwrap(parseSendMessageBody(withFiles(document, files)));
    unwrap(checkSendMessage(state, app, message));
    const now = ctx.clock.now();
    const { answer, postings } = ctx.update((draft) => {
      const conversation = getOwn(draft.conversations, message.conversationId)!;
      const attachments =
        message.kind === 'uploadAttachment'
          ? makeAttachments(draft, message.attachments)
          : message.attachments.map((a) => findAttachment(draft, conversation, 'toClient', a.id)!);
      const entry = applyCustomerMessage(
        draft,
        message.conversationId,
        message.kind,
        message.content,
        attachments,
        now,
      );
      const postings: Posting[] =
        message.kind === 'complete' ? applyComplete(draft, message.conversationId, 'customer', now) : [];
      return { answer: toSentMessageBody(message.conversationId, entry), postings };
    });
    postCallbacks(ctx, postings);
    if (postings.length > 0) scheduleAssignment(ctx);
    return renderBody(c, format, 'message', answer);
  });
}

/** Multipart file parts become uploadAttachment entries of the message document. */
function withFiles(
  document: unknown,
  files: Array<{ fileName: string; contentType: string; size: string }>,
): unknown {
  if (files.length === 0 || typeof document !== 'object' || document === null) return document;
  return { ...(document as object), attachments: { attachment: files } };
}

/** The ECE routes under both base paths. */
export function createEceRoutes(ctx: EceContext): Hono {
  const app = new Hono();
  for (const base of BASE_PATHS) {
    app.post(`${base}/authentication/oauth2/token`, (c) => handleToken(ctx, c));
    app.get(`${base}/messaging/configuration`, (c) => handleConfiguration(ctx, c));
    app.post(`${base}/messaging/conversation/start`, (c) => handleStart(ctx, c));
    app.post(`${base}/messaging/sendmessage`, (c) => handleSendMessage(ctx, c));
  }
  return app;
}
