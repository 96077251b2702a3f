import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { type AdminSecurity, createAdminGuard, redactSecrets } from './admin-security.ts';
import { toIsoTime } from './clock.ts';
import { type Control, deliveryFilterSchema } from './control.ts';
import { createDeliveryFaultRoutes } from './delivery-faults-routes.ts';
import { parseDuration } from './duration.ts';
import { toEcho } from './echo.ts';
import { ControlError } from './errors.ts';
import { faultSpecSchema } from './faults.ts';
import { readBody } from './http.ts';
import { requestFilterSchema } from './journal.ts';

const actSchema = z.object({ action: z.string().min(1), args: z.unknown().optional() }).strict();
const advanceSchema = z.object({ by: z.union([z.number(), z.string()]) }).strict();
const waitSchema = z.object({ timeout: z.string().optional() });
const eventsQuerySchema = z
  .object({
    provider: z.string().optional(),
    conversationId: z.string().optional(),
    /** Resume after this event id (what the Last-Event-ID header says; the header wins). */
    lastEventId: z.coerce.number().int().nonnegative().optional(),
  })
  .strict();
const stateQuerySchema = z.object({ secrets: z.enum(['true', 'false']).optional() }).strict();
/** Entries an admin listing answers when the request names no `limit` (the newest ones). */
const LISTING_LIMIT = 1000;

/**
 * The admin HTTP API under /__admin: thin glue over the control functions, behind the guard of `security`
 * (token, cross-site and Host checks: see admin-security.ts), which covers provider and extension routes too.
 */
export function createAdminRoutes(
  control: Control,
  providerAdmin: Record<string, Hono>,
  extensionAdmin: Record<string, Hono> = {},
  security: AdminSecurity = {},
): Hono {
  const app = new Hono();
  app.use('*', createAdminGuard(security));

  app.get('/health', (c) => c.json(control.health()));
  app.post('/reset', async (c) => {
    await control.reset();
    return c.json({ reset: true });
  });

  // Each listing answers at most `limit` entries (default LISTING_LIMIT, the newest) and says how much of the
  // history the window holds: `evicted` older entries are in the files only.
  app.get('/requests', (c) => {
    const filter = parseQuery(c, requestFilterSchema);
    const requests = control.requests({ ...filter, limit: filter.limit ?? LISTING_LIMIT });
    return c.json({ requests, window: control.health().journal });
  });
  app.get('/requests/count', (c) =>
    c.json({ count: control.countRequests(parseQuery(c, requestFilterSchema)) }),
  );
  app.delete('/requests', (c) => {
    control.clearRequests();
    return c.body(null, 204);
  });
  app.get('/requests/wait', async (c) => {
    const { timeout, ...filter } = c.req.query();
    const request = await control.waitForRequest(parseWith(requestFilterSchema, filter, 'query'), {
      timeoutMs: toTimeout(timeout),
    });
    return c.json(request);
  });

  app.get('/deliveries', (c) =>
    c.json({
      deliveries: control.deliveries({ limit: LISTING_LIMIT, ...parseQuery(c, deliveryFilterSchema) }),
      window: control.health().deliveries,
    }),
  );
  app.get('/deliveries/wait', async (c) => {
    const { timeout, ...filter } = c.req.query();
    const match = parseWith(deliveryFilterSchema, filter, 'query');
    return c.json(await control.waitForDelivery(match, { timeoutMs: toTimeout(timeout) }));
  });
  // Server-Sent Events: each event's id is its SSE id, its type the SSE event name, its JSON the data.
  app.get('/events', (c) => {
    const { lastEventId: fromQuery, ...filter } = parseQuery(c, eventsQuerySchema);
    const header = c.req.header('last-event-id');
    const fromHeader = header !== undefined && /^\d{1,15}$/.test(header.trim()) ? Number(header) : undefined;
    const subscription = control.events(filter, { lastEventId: fromHeader ?? fromQuery });
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => subscription.close());
      for await (const event of subscription) {
        if (stream.aborted || stream.closed) break;
        // A `dropped` notice has no SSE id: a reconnect resumes after the last event received, not past the gap.
        const id = event.type === 'dropped' ? undefined : String(event.id);
        await stream.writeSSE({ id, event: event.type, data: JSON.stringify(event) });
      }
    });
  });
  app.get('/idle', async (c) => {
    const { timeout } = parseQuery(c, waitSchema);
    await control.idle({ timeoutMs: toTimeout(timeout) });
    return c.json({ idle: true });
  });

  app.get('/conversations', (c) => {
    const conversations = control.conversations(c.req.query());
    const last = conversations.at(-1);
    // The cursor of the next page, or null when this page is not full (there is no more).
    const limit = Number(c.req.query('limit') ?? 1000);
    const next = last && conversations.length >= limit ? `${last.provider}:${last.id}` : null;
    return c.json({ conversations, next });
  });
  // Secrets (client secrets, tokens, keys) are redacted unless asked for with ?secrets=true.
  app.get('/state/:provider', (c) => {
    const { secrets } = parseQuery(c, stateQuerySchema);
    const state = control.state(c.req.param('provider')) ?? null;
    return c.json((secrets === 'true' ? state : redactSecrets(state)) as object);
  });
  app.get('/actions', (c) => c.json({ actions: control.actions(c.req.query('provider')) }));
  app.post('/conversations/:provider/:conversationId/actions', async (c) => {
    const body = parseWith(actSchema, await readJson(c), 'body');
    const result = await control.act({
      provider: c.req.param('provider'),
      conversationId: c.req.param('conversationId'),
      action: body.action,
      args: body.args,
    });
    return c.json({ result: result ?? null });
  });

  app.get('/clock', (c) => c.json({ now: control.now(), iso: toIsoTime(control.now()) }));
  app.post('/clock/advance', async (c) => {
    const { by } = parseWith(advanceSchema, await readJson(c), 'body');
    return c.json(await control.advance(by));
  });

  app.get('/faults', (c) => c.json({ faults: control.faults() }));
  app.post('/faults', async (c) =>
    c.json(control.addFault(parseWith(faultSpecSchema, await readJson(c), 'body')), 201),
  );
  app.delete('/faults', (c) => {
    control.clearFaults();
    return c.body(null, 204);
  });
  app.delete('/faults/:id', (c) => {
    control.removeFault(c.req.param('id'));
    return c.body(null, 204);
  });

  app.route('/delivery-faults', createDeliveryFaultRoutes(control));

  // Provider admin answers show state too (resources, client applications): secrets are hidden the same way.
  app.use('/providers/*', async (c, next) => {
    await next();
    if (c.req.query('secrets') === 'true' || !c.res.headers.get('content-type')?.includes('json')) return;
    const { status } = c.res;
    const redacted = redactSecrets(await c.res.json());
    c.res = undefined;
    c.res = c.json(redacted as object, status as 200);
  });
  for (const [name, routes] of Object.entries(providerAdmin)) app.route(`/providers/${name}`, routes);
  for (const [name, routes] of Object.entries(extensionAdmin)) app.route(`/${name}`, routes);

  app.all('*', (c) =>
    c.json(
      {
        error: `No admin route ${c.req.method} ${toEcho(c.req.path, 200).slice(1, -1)}.`,
        routes: app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} /__admin${r.path}`),
      },
      404,
    ),
  );
  app.onError((error, c) => {
    if (error instanceof ControlError) {
      return c.json(
        { error: error.message, ...(error.details ? { details: error.details } : {}) },
        error.status as 400,
      );
    }
    throw error;
  });
  return app;
}

async function readJson(c: Context): Promise<unknown> {
  const body = await readBody(c, ['json']);
  if (!body.ok) throw new ControlError(body.reason === 'malformed' ? 400 : 415, body.message);
  return body.value ?? {};
}

function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  return parseWith(schema, c.req.query(), 'query');
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ControlError(400, `Invalid ${where}: ${z.prettifyError(result.error)}`);
  return result.data;
}

function toTimeout(value: string | undefined): number {
  try {
    return value === undefined ? 5000 : Math.min(parseDuration(value), 300_000);
  } catch (error) {
    throw new ControlError(400, (error as Error).message);
  }
}
