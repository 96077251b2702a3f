/**
 * Pure readers of the start-conversation and sendmessage bodies (JSON, XML or multipart already parsed by
 * src/http.ts). XML arrives as strings and single-element lists, so every reader accepts both shapes.
 */
import { toEcho } from '../../echo.ts';
import { getOwn, hasOwn, isRecord, isSafeKey } from '../../own.ts';
import { ok, type Result } from '../../provider/index.ts';
import type { AttributeDefinition, ClientInfo, Contact, PhoneType, SocialType } from './model-state.ts';
import { type EceError, failWith } from './render-errors.ts';

/** A list from a JSON array, a single XML element, or nothing. */
export function toList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** A scalar as text; objects are not text. */
export function toText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Follows a dotted path through nested objects. */
export function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = getOwn(current, key);
  }
  return current;
}

/** Drops the XML root element (and declaration) so XML and JSON documents read alike. */
export function unwrapXml(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const roots = Object.keys(value).filter((k) => !k.startsWith('?'));
  return roots.length === 1 ? value[roots[0]!] : value;
}

/** A customer contact as given in the request (before it has an id). */
export type ContactInput = Omit<Contact, 'id'>;

/** The customer element of the start body. */
export type CustomerInput = { type: string; contact: ContactInput };

/** The start-conversation body, once valid. */
export type StartBody = {
  entryPointId: string;
  lastModified: string;
  caseId: string | null;
  subject: string | null;
  clientInfo: ClientInfo;
  customAttributes: Record<string, string>;
  customer: CustomerInput | null;
};

const PHONE_TYPES: readonly PhoneType[] = ['home', 'mobile', 'office'];
const SOCIAL_TYPES: readonly SocialType[] = ['facebook', 'twitter', 'instagram'];

/**
 * Characters allowed in string custom attributes. ECE's list ("Allowed Characters For Custom Attributes") was
 * not readable; simulator choice: letters, digits, spaces and . , - _ @ : / ( ) + # ? ! '
 */
export const ALLOWED_ATTRIBUTE_CHARS = /^[\p{L}\p{N} .,\-_@:/()+#?!']*$/u;

/** `__proto__` cannot be stored as an attribute name; it is no configured attribute, and is refused as one. */
function refuseUnsafeName(name: string, where: string): Result<never, EceError> | null {
  if (isSafeKey(name)) return null;
  return failWith(
    'attribute.invalid',
    `${where}: ${toEcho(name)} is not a custom attribute configured in the application`,
  );
}

/** Simulator choice: an integer custom attribute holds at most 19 digits and a sign (a 64-bit integer). */
const INTEGER_MAX_LENGTH = 20;

/**
 * Reads name/value pairs from `{name: value}` or `{attribute: [{name, value}]}`. A value sent as null sets
 * nothing: the Webex Connect node sends its Conversation ID custom attribute as null when it starts a new
 * conversation (seed 002, "The value needs to be set to null when initiating a new conversation").
 */
export function parseAttributes(value: unknown, where: string): Result<Record<string, string>, EceError> {
  if (value === undefined || value === '' || value === null) return ok({});
  if (!isRecord(value)) return failWith('body.invalid', `${where} must be an object of name/value pairs`);
  const out: Record<string, string> = {};
  const entries = hasOwn(value, 'attribute') ? toList(value.attribute) : null;
  if (entries) {
    for (const entry of entries) {
      const name = toText(pick(entry, 'name'));
      const raw = pick(entry, 'value');
      const text = toText(raw);
      if (name === null || (text === null && raw !== null))
        return failWith('body.invalid', `${where}.attribute entries need name and value`);
      const refused = refuseUnsafeName(name, where);
      if (refused) return refused;
      if (text !== null) out[name] = text;
    }
    return ok(out);
  }
  for (const [name, raw] of Object.entries(value)) {
    const refused = refuseUnsafeName(name, where);
    if (refused) return refused;
    if (raw === null) continue;
    const text = toText(raw);
    if (text === null) return failWith('body.invalid', `${where}.${toEcho(name)} must be a scalar value`);
    out[name] = text;
  }
  return ok(out);
}

/**
 * The Webex Connect node's own input fields (seed 002: Transaction ID, Cluster ID, Conversation ID), by their
 * name with case, spaces, `_` and `-` ignored, and the activity attribute each names in the default fixtures.
 */
const NODE_FIELDS: Readonly<Record<string, string>> = {
  transactionid: 'transaction_id',
  clusterid: 'cluster_id',
  conversationid: 'conversation_id',
};

/**
 * Gives the node's fields the name the application configured: `transactionId`, `Transaction ID` or
 * `TRANSACTION_ID` is `transaction_id` when that is configured and the exact name is not. Simulator choice
 * (docs/providers/ece.md): seed 002 names the node's inputs, not the attribute names it sends; every other name
 * must match a configured attribute exactly (seed 003).
 */
export function toConfiguredNames(
  values: Record<string, string>,
  definitions: Record<string, AttributeDefinition>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const target = getOwn(definitions, name) ? undefined : getOwn(NODE_FIELDS, toFieldKey(name));
    const renamed = target !== undefined && getOwn(definitions, target) && !hasOwn(values, target);
    out[renamed ? target : name] = value;
  }
  return out;
}

function toFieldKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}

/** Checks custom attributes against the application's configured definitions (seed 003 activity.customAttributes). */
export function assertAttributes(
  values: Record<string, string>,
  definitions: Record<string, AttributeDefinition>,
  where: string,
): Result<true, EceError> {
  for (const [name, value] of Object.entries(values)) {
    const quoted = toEcho(name);
    const definition = getOwn(definitions, name);
    if (!definition)
      return failWith(
        'attribute.invalid',
        `${where}: ${quoted} is not a custom attribute configured in the application`,
      );
    if (definition.type === 'enumeration' && !definition.values.includes(value)) {
      return failWith(
        'attribute.invalid',
        `${where}: ${toEcho(value)} is not a predefined value of ${quoted} (${definition.values.join(', ')})`,
      );
    }
    if (definition.type === 'integer' && (value.length > INTEGER_MAX_LENGTH || !/^-?\d+$/.test(value))) {
      return failWith('attribute.invalid', `${where}: ${quoted} must be an integer`);
    }
    if (definition.type === 'string') {
      if (value.length > definition.maxLength) {
        return failWith(
          'attribute.invalid',
          `${where}: ${quoted} exceeds ${definition.maxLength} characters`,
        );
      }
      if (!ALLOWED_ATTRIBUTE_CHARS.test(value)) {
        return failWith('attribute.invalid', `${where}: ${quoted} contains characters that are not allowed`);
      }
    }
  }
  return ok(true);
}

function parseClientInfo(value: unknown): Result<ClientInfo, EceError> {
  const info: ClientInfo = {
    timeOffset: null,
    referrerName: null,
    referrerURL: null,
    isRichTextSupported: true,
  };
  if (value === undefined || value === '') return ok(info);
  if (!isRecord(value)) return failWith('body.invalid', 'activity.payload.chat.clientInfo must be an object');
  for (const key of ['timeOffset', 'referrerName', 'referrerURL'] as const) {
    if (value[key] === undefined) continue;
    const text = toText(value[key]);
    if (text === null)
      return failWith('body.invalid', `activity.payload.chat.clientInfo.${key} must be a scalar value`);
    info[key] = text;
  }
  if (info.timeOffset !== null && !/^[+-]?\d+$/.test(info.timeOffset)) {
    return failWith(
      'body.invalid',
      'activity.payload.chat.clientInfo.timeOffset must be a number of minutes',
    );
  }
  const rich = value.isRichTextSupported;
  if (rich !== undefined) {
    const text = toText(rich);
    if (text !== 'true' && text !== 'false') {
      return failWith(
        'body.invalid',
        'activity.payload.chat.clientInfo.isRichTextSupported must be true or false',
      );
    }
    info.isRichTextSupported = text === 'true';
  }
  return ok(info);
}

function parseContact(value: unknown): Result<ContactInput, EceError> {
  if (!isRecord(value))
    return failWith('body.invalid', 'activity.customer.contacts.contact must hold a contact object');
  const contact: ContactInput = {
    firstName: toText(value.firstName),
    lastName: toText(value.lastName),
    email: [],
    phones: [],
    social: [],
    externalId: toText(value.externalId),
    custom: {},
  };
  for (const entry of toList(value.email)) {
    const address = toText(pick(entry, 'emailAddress'));
    if (address === null) return failWith('body.invalid', 'Each contact email needs emailAddress');
    contact.email.push(address);
  }
  for (const entry of toList(value.phone)) {
    const type = toText(pick(entry, 'type.value'));
    const number = toText(pick(entry, 'phoneNumber'));
    if (!type || !PHONE_TYPES.includes(type as PhoneType) || number === null) {
      return failWith(
        'body.invalid',
        'Each contact phone needs type.value (home, mobile or office) and phoneNumber',
      );
    }
    contact.phones.push({ type: type as PhoneType, number, countryCode: toText(pick(entry, 'countryCode')) });
  }
  for (const entry of toList(value.social)) {
    const type = toText(pick(entry, 'type.value'));
    const socialId = toText(pick(entry, 'socialId'));
    if (!type || !SOCIAL_TYPES.includes(type as SocialType) || socialId === null) {
      return failWith(
        'body.invalid',
        'Each contact social entry needs type.value (facebook, twitter or instagram) and socialId',
      );
    }
    contact.social.push({ type: type as SocialType, socialId });
  }
  const custom = parseAttributes(
    value.customAttributes,
    'activity.customer.contacts.contact.customAttributes',
  );
  if (!custom.ok) return custom;
  contact.custom = custom.value;
  return ok(contact);
}

function parseCustomer(value: unknown): Result<CustomerInput | null, EceError> {
  if (value === undefined || value === '') return ok(null);
  if (!isRecord(value)) return failWith('body.invalid', 'activity.customer must be an object');
  const contacts = toList(pick(value, 'contacts.contact'));
  if (contacts.length !== 1) {
    return failWith('body.invalid', 'activity.customer.contacts.contact must hold exactly one contact');
  }
  const contact = parseContact(contacts[0]);
  if (!contact.ok) return contact;
  return ok({ type: toText(pick(value, 'type.value')) ?? 'individual', contact: contact.value });
}

/** Applies seed 003's body rules (shape only; rules needing state are in rules-customer.ts and rules.ts). */
export function parseStartBody(
  document: unknown,
  activityAttributes: Record<string, AttributeDefinition>,
): Result<StartBody, EceError> {
  if (document === undefined) return failWith('body.missing', 'The request body is mandatory');
  if (!isRecord(document)) return failWith('body.malformed', 'The request body must be an object');
  const entryPointId = toText(pick(document, 'entryPointConfiguration.entryPoint.id'));
  if (entryPointId === null || entryPointId === '') {
    return failWith('body.required', 'entryPointConfiguration.entryPoint.id is required');
  }
  if (!/^\d+$/.test(entryPointId))
    return failWith('body.invalid', 'entryPointConfiguration.entryPoint.id must be numeric');
  const lastModified = toText(pick(document, 'entryPointConfiguration.lastModified.date'));
  if (lastModified === null || lastModified === '') {
    return failWith('body.required', 'entryPointConfiguration.lastModified.date is required');
  }
  const activity = document.activity;
  if (activity !== undefined && activity !== '' && !isRecord(activity)) {
    return failWith('body.invalid', 'activity must be an object');
  }
  const caseValue = pick(activity, 'case.id');
  const caseId = caseValue === undefined ? null : toText(caseValue);
  if (caseValue !== undefined && (caseId === null || !/^\d+$/.test(caseId))) {
    return failWith('body.invalid', 'activity.case.id must be a numeric case id');
  }
  const subjectValue = pick(activity, 'subject');
  const subject = subjectValue === undefined ? null : toText(subjectValue);
  if (subjectValue !== undefined && (subject === null || subject.length < 1 || subject.length > 255)) {
    return failWith('body.invalid', 'activity.subject must be 1 to 255 characters');
  }
  const clientInfo = parseClientInfo(pick(activity, 'payload.chat.clientInfo'));
  if (!clientInfo.ok) return clientInfo;
  const attributes = parseAttributes(pick(activity, 'customAttributes'), 'activity.customAttributes');
  if (!attributes.ok) return attributes;
  const customAttributes = toConfiguredNames(attributes.value, activityAttributes);
  const checked = assertAttributes(customAttributes, activityAttributes, 'activity.customAttributes');
  if (!checked.ok) return checked;
  const customer = parseCustomer(pick(activity, 'customer'));
  if (!customer.ok) return customer;
  return ok({
    entryPointId,
    lastModified,
    caseId,
    subject,
    clientInfo: clientInfo.value,
    customAttributes,
    customer: customer.value,
  });
}
