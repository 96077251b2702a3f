// Imitates the Start Conversation action of https://docs.airkit.com/docs/start-conversation as an HTTP API.
// Airkit documents the action, not a public REST API: every path, field name and status here is a simulator choice.
import { type Context, Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { type Result, readJson } from '../../provider/index.ts';
import { type AirkitContext, performEnd, performStart, performThirdPartyMessage } from './effects.ts';
import { getConversation, listMessageIds } from './model.ts';
import { toPage, toPagedPage } from './model-pages.ts';
import { renderConversation, renderMessage } from './render.ts';
import { type AirkitFailure, refuseWith, renderBodyFailure } from './render-errors.ts';
import {
  parseApiKey,
  parseConversation,
  parseMessageText,
  parsePageRequest,
  parseStartConversation,
} from './rules.ts';

/** The base path of the simulated Conversation Hub API. */
export const AIRKIT_BASE = '/airkit/v1';

/** The value of a result, or the request refused with its failure. */
function toValueOrRefuse<T>(result: Result<T, AirkitFailure>): T {
  if (!result.ok) refuseWith(result.error);
  return result.value;
}

/** Reads a JSON body (an empty one is `{}`); a malformed one or another media type is refused. */
async function readBodyJson(c: Context): Promise<unknown> {
  return (await readJson(c, renderBodyFailure)) ?? {};
}

/** Conversation Hub routes: start, read, third-party messages, end. Every route takes the API key. */
export function createAirkitRoutes(ctx: AirkitContext): Hono {
  const app = new Hono();
  // First in each handler (not a middleware): an unknown route is explained whatever its credentials, and the
  // route table the explanation quotes holds each route once.
  const authorize = (c: Context) => toValueOrRefuse(parseApiKey(c.req.header('authorization'), ctx.state()));
  const pageOf = (c: Context) =>
    toValueOrRefuse(
      parsePageRequest(c.req.query('pageSize'), c.req.query('pageToken'), ctx.options.pageSize),
    );

  app.post(`${AIRKIT_BASE}/conversations`, async (c) => {
    authorize(c);
    const plan = toValueOrRefuse(parseStartConversation(await readBodyJson(c), ctx.state()));
    return c.json(renderConversation(performStart(ctx, plan)), 201);
  });

  app.get(`${AIRKIT_BASE}/conversations`, (c) => {
    authorize(c);
    const page = pageOf(c);
    const s = ctx.state();
    const resource = c.req.query('conversationHubChannelResource');
    const ids = resource ? getOwn(s.index.conversationsOfResource, resource) : s.index.conversations;
    const { ids: pageIds, nextPageToken } = toPagedPage(ids, page);
    return c.json(
      { conversations: pageIds.map((id) => renderConversation(getConversation(s, id)!)), nextPageToken },
      200,
    );
  });

  app.get(`${AIRKIT_BASE}/conversations/:id`, (c) => {
    authorize(c);
    const conv = toValueOrRefuse(parseConversation(ctx.state(), c.req.param('id') ?? ''));
    return c.json(renderConversation(conv), 200);
  });

  app.get(`${AIRKIT_BASE}/conversations/:id/messages`, (c) => {
    authorize(c);
    const id = c.req.param('id') ?? '';
    const s = ctx.state();
    toValueOrRefuse(parseConversation(s, id));
    const { ids, nextPageToken } = toPage(listMessageIds(s, id), pageOf(c));
    return c.json({ messages: ids.map((m) => renderMessage(getOwn(s.messages, m)!)), nextPageToken }, 200);
  });

  app.post(`${AIRKIT_BASE}/conversations/:id/messages`, async (c) => {
    authorize(c);
    const id = c.req.param('id') ?? '';
    toValueOrRefuse(parseConversation(ctx.state(), id));
    const text = toValueOrRefuse(parseMessageText(await readBodyJson(c)));
    return c.json(renderMessage(toValueOrRefuse(performThirdPartyMessage(ctx, id, text))), 201);
  });

  app.post(`${AIRKIT_BASE}/conversations/:id/end`, (c) => {
    authorize(c);
    const conv = toValueOrRefuse(performEnd(ctx, c.req.param('id') ?? '', 'third-party'));
    return c.json(renderConversation(conv), 200);
  });

  return app;
}
