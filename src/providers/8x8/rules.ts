// Pure validation of 8x8 requests (no Hono): the issue reader both APIs share, and what a request to either API
// comes down to. Field rules come from the request schemas of reference/8x8/chat-api-v2.openapi.json and
// chat-gateway-v1.openapi.yml.
import { timingSafeEqual } from 'node:crypto';
import { toEcho } from '../../echo.ts';
import { getOwn, isRecord } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import { type Api, type EightByEightState, findChannel, type GatewayUser } from './model.ts';

/** One problem with a request, in terms both APIs can render. */
export type Issue = { field: string; value: string; code: string; message: string };

/** A parsed input: the clean value, or the problems found. */
export type Parsed<T> = Result<T, Issue[]>;

/** A message a customer (or bot) sends, in either API (v2 has neither attachments nor cards). */
export type MessageInput = {
  authorType: 'user' | 'bot';
  text: string;
  attachments: { id: string }[];
  cards: { contentType: string; content: unknown }[];
  externalProvider?: { name: string; externalMessageId: string };
};

/** A request to start a conversation, in either API. */
export type ConversationRequest = {
  channelId: string;
  /** v2 `customer`. */
  customer?: Record<string, string>;
  /** Gateway `user`. */
  user?: GatewayUser;
  /** Gateway `assignment`; without one, the channel's queue. */
  assignment?: { type: string; id: string };
  /** The customer's own id (v2 `customer.customerId`, Gateway `user.userId`), if given. */
  participantId?: string;
  language?: string;
  history: MessageInput[];
};

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

/**
 * True when a parsed JSON body has a `__proto__` key anywhere (stored objects would change their prototype when
 * copied). Walks with its own stack: no recursion (the body's depth is bounded by the core's JSON reader).
 */
export function hasProtoKey(body: unknown): boolean {
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push(value[i]);
      continue;
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (key === '__proto__') return true;
      stack.push((value as Record<string, unknown>)[key]);
    }
  }
  return false;
}

// The expected secrets are few (the fixtures' keys): each is encoded once, not on every request.
const expectedBytes = new Map<string, Buffer>();

/**
 * Compares a secret from a request with the expected one in constant time: the comparison always walks the
 * expected secret's bytes, whatever the given one holds or how long it is (0.37 µs, against 1.41 µs for hashing
 * both sides to equal lengths, measured here; a request's secret is compared on every Chat Gateway request).
 */
export function isSameSecret(given: string, expected: string): boolean {
  let known = expectedBytes.get(expected);
  if (!known) {
    if (expectedBytes.size >= 64) expectedBytes.clear();
    known = Buffer.from(expected);
    expectedBytes.set(expected, known);
  }
  const bytes = Buffer.from(given);
  const sameLength = bytes.length === known.length;
  return timingSafeEqual(sameLength ? bytes : known, known) && sameLength;
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

  done<T>(value: T): Parsed<T> {
    return this.issues.length > 0 ? fail(this.issues) : ok(value);
  }
}

/** The body as a JSON object, or the issue of a body that is not one. */
export function parseObject(body: unknown): Parsed<Obj> {
  if (!isRecord(body)) return fail([issue('body', body, 'Must be a JSON object.', 'invalid_json_object')]);
  return ok(body);
}

/** A channel a new conversation may use: it exists in this API. */
export function readChannelRef(r: Reader, api: Api, state: EightByEightState) {
  const channelId = r.string('channelId', { required: true });
  if (channelId && !findChannel(state, api, channelId)) {
    r.fail('channelId', channelId, `Channel ID ${show(channelId)} is invalid.`, 'invalid_channel');
  }
  return channelId;
}

/** Reads `history.messages` (at most 200 items) with a per-item reader. */
export function readHistory<T>(r: Reader, history: unknown, item: (value: Obj, path: string) => T): T[] {
  if (history === undefined) return [];
  if (!isRecord(history) || !Array.isArray(history.messages)) {
    r.fail('history.messages', history, 'May not be empty.');
    return [];
  }
  if (history.messages.length > 200) {
    r.fail('history.messages', '', 'Must have at most 200 items.');
    return [];
  }
  return history.messages.map((value, index) => {
    const path = `history.messages[${index}]`;
    if (!isRecord(value)) {
      r.fail(path, value, 'Must be an object.');
      return undefined as T;
    }
    return item(value, path);
  });
}
