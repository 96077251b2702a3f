// Imitates the 8x8 web-hook routes of both APIs: Chat API v2 /web-hooks
// (https://developer.8x8.com/contactcenter/reference, OAS reference/8x8/chat-api-v2.openapi.json, tag WebHooks) and
// Chat Gateway /webhooks (https://developer.8x8.com/actions-events/reference, chat-gateway-v1.openapi.yml).
import { type Context, Hono } from 'hono';
import { performWebhookVerify } from './effects.ts';
import { type Ctx, findWebhook, type Webhook } from './model.ts';
import { applyWebhookCreate, applyWebhookDelete, applyWebhookUpdate } from './model-resources.ts';
import { renderWebhook } from './render.ts';
import { toNotFound } from './render-errors.ts';
import { orRefuse, readBodyJson, refuseWith, respond, respondList, type Surface } from './routes-surface.ts';
import { parseVerifyBody, parseWebhookBody } from './rules-resources.ts';

/** The web-hook routes of one API (behind its auth). */
export function createWebhookRoutes(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  const { api } = surface;
  const path = `${surface.base}/${surface.webhooks}`;
  /** The API's web-hooks, for their list (a handful: they are not indexed). */
  const webhooks = () => Object.values(ctx.state().webhooks).filter((w) => w.api === api);
  const requireWebhook = (c: Context, id: string): Webhook =>
    findWebhook(ctx.state(), api, id) ?? refuseWith(c, toNotFound('WebHook', id));
  const readInput = async (c: Context) =>
    orRefuse(c, parseWebhookBody(api, await readBodyJson(c, surface)), surface.errors.invalid);

  app.get(path, (c) =>
    respondList(c, surface, 'webhooks', webhooks(), {
      sortable: ['id', 'name', 'uri'],
      defaultSort: 'id:asc',
      render: renderWebhook,
    }),
  );

  app.post(`${path}/verify`, async (c) => {
    const body = await readBodyJson(c, surface);
    const input = orRefuse(c, parseVerifyBody(api, body), surface.errors.invalid);
    const why = await performWebhookVerify(ctx, input);
    if (why !== null) refuseWith(c, surface.errors.verifyFailed(input.uri, why));
    return c.body(null, 204);
  });

  app.post(path, async (c) => {
    const input = await readInput(c);
    return respond(c, surface, renderWebhook(ctx.update((draft) => applyWebhookCreate(draft, api, input))));
  });

  app.get(`${path}/:id`, (c) => respond(c, surface, renderWebhook(requireWebhook(c, c.req.param('id')))));

  app.put(`${path}/:id`, async (c) => {
    const id = c.req.param('id');
    requireWebhook(c, id);
    const input = await readInput(c);
    return respond(
      c,
      surface,
      renderWebhook(ctx.update((draft) => applyWebhookUpdate(draft, api, id, input))),
    );
  });

  app.delete(`${path}/:id`, (c) => {
    const id = c.req.param('id');
    requireWebhook(c, id);
    ctx.update((draft) => applyWebhookDelete(draft, api, id));
    return c.body(null, 204);
  });

  return app;
}
