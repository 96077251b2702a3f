import { Hono } from 'hono';
import { readBody } from '../../http.ts';
import { getOwn, hasOwn, isSafeKey } from '../../own.ts';
import type { AirkitContext } from './effects.ts';
import { resourcePatchSchema, resourceSchema } from './fixtures.ts';
import { getConversation, listMessageIds } from './model.ts';
import { renderDestination, renderResource } from './render.ts';
import { type AirkitFailure, toInputText, toQuoted } from './render-errors.ts';
import { renderFailure } from './routes.ts';

/**
 * Admin routes under /__admin/providers/airkit: Conversation Hub channel resources (the Console's
 * Settings > Conversations) and what each simulated end user received.
 */
export function createAirkitAdminRoutes(ctx: AirkitContext): Hono {
  const app = new Hono();

  // Resources are configuration (fixtures and this admin API): few, whatever the store holds.
  app.get('/resources', (c) =>
    c.json({ resources: Object.values(ctx.state().resources).map(renderResource) }),
  );

  app.post('/resources', async (c) => {
    const body = await readBody(c, ['json']);
    const parsed = resourceSchema.safeParse(body.ok ? body.value : undefined);
    if (!parsed.success) return renderFailure(c, toInvalid('Invalid resource', parsed.error.issues));
    const resource = parsed.data;
    if (!isSafeKey(resource.id)) {
      return renderFailure(c, {
        status: 400,
        code: 'INVALID_ARGUMENT',
        message: 'Invalid resource',
        details: [{ field: 'id', issue: `${toQuoted(resource.id)} cannot be a resource id` }],
      });
    }
    if (resource.hubId !== null && !hasOwn(ctx.state().hubs, resource.hubId)) {
      return renderFailure(c, hubNotFound(resource.hubId));
    }
    if (hasOwn(ctx.state().resources, resource.id)) {
      return renderFailure(c, {
        status: 409,
        code: 'ALREADY_EXISTS',
        message: `Resource ${toQuoted(resource.id)} exists`,
      });
    }
    ctx.update((s) => {
      s.resources[resource.id] = { ...resource };
    });
    return c.json(renderResource(resource), 201);
  });

  app.patch('/resources/:id', async (c) => {
    const id = c.req.param('id');
    if (!hasOwn(ctx.state().resources, id)) {
      return renderFailure(c, {
        status: 404,
        code: 'RESOURCE_NOT_FOUND',
        message: `No resource ${toQuoted(id)}`,
      });
    }
    const body = await readBody(c, ['json']);
    const parsed = resourcePatchSchema.safeParse(body.ok ? body.value : undefined);
    if (!parsed.success) return renderFailure(c, toInvalid('Invalid resource change', parsed.error.issues));
    const patch = parsed.data;
    if (typeof patch.hubId === 'string' && !hasOwn(ctx.state().hubs, patch.hubId)) {
      return renderFailure(c, hubNotFound(patch.hubId));
    }
    ctx.update((s) => {
      const resource = getOwn(s.resources, id)!;
      // Only the fields the change names; the others keep their values.
      if (patch.name !== undefined) resource.name = patch.name;
      if (patch.hubId !== undefined) resource.hubId = patch.hubId;
      if (patch.channel !== undefined) resource.channel = patch.channel;
      if (patch.webhookUrl !== undefined) resource.webhookUrl = patch.webhookUrl;
      if (patch.secret !== undefined) resource.secret = patch.secret;
    });
    return c.json(renderResource(getOwn(ctx.state().resources, id)!));
  });

  app.get('/conversations/:id/transcript', (c) => {
    const id = c.req.param('id');
    const s = ctx.state();
    const conv = getConversation(s, id);
    if (!conv) {
      return renderFailure(c, {
        status: 404,
        code: 'CONVERSATION_NOT_FOUND',
        message: `No conversation ${toQuoted(id)}`,
      });
    }
    // One conversation's messages: what the answer shows, whatever else the store holds.
    const messages = listMessageIds(s, id).map((m) => getOwn(s.messages, m)!);
    return c.json({
      conversationId: id,
      endUser: renderDestination(conv.customerDestination),
      status: conv.status,
      received: messages.filter((m) => m.sender === 'third-party' && m.delivered).map((m) => m.text),
      sent: messages.filter((m) => m.sender === 'customer').map((m) => m.text),
    });
  });

  return app;
}

function hubNotFound(hubId: string): AirkitFailure {
  return { status: 404, code: 'HUB_NOT_FOUND', message: `No Conversation Hub ${toQuoted(hubId)}` };
}

function toInvalid(
  message: string,
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): AirkitFailure {
  return {
    status: 400,
    code: 'INVALID_ARGUMENT',
    message,
    details: issues.map((i) => ({
      field: toInputText(i.path.map(String).join('.')) || '(body)',
      issue: i.message,
    })),
  };
}
