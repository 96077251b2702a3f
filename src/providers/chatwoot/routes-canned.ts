// Imitates https://developers.chatwoot.com/api-reference/canned-responses (Application API): saved replies, as
// canned_responses_controller.rb (Chatwoot 4.12) answers them (`render json: @canned_response`, the model's columns).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { toIso } from '../../clock.ts';
import { getOwn, hasOwn } from '../../own.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import type { CannedResponse, ChatwootState } from './model.ts';
import { applyCannedCreate, applyCannedRemoval, applyCannedUpdate } from './model-canned.ts';
import { ERROR_NOT_FOUND, refuseWith, toInvalidRecord } from './render-errors.ts';
import { authorize, readParams } from './routes.ts';
import type { InvalidAttribute } from './rules.ts';
import { toRecordId } from './rules.ts';

const BASE = '/api/v1/accounts/:account_id/canned_responses';

/** Canned responses one listing answers at most (simulator choice: Chatwoot answers them all). */
const CANNED_LIMIT = 100;

/** A canned response as `render json:` serialises the record. */
function renderCanned(c: CannedResponse): Record<string, unknown> {
  return {
    id: c.id,
    content: c.content,
    short_code: c.short_code,
    account_id: c.account_id,
    created_at: toIso(c.created_at),
    updated_at: toIso(c.updated_at),
  };
}

/** The body's `canned_response` (ParamsWrapper) or the body itself. */
function readCannedParams(body: Record<string, unknown>): Record<string, unknown> {
  const wrapped = body.canned_response;
  return typeof wrapped === 'object' && wrapped !== null && !Array.isArray(wrapped)
    ? (wrapped as Record<string, unknown>)
    : body;
}

/**
 * CannedResponse validations: content and short_code present, short_code unique in the account. Returns the
 * failures (empty when valid).
 */
function checkCanned(
  s: ChatwootState,
  accountId: number,
  exceptId: number | null,
  value: { short_code: unknown; content: unknown },
): InvalidAttribute[] {
  const invalid: InvalidAttribute[] = [];
  if (typeof value.content !== 'string' || value.content.trim() === '')
    invalid.push({ attribute: 'content', message: "Content can't be blank" });
  if (typeof value.short_code !== 'string' || value.short_code.trim() === '')
    invalid.push({ attribute: 'short_code', message: "Short code can't be blank" });
  else {
    const ids = getOwn(s.index.cannedOfAccount ?? {}, String(accountId)) ?? [];
    const taken = ids.some(
      (id) => id !== exceptId && getOwn(s.cannedResponses ?? {}, String(id))?.short_code === value.short_code,
    );
    if (taken) invalid.push({ attribute: 'short_code', message: 'Short code has already been taken' });
  }
  return invalid;
}

/** Canned response list, create, update and delete routes. */
export function createCannedRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  const load = (c: Context, accountId: number): CannedResponse => {
    const id = toRecordId(c.req.param('canned_id'));
    const canned = id === null ? undefined : getOwn(ctx.state().cannedResponses ?? {}, String(id));
    return canned && canned.account_id === accountId ? canned : refuseWith(c, ERROR_NOT_FOUND);
  };

  app.get(BASE, (c) => {
    const { accountId } = authorize(ctx, c, {});
    const s = ctx.state();
    const search = (c.req.query('search') ?? '').toLowerCase();
    const ids = getOwn(s.index.cannedOfAccount ?? {}, String(accountId)) ?? [];
    const out: Array<Record<string, unknown>> = [];
    for (let i = 0; i < ids.length && out.length < CANNED_LIMIT; i++) {
      const x = getOwn(s.cannedResponses ?? {}, String(ids[i]))!;
      const hit =
        search === '' ||
        x.short_code.toLowerCase().includes(search) ||
        x.content.toLowerCase().includes(search);
      if (hit) out.push(renderCanned(x));
    }
    return c.json(out, 200);
  });

  app.post(BASE, async (c) => {
    const { accountId } = authorize(ctx, c, {});
    const body = readCannedParams((await readParams(c)).body);
    const invalid = checkCanned(ctx.state(), accountId, null, {
      short_code: body.short_code,
      content: body.content,
    });
    if (invalid.length > 0) refuseWith(c, toInvalidRecord(invalid));
    const id = perform(ctx, applyCannedCreate, {
      accountId,
      short_code: body.short_code as string,
      content: body.content as string,
    });
    return c.json(renderCanned(getOwn(ctx.state().cannedResponses ?? {}, String(id))!), 200);
  });

  const update = async (c: Context) => {
    const { accountId } = authorize(ctx, c, {});
    const body = readCannedParams((await readParams(c)).body);
    const existing = load(c, accountId);
    const id = existing.id;
    const next = {
      short_code: hasOwn(body, 'short_code') ? body.short_code : existing.short_code,
      content: hasOwn(body, 'content') ? body.content : existing.content,
    };
    const invalid = checkCanned(ctx.state(), accountId, id, next);
    if (invalid.length > 0) refuseWith(c, toInvalidRecord(invalid));
    perform(ctx, applyCannedUpdate, {
      id,
      changes: { short_code: next.short_code as string, content: next.content as string },
    });
    return c.json(renderCanned(getOwn(ctx.state().cannedResponses ?? {}, String(id))!), 200);
  };
  app.patch(`${BASE}/:canned_id`, update);
  app.put(`${BASE}/:canned_id`, update);

  app.delete(`${BASE}/:canned_id`, (c) => {
    const { accountId } = authorize(ctx, c, {});
    perform(ctx, applyCannedRemoval, { id: load(c, accountId).id });
    return c.body(null, 200);
  });

  return app;
}
