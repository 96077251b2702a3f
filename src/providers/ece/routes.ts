// Imitates https://pubhub.devnetcloud.com/media/enterprise-chat-and-email/docs/guides/interaction-api-developer-guide/d2/d44/classclientapplications_1_1pages_1_1asyncmessaging_1_1_start_conversation_page.html
// (seed 003) plus the token, configuration and sendmessage calls of reference section 2.
import { type Context, Hono } from 'hono';
import { readBody, searchParamsOf } from '../../http.ts';
import { Refusal, type Result } from '../../provider/index.ts';
import { type EceContext, performChecked, performTransition } from './effects.ts';
import { applyStart } from './model.ts';
import { applySendMessage } from './model-customer.ts';
import { TOKEN_LIFETIME_MS } from './model-indexes.ts';
import { applyIssueToken } from './model-partition.ts';
import type { ClientApplication } from './model-state.ts';
import {
  renderBody,
  renderRequestError,
  toConfigurationBody,
  toConversationBody,
  toSentMessageBody,
} from './render.ts';
import { type EceError, failWith } from './render-errors.ts';
import {
  assertChatApplication,
  assertGrantType,
  assertStartPreconditions,
  type Format,
  parseAccept,
  parseAcceptLanguage,
  parseClientCredentials,
  parseEntryPoint,
  parseSession,
} from './rules.ts';
import { assertAttributes, parseStartBody } from './rules-body.ts';
import { assertCase, parseConversationContact, parseCustomerPlan } from './rules-customer.ts';
import { type RequestDocument, toDocumentWithFiles, toRequestDocument } from './rules-document.ts';
import { assertSendMessage, parseSendMessageBody } from './rules-message.ts';
import {
  assertQueryNames,
  parseConfigurationQuery,
  parseStartQuery,
  parseTokenQuery,
  toQueryMap,
} from './rules-query.ts';

/** Both spellings of the base path: the server's /system/ws/... and the documentation's /ws/... */
export const BASE_PATHS = ['/system/ws/v19/clientapplications', '/ws/v19/clientapplications'] as const;

/** The value of a rule's result; a failure refuses the request with its WSError. */
type Unwrap = <T>(result: Result<T, EceError>) => T;

/** An `Unwrap` for one request: refusals are rendered in its error format and language. */
function createUnwrap(ctx: EceContext, c: Context): Unwrap {
  return (result) => {
    if (!result.ok) throw new Refusal(renderRequestError(c, ctx.state(), result.error));
    return result.value;
  };
}

/** Response format and language, negotiated before anything else can fail. */
function negotiate(c: Context, ctx: EceContext, unwrap: Unwrap): { format: Format; language: string } {
  const format = unwrap(parseAccept(c.req.header('accept')));
  const languages = ctx.state().settings.languages;
  const language = unwrap(parseAcceptLanguage(c.req.header('accept-language'), languages));
  return { format, language };
}

/** Authenticates a bearer token of a Chat client application (401, then 403 for other types). */
function authenticate(ctx: EceContext, c: Context, unwrap: Unwrap): ClientApplication {
  const { app } = unwrap(parseSession(ctx.state(), c.req.header('authorization'), ctx.clock.now()));
  unwrap(assertChatApplication(app));
  return app;
}

/** Reads the body of a request; the body kinds are fixed by seed 003 (XML, JSON, multipart). */
async function readDocument(c: Context): Promise<Result<RequestDocument, EceError>> {
  const body = await readBody(c, ['json', 'xml', 'multipart']);
  if (!body.ok) return failWith('body.malformed', body.message);
  return toRequestDocument(body);
}

async function handleToken(ctx: EceContext, c: Context): Promise<Response> {
  const unwrap = createUnwrap(ctx, c);
  const { format } = negotiate(c, ctx, unwrap);
  const { forceLogin } = unwrap(parseTokenQuery(searchParamsOf(c.req.url)));
  const app = unwrap(parseClientCredentials(ctx.state(), c.req.header('authorization')));
  const body = await readBody(c, ['form']);
  const form = body.ok && body.kind === 'form' ? (body.value as Record<string, string>) : undefined;
  unwrap(assertGrantType(form?.grant_type));
  const token = ctx.random.uuid();
  performTransition(ctx, (draft, now) =>
    applyIssueToken(draft, { token, clientKey: app.key, forceLogin }, now),
  );
  return renderBody(c, format, 'token', {
    access_token: token,
    expires_in: TOKEN_LIFETIME_MS / 1000,
    token_type: 'Bearer',
  });
}

function handleConfiguration(ctx: EceContext, c: Context): Response {
  const unwrap = createUnwrap(ctx, c);
  const app = authenticate(ctx, c, unwrap);
  const { format } = negotiate(c, ctx, unwrap);
  const id = unwrap(parseConfigurationQuery(searchParamsOf(c.req.url)));
  const entryPoint = unwrap(parseEntryPoint(ctx.state(), app, id, null));
  return renderBody(c, format, 'entryPointConfigurations', toConfigurationBody(entryPoint));
}

async function handleStart(ctx: EceContext, c: Context): Promise<Response> {
  const unwrap = createUnwrap(ctx, c);
  const app = authenticate(ctx, c, unwrap);
  const { format } = negotiate(c, ctx, unwrap);
  const state = ctx.state();
  const query = unwrap(parseStartQuery(searchParamsOf(c.req.url), state.contactAttributes));
  const { document } = unwrap(await readDocument(c));
  const body = unwrap(parseStartBody(document, state.activityAttributes));
  const entryPoint = unwrap(parseEntryPoint(state, app, body.entryPointId, body.lastModified));
  const plan = unwrap(parseCustomerPlan(state, query, body.customer, entryPoint));
  if (plan.kind === 'create' && body.customer) {
    const where = 'activity.customer.contacts.contact.customAttributes';
    unwrap(assertAttributes(body.customer.contact.custom, state.contactAttributes, where));
  }
  const contactPoint = unwrap(parseConversationContact(state, plan, query.conversationContact));
  unwrap(assertCase(state, plan, body.caseId));
  unwrap(assertStartPreconditions(state, app, entryPoint.queueId));
  const input = {
    id: ctx.random.uuid(),
    clientKey: app.key,
    entryPointId: entryPoint.id,
    queueId: entryPoint.queueId,
    query,
    body,
    plan,
    contactPoint,
  };
  const { started } = performTransition(ctx, (draft, now) => applyStart(draft, input, now));
  return renderBody(c, format, 'conversation', toConversationBody(started));
}

async function handleSendMessage(ctx: EceContext, c: Context): Promise<Response> {
  const unwrap = createUnwrap(ctx, c);
  const app = authenticate(ctx, c, unwrap);
  const { format } = negotiate(c, ctx, unwrap);
  unwrap(assertQueryNames(unwrap(toQueryMap(searchParamsOf(c.req.url))), []));
  const { document, files } = unwrap(await readDocument(c));
  const message = unwrap(parseSendMessageBody(toDocumentWithFiles(document, files)));
  unwrap(assertSendMessage(ctx.state(), app, message));
  const { entry } = performChecked(ctx, (draft, now) => applySendMessage(draft, message, now));
  return renderBody(c, format, 'message', toSentMessageBody(message.conversationId, entry));
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
