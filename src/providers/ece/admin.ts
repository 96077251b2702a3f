/** ECE admin routes under /__admin/providers/ece: callback URL, agents, settings, entry points, conversations. */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { toEcho } from '../../echo.ts';
import { readBody } from '../../http.ts';
import { getOwn, isSafeKey } from '../../own.ts';
import { type EceContext, runAssignment } from './effects.ts';
import { hasId, toNextId, toPage } from './model-ordered.ts';

/** Page size of the conversation listing, by default and at most (simulator choice). */
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

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

/**
 * Resolves the `:id` of an admin route in one collection: `__proto__` answers 400 (it can never name an item),
 * any id the collection does not hold as its own answers 404, in the admin envelope `{error}`.
 */
function resolveId<T>(
  c: Context,
  what: string,
  collection: Readonly<Record<string, T>>,
  param: string,
): { id: string; item: T } | Response {
  const id = c.req.param(param) ?? '';
  if (!isSafeKey(id)) return c.json({ error: `${toEcho(id)} is not a valid ${what} id.` }, 400);
  const item = getOwn(collection, id);
  if (item === undefined) return c.json({ error: `No ${what} ${toEcho(id)}.` }, 404);
  return { id, item };
}

/** Query of the conversation listing: a page size and the id to continue after. */
const pageSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
    after: z.string().min(1).optional(),
  })
  .strict();

/** Builds the ECE admin routes. */
export function createEceAdminRoutes(ctx: EceContext): Hono {
  const app = new Hono();

  app.put('/client-applications/:key/callback', async (c) => {
    const found = resolveId(c, 'client application', ctx.state().clientApplications, 'key');
    if (found instanceof Response) return found;
    const { id: key } = found;
    const input = await readJson(c, callbackSchema);
    if (input instanceof Response) return input;
    ctx.update((draft) => {
      const target = getOwn(draft.clientApplications, key)!.callback;
      if (input.url !== undefined) target.url = input.url;
      if (input.format !== undefined) target.format = input.format;
      if (input.auth !== undefined) target.auth = input.auth;
      if (input.active !== undefined) {
        target.active = input.active;
        if (input.active) target.consecutiveFailures = 0;
      }
    });
    return c.json({ key, callback: getOwn(ctx.state().clientApplications, key)!.callback });
  });

  app.put('/agents/:id', async (c) => {
    const found = resolveId(c, 'agent', ctx.state().agents, 'id');
    if (found instanceof Response) return found;
    const input = await readJson(c, agentSchema);
    if (input instanceof Response) return input;
    ctx.update((draft) => {
      Object.assign(getOwn(draft.agents, found.id)!, input);
    });
    runAssignment(ctx);
    return c.json({ agent: getOwn(ctx.state().agents, found.id) });
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
    const found = resolveId(c, 'entry point', ctx.state().entryPoints, 'id');
    if (found instanceof Response) return found;
    const input = await readJson(c, entryPointSchema);
    if (input instanceof Response) return input;
    const lastModified = input.lastModified ?? new Date(ctx.clock.now()).toISOString();
    ctx.update((draft) => {
      getOwn(draft.entryPoints, found.id)!.lastModified = lastModified;
    });
    return c.json({ entryPoint: getOwn(ctx.state().entryPoints, found.id) });
  });

  app.get('/conversations', (c) => {
    const query = pageSchema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
    if (!query.success) return c.json({ error: `Invalid query: ${z.prettifyError(query.error)}` }, 400);
    const { limit, after } = query.data;
    const state = ctx.state();
    if (after !== undefined && !hasId(state.indexes.conversations, after))
      return c.json({ error: `No conversation ${toEcho(after)} to continue after.` }, 404);
    const conversations = toPage(state.indexes.conversations, after ?? null, limit).map(
      (id) => getOwn(state.conversations, id)!,
    );
    const last = conversations.at(-1);
    const next = last && toNextId(state.indexes.conversations, last.id) !== null ? last.id : null;
    return c.json({ conversations, next });
  });

  app.get('/conversations/:id', (c) => {
    const found = resolveId(c, 'conversation', ctx.state().conversations, 'id');
    if (found instanceof Response) return found;
    return c.json({ conversation: found.item });
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
