// Validation of the contact, webhook and filter bodies. Pure: no Hono, no I/O.
import { getOwn, hasOwn } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import type { ChatwootState, Inbox } from './model.ts';
import { toContactKey } from './model-indexes.ts';
import {
  type ChatwootFailure,
  ERROR_NOT_FOUND,
  ERROR_SOURCE_ID_TAKEN,
  ERROR_WEBHOOK_MISSING,
  toInvalidRecord,
} from './render-errors.ts';
import { findInbox, type InvalidAttribute, isPresent, parseAttributes, toRecordId } from './rules.ts';

type Attrs = Record<string, unknown>;
type Body = Record<string, unknown>;

/** The validated body of `POST /contacts`. */
export type ContactInput = {
  name: string;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  additional_attributes: Attrs;
  custom_attributes: Attrs;
  inbox: Inbox | null;
  source_id: string | null;
};

const EMAIL = /^[^@\s]+@[^@\s]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;

/** Validates a contact: e-mail format and uniqueness, E.164 phone, unique identifier, known inbox. */
export function parseContactCreate(
  body: Body,
  s: ChatwootState,
  accountId: number,
): Result<ContactInput, ChatwootFailure> {
  let inbox: Inbox | null = null;
  if (isPresent(body.inbox_id)) {
    const id = toRecordId(body.inbox_id);
    inbox = findInbox(s, accountId, id) ?? null;
    if (!inbox) return fail(ERROR_NOT_FOUND);
  }
  const invalid: InvalidAttribute[] = [];
  const str = (v: unknown, attribute: string): string | null => {
    if (v === undefined || v === null || v === '') return null;
    if (typeof v !== 'string') {
      invalid.push({ attribute, message: `${humanize(attribute)} must be a string` });
      return null;
    }
    return v;
  };
  const name = str(body.name, 'name') ?? '';
  const email = str(body.email, 'email');
  const phone = str(body.phone_number, 'phone_number');
  const identifier = str(body.identifier, 'identifier');
  const taken = (field: 'email' | 'phone_number' | 'identifier', value: string | null) =>
    value !== null && hasOwn(s.index.contactKeys, toContactKey(accountId, field, value));
  if (email !== null && !EMAIL.test(email))
    invalid.push({ attribute: 'email', message: 'Email Invalid email' });
  else if (taken('email', email)) {
    invalid.push({ attribute: 'email', message: 'Email has already been taken' });
  }
  if (phone !== null && !E164.test(phone)) {
    invalid.push({ attribute: 'phone_number', message: 'Phone number should be in e164 format' });
  } else if (taken('phone_number', phone)) {
    invalid.push({ attribute: 'phone_number', message: 'Phone number has already been taken' });
  }
  if (taken('identifier', identifier)) {
    invalid.push({ attribute: 'identifier', message: 'Identifier has already been taken' });
  }
  const attributes = parseAttributes(body, invalid);
  const sourceId = str(body.source_id, 'source_id');
  if (invalid.length > 0) return fail(toInvalidRecord(invalid));
  if (inbox && sourceId !== null && hasOwn(s.index.contactInboxBySource, `${inbox.id}:${sourceId}`)) {
    return fail(ERROR_SOURCE_ID_TAKEN);
  }
  return ok({
    name,
    email,
    phone_number: phone,
    identifier,
    ...attributes,
    inbox,
    source_id: sourceId,
  });
}

function humanize(attribute: string): string {
  const words = attribute.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The validated body of webhook create/update. */
export type WebhookInput = {
  url: string;
  name: string | null;
  subscriptions: string[] | null;
  inbox_id: number | null | undefined;
};

/**
 * The webhook params: the `webhook` object when the body has that key (ParamsWrapper leaves such a body alone), else
 * the body itself (ParamsWrapper wraps it). A `webhook` that is null, empty or not an object is a missing param.
 */
export function parseWebhookParams(body: Body): Result<Body, ChatwootFailure> {
  if (!hasOwn(body, 'webhook')) return ok(body);
  const webhook = body.webhook;
  if (typeof webhook !== 'object' || webhook === null || Array.isArray(webhook) || !isPresent(webhook)) {
    return fail(ERROR_WEBHOOK_MISSING);
  }
  return ok(webhook as Body);
}

/** Validates a webhook: http(s) URL unique in the account, known subscription events, known inbox. */
export function parseWebhookInput(
  body: Body,
  s: ChatwootState,
  accountId: number,
  allowed: readonly string[],
  existing: { id: number; url: string } | null,
): Result<WebhookInput, ChatwootFailure> {
  let inboxId: number | null | undefined;
  if (hasOwn(body, 'inbox_id')) {
    if (!isPresent(body.inbox_id)) inboxId = null;
    else {
      const id = toRecordId(body.inbox_id);
      if (!findInbox(s, accountId, id)) return fail(ERROR_NOT_FOUND);
      inboxId = id;
    }
  }
  const invalid: InvalidAttribute[] = [];
  const url = body.url === undefined && existing ? existing.url : body.url;
  if (typeof url !== 'string' || !isHttpUrl(url))
    invalid.push({ attribute: 'url', message: 'Url is invalid' });
  else if (isUrlTaken(s, accountId, url, existing?.id ?? null)) {
    invalid.push({ attribute: 'url', message: 'Url has already been taken' });
  }
  let subscriptions: string[] | null = null;
  if (body.subscriptions !== undefined) {
    const subs = body.subscriptions;
    // Webhook#validate_webhook_subscriptions: an array, not blank, of allowed events only.
    if (
      !Array.isArray(subs) ||
      subs.length === 0 ||
      subs.some((e) => typeof e !== 'string' || !allowed.includes(e))
    ) {
      invalid.push({ attribute: 'subscriptions', message: 'Subscriptions Invalid events' });
    } else subscriptions = [...new Set(subs as string[])];
  }
  if (body.name !== undefined && body.name !== null && typeof body.name !== 'string') {
    invalid.push({ attribute: 'name', message: 'Name must be a string' });
  }
  if (invalid.length > 0) return fail(toInvalidRecord(invalid));
  return ok({
    url: url as string,
    name: typeof body.name === 'string' ? body.name : null,
    subscriptions,
    inbox_id: inboxId,
  });
}

/** Whether another webhook of the account has `url` (an account has few webhooks). */
function isUrlTaken(s: ChatwootState, accountId: number, url: string, exceptId: number | null): boolean {
  const ids = getOwn(s.index.webhooksOfAccount, String(accountId)) ?? [];
  return ids.some((id) => id !== exceptId && getOwn(s.webhooks, String(id))?.url === url);
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}
