// The transitions of the Client (public) API that the account API has no equivalent for: the widget's contact,
// the contact's last-seen time, submitted values of interactive messages, HMAC verification (Chatwoot 4.12).
import { getOwn } from '../../own.ts';
import { type ChatwootState, getConversation, getEntry } from './model.ts';
import { type Applied, type Outcome, toMessageStep } from './model-outcomes.ts';
import { applyContactInbox, applyCreateContact } from './model-resources.ts';
import type { PublicContactPlan } from './rules-public.ts';

/**
 * ContactInboxWithContactBuilder#perform: the existing contact inbox, or a new one for an existing contact (no
 * webhook), or a new contact with it (contact_created). Answers the contact inbox id.
 */
export function applyPublicContact(
  s: ChatwootState,
  input: { accountId: number; inboxId: number; plan: PublicContactPlan },
  now: number,
): Applied<number> {
  const { plan } = input;
  if (plan.kind === 'existing-contact-inbox') return { value: plan.contactInboxId, outcome: [] };
  if (plan.kind === 'existing-contact') {
    const id = applyContactInbox(
      s,
      { contact_id: plan.contactId, inbox_id: input.inboxId, source_id: plan.sourceId },
      now,
    );
    return { value: id, outcome: [] };
  }
  const created = applyCreateContact(
    s,
    {
      accountId: input.accountId,
      contact: { ...plan.contact, inbox: getOwn(s.inboxes, String(input.inboxId)) ?? null },
      sourceId: plan.sourceId,
    },
    now,
  );
  const ciId = getOwn(s.index.contactInboxBySource, `${input.inboxId}:${plan.sourceId}`)!;
  return { value: ciId, outcome: created.outcome };
}

/** `process_hmac` passed: `@contact_inbox.update(hmac_verified: true)` (no webhook: contact inboxes send none). */
export function applyHmacVerified(
  s: ChatwootState,
  input: { contactInboxId: number },
  now: number,
): Applied<void> {
  const ci = getOwn(s.contactInboxes, String(input.contactInboxId))!;
  if (!ci.hmac_verified) {
    ci.hmac_verified = true;
    ci.updated_at = now;
  }
  return { value: undefined, outcome: [] };
}

/**
 * Client API `update_last_seen`: `contact_last_seen_at` (not a key `conversation_updated` reports), then
 * Conversations::UpdateMessageStatusJob: every message not incoming, `sent` or `delivered`, created at or before
 * it becomes `read` (Messages::StatusUpdateService), each with message_updated.
 */
export function applyContactLastSeen(
  s: ChatwootState,
  input: { conversationId: number },
  now: number,
): Applied<void> {
  const conv = getConversation(s, input.conversationId)!;
  conv.contact_last_seen_at = now;
  conv.updated_at = now;
  const outcome: Outcome = [];
  // The conversation's own messages: what the job reads.
  for (const id of getEntry(s, conv.id).messageIds) {
    const m = getOwn(s.messages, String(id))!;
    if (m.message_type === 'incoming' || m.created_at > now) continue;
    if (m.status !== 'sent' && m.status !== 'delivered') continue;
    m.status = 'read';
    m.updated_at = now;
    outcome.push(toMessageStep(s, conv, 'message_updated', m.id));
  }
  return { value: undefined, outcome };
}

/**
 * Client API message update (`@message.update!(submitted_values: ...)`): stored in `content_attributes`
 * (Message's `store :content_attributes` accessor); a change sends message_updated.
 */
export function applySubmittedValues(
  s: ChatwootState,
  input: { messageId: number; submittedValues: unknown },
  now: number,
): Applied<void> {
  const m = getOwn(s.messages, String(input.messageId))!;
  const next = JSON.parse(JSON.stringify(input.submittedValues)) as unknown;
  if (JSON.stringify(m.content_attributes.submitted_values) === JSON.stringify(next))
    return { value: undefined, outcome: [] };
  m.content_attributes = { ...m.content_attributes, submitted_values: next };
  m.updated_at = now;
  const conv = getConversation(s, m.conversation_id)!;
  return { value: undefined, outcome: [toMessageStep(s, conv, 'message_updated', m.id)] };
}
