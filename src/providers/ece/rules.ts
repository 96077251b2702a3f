/** Pure request rules for ECE v19 asynchronous messaging: headers, query parameters, sessions. No Hono, no I/O. */
import { toEcho } from '../../echo.ts';
import { getOwn, hasOwn } from '../../own.ts';
import type { AttributeDefinition, ClientApplication, EceState, Session } from './model-state.ts';
import { fail, type Result, succeed } from './render-errors.ts';

/** The representation a response is rendered in. */
export type Format = 'json' | 'xml';

/** Picks the response format from the Accept header: application/json (default) or application/xml. */
export function parseAccept(header: string | undefined): Result<Format> {
  if (!header || header.trim() === '') return succeed('json');
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
    if (range.type === 'application/json') return succeed('json');
    if (range.type === 'application/xml' || range.type === 'text/xml') return succeed('xml');
    if (range.type === '*/*' || range.type === 'application/*') return succeed('json');
  }
  return fail(
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
): Result<string> {
  const fallback = supported[0] ?? 'en-US';
  if (header === undefined || header.trim() === '') return succeed(fallback);
  const ranges: Array<{ tag: string; q: number; index: number }> = [];
  for (const [index, part] of header.split(',').entries()) {
    const [tag = '', ...params] = part.split(';').map((s) => s.trim());
    const qParam = params.find((p) => p.toLowerCase().startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if ((tag !== '*' && !LANGUAGE_RANGE.test(tag)) || !Number.isFinite(q) || q < 0 || q > 1) {
      return fail('language.invalid', `Accept-Language ${toEcho(header)} is not a valid language list`);
    }
    if (q > 0) ranges.push({ tag, q, index });
  }
  ranges.sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === '*') return succeed(fallback);
    const exact = supported.find((code) => code.toLowerCase() === tag.toLowerCase());
    if (exact) return succeed(exact);
    const primary = tag.split('-')[0]!.toLowerCase();
    const near = supported.find((code) => code.split('-')[0]!.toLowerCase() === primary);
    if (near) return succeed(near);
  }
  return fail(
    'language.invalid',
    `Accept-Language ${toEcho(header)} names no supported language (supported: ${supported.join(', ')})`,
  );
}

/** Reads the access token from "Bearer <access_token>". */
export function parseBearer(header: string | undefined): Result<string> {
  if (header === undefined || header.trim() === '')
    return fail('auth.missing', 'Authorization header is not provided');
  const match = /^Bearer ([^\s]+)$/.exec(header.trim());
  if (!match) return fail('auth.format', 'Authorization header must be "Bearer <access_token>"');
  return succeed(match[1]!);
}

/** Finds the client application behind a bearer token: the session must exist, be unexpired and be an app's. */
export function checkSession(
  state: EceState,
  header: string | undefined,
  now: number,
): Result<{ session: Session; app: ClientApplication }> {
  const token = parseBearer(header);
  if (!token.ok) return token;
  const session = getOwn(state.sessions, token.value);
  if (!session)
    return fail('auth.session', 'Session does not exist corresponding to the provided access token');
  if (session.expiresAt <= now)
    return fail('auth.session', 'The session of the provided access token has expired');
  if (session.kind !== 'clientApplication' || !session.clientKey) {
    return fail(
      'auth.notClientApp',
      'The session identified by the access token is not a client application session',
    );
  }
  const app = getOwn(state.clientApplications, session.clientKey);
  if (!app) return fail('auth.session', 'The client application of this session no longer exists');
  return succeed({ session, app });
}

/** Requires a client application of type Chat (seed 003: only 'Chat' applications may call). */
export function checkChatApplication(app: ClientApplication): Result<ClientApplication> {
  if (app.type.toLowerCase() !== 'chat') {
    return fail(
      'app.notChat',
      `Client application ${toEcho(app.key)} is of type ${toEcho(app.type)}, not 'Chat'`,
    );
  }
  return succeed(app);
}

/** Reads "Basic base64(key:secret)" and checks it against the registered client applications. */
export function checkClientCredentials(
  state: EceState,
  header: string | undefined,
): Result<ClientApplication> {
  if (header === undefined || header.trim() === '')
    return fail('auth.missing', 'Authorization header is not provided');
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header.trim());
  if (!match)
    return fail('auth.format', 'Authorization header must be "Basic base64(<client key>:<client secret>)"');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? decoded : decoded.slice(0, colon);
  const secret = colon < 0 ? '' : decoded.slice(colon + 1);
  const app = getOwn(state.clientApplications, key);
  if (!app || app.secret !== secret)
    return fail('auth.credentials', 'Client key or client secret is not valid');
  return succeed(app);
}

/** Reads query parameters, refusing repeated ones. */
export function toQueryMap(search: URLSearchParams): Result<Map<string, string>> {
  const map = new Map<string, string>();
  for (const [name, value] of search) {
    if (map.has(name))
      return fail('query.invalid', `Query parameter ${toEcho(name)} is given more than once`);
    map.set(name, value);
  }
  return succeed(map);
}

/** Refuses any query parameter outside `allowed`. */
export function checkQueryNames(query: Map<string, string>, allowed: readonly string[]): Result<true> {
  for (const name of query.keys()) {
    if (!allowed.includes(name)) {
      return fail(
        'query.unsupported',
        `Unsupported query parameter ${toEcho(name)}; supported: ${allowed.join(', ')}`,
      );
    }
  }
  return succeed(true);
}

/** The contact points conversationContact may name (seed 003). */
export const CONTACT_POINTS = [
  'email.emailAddress',
  'home.phone',
  'mobile.phone',
  'office.phone',
  'social.facebookId',
  'social.twitterId',
  'social.instagramId',
] as const;

/** A contact point usable as conversationContact. */
export type ContactPoint = (typeof CONTACT_POINTS)[number];

/** An attribute customers are looked up on: a contact point, externalId, or custom.<attribute>. */
export type SearchAttribute = ContactPoint | 'externalId' | `custom.${string}`;

/** The start-conversation query, once valid. */
export type StartQuery = {
  search: SearchAttribute | null;
  conversationContact: ContactPoint | null;
  sendTypingNotification: boolean;
};

const START_PARAMS = [
  'anonymousCustomer',
  'searchContactOnAttribute',
  'sendTypingNotification',
  'conversationContact',
];

function isContactPoint(value: string): value is ContactPoint {
  return (CONTACT_POINTS as readonly string[]).includes(value);
}

/** Applies seed 003's query rules to the start-conversation query string. */
export function parseStartQuery(
  search: URLSearchParams,
  contactAttributes: Record<string, AttributeDefinition>,
): Result<StartQuery> {
  const map = toQueryMap(search);
  if (!map.ok) return map;
  const query = map.value;
  const names = checkQueryNames(query, START_PARAMS);
  if (!names.ok) return names;
  const anonymous = query.get('anonymousCustomer');
  const attribute = query.get('searchContactOnAttribute');
  if ((anonymous === undefined) === (attribute === undefined)) {
    return fail(
      'query.exclusive',
      anonymous === undefined
        ? 'One of the query parameters anonymousCustomer and searchContactOnAttribute must be provided'
        : 'The query parameters anonymousCustomer and searchContactOnAttribute are mutually exclusive',
    );
  }
  if (anonymous !== undefined && anonymous !== 'yes') {
    return fail('query.invalid', `anonymousCustomer must be 'yes', got ${toEcho(anonymous)}`);
  }
  let searchAttribute: SearchAttribute | null = null;
  if (attribute !== undefined) {
    if (isContactPoint(attribute) || attribute === 'externalId') searchAttribute = attribute;
    else if (
      attribute.startsWith('custom.') &&
      hasOwn(contactAttributes, attribute.slice('custom.'.length))
    ) {
      searchAttribute = attribute as `custom.${string}`;
    } else {
      return fail(
        'query.invalid',
        attribute.startsWith('custom.')
          ? `searchContactOnAttribute ${toEcho(attribute)} names no custom contact attribute configured in the application`
          : `searchContactOnAttribute ${toEcho(attribute)} is not supported`,
      );
    }
  }
  const typing = query.get('sendTypingNotification') ?? 'no';
  if (typing !== 'yes' && typing !== 'no') {
    return fail('query.invalid', `sendTypingNotification must be 'yes' or 'no', got ${toEcho(typing)}`);
  }
  const contact = query.get('conversationContact');
  if (contact !== undefined) {
    if (searchAttribute === null) {
      return fail('query.invalid', 'conversationContact can be provided only with searchContactOnAttribute');
    }
    if (!isContactPoint(contact))
      return fail('query.invalid', `conversationContact ${toEcho(contact)} is not supported`);
  }
  return succeed({
    search: searchAttribute,
    conversationContact: (contact as ContactPoint | undefined) ?? null,
    sendTypingNotification: typing === 'yes',
  });
}

/** Requires the entrypoint query parameter of GET messaging/configuration. */
export function parseConfigurationQuery(search: URLSearchParams): Result<string> {
  const map = toQueryMap(search);
  if (!map.ok) return map;
  const names = checkQueryNames(map.value, ['entrypoint']);
  if (!names.ok) return names;
  const id = map.value.get('entrypoint');
  if (id === undefined || !/^\d+$/.test(id)) {
    return fail('query.invalid', 'entrypoint must be given as a numeric entry point id');
  }
  return succeed(id);
}

/** Reads the token endpoint's forceLogin query parameter (yes|no). */
export function parseTokenQuery(search: URLSearchParams): Result<{ forceLogin: boolean }> {
  const map = toQueryMap(search);
  if (!map.ok) return map;
  const names = checkQueryNames(map.value, ['forceLogin']);
  if (!names.ok) return names;
  const force = map.value.get('forceLogin') ?? 'no';
  if (force !== 'yes' && force !== 'no') return fail('query.invalid', `forceLogin must be 'yes' or 'no'`);
  return succeed({ forceLogin: force === 'yes' });
}

/** Checks the entry point exists, the application is configured for it, and the date is current. */
export function checkEntryPoint(
  state: EceState,
  app: ClientApplication,
  entryPointId: string,
  lastModified: string | null,
): Result<string> {
  const entryPoint = getOwn(state.entryPoints, entryPointId);
  if (!entryPoint) return fail('entryPoint.notFound', `Entry point ${toEcho(entryPointId)} does not exist`);
  if (!app.entryPoints.includes(entryPointId)) {
    return fail(
      'entryPoint.notConfigured',
      `Client application ${toEcho(app.key)} is not configured to use entry point ${toEcho(entryPointId)}`,
    );
  }
  if (lastModified !== null && lastModified !== entryPoint.lastModified) {
    return fail(
      'entryPoint.stale',
      `entryPointConfiguration.lastModified.date ${toEcho(lastModified)} does not match the current ${toEcho(entryPoint.lastModified)}`,
    );
  }
  return succeed(entryPointId);
}
