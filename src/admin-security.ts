// Who may use the admin API (/__admin): the security model of docs/decisions/0003-security.md, in code.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { toEcho } from './echo.ts';

/** How the admin API is protected. */
export type AdminSecurity = {
  /** When set, every /__admin request must carry it (Bearer, or the `x-convosim-admin-token` header). */
  token?: string;
  /** Allow serving the admin API without a token on a non-loopback address, and from any Host name. */
  allowRemote?: boolean;
};

/** The header that carries the admin token besides `Authorization: Bearer`. */
export const ADMIN_TOKEN_HEADER = 'x-convosim-admin-token';

/** The environment variable the CLI reads the admin token from. */
export const ADMIN_TOKEN_ENV = 'CONVOSIM_ADMIN_TOKEN';

/** The text that replaces a secret in a redacted state. */
export const REDACTED = '[redacted]';

/**
 * Key names whose values are secrets, compared lower-cased with everything but letters and digits removed
 * (`client_secret`, `clientSecret` and `Client-Secret` are all `clientsecret`). A key is secret when it contains
 * one of `SECRET_KEY_PARTS` or ends with one of `SECRET_KEY_ENDINGS`.
 */
export const SECRET_KEY_PARTS = [
  'secret',
  'password',
  'passwd',
  'passphrase',
  'privatekey',
  'privatejwk',
  'signingkey',
  'hmackey',
  'apikey',
  'credential',
] as const;

/**
 * Key endings that name secrets (`access_token`, `tokens`; `sessions` because sessions are keyed by their token;
 * `keys` because indexes of API keys are keyed by the key).
 */
export const SECRET_KEY_ENDINGS = [
  'token',
  'tokens',
  'keys',
  'hmac',
  'sessions',
  'authorization',
  'cookie',
  'cookies',
] as const;

const MAX_REDACT_DEPTH = 1000;

/** True when a value stored under `key` is a secret (see `SECRET_KEY_PARTS` and `SECRET_KEY_ENDINGS`). */
export function isSecretKey(key: string): boolean {
  const name = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    SECRET_KEY_PARTS.some((part) => name.includes(part)) ||
    SECRET_KEY_ENDINGS.some((end) => name.endsWith(end))
  );
}

/**
 * A copy of a JSON value in which every value under a secret key is replaced by `REDACTED`
 * (booleans and null are kept: they say whether something is set, not what it is).
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_REDACT_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  // fromEntries defines own properties, so a key named __proto__ stays a key.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      isSecretKey(key) && item !== null && typeof item !== 'boolean'
        ? REDACTED
        : redactSecrets(item, depth + 1),
    ]),
  );
}

/** True when `host` (a bind address or a Host name, with or without port) is this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const name = toHostname(host);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name) || name === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Refuses to serve the admin API on a non-loopback address without a token, unless allowed:
 * anyone on the network could otherwise read secrets and reset the simulator.
 */
export function assertAdminBind(host: string, security: AdminSecurity): void {
  if (isLoopbackHost(host) || security.token !== undefined || security.allowRemote === true) return;
  throw new Error(
    `refusing to serve the admin API on ${toEcho(host, 80)} (not loopback) without an admin token. ` +
      `Please set one (--admin-token, ${ADMIN_TOKEN_ENV}, or the adminToken option), ` +
      'or allow an open admin API with --allow-remote-admin (allowRemoteAdmin: true).',
  );
}

/** Checks that an admin token can be sent in a header: 1 to 1024 visible ASCII characters. */
export function assertAdminToken(token: string): void {
  if (!/^[\x21-\x7e]{1,1024}$/.test(token)) {
    throw new Error(
      'the admin token must be 1 to 1024 visible ASCII characters (no spaces). Please choose another one.',
    );
  }
}

/** Compares a presented token with the expected one in constant time (both hashed, so lengths do not leak). */
export function isAdminToken(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The guard in front of every /__admin route: refuses cross-site browser requests (403), Host names that are not
 * loopback when no token protects the API (403, against DNS rebinding), and requests without the token when
 * one is set (401). Answers in the admin envelope `{ error }`.
 */
export function createAdminGuard(security: AdminSecurity): MiddlewareHandler {
  if (security.token !== undefined) assertAdminToken(security.token);
  const { token } = security;
  return async (c, next) => {
    const refusal =
      toCrossSiteRefusal(c) ?? (token === undefined && !security.allowRemote ? toHostRefusal(c) : null);
    if (refusal) return c.json({ error: refusal }, 403);
    if (token !== undefined && !isAdminToken(presentedToken(c), token)) {
      c.header('www-authenticate', 'Bearer realm="convosim admin"');
      return c.json(
        {
          error: `The admin API needs its token. Please send Authorization: Bearer <token> or ${ADMIN_TOKEN_HEADER}: <token>.`,
        },
        401,
      );
    }
    return next();
  };
}

function toCrossSiteRefusal(c: Context): string | null {
  // Browsers send Sec-Fetch-Site: 'none' for what the user typed, 'same-origin' for the admin's own pages.
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `Admin requests from other sites are refused (Sec-Fetch-Site: ${toEcho(site, 40)}).`;
  }
  const origin = c.req.header('origin');
  if (origin === undefined) return null;
  const host = (c.req.header('host') ?? new URL(c.req.url).host).toLowerCase();
  if (toOriginHost(origin) !== host) {
    return `Admin requests from other origins are refused (Origin ${toEcho(origin, 80)} is not ${toEcho(host, 80)}).`;
  }
  return null;
}

function toHostRefusal(c: Context): string | null {
  const host = c.req.header('host');
  if (host === undefined || isLoopbackHost(host) || isIP(toHostname(host)) !== 0) return null;
  return (
    `Admin requests for host ${toEcho(host, 80)} are refused: without an admin token only loopback names and IP ` +
    'addresses are served (a guard against DNS rebinding). Please use 127.0.0.1, or set an admin token.'
  );
}

function presentedToken(c: Context): string {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return bearer?.[1] ?? c.req.header(ADMIN_TOKEN_HEADER) ?? '';
}

function toOriginHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** The host name of a bind address or Host header, without port or IPv6 brackets, lower-cased. */
function toHostname(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('['))
    return trimmed.slice(1, trimmed.indexOf(']') === -1 ? undefined : trimmed.indexOf(']'));
  if (isIP(trimmed) === 6) return trimmed;
  const colon = trimmed.lastIndexOf(':');
  return colon === -1 ? trimmed : trimmed.slice(0, colon);
}
