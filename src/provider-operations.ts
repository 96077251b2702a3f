import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { toEcho } from './echo.ts';
import { ControlError } from './errors.ts';
import { MAX_JSON_DEPTH, readBody } from './http.ts';
import { getOwn } from './own.ts';
import { isNeutralVerb, neutralVerbs } from './provider/actions.ts';
import type { AdminOperation, AnyProvider, ProviderAction, ProviderContext } from './provider/contract.ts';

/**
 * A provider's actions as the core serves them: its own, checked against the neutral verbs, plus the core's
 * `raw.event` when the provider names its webhook targets. Throws when a provider redefines a neutral verb.
 */
export function resolveActions(provider: AnyProvider): Record<string, ProviderAction> {
  const actions: Record<string, ProviderAction> = {};
  for (const [name, action] of Object.entries(provider.actions ?? {}) as [string, ProviderAction][]) {
    if (name === 'raw.event' && provider.webhookTargets) {
      throw new Error(
        `Provider '${provider.name}': raw.event is the core's (from webhookTargets); remove its own`,
      );
    }
    if (isNeutralVerb(name) && name !== 'raw.event' && action.neutral !== name) {
      throw new Error(
        `Provider '${provider.name}': ${name} is a neutral verb; build it with defineNeutralAction('${name}', …)`,
      );
    }
    actions[name] = action;
  }
  if (provider.webhookTargets) actions['raw.event'] = rawEventAction(provider);
  return actions;
}

const RAW_EVENT_DESCRIPTION =
  "Posts args.body as is (a string verbatim, anything else in the receiver's format, JSON by default) to each " +
  "of the conversation's webhook targets for args.type, signed as the provider signs, with args.headers added. " +
  'Bypasses every rule. args: {type, body, headers?}';

function rawEventAction(provider: AnyProvider): ProviderAction {
  return {
    description: RAW_EVENT_DESCRIPTION,
    args: neutralVerbs['raw.event'],
    neutral: 'raw.event',
    run(ctx, conversationId, input) {
      const args = input as z.output<(typeof neutralVerbs)['raw.event']>;
      // The body is serialized (recursively) on its way out: bound its depth first.
      if (nestingOf(args.body, MAX_JSON_DEPTH + 1) > MAX_JSON_DEPTH) {
        throw new ControlError(400, `raw.event body: nested deeper than ${MAX_JSON_DEPTH} levels`);
      }
      const targets = provider.webhookTargets!(ctx, conversationId, { type: args.type, body: args.body });
      if (!targets.ok) throw new Error(targets.error);
      const eventIds = targets.value.map((target) =>
        ctx.emit({
          type: args.type,
          url: target.url,
          orderKey: target.orderKey ?? conversationId,
          conversationId: target.conversationId ?? conversationId,
          body: typeof args.body === 'string' || !target.serialize ? args.body : target.serialize(args.body),
          contentType: target.contentType ?? 'application/json',
          headers: { ...target.headers, ...args.headers },
          meta: { ...target.meta, raw: true },
        }),
      );
      return { conversationId, eventId: eventIds[0] ?? null, eventIds };
    },
  };
}

/** How deeply `value` nests objects and arrays, counted up to `cap` (so a hostile value costs little). */
function nestingOf(value: unknown, cap: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (cap <= 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, nestingOf(child, cap - 1));
    if (deepest >= cap) break;
  }
  return deepest + 1;
}

/** Runs one provider admin operation with its arguments validated; mistakes are `ControlError`s. */
export function runAdminOperation(
  provider: AnyProvider,
  ctx: ProviderContext<unknown, unknown>,
  name: string,
  args: unknown,
): unknown {
  const operation = getOwn(provider.admin ?? {}, name) as AdminOperation | undefined;
  if (!operation) {
    const known = Object.keys(provider.admin ?? {});
    throw new ControlError(
      404,
      `Provider '${provider.name}' has no admin operation ${toEcho(name, 60)}. Operations: ${known.join(', ') || '(none)'}.`,
    );
  }
  const parsed = operation.args.safeParse(args ?? {});
  if (!parsed.success) {
    throw new ControlError(
      400,
      `Invalid args for ${provider.name} ${name}: ${z.prettifyError(parsed.error)}`,
    );
  }
  return operation.run(ctx, parsed.data);
}

/**
 * The HTTP face of a provider's admin operations (mounted under /__admin/providers/<name>): the path parameters,
 * the query (but `secrets`, which the admin API reads) and the JSON body's fields make one argument object.
 */
export function createProviderAdminRoutes(
  provider: AnyProvider,
  run: (name: string, args: unknown) => unknown,
): Hono {
  const app = new Hono();
  for (const [name, operation] of Object.entries(provider.admin ?? {}) as [string, AdminOperation][]) {
    app.on(operation.method, operation.path, async (c) => {
      const args = await readArgs(c);
      const result = await run(name, args);
      const status = operation.status ?? 200;
      return status === 204 ? c.body(null, 204) : c.json((result ?? null) as object, status);
    });
  }
  return app;
}

async function readArgs(c: Context): Promise<Record<string, unknown>> {
  const { secrets: _secrets, ...query } = c.req.query();
  const params = c.req.param() as Record<string, string>;
  let body: Record<string, unknown> = {};
  if (c.req.method !== 'GET' && c.req.method !== 'DELETE') {
    const read = await readBody(c, ['json']);
    if (!read.ok) throw new ControlError(read.reason === 'malformed' ? 400 : 415, read.message);
    if (read.value !== undefined) {
      if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
        throw new ControlError(400, 'Invalid body: expected a JSON object');
      }
      body = read.value as Record<string, unknown>;
    }
  }
  const args: Record<string, unknown> = { ...query };
  for (const [key, value] of [...Object.entries(body), ...Object.entries(params)]) {
    if (Object.hasOwn(args, key)) {
      throw new ControlError(400, `Invalid args: ${toEcho(key, 60)} is given twice (path, query or body)`);
    }
    Object.defineProperty(args, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return args;
}
