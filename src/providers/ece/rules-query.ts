/** Pure rules of the ECE query strings (seed 003, reference 2): start, configuration and token. No Hono, no I/O. */
import { toEcho } from '../../echo.ts';
import { hasOwn } from '../../own.ts';
import { ok, type Result } from '../../provider/index.ts';
import type { AttributeDefinition } from './model-state.ts';
import { type EceError, failWith } from './render-errors.ts';
/** Reads query parameters, refusing repeated ones. */
export function toQueryMap(search: URLSearchParams): Result<Map<string, string>, EceError> {
  const map = new Map<string, string>();
  for (const [name, value] of search) {
    if (map.has(name))
      return failWith('query.invalid', `Query parameter ${toEcho(name)} is given more than once`);
    map.set(name, value);
  }
  return ok(map);
}

/** Refuses any query parameter outside `allowed`. */
export function assertQueryNames(
  query: Map<string, string>,
  allowed: readonly string[],
): Result<true, EceError> {
  for (const name of query.keys()) {
    if (!allowed.includes(name)) {
      return failWith(
        'query.unsupported',
        `Unsupported query parameter ${toEcho(name)}; supported: ${allowed.join(', ')}`,
      );
    }
  }
  return ok(true);
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
): Result<StartQuery, EceError> {
  const map = toQueryMap(search);
  if (!map.ok) return map;
  const query = map.value;
  const names = assertQueryNames(query, START_PARAMS);
  if (!names.ok) return names;
  const anonymous = query.get('anonymousCustomer');
  const attribute = query.get('searchContactOnAttribute');
  if ((anonymous === undefined) === (attribute === undefined)) {
    return failWith(
      'query.exclusive',
      anonymous === undefined
        ? 'One of the query parameters anonymousCustomer and searchContactOnAttribute must be provided'
        : 'The query parameters anonymousCustomer and searchContactOnAttribute are mutually exclusive',
    );
  }
  if (anonymous !== undefined && anonymous !== 'yes') {
    return failWith('query.invalid', `anonymousCustomer must be 'yes', got ${toEcho(anonymous)}`);
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
      return failWith(
        'query.invalid',
        attribute.startsWith('custom.')
          ? `searchContactOnAttribute ${toEcho(attribute)} names no custom contact attribute configured in the application`
          : `searchContactOnAttribute ${toEcho(attribute)} is not supported`,
      );
    }
  }
  const typing = query.get('sendTypingNotification') ?? 'no';
  if (typing !== 'yes' && typing !== 'no') {
    return failWith('query.invalid', `sendTypingNotification must be 'yes' or 'no', got ${toEcho(typing)}`);
  }
  const contact = query.get('conversationContact');
  if (contact !== undefined) {
    if (searchAttribute === null) {
      return failWith(
        'query.invalid',
        'conversationContact can be provided only with searchContactOnAttribute',
      );
    }
    if (!isContactPoint(contact))
      return failWith('query.invalid', `conversationContact ${toEcho(contact)} is not supported`);
  }
  return ok({
    search: searchAttribute,
    conversationContact: (contact as ContactPoint | undefined) ?? null,
    sendTypingNotification: typing === 'yes',
  });
}

/** Requires the entrypoint query parameter of GET messaging/configuration. */
export function parseConfigurationQuery(search: URLSearchParams): Result<string, EceError> {
  const map = toQueryMap(search);
  if (!map.ok) return map;
  const names = assertQueryNames(map.value, ['entrypoint']);
  if (!names.ok) return names;
  const id = map.value.get('entrypoint');
  if (id === undefined || !/^\d+$/.test(id)) {
    return failWith('query.invalid', 'entrypoint must be given as a numeric entry point id');
  }
  return ok(id);
}

/** Reads the token endpoint's forceLogin query parameter (yes|no). */
export function parseTokenQuery(search: URLSearchParams): Result<{ forceLogin: boolean }, EceError> {
  const map = toQueryMap(search);
  if (!map.ok) return map;
  const names = assertQueryNames(map.value, ['forceLogin']);
  if (!names.ok) return names;
  const force = map.value.get('forceLogin') ?? 'no';
  if (force !== 'yes' && force !== 'no') return failWith('query.invalid', `forceLogin must be 'yes' or 'no'`);
  return ok({ forceLogin: force === 'yes' });
}
