// The inspector: a page served by the simulator at /__inspector (plain HTML, ES modules and CSS, no build step),
// and the two admin routes it needs besides the admin API, which the admin API mounts under /__admin/inspector
// (behind its guard, src/admin-security.ts; the page has a guard of its own).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AdminSecurity, createAdminGuard } from '../admin-security.ts';
import type { Control } from '../control.ts';
import { toEcho } from '../echo.ts';
import type { EventHub } from '../events.ts';
import type { AnyProvider } from '../provider/contract.ts';
import { resolveActions } from '../provider-operations.ts';
import { createInspectorRecorder } from './recorder.ts';

/** Where the page is served. */
export const INSPECTOR_PATH = '/__inspector';

/** What the inspector needs from the simulator. */
export type InspectorDeps = {
  control: Control;
  events: EventHub;
  providers: readonly AnyProvider[];
  security: AdminSecurity;
};

/** An action with the JSON Schema of its arguments (null when they cannot be described: the page asks for JSON). */
export type InspectorAction = {
  provider: string;
  action: string;
  description: string;
  args: Record<string, unknown> | null;
};

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/**
 * The folder of the page's files: next to this module when it runs from src/ (tsx, vitest), and in the package's
 * src/ when it runs from dist/ (the package ships src/, and tsc does not copy assets).
 */
export function findAssetsDir(moduleUrl: string = import.meta.url): string {
  const candidates = [new URL('./assets/', moduleUrl), new URL('../../src/inspector/assets/', moduleUrl)].map(
    (url) => fileURLToPath(url),
  );
  const found = candidates.find((dir) => existsSync(`${dir}index.html`));
  if (!found) throw new Error(`the inspector's files are missing (looked in ${candidates.join(' and ')})`);
  return found;
}

/** The inspector's routes: mount with `app.route('/', createInspectorRoutes(deps))` before the admin routes. */
export function createInspectorRoutes(deps: InspectorDeps): { page: Hono; admin: Hono } {
  const app = new Hono();
  const dir = findAssetsDir();
  // Read once: a fixed set of files, so no request path ever reaches the file system.
  const files = new Map(
    readdirSync(dir)
      .filter((name) => /^[a-z0-9-]+\.(html|js|css|svg)$/.test(name))
      .map((name) => [
        name,
        { body: readFileSync(`${dir}${name}`, 'utf8'), type: TYPES[name.split('.').pop()!]! },
      ]),
  );
  const recorder = createInspectorRecorder(deps.events, () => deps.control.now());
  // The page itself holds no data: with a token set, it loads without one and asks for it before any admin call.
  // Cross-site requests are refused as for the admin API, and so are foreign Host names when no token is set.
  const pageGuard = createAdminGuard({
    allowRemote: deps.security.allowRemote === true || deps.security.token !== undefined,
  });
  const page = app.basePath(INSPECTOR_PATH);
  page.use('*', pageGuard);
  page.use('*', async (c, next) => {
    await next();
    c.header('cache-control', 'no-cache');
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
  });
  const index = files.get('index.html')!;
  const serveIndex = () => new Response(index.body, { headers: { 'content-type': index.type } });
  page.get('/', serveIndex);
  app.get(`${INSPECTOR_PATH}/`, serveIndex);
  page.get('/:file', (c) => {
    const file = files.get(c.req.param('file'));
    if (!file) return c.text('Not found', 404);
    return c.body(file.body, 200, { 'content-type': file.type });
  });

  // Mounted by the admin API at /__admin/inspector (its guard applies, and the OpenAPI document lists them).
  const admin = new Hono();
  admin.get('/actions', (c) => {
    recorder.start();
    return c.json({ actions: deps.providers.flatMap((provider) => toInspectorActions(provider)) });
  });
  admin.get('/timeline/:provider/:conversationId', (c) => {
    recorder.start();
    const provider = c.req.param('provider');
    const conversationId = c.req.param('conversationId');
    if (!deps.providers.some((p) => p.name === provider)) {
      const names = deps.providers.map((p) => p.name).join(', ');
      return c.json({ error: `Unknown provider ${toEcho(provider, 60)}. Providers: ${names}.` }, 404);
    }
    const record = recorder.of(provider, conversationId);
    const deliveries = deps.control.deliveries({ provider, conversationId, limit: 500 });
    return c.json({ provider, conversationId, ...record, deliveries });
  });
  return { page: app, admin };
}

function toInspectorActions(provider: AnyProvider): InspectorAction[] {
  return Object.entries(resolveActions(provider)).map(([action, definition]) => ({
    provider: provider.name,
    action,
    description: definition.description,
    args: toArgsSchema(definition.args as z.ZodType),
  }));
}

// The arguments' JSON Schema; a normalizing `preprocess` is skipped to describe what it leads to.
function toArgsSchema(schema: z.ZodType): Record<string, unknown> | null {
  const def = (schema as unknown as { _zod: { def: { type: string; out?: z.ZodType } } })._zod.def;
  const target = def.type === 'pipe' && def.out ? def.out : schema;
  try {
    return z.toJSONSchema(target, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return null;
  }
}
