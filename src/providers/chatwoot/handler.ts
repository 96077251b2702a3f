import type { Context } from 'hono';
import { isSafeKey } from '../../own.ts';
import { type AccessRule, checkAccess, readAccessToken, renderFailure } from './auth.ts';
import type { ChatwootContext, Sender } from './operations.ts';
import { type Params, readParams } from './params.ts';
import type { Actor } from './rules.ts';

/** What an account route handler receives once the caller is authenticated and the body is read. */
export type RouteInput = { c: Context; actor: Actor; accountId: number; params: Params };

/** Wraps an account route: authenticate and authorise, read the body, then run `fn`. */
export function createHandler(
  ctx: ChatwootContext,
  rule: AccessRule,
  fn: (input: RouteInput) => Response | Promise<Response>,
): (c: Context) => Promise<Response> {
  return async (c) => {
    const access = checkAccess(ctx.state(), readAccessToken(c), c.req.param('account_id') ?? '', rule);
    if (!access.ok) return renderFailure(c, access.error);
    let params: Params = { body: {}, files: [] };
    if (c.req.method !== 'GET' && c.req.method !== 'DELETE') {
      const read = await readParams(c);
      if (!read.ok) return renderFailure(c, read.error);
      params = read.value;
    }
    return fn({ c, actor: access.value.actor, accountId: access.value.accountId, params });
  };
}

/** The sender of messages an actor writes: the user or the agent bot. */
export function toActorSender(actor: Actor): Sender {
  return actor.kind === 'user'
    ? { type: 'User', id: actor.agent.id }
    : { type: 'AgentBot', id: actor.bot.id };
}

/** The query string as a flat record, keeping repeated keys (`labels=a&labels=b`) as arrays. */
export function readQuery(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    const k = key.replace(/\[\]$/, '');
    // No Chatwoot query param is named __proto__; assigning it would change the record's prototype.
    if (isSafeKey(k)) out[k] = values.length === 1 && !key.endsWith('[]') ? values[0]! : values;
  }
  return out;
}
