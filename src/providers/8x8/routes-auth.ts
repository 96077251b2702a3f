// Imitates 8x8's authentication: the Chat API v2 token endpoint and Bearer tokens
// (https://developer.8x8.com/contactcenter/reference, OAS reference/8x8/chat-api-v2.openapi.json, tag Auth), the
// Chat Gateway x-api-key (chat-gateway-v1.openapi.yml), and the public keys of webhook signatures (JWK) of both.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { readBody } from '../../http.ts';
import { getOwn } from '../../own.ts';
import { toPublicJwk } from './events-signing.ts';
import type { Ctx } from './model.ts';
import { makeReferenceId } from './model-ids.ts';
import { applyTokenIssue } from './model-resources.ts';
import { renderJson, renderToken } from './render.ts';
import { gatewayErrors, v2Errors } from './render-errors.ts';
import { orRefuse, refuseWith, type Surface } from './routes-surface.ts';
import { isSameSecret, REGIONS } from './rules.ts';
import { parseTokenRequest } from './rules-resources.ts';

/** True when a route of this provider (not only middleware) matches the request. */
function isRouteMatched(c: Context): boolean {
  return matchedRoutes(c).some((route) => route.method !== 'ALL');
}

/** POST /oauth/v2/token: Basic credentials and a client_credentials grant give a v2 access token. */
export function createTokenRoutes(ctx: Ctx): Hono {
  const app = new Hono();
  app.post('/oauth/v2/token', async (c) => {
    const body = await readBody(c, ['form']);
    const form = body.ok && body.kind === 'form' ? (body.value as Record<string, string>) : {};
    const state = ctx.state();
    const parsed = parseTokenRequest(c.req.header('authorization'), form, state.credentials);
    const clientId = orRefuse(c, parsed, (why) => v2Errors.oauth(why.status, why.code, why.error));
    const accessToken = ctx.random.id(28);
    const issuedAt = ctx.clock.now();
    // Values of the state are copied before the update changes it.
    const ttlSeconds = state.tokenTtlSeconds;
    const applicationName = `${state.tenant}-chat-api`;
    ctx.update((draft) => applyTokenIssue(draft, accessToken, issuedAt));
    return renderJson(c, renderToken({ accessToken, clientId, applicationName, issuedAt, ttlSeconds }));
  });
  return app;
}

/** GET <jwk path>: the public key of the webhook signatures (application/json in both APIs). */
export function createJwkRoutes(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  app.get(surface.jwkPath, (c) => {
    const key = ctx.state().signingKey;
    const jwkId = c.req.param('jwkId') ?? '';
    if (jwkId !== key.kid) refuseWith(c, surface.errors.jwkNotFound(jwkId));
    return renderJson(c, toPublicJwk(key));
  });
  return app;
}

/** v2: the Bearer token (401), then tenant and region of the path (400 for an unknown region, 403). */
export function createV2Auth(ctx: Ctx): MiddlewareHandler {
  return async (c, next) => {
    // An unknown route is left to the core, which explains it (in this API's envelope).
    if (!isRouteMatched(c)) return next();
    const state = ctx.state();
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    // An own-property lookup: `Bearer constructor` or `Bearer __proto__` is an unknown token like any other.
    const token = match ? getOwn(state.tokens, match[1]!) : undefined;
    if (!token) refuseWith(c, v2Errors.unauthorized());
    if (token.expiresAt <= ctx.clock.now()) refuseWith(c, v2Errors.unauthorized(true));
    const region = c.req.param('region') ?? '';
    if (!(REGIONS as readonly string[]).includes(region)) {
      refuseWith(c, v2Errors.constraint([`region: Must be one of ${REGIONS.join(', ')}.`]));
    }
    if (c.req.param('tenantId') !== state.tenant || region !== state.region) {
      refuseWith(c, v2Errors.forbidden(c.req.param('tenantId') ?? '', state.customerId));
    }
    await next();
  };
}

/** Gateway: `x-api-key` (401), then `X-8x8-Tenant` when sent (403). */
export function createGatewayAuth(ctx: Ctx): MiddlewareHandler {
  return async (c, next) => {
    if (!isRouteMatched(c)) return next();
    const state = ctx.state();
    if (!isSameSecret(c.req.header('x-api-key') ?? '', state.credentials.gatewayApiKey)) {
      refuseWith(c, gatewayErrors.unauthorized(makeReferenceId(ctx.random)));
    }
    const tenant = c.req.header('x-8x8-tenant');
    if (tenant !== undefined && tenant !== state.tenant)
      refuseWith(c, gatewayErrors.forbidden(state.customerId));
    await next();
  };
}
