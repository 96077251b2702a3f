// Imitates the 8x8 channel routes of both APIs: Chat API v2 /channels
// (https://developer.8x8.com/contactcenter/reference, OAS reference/8x8/chat-api-v2.openapi.json, tag Channels) and
// Chat Gateway /channels (https://developer.8x8.com/actions-events/reference, chat-gateway-v1.openapi.yml).
import { type Context, Hono } from 'hono';
import { type Channel, type Ctx, findChannel } from './model.ts';
import { applyChannelCreate, applyChannelDelete, applyChannelUpdate } from './model-resources.ts';
import { renderChannel } from './render.ts';
import { toNotFound } from './render-errors.ts';
import { orRefuse, readBodyJson, refuseWith, respond, respondList, type Surface } from './routes-surface.ts';
import { parseChannelBody } from './rules-resources.ts';

/** The channel routes of one API (behind its auth). */
export function createChannelRoutes(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  const { api, errors } = surface;
  const path = `${surface.base}/channels`;
  /** The API's channels, for their list (a handful: they are not indexed). */
  const channels = () => Object.values(ctx.state().channels).filter((ch) => ch.api === api);
  const requireChannel = (c: Context, id: string): Channel =>
    findChannel(ctx.state(), api, id) ?? refuseWith(c, toNotFound('Channel', id));

  app.get(path, (c) =>
    respondList(c, surface, 'channels', channels(), {
      sortable: ['id', 'name', 'webHookId'],
      defaultSort: 'id:asc',
      render: renderChannel,
    }),
  );

  app.post(path, async (c) => {
    const body = await readBodyJson(c, surface, errors.malformedChannel);
    const input = orRefuse(c, parseChannelBody(api, body, ctx.state()), errors.invalidChannel);
    const id = surface.makeChannelId?.(ctx.random);
    return respond(
      c,
      surface,
      renderChannel(ctx.update((draft) => applyChannelCreate(draft, api, input, id))),
    );
  });

  app.get(`${path}/:id`, (c) => respond(c, surface, renderChannel(requireChannel(c, c.req.param('id')))));

  app.put(`${path}/:id`, async (c) => {
    const id = c.req.param('id');
    requireChannel(c, id);
    const body = await readBodyJson(c, surface);
    const input = orRefuse(c, parseChannelBody(api, body, ctx.state()), errors.invalid);
    return respond(
      c,
      surface,
      renderChannel(ctx.update((draft) => applyChannelUpdate(draft, api, id, input))),
    );
  });

  app.delete(`${path}/:id`, (c) => {
    const id = c.req.param('id');
    requireChannel(c, id);
    ctx.update((draft) => applyChannelDelete(draft, api, id));
    return c.body(null, 204);
  });

  return app;
}
