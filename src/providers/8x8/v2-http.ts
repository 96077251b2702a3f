// HTTP helpers shared by the 8x8 Chat API v2 route files: base path, auth, body reading, 400 rendering.
import type { Context, MiddlewareHandler } from 'hono';
import { getOwn } from '../../own.ts';
import { type ApiError, renderProblem, v2Errors } from './errors.ts';
import { type Ctx, isRouteMatched, readJson } from './glue.ts';
import { type Checked, REGIONS } from './rules.ts';

/** The path prefix of every tenant-scoped v2 route. */
export const V2_BASE = '/vcc/:region/chat/v2/tenant/:tenantId';

/** Renders issues as a v2 400 ConstraintViolationProblem. */
export function toV2Constraint(checked: Extract<Checked<unknown>, { ok: false }>): ApiError {
  return v2Errors.constraint(checked.issues.map((i) => `${i.field}: ${i.message}`));
}

/** Reads a JSON body, answering a v2 400 when it is malformed. */
export async function readV2Json(
  c: Context,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const body = await readJson(c);
  if (body.ok) return body;
  return { ok: false, response: renderProblem(c, v2Errors.constraint([`body: ${body.message}`])) };
}

/** Bearer token, then tenant and region of the path (401, then 403). */
export function createV2Auth(ctx: Ctx): MiddlewareHandler {
  return async (c, next) => {
    // An unknown route is left to the core, which explains it (in this API's envelope).
    if (!isRouteMatched(c)) return next();
    const state = ctx.state();
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    // An own-property lookup: `Bearer constructor` or `Bearer __proto__` is an unknown token like any other.
    const token = match ? getOwn(state.tokens, match[1]!) : undefined;
    if (!token) return renderProblem(c, v2Errors.unauthorized());
    if (token.expiresAt <= ctx.clock.now()) return renderProblem(c, v2Errors.unauthorized(true));
    const region = c.req.param('region') ?? '';
    if (!(REGIONS as readonly string[]).includes(region)) {
      return renderProblem(c, v2Errors.constraint([`region: Must be one of ${REGIONS.join(', ')}.`]));
    }
    if (c.req.param('tenantId') !== state.tenant || region !== state.region) {
      return renderProblem(c, v2Errors.forbidden(c.req.param('tenantId') ?? '', state.customerId));
    }
    await next();
  };
}
