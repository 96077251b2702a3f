/** Customer look-up, creation and case rules of start conversation (seed 003). Pure: (input, state) -> plan. */
import type { CustomerInput } from './body.ts';
import { fail, type Result, succeed } from './errors.ts';
import type { ContactPoint, SearchAttribute, StartQuery } from './rules.ts';
import type { Contact, Customer, EceState, EntryPoint } from './types.ts';

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
  const custom = contact.custom[attribute.slice('custom.'.length)];
  return custom === undefined ? [] : [custom];
}

function sameValue(attribute: SearchAttribute, a: string, b: string): boolean {
  if (attribute === 'email.emailAddress') return a.toLowerCase() === b.toLowerCase();
  if (attribute.endsWith('.phone')) return a.replace(/\D/g, '') === b.replace(/\D/g, '');
  return a === b;
}

/** Customers with a contact holding `value` for `attribute`, within a department when given. */
export function findCustomers(
  state: EceState,
  attribute: SearchAttribute,
  value: string,
  departmentId: string | null,
): Customer[] {
  return Object.values(state.customers).filter(
    (customer) =>
      (departmentId === null || customer.departmentId === departmentId) &&
      customer.contacts.some((contact) =>
        toAttributeValues(contact, attribute).some((v) => sameValue(attribute, v, value)),
      ),
  );
}

/** What start conversation does about the customer. */
export type CustomerPlan =
  | { kind: 'anonymous' }
  | { kind: 'existing'; customerId: string; contactId: string }
  | { kind: 'create'; customer: CustomerInput; departmentId: string };

const CUSTOMER_TYPES = ['individual', 'group', 'organization'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Why creating a customer from these details would fail, if it would. */
export function checkCustomerCreation(customer: CustomerInput): string | null {
  if (!CUSTOMER_TYPES.includes(customer.type))
    return `customer type '${customer.type}' is not one of ${CUSTOMER_TYPES.join(', ')}`;
  const bad = customer.contact.email.find((e) => !EMAIL.test(e));
  if (bad !== undefined) return `'${bad}' is not a valid email address`;
  const phone = customer.contact.phones.find((p) => !/^[\d\s()+-]{3,20}$/.test(p.number));
  if (phone) return `'${phone.number}' is not a valid phone number`;
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
      ? (state.customers[plan.customerId]?.contacts ?? [])
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
  const found = state.cases[caseId];
  if (!found) return fail('case.invalid', `Case '${caseId}' does not exist`);
  if (plan.kind !== 'existing' || found.customerId !== plan.customerId) {
    return fail(
      'case.invalid',
      `Case '${caseId}' does not belong to the customer initiating the conversation`,
    );
  }
  return succeed(caseId);
}
