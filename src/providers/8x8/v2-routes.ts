// Imitates the 8x8 Contact Center Chat API v2: https://developer.8x8.com/contactcenter/reference
// (OAS reference/8x8/chat-api-v2.openapi.json): token, JWK, web-hooks and channels.

import { type Context, Hono } from 'hono';
import { readBody } from '../../http.ts';
import { getOwn } from '../../own.ts';
import { type ApiError, renderProblem, v2Errors } from './errors.ts';
import { toPublicJwk } from './events.ts';
import { type Ctx, readJson, readQuery } from './glue.ts';
import { findChannel, findWebhook } from './model.ts';
import {
  type Page,
  renderChannel,
  renderJson,
  renderToken,
  renderV2List,
  renderWebhook,
  toPage,
} from './render.ts';
import {
  applyChannelCreate,
  applyChannelDelete,
  applyChannelUpdate,
  applyWebhookCreate,
  applyWebhookDelete,
  applyWebhookUpdate,
  verifyWebhook,
} from './resources.ts';
import {
  checkChannelBody,
  checkFilter,
  checkPaging,
  checkSort,
  checkTokenRequest,
  checkVerifyBody,
  checkWebhookBody,
  isFilterMatch,
} from './rules.ts';
import { compareIds } from './sorted-index.ts';
import { createV2ConversationRoutes } from './v2-conversation-routes.ts';
import { createV2Auth, readV2Json, toV2Constraint, V2_BASE } from './v2-http.ts';

/** Most expired tokens one token request forgets: the work per request stays bounded, the queue drains. */
const TOKENS_PRUNED_PER_ISSUE = 8;

/** Web-hooks and channels of one API, for their lists (a handful: they are not indexed). */
function toListItems<T extends { api: string }>(record: Record<string, T>, api: string): T[] {
  return Object.values(record).filter((item) => item.api === api);
}

function listOf<T extends { id: string }>(
  c: Context,
  items: T[],
  sortable: readonly string[],
): { error: ApiError } | { error?: undefined; page: Page<T> } {
  const query = readQuery(c);
  const paging = checkPaging(query);
  if (!paging.ok) return { error: toV2Constraint(paging) };
  const sort = checkSort(query.sort, 'id', sortable);
  if (!sort.ok) return { error: toV2Constraint(sort) };
  const filter = checkFilter(query.filter);
  if (!filter.ok) return { error: toV2Constraint(filter) };
  const { field, direction } = sort.value;
  // Each sort key is read once, not at every comparison.
  const sorted = items
    .filter((item) => isFilterMatch(item, filter.value))
    .map((item) => ({ item, key: String((item as Record<string, unknown>)[field]) }))
    .sort((a, b) => {
      const order = compareIds(a.key, b.key);
      return direction === 'asc' ? order : -order;
    })
    .map(({ item }) => item);
  return { page: toPage(sorted, paging.value.size, paging.value.page) };
}

/** The Chat API v2 routes (token, JWK, web-hooks, channels, conversations). */
export function createV2Routes(ctx: Ctx): Hono {
  const app = new Hono();

  app.post('/oauth/v2/token', async (c) => {
    const body = await readBody(c, ['form']);
    const form = body.ok && body.kind === 'form' ? (body.value as Record<string, string>) : {};
    const state = ctx.state();
    const checked = checkTokenRequest(c.req.header('authorization'), form, state.credentials);
    if (!checked.ok) return renderProblem(c, v2Errors.oauth(checked.status, checked.code, checked.error));
    const accessToken = ctx.random.id(28);
    const issuedAt = ctx.clock.now();
    // Values of the state are copied before the update changes it.
    const ttlSeconds = state.tokenTtlSeconds;
    const applicationName = `${state.tenant}-chat-api`;
    ctx.update((draft) => {
      // Tokens expire in the order they were issued (one lifetime for all): the oldest few are forgotten as
      // new ones are issued, so the store does not grow without bound and no request walks every token.
      const queue = draft.tokenQueue;
      for (let pruned = 0; pruned < TOKENS_PRUNED_PER_ISSUE && queue.head < queue.tail; pruned++) {
        const oldest = getOwn(queue.ids, String(queue.head));
        const token = oldest === undefined ? undefined : getOwn(draft.tokens, oldest);
        if (token && token.expiresAt > issuedAt) break;
        if (oldest !== undefined) delete draft.tokens[oldest];
        delete queue.ids[String(queue.head)];
        queue.head += 1;
      }
      draft.tokens[accessToken] = { issuedAt, expiresAt: issuedAt + ttlSeconds * 1000 };
      queue.ids[String(queue.tail)] = accessToken;
      queue.tail += 1;
    });
    return renderJson(
      c,
      renderToken({
        accessToken,
        clientId: checked.clientId,
        applicationName,
        issuedAt,
        ttlSeconds,
      }),
    );
  });

  app.get('/vcc/:region/chat/v2/jwk/:jwkId/public', (c) => {
    const key = ctx.state().signingKey;
    if (c.req.param('jwkId') !== key.kid) return renderProblem(c, v2Errors.jwkNotFound(c.req.param('jwkId')));
    return renderJson(c, toPublicJwk(key));
  });

  app.use(`${V2_BASE}/*`, createV2Auth(ctx));

  // --- web-hooks ---
  const v2Webhooks = () => toListItems(ctx.state().webhooks, 'v2');
  const findV2Webhook = (id: string) => findWebhook(ctx.state(), 'v2', id);

  app.get(`${V2_BASE}/web-hooks`, (c) => {
    const list = listOf(c, v2Webhooks(), ['id', 'name', 'uri']);
    if (list.error) return renderProblem(c, list.error);
    return renderJson(c, renderV2List({ ...list.page, items: list.page.items.map(renderWebhook) }));
  });

  app.post(`${V2_BASE}/web-hooks/verify`, async (c) => {
    const body = await readV2Json(c);
    if (!body.ok) return body.response;
    const checked = checkVerifyBody('v2', body.value);
    if (!checked.ok) return renderProblem(c, toV2Constraint(checked));
    const why = await verifyWebhook(ctx, checked.value);
    if (why === null) return c.body(null, 204);
    return renderProblem(c, v2Errors.constraint([`uri: Webhook verification failed (${why}).`]));
  });

  app.post(`${V2_BASE}/web-hooks`, async (c) => {
    const body = await readV2Json(c);
    if (!body.ok) return body.response;
    const checked = checkWebhookBody('v2', body.value);
    if (!checked.ok) return renderProblem(c, toV2Constraint(checked));
    const webhook = ctx.update((draft) => applyWebhookCreate(draft, 'v2', checked.value));
    return renderJson(c, renderWebhook(webhook));
  });

  app.get(`${V2_BASE}/web-hooks/:id`, (c) => {
    const webhook = findV2Webhook(c.req.param('id'));
    if (!webhook) return renderProblem(c, v2Errors.notFound('WebHook', c.req.param('id')));
    return renderJson(c, renderWebhook(webhook));
  });

  app.put(`${V2_BASE}/web-hooks/:id`, async (c) => {
    const id = c.req.param('id');
    if (!findV2Webhook(id)) return renderProblem(c, v2Errors.notFound('WebHook', id));
    const body = await readV2Json(c);
    if (!body.ok) return body.response;
    const checked = checkWebhookBody('v2', body.value);
    if (!checked.ok) return renderProblem(c, toV2Constraint(checked));
    const webhook = ctx.update((draft) => applyWebhookUpdate(draft, 'v2', id, checked.value));
    return renderJson(c, renderWebhook(webhook));
  });

  app.delete(`${V2_BASE}/web-hooks/:id`, (c) => {
    const id = c.req.param('id');
    if (!findV2Webhook(id)) return renderProblem(c, v2Errors.notFound('WebHook', id));
    ctx.update((draft) => applyWebhookDelete(draft, 'v2', id));
    return c.body(null, 204);
  });

  // --- channels ---
  const v2Channels = () => toListItems(ctx.state().channels, 'v2');
  const findV2Channel = (id: string) => findChannel(ctx.state(), 'v2', id);

  app.get(`${V2_BASE}/channels`, (c) => {
    const list = listOf(c, v2Channels(), ['id', 'name', 'webHookId']);
    if (list.error) return renderProblem(c, list.error);
    return renderJson(c, renderV2List({ ...list.page, items: list.page.items.map(renderChannel) }));
  });

  app.post(`${V2_BASE}/channels`, async (c) => {
    // This one 400 is a ValidationExceptionPayload in the spec, also for an unreadable body.
    const body = await readJson(c);
    if (!body.ok) {
      return renderProblem(
        c,
        v2Errors.validation([{ field: 'body', value: '', code: 'invalid_json', message: body.message }]),
      );
    }
    const checked = checkChannelBody('v2', body.value, ctx.state());
    if (!checked.ok) return renderProblem(c, v2Errors.validation(checked.issues));
    const channel = ctx.update((draft) => {
      draft.seq.channel += 1;
      return applyChannelCreate(draft, {
        id: String(draft.seq.channel),
        api: 'v2',
        name: checked.value.name,
        webHookId: checked.value.webHookId,
        routingOptions: { type: 'queue', id: checked.value.queueId },
        revision: 1,
      });
    });
    return renderJson(c, renderChannel(channel));
  });

  app.get(`${V2_BASE}/channels/:id`, (c) => {
    const channel = findV2Channel(c.req.param('id'));
    if (!channel) return renderProblem(c, v2Errors.notFound('Channel', c.req.param('id')));
    return renderJson(c, renderChannel(channel));
  });

  app.put(`${V2_BASE}/channels/:id`, async (c) => {
    const id = c.req.param('id');
    if (!findV2Channel(id)) return renderProblem(c, v2Errors.notFound('Channel', id));
    const body = await readV2Json(c);
    if (!body.ok) return body.response;
    const checked = checkChannelBody('v2', body.value, ctx.state());
    if (!checked.ok) return renderProblem(c, toV2Constraint(checked));
    const channel = ctx.update((draft) => applyChannelUpdate(draft, 'v2', id, checked.value));
    return renderJson(c, renderChannel(channel));
  });

  app.delete(`${V2_BASE}/channels/:id`, (c) => {
    const id = c.req.param('id');
    if (!findV2Channel(id)) return renderProblem(c, v2Errors.notFound('Channel', id));
    ctx.update((draft) => applyChannelDelete(draft, 'v2', id));
    return c.body(null, 204);
  });

  app.route('/', createV2ConversationRoutes(ctx));
  return app;
}
