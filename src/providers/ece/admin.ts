/** ECE admin routes under /__admin/providers/ece: callback URL, agents, settings, entry points, conversations. */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { readBody } from '../../http.ts';
import { type EceContext, runAssignment } from './dispatch.ts';

const callbackSchema = z
  .object({
    url: z.url().nullable().optional(),
    active: z.boolean().optional(),
    format: z.enum(['json', 'xml']).optional(),
    auth: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('none') }).strict(),
        z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }).strict(),
        z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
      ])
      .optional(),
  })
  .strict();

const agentSchema = z
  .object({
    loggedIn: z.boolean().optional(),
    available: z.boolean().optional(),
    maxChats: z.number().int().min(0).optional(),
    queues: z.array(z.string()).optional(),
  })
  .strict();

const settingsSchema = z
  .object({
    assignmentServiceRunning: z.boolean().optional(),
    customerDepartmentalization: z.boolean().optional(),
  })
  .strict();

const entryPointSchema = z.object({ lastModified: z.string().min(1).optional() }).strict();

async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T> | Response> {
  const body = await readBody(c, ['json']);
  if (!body.ok) return c.json({ error: body.message }, 400);
  const parsed = schema.safeParse(body.value ?? {});
  if (!parsed.success) return c.json({ error: `Invalid body: ${z.prettifyError(parsed.error)}` }, 400);
  return parsed.data;
}

/** Builds the ECE admin routes. */
export function createEceAdminRoutes(ctx: EceContext): Hono {
  const app = new Hono();

  app.put('/client-applications/:key/callback', async (c) => {
    const key = c.req.param('key');
    if (!ctx.state().clientApplications[key])
      return c.json({ error: `No client application '${key}'.` }, 404);
    const input = await readJson(c, callbackSchema);
    if (input instanceof Response) return input;
    ctx.update((draft) => {
      const target = draft.clientApplications[key]!.callback;
      if (input.url !== undefined) target.url = input.url;
      if (input.format !== undefined) target.format = input.format;
      if (input.auth !== undefined) target.auth = input.auth;
      if (input.active !== undefined) {
        target.active = input.active;
        if (input.active) target.consecutiveFailures = 0;
      }
    });
    return c.json({ key, callback: ctx.state().clientApplications[key]!.callback });
  });

  app.put('/agents/:id', async (c) => {
    const id = c.req.param('id');
    if (!ctx.state().agents[id]) return c.json({ error: `No agent '${id}'.` }, 404);
    const input = await readJson(c, agentSchema);
    if (input instanceof Response) return input;
    ctx.update((draft) => {
      Object.assign(draft.agents[id]!, input);
    });
    runAssignment(ctx);
    return c.json({ agent: ctx.state().agents[id] });
  });

  app.put('/settings', async (c) => {
    const input = await readJson(c, settingsSchema);
    if (input instanceof Response) return input;
    ctx.update((draft) => {
      Object.assign(draft.settings, input);
    });
    runAssignment(ctx);
    return c.json({ settings: ctx.state().settings });
  });

  app.put('/entry-points/:id', async (c) => {
    const id = c.req.param('id');
    if (!ctx.state().entryPoints[id]) return c.json({ error: `No entry point '${id}'.` }, 404);
    const input = await readJson(c, entryPointSchema);
    if (input instanceof Response) return input;
    const lastModified = input.lastModified ?? new Date(ctx.clock.now()).toISOString();
    ctx.update((draft) => {
      draft.entryPoints[id]!.lastModified = lastModified;
    });
    return c.json({ entryPoint: ctx.state().entryPoints[id] });
  });

  app.get('/conversations/:id', (c) => {
    const conversation = ctx.state().conversations[c.req.param('id')];
    if (!conversation) return c.json({ error: `No conversation '${c.req.param('id')}'.` }, 404);
    return c.json({ conversation });
  });

  app.get('/client-applications', (c) =>
    c.json({
      clientApplications: Object.values(ctx.state().clientApplications).map(
        ({ secret: _secret, ...rest }) => rest,
      ),
    }),
  );

  return app;
}
