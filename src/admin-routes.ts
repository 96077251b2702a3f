import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { type AdminSecurity, createAdminGuard, redactSecrets } from './admin-security.ts';
import { toIsoTime } from './clock.ts';
import {
  type Control,
  conversationFilterSchema,
  DEFAULT_WAIT_MS,
  deliveryFilterSchema,
  deliveryMatchSchema,
  markSchema,
} from './control.ts';
import { deliveryFaultSpecSchema } from './delivery-faults.ts';
import { parseDuration } from './duration.ts';
import { toEcho } from './echo.ts';
import { ControlError } from './errors.ts';
import { faultSpecSchema } from './faults.ts';
import { requestFilterSchema, requestMatchSchema } from './journal.ts';
import { buildOpenApiDocument, createRouteBook } from './openapi.ts';

/** Entries an admin listing answers when the request names no `limit` (the newest ones). */
const LISTING_LIMIT = 1000;
/** The longest wait the admin API accepts. */
const MAX_WAIT_MS = 300_000;

const isDuration = (value: string | number) => {
  try {
    parseDuration(value);
    return true;
  } catch {
    return false;
  }
};
const durationSchema = z
  .union([z.string(), z.number().nonnegative()])
  .refine(isDuration, 'expected a duration: milliseconds, or a string like 500ms, 4s, 1m');
const timeoutSchema = durationSchema.describe(
  `how long to wait: milliseconds or a duration like 4s (default ${DEFAULT_WAIT_MS / 1000}s, at most 5m); ` +
    'past it the answer is 408 with what was seen instead',
);
const sinceSchema = z
  .union([markSchema, z.number()])
  .describe('only what came after this mark (GET /__admin/mark), or at or after this time (epoch ms)');
const waitRequestBodySchema = z
  .object({
    match: requestMatchSchema.optional(),
    since: sinceSchema.optional(),
    timeout: timeoutSchema.optional(),
  })
  .strict();
const waitDeliveryBodySchema = z
  .object({
    match: deliveryMatchSchema.optional(),
    since: sinceSchema.optional(),
    timeout: timeoutSchema.optional(),
  })
  .strict();
const idleQuerySchema = z
  .object({
    timeout: timeoutSchema.optional(),
    settle: durationSchema
      .optional()
      .describe(
        'also wait for the system under test: no inbound request in flight, and none arrived nor delivery ' +
          'created, for this long (default 0, at most 1m)',
      ),
  })
  .strict();
const actSchema = z.object({ action: z.string().min(1), args: z.unknown().optional() }).strict();
const advanceSchema = z
  .object({ by: z.union([z.number(), z.string()]).describe('milliseconds or a duration like 5s') })
  .strict();
const eventsQuerySchema = z
  .object({
    provider: z.string().optional(),
    conversationId: z.string().optional(),
    /** Resume after this event id (what the Last-Event-ID header says; the header wins). */
    lastEventId: z.coerce.number().int().nonnegative().optional(),
  })
  .strict();
const stateQuerySchema = z
  .object({
    secrets: z.enum(['true', 'false']).optional().describe('true: show secrets (redacted by default)'),
    keys: z
      .string()
      .max(1000)
      .optional()
      .describe(
        'comma-separated top-level keys: only these parts of the state (the rest of a large store is not copied)',
      ),
  })
  .strict();
const providerQuerySchema = z.object({ provider: z.string().optional() }).strict();
const operationQuerySchema = z
  .object({
    secrets: z.enum(['true', 'false']).optional().describe('true: show secrets (redacted by default)'),
  })
  .strict();

/**
 * The admin HTTP API under /__admin: thin glue over the control functions, behind the guard of `security`
 * (token, cross-site and Host checks: see admin-security.ts), which covers provider and extension routes too.
 * Each route is declared with the zod schemas that validate it; GET /__admin/openapi.json describes them all.
 */
export function createAdminRoutes(
  control: Control,
  providerAdmin: Record<string, Hono>,
  extensionAdmin: Record<string, Hono> = {},
  security: AdminSecurity = {},
): Hono {
  const app = new Hono();
  app.use('*', createAdminGuard(security));
  const { route, docs } = createRouteBook(app);

  let openapi: Record<string, unknown> | undefined;
  // Built on first use: every route (provider, extension, other files' routes) is mounted by then.
  const openapiDocument = () =>
    (openapi ??= buildOpenApiDocument({
      docs,
      mounted: app.routes.map((r) => ({ method: r.method, path: r.path })),
      operations: control.operations(),
    }));

  route(
    { method: 'get', path: '/', tag: 'index', summary: 'This index: links to the routes and the docs' },
    (c) => {
      const routes = docs.map((d) => ({
        method: d.method.toUpperCase(),
        path: `/__admin${d.path}`,
        summary: d.summary,
      }));
      const links = {
        openapi: '/__admin/openapi.json',
        inspector: '/__inspector',
        health: '/__admin/health',
        guide: 'docs/admin-api.md (in the convosim package)',
      };
      if (c.req.header('accept')?.includes('text/html')) return c.html(renderIndexHtml(links, routes));
      return c.json({ name: 'convosim admin API', links, routes });
    },
  );
  route(
    {
      method: 'get',
      path: '/openapi.json',
      tag: 'index',
      summary: 'The OpenAPI 3.1 description of this API',
    },
    (c) => c.json(openapiDocument()),
  );
  route(
    { method: 'get', path: '/health', tag: 'simulator', summary: 'Providers, clock, store, queues' },
    (c) => c.json(control.health()),
  );
  route({ method: 'post', path: '/reset', tag: 'simulator', summary: 'Back to the fixtures' }, async (c) => {
    await control.reset();
    return c.json({ reset: true });
  });

  // Each listing answers at most `limit` entries (default LISTING_LIMIT, the newest) and says how much of the
  // history the window holds: `evicted` older entries are in the files only.
  route(
    {
      method: 'get',
      path: '/requests',
      tag: 'requests',
      summary: 'Journaled requests',
      query: requestFilterSchema,
    },
    (c, { query }) =>
      c.json({
        requests: control.requests({ ...query, limit: query.limit ?? LISTING_LIMIT }),
        window: control.health().journal,
      }),
  );
  route(
    {
      method: 'get',
      path: '/requests/count',
      tag: 'requests',
      summary: 'How many journaled requests match',
      query: requestFilterSchema,
    },
    (c, { query }) => c.json({ count: control.countRequests(query) }),
  );
  route(
    {
      method: 'delete',
      path: '/requests',
      tag: 'requests',
      summary: 'Empty the journal',
      status: 204,
      answer: 'none',
    },
    (c) => {
      control.clearRequests();
      return c.body(null, 204);
    },
  );
  route(
    {
      method: 'get',
      path: '/requests/wait',
      tag: 'waits',
      summary: 'Wait for a request matching a filter',
      query: requestFilterSchema.extend({ timeout: timeoutSchema.optional() }),
    },
    async (c, { query: { timeout, ...filter } }) =>
      c.json(await control.waitForRequest(filter, { timeoutMs: toTimeout(timeout) })),
  );
  route(
    {
      method: 'post',
      path: '/requests/wait',
      tag: 'waits',
      summary: 'Wait for a request matching a filter and a partial body, after a mark',
      body: waitRequestBodySchema,
    },
    async (c, { body }) =>
      c.json(
        await control.waitForRequest(body.match ?? {}, {
          timeoutMs: toTimeout(body.timeout),
          since: body.since,
        }),
      ),
  );
  route(
    {
      method: 'get',
      path: '/mark',
      tag: 'waits',
      summary: 'The journal and delivery positions and the time, for since',
    },
    (c) => c.json(control.mark()),
  );

  route(
    {
      method: 'get',
      path: '/deliveries',
      tag: 'deliveries',
      summary: 'Recorded webhook deliveries',
      query: deliveryFilterSchema,
    },
    (c, { query }) =>
      c.json({
        deliveries: control.deliveries({ limit: LISTING_LIMIT, ...query }),
        window: control.health().deliveries,
      }),
  );
  route(
    {
      method: 'get',
      path: '/deliveries/wait',
      tag: 'waits',
      summary: 'Wait for a delivery matching a filter',
      query: deliveryFilterSchema.extend({ timeout: timeoutSchema.optional() }),
    },
    async (c, { query: { timeout, ...match } }) =>
      c.json(await control.waitForDelivery(match, { timeoutMs: toTimeout(timeout) })),
  );
  route(
    {
      method: 'post',
      path: '/deliveries/wait',
      tag: 'waits',
      summary: 'Wait for a delivery matching a filter and a partial body, after a mark',
      body: waitDeliveryBodySchema,
    },
    async (c, { body }) =>
      c.json(
        await control.waitForDelivery(body.match ?? {}, {
          timeoutMs: toTimeout(body.timeout),
          since: body.since,
        }),
      ),
  );
  route(
    {
      method: 'get',
      path: '/idle',
      tag: 'waits',
      summary: 'Wait until the simulator (and, with settle, the system under test) is idle',
      query: idleQuerySchema,
    },
    async (c, { query }) => {
      const settleMs = query.settle === undefined ? 0 : parseDuration(query.settle);
      await control.idle({ timeoutMs: toTimeout(query.timeout), settleMs });
      return c.json({ idle: true });
    },
  );
  // Server-Sent Events: each event's id is its SSE id, its type the SSE event name, its JSON the data.
  route(
    {
      method: 'get',
      path: '/events',
      tag: 'events',
      summary: 'The event stream (Server-Sent Events; Last-Event-ID resumes)',
      query: eventsQuerySchema,
      answer: 'sse',
    },
    (c, { query: { lastEventId: fromQuery, ...filter } }) => {
      const header = c.req.header('last-event-id');
      const fromHeader =
        header !== undefined && /^\d{1,15}$/.test(header.trim()) ? Number(header) : undefined;
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
    },
  );

  route(
    {
      method: 'get',
      path: '/conversations',
      tag: 'conversations',
      summary: 'Conversations across providers, a page at a time',
      query: conversationFilterSchema,
    },
    (c, { query }) => {
      const conversations = control.conversations(query);
      const last = conversations.at(-1);
      // The cursor of the next page, or null when this page is not full (there is no more).
      const next = last && conversations.length >= query.limit ? `${last.provider}:${last.id}` : null;
      return c.json({ conversations, next });
    },
  );
  // Secrets (client secrets, tokens, keys) are redacted unless asked for with ?secrets=true.
  route(
    {
      method: 'get',
      path: '/state/:provider',
      tag: 'conversations',
      summary: "A provider's state (secrets redacted)",
      query: stateQuerySchema,
    },
    (c, { query }) => {
      const keys = query.keys?.split(',').filter((key) => key !== '');
      const state = control.state(param(c, 'provider'), keys) ?? null;
      return c.json((query.secrets === 'true' ? state : redactSecrets(state)) as object);
    },
  );
  route(
    {
      method: 'get',
      path: '/actions',
      tag: 'actions',
      summary: 'Agent and customer actions',
      query: providerQuerySchema,
    },
    (c, { query }) => c.json({ actions: control.actions(query.provider) }),
  );
  route(
    {
      method: 'post',
      path: '/conversations/:provider/:conversationId/actions',
      tag: 'actions',
      summary: 'Run an action on a conversation',
      body: actSchema,
    },
    async (c, { body }) => {
      const result = await control.act({
        provider: param(c, 'provider'),
        conversationId: param(c, 'conversationId'),
        action: body.action,
        args: body.args,
      });
      return c.json({ result: result ?? null });
    },
  );

  route({ method: 'get', path: '/clock', tag: 'clock', summary: 'The simulator time' }, (c) =>
    c.json({ now: control.now(), iso: toIsoTime(control.now()) }),
  );
  route(
    {
      method: 'post',
      path: '/clock/advance',
      tag: 'clock',
      summary: 'Move the virtual clock and wait for the work it starts',
      body: advanceSchema,
    },
    async (c, { body }) => c.json(await control.advance(body.by)),
  );

  route({ method: 'get', path: '/faults', tag: 'faults', summary: 'Active fault rules' }, (c) =>
    c.json({ faults: control.faults() }),
  );
  route(
    {
      method: 'post',
      path: '/faults',
      tag: 'faults',
      summary: 'Add a fault rule',
      body: faultSpecSchema,
      status: 201,
    },
    (c, { body }) => c.json(control.addFault(body), 201),
  );
  route(
    {
      method: 'delete',
      path: '/faults',
      tag: 'faults',
      summary: 'Remove every fault rule',
      status: 204,
      answer: 'none',
    },
    (c) => {
      control.clearFaults();
      return c.body(null, 204);
    },
  );
  route(
    {
      method: 'delete',
      path: '/faults/:id',
      tag: 'faults',
      summary: 'Remove a fault rule',
      status: 204,
      answer: 'none',
    },
    (c) => {
      control.removeFault(param(c, 'id'));
      return c.body(null, 204);
    },
  );

  route(
    {
      method: 'get',
      path: '/operations',
      tag: 'operations',
      summary: "The providers' admin operations, with the JSON Schema of their arguments",
      query: providerQuerySchema,
    },
    (c, { query }) => c.json({ operations: control.operations(query.provider) }),
  );
  // One entry for every provider operation (what remote clients call); each also has its own route below.
  route(
    {
      method: 'post',
      path: '/operations/:provider/:operation',
      tag: 'operations',
      summary: "Run a provider's admin operation with its arguments as the body (secrets redacted)",
      query: operationQuerySchema,
      body: z.record(z.string(), z.unknown()).describe('the arguments (see GET /__admin/operations)'),
    },
    async (c, { query, body }) => {
      const result = (await control.admin(param(c, 'provider'), param(c, 'operation'), body)) ?? null;
      return c.json((query.secrets === 'true' ? result : redactSecrets(result)) as object);
    },
  );

  route(
    {
      method: 'get',
      path: '/delivery-faults',
      tag: 'faults',
      summary: 'Active delivery faults (docs/faults.md)',
    },
    (c) => c.json({ faults: control.deliveryFaults() }),
  );
  route(
    {
      method: 'post',
      path: '/delivery-faults',
      tag: 'faults',
      summary: 'Add a delivery fault: what to do to the next matching webhook deliveries',
      body: deliveryFaultSpecSchema,
      status: 201,
    },
    (c, { body }) => c.json(control.addDeliveryFault(body), 201),
  );
  route(
    {
      method: 'delete',
      path: '/delivery-faults',
      tag: 'faults',
      summary: 'Remove every delivery fault',
      status: 204,
      answer: 'none',
    },
    (c) => {
      control.clearDeliveryFaults();
      return c.body(null, 204);
    },
  );
  route(
    {
      method: 'delete',
      path: '/delivery-faults/:id',
      tag: 'faults',
      summary: 'Remove a delivery fault',
      status: 204,
      answer: 'none',
    },
    (c) => {
      control.removeDeliveryFault(param(c, 'id'));
      return c.body(null, 204);
    },
  );

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
        error: `No admin route ${c.req.method} ${toEcho(c.req.path, 200).slice(1, -1)}. The index: GET /__admin.`,
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

// A path parameter of the route (always present once the route matched).
function param(c: Context, name: string): string {
  return c.req.param(name) ?? '';
}

function toTimeout(value: string | number | undefined): number {
  try {
    return value === undefined ? DEFAULT_WAIT_MS : Math.min(parseDuration(value), MAX_WAIT_MS);
  } catch (error) {
    throw new ControlError(400, (error as Error).message);
  }
}

function renderIndexHtml(
  links: Record<string, string>,
  routes: { method: string; path: string; summary: string }[],
): string {
  const escapeHtml = (text: string) =>
    text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
  const link = (href: string, text: string) =>
    href.startsWith('/') ? `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` : escapeHtml(text);
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>convosim admin API</title></head><body>',
    '<h1>convosim admin API</h1><ul>',
    ...Object.entries(links).map(([name, href]) => `<li>${escapeHtml(name)}: ${link(href, href)}</li>`),
    '</ul><h2>Routes</h2><table>',
    ...routes.map(
      (r) =>
        `<tr><td>${escapeHtml(r.method)}</td><td><code>${escapeHtml(r.path)}</code></td><td>${escapeHtml(r.summary)}</td></tr>`,
    ),
    '</table></body></html>',
  ].join('\n');
}
