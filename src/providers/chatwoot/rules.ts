// Request validation shared by the chatwoot routes: how Rails reads ids, booleans, times and nested params, who
// the caller is, and which records the caller may see. Pure: no Hono, no I/O.
import { parseJson } from '../../http.ts';
import { getOwn, isSafeKey } from '../../own.ts';
import type { Agent, AgentBot, ChatwootState, Contact, Inbox, Sender } from './model.ts';

type Attrs = Record<string, unknown>;

/** Who called: a user (agent or administrator) or an agent bot, resolved from the access token. */
export type Actor = { kind: 'user'; agent: Agent } | { kind: 'bot'; bot: AgentBot };

/** The sender of messages an actor writes: the user or the agent bot. */
export function toActorSender(actor: Actor): Sender {
  return actor.kind === 'user'
    ? { type: 'User', id: actor.agent.id }
    : { type: 'AgentBot', id: actor.bot.id };
}

/** Reads an ActiveRecord id the way `find` casts it: positive integer or digit string; anything else finds nothing. */
export function toRecordId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** Rails' `present?`: not null/undefined, not blank string, not empty object/array. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Reads a boolean as Rails casts params ('true', '1', true...). */
export function toBoolean(value: unknown): boolean | null {
  if (value === undefined || value === null || value === '') return null;
  if (value === true || value === 'true' || value === '1' || value === 1 || value === 't') return true;
  if (value === false || value === 'false' || value === '0' || value === 0 || value === 'f') return false;
  return null;
}

/**
 * Deepest nesting of arrays and objects Rails reads from JSON: Ruby's `JSON.parse` defaults to `max_nesting: 100`
 * and ActiveSupport::JSON.decode keeps it, so a deeper body is a ParseError (400 Bad Request).
 */
export const MAX_JSON_NESTING = 100;

/**
 * Whether `value` nests arrays and objects at most `max` levels deep (the value itself is level 1 when it is one).
 * Walks with an explicit stack, so no input can overflow the call stack.
 */
function isNestedWithin(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, depth] = item;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return false;
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (const child of children)
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return true;
}

/**
 * Reads a JSON object param; multipart sends objects as JSON strings. Returns undefined if absent, null if not an
 * object (or nested deeper than Rails would read).
 */
export function toAttrs(value: unknown): Attrs | null | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let v: unknown = value;
  if (typeof v === 'string') {
    try {
      // The depth is checked on the text, before parsing builds anything.
      v = parseJson(v, MAX_JSON_NESTING);
    } catch {
      return null;
    }
  }
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Attrs) : null;
}

/** A failed validation of a record attribute, as `toInvalidRecord` reports it. */
export type InvalidAttribute = { attribute: string; message: string };

/**
 * Reads `additional_attributes` and `custom_attributes` (objects, or JSON text in multipart; absent is empty). One
 * that is not an object is added to `invalid`, in that order.
 */
export function parseAttributes(
  body: Record<string, unknown>,
  invalid: InvalidAttribute[],
): { additional_attributes: Attrs; custom_attributes: Attrs } {
  const additional = toAttrs(body.additional_attributes);
  if (additional === null) {
    invalid.push({ attribute: 'additional_attributes', message: 'Additional attributes must be an object' });
  }
  const custom = toAttrs(body.custom_attributes);
  if (custom === null)
    invalid.push({ attribute: 'custom_attributes', message: 'Custom attributes must be an object' });
  return { additional_attributes: additional ?? {}, custom_attributes: custom ?? {} };
}

/** Reads a date-time param (ISO string or epoch seconds) into epoch ms; null if unreadable. */
export function toTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value) * 1000;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** The inbox `id` of the account, if any. */
export function findInbox(s: ChatwootState, accountId: number, id: number | null): Inbox | undefined {
  const inbox = id === null ? undefined : getOwn(s.inboxes, String(id));
  return inbox && inbox.account_id === accountId ? inbox : undefined;
}

/** The contact `id` of the account, if any. */
export function findContact(s: ChatwootState, accountId: number, id: number | null): Contact | undefined {
  const contact = id === null ? undefined : getOwn(s.contacts, String(id));
  return contact && contact.account_id === accountId ? contact : undefined;
}

/** Whether `id` is an agent of the account. */
export function isAccountAgent(s: ChatwootState, accountId: number, id: number | null): boolean {
  return id !== null && (getOwn(s.agents, String(id))?.account_ids.includes(accountId) ?? false);
}

/** Whether `id` is a team of the account. */
export function isAccountTeam(s: ChatwootState, accountId: number, id: number | null): boolean {
  return id !== null && getOwn(s.teams, String(id))?.account_id === accountId;
}

/** Whether the actor may see an inbox: administrators and bots always, agents when they are inbox members. */
export function isInboxVisible(actor: Actor, inbox: Inbox): boolean {
  if (actor.kind === 'bot') return true;
  return actor.agent.role === 'administrator' || inbox.member_ids.includes(actor.agent.id);
}

/** A file received with a multipart message. */
export type UploadedFile = {
  name: string;
  size: number;
  type: string;
  /** The bytes, base64 (kept up to the `attachmentBytes` option); width and height of a PNG, GIF or JPEG. */
  data?: string;
  width?: number | null;
  height?: number | null;
};

/** The files with their bytes kept only when at most `maxBytes` long (the `attachmentBytes` option). */
export function keepAttachmentBytes(files: readonly UploadedFile[], maxBytes: number): UploadedFile[] {
  return files.map((f) => (f.data !== undefined && f.size > maxBytes ? { ...f, data: undefined } : f));
}

/** Request params as Rails sees them: JSON, form or multipart fields, plus uploaded files. */
export type Params = { body: Record<string, unknown>; files: UploadedFile[] };

/**
 * Turns a read body into params, or null when Rails could not parse it (JSON nested deeper than Ruby's JSON.parse
 * reads). Like Rails, a body that is not an object (a JSON array...) adds no params; multipart fields `x[]` are lists
 * and files are kept apart.
 */
export function parseParams(value: unknown, kind: string): Params | null {
  if (!isNestedWithin(value, MAX_JSON_NESTING)) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { body: {}, files: [] };
  if (kind !== 'multipart') return { body: value as Record<string, unknown>, files: [] };
  const body: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const items = Array.isArray(raw) ? raw : [raw];
    const strings: string[] = [];
    for (const item of items) {
      if (typeof item === 'string') strings.push(item);
      else if (item instanceof File)
        files.push({ name: item.name, size: item.size, type: item.type || 'application/octet-stream' });
    }
    const name = key.replace(/\[\]$/, '');
    // No Chatwoot param is named __proto__; assigning it would change the body's prototype.
    if (strings.length > 0 && isSafeKey(name)) body[name] = key.endsWith('[]') ? strings : strings[0];
  }
  return { body, files };
}

/** Ruby's `String#to_i`: leading digits, else 0. */
export function toRubyInteger(v: string): number {
  const m = /^\s*([+-]?\d+)/.exec(v);
  return m ? Number(m[1]) : 0;
}
