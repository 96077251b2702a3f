// Imitates the 8x8 Chat Gateway v1: https://developer.8x8.com/actions-events/reference
// (OAS reference/8x8/chat-gateway-v1.openapi.yml): JWK, webhooks and channels.

import { Hono } from 'hono';
import { gatewayErrors, renderProblem } from './errors.ts';
import { toPublicJwk } from './events.ts';
import { createGatewayConversationRoutes } from './gateway-conversation-routes.ts';
import {
  createGatewayAuth,
  GATEWAY_BASE,
  readGatewayJson,
  renderGatewayList,
  toGatewayGeneric,
} from './gateway-http.ts';
import type { Ctx } from './glue.ts';
import { findChannel, findWebhook } from './model.ts';
import { renderChannel, renderJson, renderWebhook } from './render.ts';
import {
  applyChannelCreate,
  applyChannelDelete,
  applyChannelUpdate,
  applyWebhookCreate,
  applyWebhookDelete,
  applyWebhookUpdate,
  verifyWebhook,
} from './resources.ts';
import { checkChannelBody, checkVerifyBody, checkWebhookBody } from './rules.ts';

/** The Chat Gateway v1 routes. */
export function createGatewayRoutes(ctx: Ctx): Hono {
  const app = new Hono();

  app.get(`${GATEWAY_BASE}/jwk/:jwkId/public`, (c) => {
    const key = ctx.state().signingKey;
    if (c.req.param('jwkId') !== key.kid)
      return renderProblem(c, gatewayErrors.notFound('JWKPublic', c.req.param('jwkId')));
    return renderJson(c, toPublicJwk(key));
  });

  app.use(`${GATEWAY_BASE}/*`, createGatewayAuth(ctx));

  // --- webhooks ---
  const webhooks = () => Object.values(ctx.state().webhooks).filter((w) => w.api === 'gateway');
  const findGatewayWebhook = (id: string) => findWebhook(ctx.state(), 'gateway', id);

  app.get(`${GATEWAY_BASE}/webhooks`, (c) =>
    renderGatewayList(c, 'webhooks', webhooks(), {
      sortable: ['id', 'name', 'uri'],
      defaultSort: 'id:asc',
      render: renderWebhook,
    }),
  );

  app.post(`${GATEWAY_BASE}/webhooks/verify`, async (c) => {
    const body = await readGatewayJson(c);
    if (!body.ok) return body.response;
    const checked = checkVerifyBody('gateway', body.value);
    if (!checked.ok) return renderProblem(c, toGatewayGeneric(checked));
    const why = await verifyWebhook(ctx, checked.value);
    if (why === null) return c.body(null, 204);
    return renderProblem(
      c,
      gatewayErrors.generic(400, 'Webhook verification failed.', [
        { code: 'webhook_verification_failed', message: `uri: ${checked.value.uri} answered ${why}.` },
      ]),
    );
  });

  app.post(`${GATEWAY_BASE}/webhooks`, async (c) => {
    const body = await readGatewayJson(c);
    if (!body.ok) return body.response;
    const checked = checkWebhookBody('gateway', body.value);
    if (!checked.ok) return renderProblem(c, toGatewayGeneric(checked));
    const webhook = ctx.update((draft) => applyWebhookCreate(draft, 'gateway', checked.value));
    return renderJson(c, renderWebhook(webhook), 200, true);
  });

  app.get(`${GATEWAY_BASE}/webhooks/:id`, (c) => {
    const webhook = findGatewayWebhook(c.req.param('id'));
    if (!webhook) return renderProblem(c, gatewayErrors.notFound('WebHook', c.req.param('id')));
    return renderJson(c, renderWebhook(webhook), 200, true);
  });

  app.put(`${GATEWAY_BASE}/webhooks/:id`, async (c) => {
    const id = c.req.param('id');
    if (!findGatewayWebhook(id)) return renderProblem(c, gatewayErrors.notFound('WebHook', id));
    const body = await readGatewayJson(c);
    if (!body.ok) return body.response;
    const checked = checkWebhookBody('gateway', body.value);
    if (!checked.ok) return renderProblem(c, toGatewayGeneric(checked));
    const webhook = ctx.update((draft) => applyWebhookUpdate(draft, 'gateway', id, checked.value));
    return renderJson(c, renderWebhook(webhook), 200, true);
  });

  app.delete(`${GATEWAY_BASE}/webhooks/:id`, (c) => {
    const id = c.req.param('id');
    if (!findGatewayWebhook(id)) return renderProblem(c, gatewayErrors.notFound('WebHook', id));
    ctx.update((draft) => applyWebhookDelete(draft, 'gateway', id));
    return c.body(null, 204);
  });

  // --- channels ---
  const channels = () => Object.values(ctx.state().channels).filter((ch) => ch.api === 'gateway');
  const findGatewayChannel = (id: string) => findChannel(ctx.state(), 'gateway', id);

  app.get(`${GATEWAY_BASE}/channels`, (c) =>
    renderGatewayList(c, 'channels', channels(), {
      sortable: ['id', 'name', 'webHookId'],
      defaultSort: 'id:asc',
      render: renderChannel,
    }),
  );

  app.post(`${GATEWAY_BASE}/channels`, async (c) => {
    const body = await readGatewayJson(c);
    if (!body.ok) return body.response;
    const checked = checkChannelBody('gateway', body.value, ctx.state());
    if (!checked.ok) return renderProblem(c, toGatewayGeneric(checked));
    const id = ctx.random.faker.string.alphanumeric({ length: 18, casing: 'lower' });
    const channel = ctx.update((draft) =>
      applyChannelCreate(draft, {
        id,
        api: 'gateway',
        name: checked.value.name,
        type: checked.value.type ?? 'ChatAPI',
        webHookId: checked.value.webHookId,
        routingOptions: { type: 'queue', id: checked.value.queueId },
        revision: 1,
      }),
    );
    return renderJson(c, renderChannel(channel), 200, true);
  });

  app.get(`${GATEWAY_BASE}/channels/:id`, (c) => {
    const channel = findGatewayChannel(c.req.param('id'));
    if (!channel) return renderProblem(c, gatewayErrors.notFound('Channel', c.req.param('id')));
    return renderJson(c, renderChannel(channel), 200, true);
  });

  app.put(`${GATEWAY_BASE}/channels/:id`, async (c) => {
    const id = c.req.param('id');
    if (!findGatewayChannel(id)) return renderProblem(c, gatewayErrors.notFound('Channel', id));
    const body = await readGatewayJson(c);
    if (!body.ok) return body.response;
    const checked = checkChannelBody('gateway', body.value, ctx.state());
    if (!checked.ok) return renderProblem(c, toGatewayGeneric(checked));
    const channel = ctx.update((draft) => applyChannelUpdate(draft, 'gateway', id, checked.value));
    return renderJson(c, renderChannel(channel), 200, true);
  });

  app.delete(`${GATEWAY_BASE}/channels/:id`, (c) => {
    const id = c.req.param('id');
    if (!findGatewayChannel(id)) return renderProblem(c, gatewayErrors.notFound('Channel', id));
    ctx.update((draft) => applyChannelDelete(draft, 'gateway', id));
    return c.body(null, 204);
  });

  app.route('/', createGatewayConversationRoutes(ctx));
  return app;
}
