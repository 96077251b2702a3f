// Pure validation of 8x8 request bodies and queries (no Hono). Field rules come from the request schemas
// of reference/8x8/chat-api-v2.openapi.json and chat-gateway-v1.openapi.yml.
import { createHash, timingSafeEqual } from 'node:crypto';
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import { type Api, type EightByEightState, findChannel, findWebhook } from './model.ts';

/** One problem with a request, in terms both APIs can render. */
export type Issue = { field: string; value: string; code: string; message: string };

/** A checked input: the clean value, or the problems found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** The regions of the v2 path (RegionParam enum). */
export const REGIONS = ['us', 'eu', 'ca', 'ap'] as const;

/** The Language values the specs list. */
export const LANGUAGES = [
  'en',
  'ru',
  'de',
  'ja',
  'es',
  'fr',
  'pt',
  'it',
  'pl',
  'hr',
  'nl',
  'ar',
  'da',
  'ko',
  'no',
  'sv',
  'vi',
  'cy',
  'th',
  'zh-CN',
  'zh-TW',
] as const;

/** Gateway card content types (ContentType enum). */
export const CARD_CONTENT_TYPES = [
  'application/vnd.microsoft.card.adaptive',
  'application/8x8.quick.replies',
  'Interactive',
  'Location',
  'Template',
  'Suggestions',
  'Buttons',
  'Carousel',
] as const;

/** v2 TransactionStatus values accepted by the list filter (plus `all`). */
export const V2_STATUSES = ['all', 'created', 'pending', 'handling', 'deleted'] as const;

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** True for a plain (non-array) object. */
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Longest piece of request input an issue quotes. */
export const SHOW_LIMIT = 120;

/**
 * A value as an issue shows it: a short plain string as is, anything else (long strings, control characters,
 * objects) through a bounded preview, so an answer never grows with the input nor recurses into it.
 */
export function show(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string' && v.length <= SHOW_LIMIT && !hasControlCharacter(v)) return v;
  return typeof v === 'object' && v !== null ? toPreview(v, SHOW_LIMIT) : toEcho(v, SHOW_LIMIT);
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A JSON-like preview of a value, cut at `max` characters and 4 levels deep (never a full serialization). */
export function toPreview(value: unknown, max: number): string {
  let out = '';
  const write = (v: unknown, depth: number): void => {
    if (out.length > max) return;
    if (typeof v !== 'object' || v === null) {
      out += typeof v === 'string' ? JSON.stringify(v.length > max ? v.slice(0, max) : v) : String(v);
      return;
    }
    if (depth >= 4) {
      out += Array.isArray(v) ? '[…]' : '{…}';
      return;
    }
    const isArray = Array.isArray(v);
    out += isArray ? '[' : '{';
    let first = true;
    for (const key in v) {
      if (!Object.hasOwn(v, key)) continue;
      if (out.length > max) break;
      if (!first) out += ',';
      first = false;
      if (!isArray) out += `${JSON.stringify(key.slice(0, max))}:`;
      write((v as Record<string, unknown>)[key], depth + 1);
    }
    out += isArray ? ']' : '}';
  };
  write(value, 0);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/** Deepest nesting of arrays and objects a request body may have. */
export const MAX_JSON_DEPTH = 64;

/**
 * Checks a parsed JSON body before any rule reads it: nested at most MAX_JSON_DEPTH levels (bodies are stored,
 * rendered and signed by recursive code, which must not overflow the stack), and no `__proto__` key anywhere
 * (stored objects would change their prototype when copied; `allowProtoKey` for bodies sent on verbatim).
 * Walks with its own stack: no recursion.
 * Returns why the body is refused, or null.
 */
export function checkJsonShape(body: unknown, options: { allowProtoKey?: boolean } = {}): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return `Must not be nested deeper than ${MAX_JSON_DEPTH} levels.`;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], depth: depth + 1 });
      continue;
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (key === '__proto__' && !options.allowProtoKey) return 'A property may not be named __proto__.';
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return null;
}

/** Compares a secret from a request with the expected one in constant time (hashes make the lengths equal). */
export function isSameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
/** Builds an issue. */
export const issue = (field: string, value: unknown, message: string, code = 'invalid_parameter'): Issue => ({
  field,
  value: show(value),
  code,
  message,
});

/** Most issues one answer lists. */
export const MAX_ISSUES = 50;

/** Collects issues while reading fields of a body. */
export class Reader {
  readonly issues: Issue[] = [];
  readonly body: Obj;
  constructor(body: Obj) {
    this.body = body;
  }

  /** A required (or optional) string, not empty, at most `max` characters. */
  string(field: string, opts: { required?: boolean; max?: number; from?: Obj; path?: string } = {}) {
    const source = opts.from ?? this.body;
    const name = opts.path ?? field;
    const value = getOwn(source, field);
    if (value === undefined || value === null || value === '') {
      if (opts.required) this.add(issue(name, value, 'May not be empty.'));
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(issue(name, value, 'Must be a string.'));
      return undefined;
    }
    if (opts.max !== undefined && value.length > opts.max) {
      this.add(issue(name, value, `Size must be between 1 and ${opts.max}.`));
      return undefined;
    }
    return value;
  }

  /** A value out of an enum. */
  oneOf<T extends string>(
    field: string,
    allowed: readonly T[],
    opts: { required?: boolean; from?: Obj; path?: string } = {},
  ) {
    const value = this.string(field, { required: opts.required, from: opts.from, path: opts.path });
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.add(issue(opts.path ?? field, value, `Must be one of ${allowed.join(', ')}.`));
      return undefined;
    }
    return value as T;
  }

  /** An absolute http(s) URI. */
  uri(field: string) {
    const value = this.string(field, { required: true });
    if (value === undefined) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol)) {
      this.add(issue(field, value, 'Must be a valid absolute URI.'));
      return undefined;
    }
    return value;
  }

  fail(field: string, value: unknown, message: string, code?: string) {
    this.add(issue(field, value, message, code));
  }

  /** Records issues, at most MAX_ISSUES: a body of a million bad items gets a bounded answer. */
  add(...found: Issue[]) {
    for (const one of found) if (this.issues.length < MAX_ISSUES) this.issues.push(one);
  }

  done<T>(value: T): Checked<T> {
    return this.issues.length > 0 ? { ok: false, issues: this.issues } : { ok: true, value };
  }
}

/** A body that is not a JSON object. */
export function checkObject(body: unknown): Checked<Obj> {
  if (!isObject(body))
    return { ok: false, issues: [issue('body', body, 'Must be a JSON object.', 'invalid_json_object')] };
  return { ok: true, value: body };
}

/** Webhook create/update body: `{name, uri, version?}`. */
export function checkWebhookBody(
  api: Api,
  body: unknown,
): Checked<{ name: string; uri: string; version: string }> {
  const object = checkObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const name = r.string('name', { required: true, max: 256 });
  const uri = r.uri('uri');
  const versions = api === 'v2' ? (['v1.0', 'v2.0'] as const) : (['Chat Gateway v1.0'] as const);
  const version = r.oneOf('version', versions) ?? versions[versions.length - 1]!;
  return r.done({ name: name ?? '', uri: uri ?? '', version });
}

/** Webhook verify body: `{version, uri}`, both required. */
export function checkVerifyBody(api: Api, body: unknown): Checked<{ uri: string; version: string }> {
  const object = checkObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const versions = api === 'v2' ? (['v1.0', 'v2.0'] as const) : (['Chat Gateway v1.0'] as const);
  const version = r.oneOf('version', versions, { required: true });
  const uri = r.uri('uri');
  return r.done({ uri: uri ?? '', version: version ?? '' });
}

/** Channel create/update body: `{name, type?, webHookId, routingOptions:{type:"queue", id}}`. */
export function checkChannelBody(
  api: Api,
  body: unknown,
  state: EightByEightState,
): Checked<{ name: string; type?: string; webHookId: string; queueId: string }> {
  const object = checkObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  const name = r.string('name', { required: true, max: 255 });
  const type = api === 'gateway' ? r.string('type', { max: 25 }) : undefined;
  const webHookId = r.string('webHookId', { required: true });
  if (webHookId && !findWebhook(state, api, webHookId)) {
    r.fail('webHookId', webHookId, `WebHook ID ${show(webHookId)} is invalid.`, 'invalid_web_hook');
  }
  const routing = object.value.routingOptions;
  let queueId: string | undefined;
  if (!isObject(routing)) {
    r.fail('routingOptions', routing, 'May not be empty.');
  } else {
    r.oneOf('type', ['queue'] as const, { required: true, from: routing, path: 'routingOptions.type' });
    queueId = r.string('id', { required: true, from: routing, path: 'routingOptions.id' });
    if (queueId && !getOwn(state.queues, queueId)) {
      r.fail('routingOptions.id', queueId, `Queue ID ${show(queueId)} is invalid.`, 'invalid_queue');
    }
  }
  return r.done({
    name: name ?? '',
    ...(type ? { type } : {}),
    webHookId: webHookId ?? '',
    queueId: queueId ?? '',
  });
}

/** A channel a new conversation may use: it exists in this API. */
export function checkChannelRef(r: Reader, api: Api, state: EightByEightState) {
  const channelId = r.string('channelId', { required: true });
  if (channelId && !findChannel(state, api, channelId)) {
    r.fail('channelId', channelId, `Channel ID ${show(channelId)} is invalid.`, 'invalid_channel');
  }
  return channelId;
}

/** Reads `history.messages` (at most 200 items) with a per-item reader. */
export function checkHistory<T>(r: Reader, history: unknown, item: (value: Obj, path: string) => T): T[] {
  if (history === undefined) return [];
  if (!isObject(history) || !Array.isArray(history.messages)) {
    r.fail('history.messages', history, 'May not be empty.');
    return [];
  }
  if (history.messages.length > 200) {
    r.fail('history.messages', '', 'Must have at most 200 items.');
    return [];
  }
  return history.messages.map((value, index) => {
    const path = `history.messages[${index}]`;
    if (!isObject(value)) {
      r.fail(path, value, 'Must be an object.');
      return undefined as T;
    }
    return item(value, path);
  });
}

/** Paging query: `size` >= 1 (default 20), `page` >= 0 (default 0). */
export function checkPaging(
  query: Record<string, string | undefined>,
): Checked<{ size: number; page: number }> {
  const r = new Reader(query);
  const read = (field: 'size' | 'page', fallback: number, min: number) => {
    const raw = query[field];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > 10_000) {
      r.fail(field, raw, `Must be an integer between ${min} and 10000.`);
      return fallback;
    }
    return n;
  };
  return r.done({ size: read('size', 20, 1), page: read('page', 0, 0) });
}

/** A sort order `field[:asc|desc]`. */
export function checkSort(raw: string | undefined, fallback: string, fields: readonly string[]) {
  const r = new Reader({});
  const [field = '', direction = 'asc'] = (raw || fallback).split(':');
  if (!fields.includes(field))
    r.fail('sort', raw, `Must be one of ${fields.join(', ')} with an optional :asc or :desc.`);
  if (direction !== 'asc' && direction !== 'desc') r.fail('sort', raw, 'Direction must be asc or desc.');
  return r.done({ field, direction: direction as 'asc' | 'desc' });
}

/** One FIQL comparison (`a==b` or `a!=b`); a filter is an OR (`,`) of ANDs (`;`). */
export type FiqlTerm = { field: string; op: '==' | '!='; value: string };

/** Parses a simple FIQL filter (no nesting: parentheses are ignored). */
export function checkFilter(raw: string | undefined): Checked<FiqlTerm[][]> {
  if (raw === undefined || raw === '') return { ok: true, value: [] };
  const groups: FiqlTerm[][] = [];
  for (const group of raw.replace(/[()]/g, '').split(',')) {
    const terms: FiqlTerm[] = [];
    for (const part of group.split(';')) {
      const match = /^([\w.]+)(==|!=)(.*)$/.exec(part.trim());
      if (!match)
        return {
          ok: false,
          issues: [issue('filter', raw, `Invalid FIQL expression '${show(part)}'.`, 'invalid_filter')],
        };
      terms.push({ field: match[1]!, op: match[2] as '==' | '!=', value: match[3]! });
    }
    groups.push(terms);
  }
  return { ok: true, value: groups };
}

/** True when `item` passes a parsed FIQL filter; `*` in a value matches any characters. */
export function isFilterMatch(item: unknown, filter: FiqlTerm[][]): boolean {
  if (filter.length === 0) return true;
  const get = (field: string) => {
    let value: unknown = item;
    for (const key of field.split('.')) value = isObject(value) ? getOwn(value, key) : undefined;
    return value;
  };
  return filter.some((terms) =>
    terms.every(({ field, op, value }) => {
      const actual = get(field);
      const equal =
        actual !== undefined &&
        actual !== null &&
        typeof actual !== 'object' &&
        isWildcardMatch(String(actual), value);
      return op === '==' ? equal : !equal;
    }),
  );
}

/**
 * Matches `text` against a pattern where `*` stands for any characters. Without a regular expression: each
 * literal piece is found in order (first occurrence), so the cost is linear, whatever the pattern.
 */
export function isWildcardMatch(text: string, pattern: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return text === pattern;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** The v2 token request: Basic credentials and `grant_type=client_credentials`. */
export function checkTokenRequest(
  authorization: string | undefined,
  form: Record<string, string>,
  credentials: { apiKey: string; apiSecret: string },
): { ok: true; clientId: string } | { ok: false; status: 400 | 401; code: string; error: string } {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const [key, secret] = colon < 0 ? ['', ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  if (!match || key === '') {
    return { ok: false, status: 401, code: 'invalid_client', error: 'Client identifier is required' };
  }
  // Both are compared (no early exit), each in constant time.
  const keyMatches = isSameSecret(key, credentials.apiKey);
  const secretMatches = isSameSecret(secret, credentials.apiSecret);
  if (!keyMatches || !secretMatches) {
    return { ok: false, status: 401, code: 'invalid_client', error: 'ClientId is Invalid' };
  }
  const grant = getOwn(form, 'grant_type');
  if (grant !== 'client_credentials') {
    return {
      ok: false,
      status: 400,
      code: 'invalid_request',
      error: `Unsupported grant type : ${show(grant)}`,
    };
  }
  return { ok: true, clientId: key };
}
