// The contact, contact inbox and webhook transitions of the chatwoot provider.
import { getOwn } from '../../own.ts';
import { type ChatwootState, type Contact, type ContactInbox, DEFAULT_SUBSCRIPTIONS } from './model.ts';
import { storeContact, storeContactInbox, storeWebhook } from './model-indexes.ts';
import { type Applied, listDestinations } from './model-outcomes.ts';
import type { ContactInput, WebhookInput } from './rules-resources.ts';

/** What a new contact needs; id and times are filled by `applyContact`. */
export type NewContact = Omit<Contact, 'id' | 'blocked' | 'created_at' | 'last_activity_at'>;

/** Adds a contact and indexes it; returns its id. */
export function applyContact(s: ChatwootState, input: NewContact, now: number): number {
  s.seq.contact += 1;
  const id = s.seq.contact;
  storeContact(s, { id, ...input, blocked: false, created_at: now, last_activity_at: null });
  return id;
}

/** Adds a contact inbox and indexes it by (inbox, source_id), source_id and contact; returns its id. */
export function applyContactInbox(
  s: ChatwootState,
  input: Pick<ContactInbox, 'contact_id' | 'inbox_id' | 'source_id'>,
  now: number,
): number {
  s.seq.contactInbox += 1;
  const id = s.seq.contactInbox;
  storeContactInbox(s, { id, ...input, hmac_verified: false, created_at: now, updated_at: now });
  return id;
}

/**
 * `POST /contacts`: adds the contact and, when an inbox is given, its contact inbox named `sourceId`; returns the
 * contact id. Account webhooks subscribed to contact_created receive it.
 */
export function applyCreateContact(
  s: ChatwootState,
  input: { accountId: number; contact: ContactInput; sourceId: string | null },
  now: number,
): Applied<number> {
  const { accountId, contact: v, sourceId } = input;
  const id = applyContact(
    s,
    {
      account_id: accountId,
      name: v.name,
      email: v.email,
      phone_number: v.phone_number,
      identifier: v.identifier,
      additional_attributes: v.additional_attributes,
      custom_attributes: v.custom_attributes,
    },
    now,
  );
  if (v.inbox && sourceId !== null) {
    applyContactInbox(s, { contact_id: id, inbox_id: v.inbox.id, source_id: sourceId }, now);
  }
  const destinations = listDestinations(s, accountId, 'contact_created', null);
  return {
    value: id,
    outcome: [{ event: { type: 'contact_created', contactId: id, destinations, orderKey: `contact-${id}` } }],
  };
}

/** `POST /webhooks`: adds a webhook (default subscriptions when none are given) signed with `secret`; returns its id. */
export function applyCreateWebhook(
  s: ChatwootState,
  input: { accountId: number; webhook: WebhookInput; secret: string },
): Applied<number> {
  s.seq.webhook += 1;
  const id = s.seq.webhook;
  storeWebhook(s, {
    id,
    account_id: input.accountId,
    name: input.webhook.name,
    url: input.webhook.url,
    subscriptions: input.webhook.subscriptions ?? [...DEFAULT_SUBSCRIPTIONS],
    inbox_id: input.webhook.inbox_id ?? null,
    secret: input.secret,
  });
  return { value: id, outcome: [] };
}

/** `PATCH`/`PUT /webhooks/{id}`: changes what was given (the name only when `nameGiven`). */
export function applyWebhookUpdate(
  s: ChatwootState,
  input: { webhookId: number; webhook: WebhookInput; nameGiven: boolean },
): Applied<void> {
  const w = getOwn(s.webhooks, String(input.webhookId))!;
  const v = input.webhook;
  w.url = v.url;
  if (input.nameGiven) w.name = v.name;
  if (v.subscriptions) w.subscriptions = v.subscriptions;
  if (v.inbox_id !== undefined) w.inbox_id = v.inbox_id;
  return { value: undefined, outcome: [] };
}

/** `DELETE /webhooks/{id}`: removes a webhook and its index entry (an account has few webhooks). */
export function applyWebhookRemoval(s: ChatwootState, input: { webhookId: number }): Applied<void> {
  const webhook = getOwn(s.webhooks, String(input.webhookId));
  if (!webhook) return { value: undefined, outcome: [] };
  delete s.webhooks[String(input.webhookId)];
  const ids = getOwn(s.index.webhooksOfAccount, String(webhook.account_id)) ?? [];
  const at = ids.indexOf(input.webhookId);
  if (at >= 0) ids.splice(at, 1);
  // An account without webhooks has no list, as a rebuild leaves it.
  if (ids.length === 0) delete s.index.webhooksOfAccount[String(webhook.account_id)];
  return { value: undefined, outcome: [] };
}
