/** Customer look-up, creation and case rules of start conversation (seed 003). Pure: (input, state) -> plan. */
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import type { Contact, Customer, EceState, EntryPoint } from './model-state.ts';
import { fail, type Result, succeed } from './render-errors.ts';
import type { ContactPoint, SearchAttribute, StartQuery } from './rules.ts';
import type { CustomerInput } from './rules-body.ts';

type ContactLike = Omit<Contact, 'id'>;

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

/** Every (attribute, value) pair a contact can be found by: what the customer index holds for it. */
export function toSearchPairs(contact: ContactLike): Array<[SearchAttribute, string]> {
  const pairs: Array<[SearchAttribute, string]> = [];
  for (const address of contact.email) pairs.push(['email.emailAddress', address]);
  for (const phone of contact.phones) pairs.push([`${phone.type}.phone`, phone.number]);
  for (const social of contact.social) pairs.push([`social.${social.type}Id`, social.socialId]);
  if (contact.externalId) pairs.push(['externalId', contact.externalId]);
  for (const [name, value] of Object.entries(contact.custom)) pairs.push([`custom.${name}`, value]);
  return pairs;
}

/** The form a value is compared in: e-mail ignores case, phones compare digits only (simulator choice). */
function toComparable(attribute: SearchAttribute, value: string): string {
  if (attribute === 'email.emailAddress') return value.toLowerCase();
  if (attribute.endsWith('.phone')) return value.replace(/\D/g, '');
  return value;
}

function sameValue(attribute: SearchAttribute, a: string, b: string): boolean {
  return toComparable(attribute, a) === toComparable(attribute, b);
}

/** The customer index key of a value (never `__proto__`: it always starts with the attribute). */
export function toContactKey(attribute: SearchAttribute, value: string): string {
  return `${attribute}:${toComparable(attribute, value)}`;
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
  for (const id of getOwn(state.indexes.customersByContact, toContactKey(attribute, value)) ?? []) {
    const customer = getOwn(state.customers, id);
    if (!customer || (departmentId !== null && customer.departmentId !== departmentId)) continue;
    const holds = customer.contacts.some((contact) =>
      toAttributeValues(contact, attribute).some((v) => sameValue(attribute, v, value)),
    );
    if (holds) found.push(customer);
  }
  return found;
}

/** What start conversation does about the customer. */
export type CustomerPlan =
  | { kind: 'anonymous' }
  | { kind: 'existing'; customerId: string; contactId: string }
  | { kind: 'create'; customer: CustomerInput; departmentId: string };

const CUSTOMER_TYPES = ['individual', 'group', 'organization'];

/** Simulator choice: the longest e-mail address a contact may hold, RFC 5321's 254 characters. */
export const EMAIL_MAX_LENGTH = 254;

/**
 * Whether a value is an e-mail address: `local@domain.tld` without spaces, one `@`, a dot inside the domain
 * (what /^[^\s@]+@[^\s@]+\.[^\s@]+$/ accepts, checked in linear time: that expression backtracks
 * quadratically on a long crafted value), at most EMAIL_MAX_LENGTH characters.
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > EMAIL_MAX_LENGTH || /\s/.test(value)) return false;
  const at = value.indexOf('@');
  if (at < 1 || value.includes('@', at + 1)) return false;
  const domain = value.slice(at + 1);
  const dot = domain.indexOf('.', 1);
  return dot !== -1 && dot < domain.length - 1;
}

/** Why creating a customer from these details would fail, if it would. */
export function checkCustomerCreation(customer: CustomerInput): string | null {
  if (!CUSTOMER_TYPES.includes(customer.type))
    return `customer type ${toEcho(customer.type)} is not one of ${CUSTOMER_TYPES.join(', ')}`;
  const bad = customer.contact.email.find((e) => !isEmailAddress(e));
  if (bad !== undefined) return `${toEcho(bad)} is not a valid email address`;
  const phone = customer.contact.phones.find((p) => !/^[\d\s()+-]{3,20}$/.test(p.number));
  if (phone) return `${toEcho(phone.number)} is not a valid phone number`;
  for (const name of [customer.contact.firstName, customer.contact.lastName]) {
    if (name !== null && name.length > 50) return 'contact names are limited to 50 characters';
  }
  return null;
}

/** Decides how the conversation's customer is found or created. */
export function planCustomer(
  state: EceState,
  query: StartQuery,
  customer: CustomerInput | null,
  entryPoint: EntryPoint,
): Result<CustomerPlan> {
  if (query.search === null) {
    if (customer !== null) {
      return fail('customer.rule', 'activity.customer must not be provided with anonymousCustomer=yes');
    }
    return succeed({ kind: 'anonymous' });
  }
  if (customer === null) {
    return fail('customer.rule', 'activity.customer must be provided with searchContactOnAttribute');
  }
  const values = toAttributeValues(customer.contact, query.search);
  if (values.length !== 1) {
    return fail(
      'customer.rule',
      values.length === 0
        ? `The customer contact must contain ${query.search} (searchContactOnAttribute)`
        : `The customer contact holds several values for ${query.search}`,
    );
  }
  const department = state.settings.customerDepartmentalization ? entryPoint.departmentId : null;
  const matches = findCustomers(state, query.search, values[0]!, department);
  if (matches.length > 1) {
    return fail(
      'customer.multiple',
      `Customer search on ${query.search} found ${matches.length} contacts (customers ${matches.map((m) => m.id).join(', ')})`,
    );
  }
  const match = matches[0];
  if (match) {
    const contact = match.contacts.find((c) =>
      toAttributeValues(c, query.search!).some((v) => sameValue(query.search!, v, values[0]!)),
    )!;
    return succeed({ kind: 'existing', customerId: match.id, contactId: contact.id });
  }
  const problem = checkCustomerCreation(customer);
  if (problem)
    return fail('customer.createFailed', `Customer was not found, and creating it failed: ${problem}`);
  return succeed({ kind: 'create', customer, departmentId: entryPoint.departmentId });
}

/** Checks the conversation contact point exists on the customer (found or to be created). */
export function checkConversationContact(
  state: EceState,
  plan: CustomerPlan,
  point: ContactPoint | null,
): Result<string | null> {
  if (point === null) return succeed(null);
  const contacts: ContactLike[] =
    plan.kind === 'existing'
      ? (getOwn(state.customers, plan.customerId)?.contacts ?? [])
      : plan.kind === 'create'
        ? [plan.customer.contact]
        : [];
  const value = contacts.flatMap((c) => toAttributeValues(c, point))[0];
  if (value === undefined) {
    return fail('contact.missing', `conversationContact ${point}: the customer has no such contact point`);
  }
  return succeed(`${point}:${value}`);
}

/** Checks activity.case.id: it must exist, belong to the customer, and needs searchContactOnAttribute. */
export function checkCase(state: EceState, plan: CustomerPlan, caseId: string | null): Result<string | null> {
  if (caseId === null) return succeed(null);
  if (plan.kind === 'anonymous') {
    return fail('case.invalid', 'activity.case.id can be provided only with searchContactOnAttribute');
  }
  const found = getOwn(state.cases, caseId);
  if (!found) return fail('case.invalid', `Case ${toEcho(caseId)} does not exist`);
  if (plan.kind !== 'existing' || found.customerId !== plan.customerId) {
    return fail(
      'case.invalid',
      `Case ${toEcho(caseId)} does not belong to the customer initiating the conversation`,
    );
  }
  return succeed(caseId);
}
