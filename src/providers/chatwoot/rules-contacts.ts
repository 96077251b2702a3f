// Validation of contact updates and contact inboxes (contacts_controller.rb#update, contact_inboxes_controller.rb).
// Pure: no Hono, no I/O.
import { getOwn, hasOwn } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import type { ChatwootState, Contact, Inbox } from './model.ts';
import { toContactKey } from './model-indexes.ts';
import type { ContactChanges } from './model-updates.ts';
import {
  type ChatwootFailure,
  ERROR_NOT_FOUND,
  ERROR_SOURCE_ID_TAKEN,
  toInvalidRecord,
} from './render-errors.ts';
import {
  findInbox,
  type InvalidAttribute,
  isPresent,
  toAttrs,
  toBoolean,
  toRecordId,
  toRubyInteger,
} from './rules.ts';

type Body = Record<string, unknown>;

const EMAIL = /^[^@\s]+@[^@\s]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * `contact_update_params`: the permitted fields given; `custom_attributes` and `additional_attributes` are merged
 * into the stored ones; then the Contact validations (e-mail format and uniqueness, E.164 phone, unique identifier),
 * other contacts only.
 */
export function parseContactUpdate(
  body: Body,
  s: ChatwootState,
  contact: Contact,
): Result<ContactChanges, ChatwootFailure> {
  const invalid: InvalidAttribute[] = [];
  const changes: ContactChanges = {};
  const text = (key: 'name' | 'email' | 'phone_number' | 'identifier', label: string) => {
    if (!hasOwn(body, key)) return;
    const v = body[key];
    if (v === null || v === '') {
      if (key === 'name') changes.name = '';
      else changes[key] = null;
    } else if (typeof v === 'string') changes[key] = v;
    else invalid.push({ attribute: key, message: `${label} must be a string` });
  };
  text('name', 'Name');
  text('email', 'Email');
  text('phone_number', 'Phone number');
  text('identifier', 'Identifier');
  const takenByOther = (field: 'email' | 'phone_number' | 'identifier', value: string) => {
    const id = getOwn(s.index.contactKeys, toContactKey(contact.account_id, field, value));
    return id !== undefined && id !== contact.id;
  };
  if (typeof changes.email === 'string') {
    if (!EMAIL.test(changes.email)) invalid.push({ attribute: 'email', message: 'Email Invalid email' });
    else if (takenByOther('email', changes.email))
      invalid.push({ attribute: 'email', message: 'Email has already been taken' });
  }
  if (typeof changes.phone_number === 'string') {
    if (!E164.test(changes.phone_number))
      invalid.push({ attribute: 'phone_number', message: 'Phone number should be in e164 format' });
    else if (takenByOther('phone_number', changes.phone_number))
      invalid.push({ attribute: 'phone_number', message: 'Phone number has already been taken' });
  }
  if (typeof changes.identifier === 'string' && takenByOther('identifier', changes.identifier))
    invalid.push({ attribute: 'identifier', message: 'Identifier has already been taken' });
  if (hasOwn(body, 'blocked')) {
    const blocked = toBoolean(body.blocked);
    if (blocked === null) invalid.push({ attribute: 'blocked', message: 'Blocked must be true or false' });
    else changes.blocked = blocked;
  }
  for (const key of ['additional_attributes', 'custom_attributes'] as const) {
    if (!hasOwn(body, key)) continue;
    const attrs = toAttrs(body[key]);
    const label = key === 'custom_attributes' ? 'Custom attributes' : 'Additional attributes';
    if (attrs === null) invalid.push({ attribute: key, message: `${label} must be an object` });
    else if (attrs) changes[key] = { ...contact[key], ...attrs };
  }
  if (invalid.length > 0) return fail(toInvalidRecord(invalid));
  return ok(changes);
}

/** `POST /contacts/{id}/contact_inboxes`: a known inbox of the account (404) and a source id free in it (422). */
export function parseContactInbox(
  body: Body,
  s: ChatwootState,
  contact: Contact,
): Result<{ inbox: Inbox; sourceId: string | null; existingId: number | null }, ChatwootFailure> {
  const inbox = findInbox(s, contact.account_id, toRecordId(body.inbox_id));
  if (!inbox) return fail(ERROR_NOT_FOUND);
  const sourceId = isPresent(body.source_id) ? String(body.source_id) : null;
  if (sourceId === null) return ok({ inbox, sourceId, existingId: null });
  const existingId = getOwn(s.index.contactInboxBySource, `${inbox.id}:${sourceId}`);
  if (existingId === undefined) return ok({ inbox, sourceId, existingId: null });
  const existing = getOwn(s.contactInboxes, String(existingId))!;
  if (existing.contact_id !== contact.id) return fail(ERROR_SOURCE_ID_TAKEN);
  return ok({ inbox, sourceId, existingId });
}

/**
 * The page of a contact listing (`set_current_page`: `@current_page = params[:page] || 1`): Kaminari reads it with
 * `to_i` (below 1 is page 1), and the answer's `meta.current_page` echoes the parameter as given (a string), or 1.
 */
export function parseContactsPage(raw: string | undefined): { page: number; currentPage: string | number } {
  if (raw === undefined) return { page: 1, currentPage: 1 };
  return { page: Math.max(1, toRubyInteger(raw)), currentPage: raw };
}
