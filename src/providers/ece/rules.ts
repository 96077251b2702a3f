/**
 * Pure request rules for ECE v19 asynchronous messaging: negotiation headers, credentials and sessions, entry
 * points and the preconditions of start conversation. Query strings are in rules-query.ts. No Hono, no I/O.
 */
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import { ok, type Result } from '../../provider/index.ts';
import { hasAgentForQueue } from './model-assignment.ts';
import type { ClientApplication, EceState, EntryPoint, Session } from './model-state.ts';
import { type EceError, failWith } from './render-errors.ts';
import { isSameLastModified } from './rules-date.ts';

/** The representation a response is rendered in. */
export type Format = 'json' | 'xml';

/** Picks the response format from the Accept header: application/json (default) or application/xml. */
export function parseAccept(header: string | undefined): Result<Format, EceError> {
  if (!header || header.trim() === '') return ok('json');
  const ranges = header
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.type !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    if (range.type === 'application/json') return ok('json');
    if (range.type === 'application/xml' || range.type === 'text/xml') return ok('xml');
    if (range.type === '*/*' || range.type === 'application/*') return ok('json');
  }
  return failWith(
    'accept.invalid',
    `Accept ${toEcho(header)} names neither application/json nor application/xml`,
  );
}

/** A format to render errors in even when the Accept header is unusable. */
export function toErrorFormat(header: string | undefined): Format {
  const accept = parseAccept(header);
  return accept.ok ? accept.value : 'json';
}

const LANGUAGE_RANGE = /^([a-z]{1,8})(-[a-z0-9]{1,8})*$/i;

/** Picks the language from Accept-Language among the partition's supported codes (first one is the default). */
export function parseAcceptLanguage(
  header: string | undefined,
  supported: readonly string[],
): Result<string, EceError> {
  const fallback = supported[0] ?? 'en-US';
  if (header === undefined || header.trim() === '') return ok(fallback);
  const ranges: Array<{ tag: string; q: number; index: number }> = [];
  for (const [index, part] of header.split(',').entries()) {
    const [tag = '', ...params] = part.split(';').map((s) => s.trim());
    const qParam = params.find((p) => p.toLowerCase().startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if ((tag !== '*' && !LANGUAGE_RANGE.test(tag)) || !Number.isFinite(q) || q < 0 || q > 1) {
      return failWith('language.invalid', `Accept-Language ${toEcho(header)} is not a valid language list`);
    }
    if (q > 0) ranges.push({ tag, q, index });
  }
  ranges.sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === '*') return ok(fallback);
    const exact = supported.find((code) => code.toLowerCase() === tag.toLowerCase());
    if (exact) return ok(exact);
    const primary = tag.split('-')[0]!.toLowerCase();
    const near = supported.find((code) => code.split('-')[0]!.toLowerCase() === primary);
    if (near) return ok(near);
  }
  return failWith(
    'language.invalid',
    `Accept-Language ${toEcho(header)} names no supported language (supported: ${supported.join(', ')})`,
  );
}

/** Reads the access token from "Bearer <access_token>". */
export function parseBearer(header: string | undefined): Result<string, EceError> {
  if (header === undefined || header.trim() === '')
    return failWith('auth.missing', 'Authorization header is not provided');
  const match = /^Bearer ([^\s]+)$/.exec(header.trim());
  if (!match) return failWith('auth.format', 'Authorization header must be "Bearer <access_token>"');
  return ok(match[1]!);
}

/** Finds the client application behind a bearer token: the session must exist, be unexpired and be an app's. */
export function parseSession(
  state: EceState,
  header: string | undefined,
  now: number,
): Result<{ session: Session; app: ClientApplication }, EceError> {
  const token = parseBearer(header);
  if (!token.ok) return token;
  const session = getOwn(state.sessions, token.value);
  if (!session)
    return failWith('auth.session', 'Session does not exist corresponding to the provided access token');
  if (session.expiresAt <= now)
    return failWith('auth.session', 'The session of the provided access token has expired');
  if (session.kind !== 'clientApplication' || !session.clientKey) {
    return failWith(
      'auth.notClientApp',
      'The session identified by the access token is not a client application session',
    );
  }
  const app = getOwn(state.clientApplications, session.clientKey);
  if (!app) return failWith('auth.session', 'The client application of this session no longer exists');
  return ok({ session, app });
}

/** Requires a client application of type Chat (seed 003: only 'Chat' applications may call). */
export function assertChatApplication(app: ClientApplication): Result<true, EceError> {
  if (app.type.toLowerCase() !== 'chat') {
    return failWith(
      'app.notChat',
      `Client application ${toEcho(app.key)} is of type ${toEcho(app.type)}, not 'Chat'`,
    );
  }
  return ok(true);
}

/** Requires the token request's grant_type=client_credentials (reference 2.1); `grant` is undefined without a form. */
export function assertGrantType(grant: string | undefined): Result<true, EceError> {
  if (grant === 'client_credentials') return ok(true);
  return failWith(
    'grant.invalid',
    'Body must be application/x-www-form-urlencoded grant_type=client_credentials',
  );
}

/** Reads "Basic base64(key:secret)" and checks it against the registered client applications. */
export function parseClientCredentials(
  state: EceState,
  header: string | undefined,
): Result<ClientApplication, EceError> {
  if (header === undefined || header.trim() === '')
    return failWith('auth.missing', 'Authorization header is not provided');
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header.trim());
  if (!match)
    return failWith(
      'auth.format',
      'Authorization header must be "Basic base64(<client key>:<client secret>)"',
    );
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? decoded : decoded.slice(0, colon);
  const secret = colon < 0 ? '' : decoded.slice(colon + 1);
  const app = getOwn(state.clientApplications, key);
  if (!app || app.secret !== secret)
    return failWith('auth.credentials', 'Client key or client secret is not valid');
  return ok(app);
}

/** The entry point (a copy), once it exists, the application is configured for it and the date is current. */
export function parseEntryPoint(
  state: EceState,
  app: ClientApplication,
  entryPointId: string,
  lastModified: string | null,
): Result<EntryPoint, EceError> {
  const entryPoint = getOwn(state.entryPoints, entryPointId);
  if (!entryPoint)
    return failWith('entryPoint.notFound', `Entry point ${toEcho(entryPointId)} does not exist`);
  if (!app.entryPoints.includes(entryPointId)) {
    return failWith(
      'entryPoint.notConfigured',
      `Client application ${toEcho(app.key)} is not configured to use entry point ${toEcho(entryPointId)}`,
    );
  }
  if (lastModified !== null && !isSameLastModified(lastModified, entryPoint.lastModified)) {
    return failWith(
      'entryPoint.stale',
      `entryPointConfiguration.lastModified.date ${toEcho(lastModified)} does not match the current ${toEcho(entryPoint.lastModified)}`,
    );
  }
  return ok({ ...entryPoint });
}

/**
 * What start conversation needs besides a valid request (seed 003): the assignment service running, an agent
 * logged in and available for the entry point's queue, and an active callback URL.
 */
export function assertStartPreconditions(
  state: EceState,
  app: ClientApplication,
  queueId: string,
): Result<true, EceError> {
  if (!state.settings.assignmentServiceRunning)
    return failWith('assignment.down', 'The assignment service is not running');
  if (!hasAgentForQueue(state, queueId)) {
    return failWith('agent.unavailable', `No agent is logged in and available for queue ${toEcho(queueId)}`);
  }
  if (!app.callback.active || !app.callback.url) {
    return failWith(
      'callback.inactive',
      app.callback.url
        ? `The callback URL of client application ${toEcho(app.key)} has been deactivated; reactivate it through the admin API`
        : `Client application ${toEcho(app.key)} has no callback URL`,
    );
  }
  return ok(true);
}
