// An 8x8 API generation as the routes see it (a "surface": Chat API v2 or Chat Gateway v1), and how a route answers
// through one: bodies in its media type, refusals in its envelope. The route builders of routes-*.ts take a
// surface, so the logic both APIs share is written once and instantiated once per API (routes.ts).
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { type ProviderSurface, Refusal, type Result, readJson } from '../../provider/index.ts';
import type { EightByEightEvents, EightByEightMeta } from './events.ts';
import type { EightByEightOptions } from './fixtures.ts';
import {
  type Api,
  type Conversation,
  type Ctx,
  type EightByEightState,
  findConversation,
  type Random,
} from './model.ts';
import { type Page, toListPage } from './model-lists.ts';
import { renderJson } from './render.ts';
import { type ApiError, renderProblem, type SurfaceErrors, toNotFound } from './render-errors.ts';
import {
  type ConversationRequest,
  hasProtoKey,
  type Issue,
  type MessageInput,
  type Parsed,
} from './rules.ts';
import { parseListQuery } from './rules-lists.ts';

/** One API generation: where its routes live, how it authenticates, renders and refuses. */
export type Surface = ProviderSurface<
  EightByEightState,
  EightByEightOptions,
  EightByEightEvents,
  EightByEightMeta
> & {
  api: Api;
  /** Prefix of the routes behind this API's auth (a Hono path). */
  base: string;
  /** Where the public signing key is served (no auth). */
  jwkPath: string;
  /** The path segment of the web-hook routes. */
  webhooks: 'web-hooks' | 'webhooks';
  /** Success bodies are application/hal+json (Gateway), else application/json. */
  hal: boolean;
  /** Authenticates every request under `base` (refuses in this API's envelope). */
  auth(ctx: Ctx): MiddlewareHandler;
  errors: SurfaceErrors;
  /** A new channel's id; without it, the next number of the shared sequence. */
  makeChannelId?(random: Random): string;
  /** A list body: v2 `{data, page}`, Gateway HAL `{_embedded: {<name>: …}, _links, page}`. */
  renderList<T>(c: Context, name: string, page: Page<T>): unknown;
  parseConversation(body: unknown, state: EightByEightState): Parsed<ConversationRequest>;
  /** The 202 body of a started conversation. */
  renderStarted(conversationId: string, now: number): unknown;
  renderConversation(conversation: Conversation): unknown;
  parseMessage(body: unknown, state: EightByEightState, conversationId: string): Parsed<MessageInput>;
  /** How the customer leaves: v2 DELETE participants/customer, Gateway PATCH participants/user with a body. */
  customerLeave: { method: 'DELETE' | 'PATCH'; path: string; parse?(body: unknown): Parsed<unknown> };
  /** The routes only this API has. */
  routes: readonly ((ctx: Ctx, surface: Surface) => Hono)[];
};

/** Answers a success body in the surface's media type. */
export function respond(c: Context, surface: Surface, body: unknown, status = 200): Response {
  return renderJson(c, body, status, surface.hal);
}

/** Refuses the request with an 8x8 problem (the pipeline answers it as is). */
export function refuseWith(c: Context, error: ApiError): never {
  throw new Refusal(renderProblem(c, error));
}

/** The value of a parse, or a refusal with its issues rendered by `render`. */
export function orRefuse<T, E = Issue[]>(
  c: Context,
  result: Result<T, E>,
  render: (error: E) => ApiError,
): T {
  if (!result.ok) refuseWith(c, render(result.error));
  return result.value;
}

/**
 * Reads a JSON body (undefined when empty); a malformed one, or one with a `__proto__` key anywhere, is refused
 * with `malformed` (the surface's, unless a route documents its own).
 */
export async function readBodyJson(
  c: Context,
  surface: Surface,
  malformed: (message: string) => ApiError = surface.errors.malformed,
): Promise<unknown> {
  const body = await readJson(c, (failure) => renderProblem(c, malformed(failure.message)));
  if (hasProtoKey(body)) refuseWith(c, malformed('A property may not be named __proto__.'));
  return body;
}

/**
 * Answers one page of a few items (paging, `sort` and a FIQL `filter` from the query; a bad one is refused) in the
 * surface's list body.
 */
export function respondList<T, R>(
  c: Context,
  surface: Surface,
  name: string,
  items: readonly T[],
  options: {
    sortable: readonly string[];
    defaultSort: string;
    render: (item: T) => R;
    key?: (item: T, field: string) => unknown;
  },
): Response {
  const parsed = parseListQuery(c.req.query(), options.sortable, options.defaultSort);
  const query = orRefuse(c, parsed, surface.errors.invalid);
  return respond(c, surface, surface.renderList(c, name, toListPage(items, query, options)));
}

/** The surface's conversation `id`, or a refusal (404 ResourceNotFoundProblem unless `notFound` says otherwise). */
export function requireConversation(
  c: Context,
  ctx: Ctx,
  surface: Surface,
  id: string,
  notFound: (type: string, id: string) => ApiError = toNotFound,
): Conversation {
  return findConversation(ctx.state(), surface.api, id) ?? refuseWith(c, notFound('Conversation', id));
}
