import { Hono } from 'hono';
import { readBody } from '../../http.ts';
import { resourceSchema } from './fixtures.ts';
import type { AirkitContext } from './operations.ts';
import { renderDestination, renderResource } from './render.ts';
import { renderFailure } from './routes.ts';

/**
 * Admin routes under /__admin/providers/airkit: Conversation Hub channel resources (the Console's
 * Settings > Conversations) and what each simulated end user received.
 */
export function createAirkitAdminRoutes(ctx: AirkitContext): Hono {
  const app = new Hono();

  app.get('/resources', (c) => c.json({ resources: ctx.state().resources.map(renderResource) }));

  app.post('/resources', async (c) => {
    const body = await readBody(c, ['json']);
    const parsed = resourceSchema.safeParse(body.ok ? body.value : undefined);
    if (!parsed.success) {
      return renderFailure(c, {
        status: 400,
        code: 'INVALID_ARGUMENT',
        message: 'Invalid resource',
        details: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', issue: i.message })),
      });
    }
    const resource = parsed.data;
    if (resource.hubId !== null && !ctx.state().hubs.some((h) => h.id === resource.hubId)) {
      return renderFailure(c, {
        status: 404,
        code: 'HUB_NOT_FOUND',
        message: `No Conversation Hub '${resource.hubId}'`,
      });
    }
    if (ctx.state().resources.some((r) => r.id === resource.id)) {
      return renderFailure(c, {
        status: 409,
        code: 'ALREADY_EXISTS',
        message: `Resource '${resource.id}' exists`,
      });
    }
    ctx.update((s) => {
      s.resources.push(resource);
    });
    return c.json(renderResource(resource), 201);
  });

  app.patch('/resources/:id', async (c) => {
    const id = c.req.param('id');
    const existing = ctx.state().resources.find((r) => r.id === id);
    if (!existing)
      return renderFailure(c, { status: 404, code: 'RESOURCE_NOT_FOUND', message: `No resource '${id}'` });
    const body = await readBody(c, ['json']);
    const parsed = resourceSchema
      .omit({ id: true })
      .partial()
      .safeParse(body.ok ? body.value : undefined);
    if (!parsed.success) {
      return renderFailure(c, {
        status: 400,
        code: 'INVALID_ARGUMENT',
        message: 'Invalid resource change',
        details: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', issue: i.message })),
      });
    }
    const patch = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    if (typeof patch.hubId === 'string' && !ctx.state().hubs.some((h) => h.id === patch.hubId)) {
      return renderFailure(c, {
        status: 404,
        code: 'HUB_NOT_FOUND',
        message: `No Conversation Hub '${patch.hubId}'`,
      });
    }
    ctx.update((s) => {
      Object.assign(s.resources.find((r) => r.id === id)!, patch);
    });
    return c.json(renderResource(ctx.state().resources.find((r) => r.id === id)!));
  });

  app.get('/conversations/:id/transcript', (c) => {
    const id = c.req.param('id');
    const conv = ctx.state().conversations.find((x) => x.id === id);
    if (!conv)
      return renderFailure(c, {
        status: 404,
        code: 'CONVERSATION_NOT_FOUND',
        message: `No conversation '${id}'`,
      });
    return c.json({
      conversationId: id,
      endUser: renderDestination(conv.customerDestination),
      status: conv.status,
      received: ctx
        .state()
        .messages.filter((m) => m.conversationId === id && m.sender === 'third-party' && m.delivered)
        .map((m) => m.text),
      sent: ctx
        .state()
        .messages.filter((m) => m.conversationId === id && m.sender === 'customer')
        .map((m) => m.text),
    });
  });

  return app;
}
