// HTTP helpers shared by the 8x8 Chat Gateway v1 route files: base path, auth, bodies, HAL lists, 400s.
import type { Context, MiddlewareHandler } from 'hono';
import { getOwn } from '../../own.ts';
import { type ApiError, gatewayErrors, renderProblem } from './errors.ts';
import { type Ctx, isRouteMatched, makeReferenceId, readJson, readQuery } from './glue.ts';
import { type Page, renderHalList, renderJson, toPage } from './render.ts';
import {
  type Checked,
  checkFilter,
  checkPaging,
  checkSort,
  type FiqlTerm,
  isFilterMatch,
  isSameSecret,
} from './rules.ts';
import { compareIds } from './sorted-index.ts';

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
    if (!isSameSecret(c.req.header('x-api-key') ?? '', state.credentials.gatewayApiKey)) {
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

/** A HAL list query: page, sort and filter. */
export type GatewayListQuery = {
  size: number;
  page: number;
  field: string;
  direction: 'asc' | 'desc';
  filter: FiqlTerm[][];
};

/** Reads paging, `sort` (`field:asc|desc`) and a FIQL `filter`; a bad value answers 400. */
export function readGatewayListQuery(
  c: Context,
  sortable: readonly string[],
  defaultSort: string,
): { ok: true; value: GatewayListQuery } | { ok: false; response: Response } {
  const query = readQuery(c);
  const paging = checkPaging(query);
  if (!paging.ok) return { ok: false, response: renderProblem(c, toGatewayGeneric(paging)) };
  const sort = checkSort(query.sort, defaultSort, sortable);
  if (!sort.ok) return { ok: false, response: renderProblem(c, toGatewayGeneric(sort)) };
  const filter = checkFilter(query.filter);
  if (!filter.ok) return { ok: false, response: renderProblem(c, toGatewayGeneric(filter)) };
  return { ok: true, value: { ...paging.value, ...sort.value, filter: filter.value } };
}

/** Answers one page of a HAL list. */
export function renderGatewayPage<R>(c: Context, name: string, page: Page<R>): Response {
  return renderJson(c, renderHalList(name, page, c.req.url), 200, true);
}

/**
 * Answers a HAL list of `items` (the few of one conversation, or of the web-hooks and channels) with paging,
 * `sort` and a FIQL `filter`. Sort keys are read once per item; only a filter renders every item, else only
 * the page is rendered.
 */
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
  const query = readGatewayListQuery(c, options.sortable, options.defaultSort);
  if (!query.ok) return query.response;
  const { field, direction, filter, size, page } = query.value;
  const keyOf = options.key ?? ((item: T, f: string) => getOwn(item as Record<string, unknown>, f));
  const sorted = items
    .map((item, index) => {
      const rendered = filter.length > 0 ? options.render(item) : undefined;
      return { item, index, key: keyOf(item, field), rendered };
    })
    .filter(({ rendered }) => filter.length === 0 || isFilterMatch(rendered, filter))
    .sort((a, b) => {
      const ka = a.key;
      const kb = b.key;
      const order =
        typeof ka === 'number' && typeof kb === 'number'
          ? ka - kb
          : compareIds(String(ka ?? ''), String(kb ?? ''));
      // Ties keep insertion order, reversed for a descending sort (newest first).
      return direction === 'asc' ? order || a.index - b.index : -order || b.index - a.index;
    });
  const slice = toPage(sorted, size, page);
  const rendered = slice.items.map((entry) => entry.rendered ?? options.render(entry.item));
  return renderGatewayPage(c, name, { ...slice, items: rendered });
}
