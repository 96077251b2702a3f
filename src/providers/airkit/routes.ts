// Imitates the Start Conversation action of https://docs.airkit.com/docs/start-conversation as an HTTP API.
// Airkit documents the action, not a public REST API: every path, field name and status here is a simulator choice.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { readBody } from '../../http.ts';
import { getOwn, hasOwn } from '../../own.ts';
import {
  type AirkitContext,
  AirkitOperationError,
  runEnd,
  runStart,
  runThirdPartyMessage,
} from './effects.ts';
import { getConversation, listMessageIds } from './model.ts';
import { renderConversation, renderMessage } from './render.ts';
import { type AirkitFailure, renderAirkitError, toQuoted } from './render-errors.ts';
import { parseMessageText, parsePageRequest, parseStartConversation, toPage, toPagedPage } from './rules.ts';

/** The base path of the simulated Conversation Hub API. */
export const AIRKIT_BASE = '/airkit/v1';

/** Answers an airkit error. */
export function renderFailure(c: Context, f: AirkitFailure): Response {
  return c.json(renderAirkitError(f), f.status as 400);
}

function checkApiKey(ctx: AirkitContext, c: Context): AirkitFailure | null {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) {
    return {
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'Send the API key as Authorization: Bearer <key>',
    };
  }
  if (!hasOwn(ctx.state().index.keys, `k:${match[1]}`)) {
    return { status: 401, code: 'UNAUTHENTICATED', message: 'Invalid API key' };
  }
  return null;
}

async function readJson(
  c: Context,
): Promise<{ ok: true; value: unknown } | { ok: false; error: AirkitFailure }> {
  const body = await readBody(c, ['json']);
  if (body.ok) return { ok: true, value: body.value ?? {} };
  return {
    ok: false,
    error:
      body.reason === 'malformed'
        ? { status: 400, code: 'MALFORMED_JSON', message: body.message }
        : { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: body.message },
  };
}

function guarded(ctx: AirkitContext, fn: (c: Context) => Response | Promise<Response>) {
  return async (c: Context) => {
    const denied = checkApiKey(ctx, c);
    if (denied) return renderFailure(c, denied);
    try {
      return await fn(c);
    } catch (error) {
      if (error instanceof AirkitOperationError) return renderFailure(c, error.failure);
      throw error;
    }
  };
}

/** Conversation Hub routes: start, read, third-party messages, end. */
export function createAirkitRoutes(ctx: AirkitContext): Hono {
  const app = new Hono();

  app.post(
    `${AIRKIT_BASE}/conversations`,
    guarded(ctx, async (c) => {
      const body = await readJson(c);
      if (!body.ok) return renderFailure(c, body.error);
      const plan = parseStartConversation(body.value, ctx.state());
      if (!plan.ok) return renderFailure(c, plan.error);
      return c.json(renderConversation(runStart(ctx, plan.value)), 201);
    }),
  );

  app.get(
    `${AIRKIT_BASE}/conversations`,
    guarded(ctx, (c) => {
      const page = parsePageRequest(c.req.query('pageSize'), c.req.query('pageToken'), ctx.options.pageSize);
      if (!page.ok) return renderFailure(c, page.error);
      const s = ctx.state();
      const resource = c.req.query('conversationHubChannelResource');
      const ids = resource ? getOwn(s.index.conversationsOfResource, resource) : s.index.conversations;
      const { ids: pageIds, nextPageToken } = toPagedPage(ids, page.value);
      return c.json(
        { conversations: pageIds.map((id) => renderConversation(getConversation(s, id)!)), nextPageToken },
        200,
      );
    }),
  );

  app.get(
    `${AIRKIT_BASE}/conversations/:id`,
    guarded(ctx, (c) => {
      const id = c.req.param('id') ?? '';
      const conv = getConversation(ctx.state(), id);
      if (!conv) return renderFailure(c, notFound(id));
      return c.json(renderConversation(conv), 200);
    }),
  );

  app.get(
    `${AIRKIT_BASE}/conversations/:id/messages`,
    guarded(ctx, (c) => {
      const id = c.req.param('id') ?? '';
      const s = ctx.state();
      if (!getConversation(s, id)) return renderFailure(c, notFound(id));
      const page = parsePageRequest(c.req.query('pageSize'), c.req.query('pageToken'), ctx.options.pageSize);
      if (!page.ok) return renderFailure(c, page.error);
      const { ids, nextPageToken } = toPage(listMessageIds(s, id), page.value);
      return c.json({ messages: ids.map((m) => renderMessage(getOwn(s.messages, m)!)), nextPageToken }, 200);
    }),
  );

  app.post(
    `${AIRKIT_BASE}/conversations/:id/messages`,
    guarded(ctx, async (c) => {
      const id = c.req.param('id') ?? '';
      if (!getConversation(ctx.state(), id)) return renderFailure(c, notFound(id));
      const body = await readJson(c);
      if (!body.ok) return renderFailure(c, body.error);
      const text = parseMessageText(body.value);
      if (!text.ok) return renderFailure(c, text.error);
      return c.json(renderMessage(runThirdPartyMessage(ctx, id, text.value)), 201);
    }),
  );

  app.post(
    `${AIRKIT_BASE}/conversations/:id/end`,
    guarded(ctx, (c) => c.json(renderConversation(runEnd(ctx, c.req.param('id') ?? '', 'third-party')), 200)),
  );

  return app;
}

function notFound(id: string): AirkitFailure {
  return { status: 404, code: 'CONVERSATION_NOT_FOUND', message: `No conversation ${toQuoted(id)}` };
}
