/**
 * The customer side of the model: customers found by their contact values (searchContactOnAttribute), and what
 * a customer sends (sendmessage and the customer.* actions), as transitions returning an `Outcome`.
 */
import { getOwn, isSafeKey } from '../../own.ts';
import { ok, type Result } from '../../provider/index.ts';
import {
  appendEntry,
  completeConversation,
  findAttachment,
  findOpen,
  makeAttachments,
  type Outcome,
} from './model.ts';
import type {
  Attachment,
  Contact,
  Conversation,
  Customer,
  EceState,
  TranscriptEntry,
} from './model-state.ts';
import type { SendMessageBody } from './rules-message.ts';
import type { SearchAttribute } from './rules-query.ts';

/** A contact, with or without its id. */
export type ContactLike = Omit<Contact, 'id'>;

/** The values a contact holds for an attribute (several phones may share a type). */
export function toAttributeValues(contact: ContactLike, attribute: SearchAttribute): string[] {
  if (attribute === 'email.emailAddress') return contact.email;
  if (attribute === 'externalId') return contact.externalId ? [contact.externalId] : [];
  if (attribute.endsWith('.phone')) {
    const type = attribute.slice(0, -'.phone'.length);
    return contact.phones.filter((p) => p.type === type).map((p) => p.number);
  }
  if (attribute.startsWith('social.')) {
    const type = attribute.slice('social.'.length, -'Id'.length);
    return contact.social.filter((s) => s.type === type).map((s) => s.socialId);
  }
  const custom = getOwn(contact.custom, attribute.slice('custom.'.length));
  return custom === undefined ? [] : [custom];
}

/**
 * Calls `visit` with every (attribute, value) pair a contact can be found by: what the customer index holds for
 * it. A visitor, not a list of pairs: a rebuild at start visits every contact of the partition.
 */
export function forEachSearchPair(
  contact: ContactLike,
  visit: (attribute: SearchAttribute, value: string) => void,
): void {
  for (const address of contact.email) visit('email.emailAddress', address);
  for (const phone of contact.phones) visit(`${phone.type}.phone`, phone.number);
  for (const social of contact.social) visit(`social.${social.type}Id`, social.socialId);
  if (contact.externalId) visit('externalId', contact.externalId);
  for (const name in contact.custom) {
    if (Object.hasOwn(contact.custom, name)) visit(`custom.${name}`, contact.custom[name]!);
  }
}

/** The form a value is compared in: e-mail ignores case, phones compare digits only (simulator choice). */
function toComparable(attribute: SearchAttribute, value: string): string {
  if (attribute === 'email.emailAddress') return value.toLowerCase();
  if (attribute.endsWith('.phone')) return value.replace(/\D/g, '');
  return value;
}

/** Whether two values of an attribute are the same contact value. */
export function isSameValue(attribute: SearchAttribute, a: string, b: string): boolean {
  return toComparable(attribute, a) === toComparable(attribute, b);
}

/**
 * The customer index key of a value within its attribute: its comparable form (`__proto__` escaped, so it stays
 * an own key; an escaped key may collide with another value, which is harmless as candidates are verified).
 */
export function toContactValueKey(attribute: SearchAttribute, value: string): string {
  const comparable = toComparable(attribute, value);
  return isSafeKey(comparable) ? comparable : `\u0000${comparable}`;
}

/**
 * Customers with a contact holding `value` for `attribute`, within a department when given: the candidates come
 * from the customer index, and each is checked against its contacts (keys of two attributes could collide).
 */
export function findCustomers(
  state: EceState,
  attribute: SearchAttribute,
  value: string,
  departmentId: string | null,
): Customer[] {
  const found: Customer[] = [];
  const values = getOwn(state.indexes.customersByContact, attribute);
  for (const id of getOwn(values, toContactValueKey(attribute, value)) ?? []) {
    const customer = getOwn(state.customers, id);
    if (!customer || (departmentId !== null && customer.departmentId !== departmentId)) continue;
    const holds = customer.contacts.some((contact) =>
      toAttributeValues(contact, attribute).some((v) => isSameValue(attribute, v, value)),
    );
    if (holds) found.push(customer);
  }
  return found;
}

/** What a customer sends: a kind, its content, the agent's attachments it names, and files it uploads. */
export type CustomerMessage = {
  kind: string;
  content: string | null;
  attachments?: Attachment[];
  files?: Array<Omit<Attachment, 'id'>>;
};

/** Records a customer message in an open conversation; `complete` also ends the chat. */
function recordCustomerMessage(
  draft: EceState,
  conversation: Conversation,
  message: CustomerMessage,
  now: number,
): Outcome & { entry: TranscriptEntry } {
  const attachments = [...(message.attachments ?? []), ...makeAttachments(draft, message.files ?? [])];
  const entry = appendEntry(
    draft,
    conversation,
    { direction: 'fromClient', kind: message.kind, content: message.content, agentId: null, attachments },
    now,
  );
  const ended = message.kind === 'complete' ? completeConversation(draft, conversation, 'customer', now) : {};
  return { ...ended, entry };
}

/** What the customer.* actions send, as sendmessage would; `complete` (customer.leave) ends the chat. */
export function applyCustomerMessage(
  draft: EceState,
  conversationId: string,
  message: CustomerMessage,
  now: number,
): Result<Outcome & { entry: TranscriptEntry }> {
  const found = findOpen(draft, conversationId);
  if (!found.ok) return found;
  return ok(recordCustomerMessage(draft, found.value, message, now));
}

/**
 * Records a sendmessage body (once `assertSendMessage` accepted it): uploads get ids, accepted or rejected
 * attachments are the agent's uploads they name.
 */
export function applySendMessage(
  draft: EceState,
  message: SendMessageBody,
  now: number,
): Result<Outcome & { entry: TranscriptEntry }> {
  const found = findOpen(draft, message.conversationId);
  if (!found.ok) return found;
  const conversation = found.value;
  const upload = message.kind === 'uploadAttachment';
  return ok(
    recordCustomerMessage(
      draft,
      conversation,
      {
        kind: message.kind,
        content: message.content,
        files: upload ? message.attachments : [],
        attachments: upload
          ? []
          : message.attachments.map((a) => findAttachment(draft, conversation, 'toClient', a.id)!),
      },
      now,
    ),
  );
}
