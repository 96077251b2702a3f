// Validation of the Client (public) API bodies: Public::Api::V1::Inboxes::{Contacts,Messages}Controller's permitted
// params, `process_hmac`, ContactInboxWithContactBuilder#find_contact and ContactIdentifyAction (Chatwoot 4.12).
// Pure: no Hono, no I/O.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { getOwn, hasOwn } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import type { ChatwootState, Contact, Inbox } from './model.ts';
import { toContactKey } from './model-indexes.ts';
import type { ContactChanges } from './model-updates.ts';
import type { ChatwootFailure } from './render-errors.ts';
import { isPresent } from './rules.ts';
import { parseContactUpdate } from './rules-contacts.ts';
import { type ContactInput, parseContactCreate } from './rules-resources.ts';

type Body = Record<string, unknown>;

/**
 * `process_hmac` refusal. Chatwoot 4.12 raises a bare StandardError here (an unrescued 500); the simulator answers
 * what the widget API (`Api::V1::Widget::ContactsController#validate_hmac`) answers for the same check (simulator
 * choice: a 500 is indistinguishable from a simulator fault).
 */
export const ERROR_HMAC_FAILED: ChatwootFailure = {
  status: 401,
  body: { error: 'HMAC failed: Invalid Identifier Hash Provided' },
};

/** `OpenSSL::HMAC.hexdigest('sha256', inbox.hmac_token, identifier.to_s)`. */
export function toIdentifierHash(hmacToken: string, identifier: string): string {
  return createHmac('sha256', hmacToken).update(identifier).digest('hex');
}

/** Ruby's `to_s` of a param value (nil is ''). */
function toParamText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `process_hmac`: skipped when no `identifier_hash` is given and the inbox does not enforce it (`hmac_mandatory`);
 * otherwise `identifier_hash` must be the HMAC-SHA256 of `identifier` with the inbox's hmac token. Answers whether
 * the check ran and passed (`verified`), or the refusal.
 */
export function parseIdentifierHash(
  body: Body,
  inbox: Inbox,
): Result<{ verified: boolean }, ChatwootFailure> {
  if (!isPresent(body.identifier_hash) && inbox.hmac_mandatory !== true) return ok({ verified: false });
  const given = body.identifier_hash;
  const expected = toIdentifierHash(inbox.hmac_token ?? '', toParamText(body.identifier));
  if (typeof given !== 'string' || given.length !== expected.length) return fail(ERROR_HMAC_FAILED);
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected))
    ? ok({ verified: true })
    : fail(ERROR_HMAC_FAILED);
}

/** A permitted scalar param (Rails' `permit` drops arrays and hashes where a scalar is expected). */
function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** `permitted_params`: identifier, email, name, phone_number (scalars) and `custom_attributes: {}` (a hash). */
function toPermittedContact(body: Body): Body {
  const out: Body = {};
  for (const key of ['identifier', 'email', 'name', 'phone_number'] as const) {
    if (hasOwn(body, key) && isScalar(body[key]))
      out[key] = typeof body[key] === 'number' ? String(body[key]) : body[key];
  }
  const custom = body.custom_attributes;
  if (typeof custom === 'object' && custom !== null && !Array.isArray(custom)) out.custom_attributes = custom;
  return out;
}

/** The existing contact a new widget contact is merged into, or how to create one. */
export type PublicContactPlan =
  | { kind: 'existing-contact-inbox'; contactInboxId: number }
  | { kind: 'existing-contact'; contactId: number; sourceId: string }
  | { kind: 'new-contact'; contact: ContactInput; sourceId: string };

/**
 * `POST /public/api/v1/inboxes/{id}/contacts` (ContactInboxWithContactBuilder): a `source_id` already in the inbox
 * answers its contact inbox; else the account's contact with the same identifier, then e-mail (case-insensitive),
 * then phone number gets a new contact inbox; else a contact is created (Contact validations, 422). `name` defaults
 * to `defaultName` (Chatwoot draws a Haikunator name).
 */
export function parsePublicContactCreate(
  body: Body,
  s: ChatwootState,
  inbox: Inbox,
  draw: { sourceId: string; name: string },
): Result<PublicContactPlan, ChatwootFailure> {
  const sourceId =
    isPresent(body.source_id) && isScalar(body.source_id) ? String(body.source_id) : draw.sourceId;
  const existing = getOwn(s.index.contactInboxBySource, `${inbox.id}:${sourceId}`);
  if (existing !== undefined) return ok({ kind: 'existing-contact-inbox', contactInboxId: existing });
  const permitted = toPermittedContact(body);
  for (const field of ['identifier', 'email', 'phone_number'] as const) {
    const value = permitted[field];
    if (typeof value !== 'string' || !isPresent(value)) continue;
    const id = getOwn(s.index.contactKeys, toContactKey(inbox.account_id, field, value));
    if (id !== undefined) return ok({ kind: 'existing-contact', contactId: id, sourceId });
  }
  const name = isPresent(permitted.name) ? permitted.name : draw.name;
  const parsed = parseContactCreate({ ...permitted, name }, s, inbox.account_id);
  return parsed.ok ? ok({ kind: 'new-contact', contact: parsed.value, sourceId }) : parsed;
}

/**
 * `PATCH /public/api/v1/inboxes/{id}/contacts/{source_id}` (ContactIdentifyAction, params without `identifier`):
 * name, e-mail and phone number when not blank, `custom_attributes` merged; Contact validations (422). An e-mail or
 * phone number of another contact is left out of the update (Chatwoot merges the two contacts; simulator choice).
 */
export function parsePublicContactUpdate(
  body: Body,
  s: ChatwootState,
  contact: Contact,
): Result<ContactChanges, ChatwootFailure> {
  const permitted = toPermittedContact(body);
  const update: Body = {};
  for (const field of ['name', 'email', 'phone_number'] as const) {
    const value = permitted[field];
    if (!isPresent(value)) continue;
    if (field !== 'name' && typeof value === 'string') {
      const owner = getOwn(s.index.contactKeys, toContactKey(contact.account_id, field, value));
      if (owner !== undefined && owner !== contact.id) continue;
    }
    update[field] = value;
  }
  if (permitted.custom_attributes) update.custom_attributes = permitted.custom_attributes;
  return parseContactUpdate(update, s, contact);
}

/** Keys of one submitted value (`submitted_values: [:name, :title, :value]`). */
const SUBMITTED_KEYS = ['name', 'title', 'value'] as const;

/** One submitted value with its permitted scalar keys, or undefined when it is not a hash. */
function toSubmittedValue(value: unknown): Body | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Body = {};
  for (const key of SUBMITTED_KEYS) {
    const v = (value as Body)[key];
    if (hasOwn(value, key) && isScalar(v)) out[key] = v;
  }
  return out;
}

/**
 * `message_update_params` (`params.permit(submitted_values: [:name, :title, :value])`): a list of hashes (non-hash
 * items dropped) or one hash, each with those scalar keys; anything else is not permitted (undefined: no change).
 */
export function parseSubmittedValues(body: Body): Body | Body[] | undefined {
  const raw = body.submitted_values;
  if (Array.isArray(raw)) {
    const items: Body[] = [];
    for (const item of raw) {
      const v = toSubmittedValue(item);
      if (v) items.push(v);
    }
    return items;
  }
  return toSubmittedValue(raw);
}
