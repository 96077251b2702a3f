// HTTP helpers shared by the 8x8 Chat Gateway v1 route files: base path, auth, bodies, HAL lists, 400s.
import type { Context, MiddlewareHandler } from 'hono';
import { type ApiError, gatewayErrors, renderProblem } from './errors.ts';
import { type Ctx, compareIds, isRouteMatched, makeReferenceId, readJson, readQuery } from './glue.ts';
import { renderHalList, renderJson, toPage } from './render.ts';
import { type Checked, checkFilter, checkPaging, checkSort, isFilterMatch } from './rules.ts';

/** The Gateway path prefix. */
export const GATEWAY_BASE = '/chat-gateway/v1';

type Failed = Extract<Checked<unknown>, { ok: false }>;

/** Renders issues as a Gateway 400 GenericExceptionPayload. */
export function toGatewayGeneric(checked: Failed): ApiError {
  return gatewayErrors.generic(
    400,
    'Validation failed.',
    checked.issues.map((i) => ({ code: i.code, message: `${i.field}: ${i.message}` })),
  );
}

/** `x-api-key` (401), then `X-8x8-Tenant` when sent (403). */
export function createGatewayAuth(ctx: Ctx): MiddlewareHandler {
  return async (c, next) => {
    // An unknown route is left to the core, which explains it (in this API's envelope).
    if (!isRouteMatched(c)) return next();
    const state = ctx.state();
    if (c.req.header('x-api-key') !== state.credentials.gatewayApiKey) {
      return renderProblem(c, gatewayErrors.unauthorized(makeReferenceId(ctx)));
    }
    const tenant = c.req.header('x-8x8-tenant');
    if (tenant !== undefined && tenant !== state.tenant) {
      return renderProblem(c, gatewayErrors.forbidden(state.customerId));
    }
    await next();
  };
}

/** Reads a JSON body; a malformed one answers 400 with code invalid_json_object. */
export async function readGatewayJson(
  c: Context,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const body = await readJson(c);
  if (body.ok) return body;
  return {
    ok: false,
    response: renderProblem(
      c,
      gatewayErrors.generic(400, 'Validation failed.', [
        { code: 'invalid_json_object', message: body.message },
      ]),
    ),
  };
}

/** Answers a HAL list of `items` with paging, `sort` (`field:asc|desc`) and a FIQL `filter`. */
export function renderGatewayList<T, R>(
  c: Context,
  name: string,
  items: T[],
  options: {
    sortable: readonly string[];
    defaultSort: string;
    render: (item: T) => R;
    key?: (item: T, field: string) => unknown;
  },
): Response {
  const query = readQuery(c);
  const paging = checkPaging(query);
  if (!paging.ok) return renderProblem(c, toGatewayGeneric(paging));
  const sort = checkSort(query.sort, options.defaultSort, options.sortable);
  if (!sort.ok) return renderProblem(c, toGatewayGeneric(sort));
  const filter = checkFilter(query.filter);
  if (!filter.ok) return renderProblem(c, toGatewayGeneric(filter));
  const { field, direction } = sort.value;
  const keyOf = options.key ?? ((item: T, f: string) => (item as Record<string, unknown>)[f]);
  const sorted = items
    .map((item, index) => ({ item, index, rendered: options.render(item) }))
    .filter(({ rendered }) => isFilterMatch(rendered, filter.value))
    .sort((a, b) => {
      const ka = keyOf(a.item, field);
      const kb = keyOf(b.item, field);
      const order =
        typeof ka === 'number' && typeof kb === 'number'
          ? ka - kb
          : compareIds(String(ka ?? ''), String(kb ?? ''));
      // Ties keep insertion order, reversed for a descending sort (newest first).
      return direction === 'asc' ? order || a.index - b.index : -order || b.index - a.index;
    })
    .map(({ rendered }) => rendered);
  const page = toPage(sorted, paging.value.size, paging.value.page);
  return renderJson(c, renderHalList(name, page, c.req.url), 200, true);
}
