/** Customer look-up, creation and case rules of start conversation (seed 003). Pure: (input, state) -> plan. */
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import { ok, type Result } from '../../provider/index.ts';
import { type ContactLike, findCustomers, isSameValue, toAttributeValues } from './model-customer.ts';
import type { EceState, EntryPoint } from './model-state.ts';
import { type EceError, failWith } from './render-errors.ts';
import type { CustomerInput } from './rules-body.ts';
import type { ContactPoint, StartQuery } from './rules-query.ts';

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
export function toCreationProblem(customer: CustomerInput): string | null {
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
export function parseCustomerPlan(
  state: EceState,
  query: StartQuery,
  customer: CustomerInput | null,
  entryPoint: EntryPoint,
): Result<CustomerPlan, EceError> {
  if (query.search === null) {
    if (customer !== null) {
      return failWith('customer.rule', 'activity.customer must not be provided with anonymousCustomer=yes');
    }
    return ok({ kind: 'anonymous' });
  }
  if (customer === null) {
    return failWith('customer.rule', 'activity.customer must be provided with searchContactOnAttribute');
  }
  const values = toAttributeValues(customer.contact, query.search);
  if (values.length !== 1) {
    return failWith(
      'customer.rule',
      values.length === 0
        ? `The customer contact must contain ${query.search} (searchContactOnAttribute)`
        : `The customer contact holds several values for ${query.search}`,
    );
  }
  const department = state.settings.customerDepartmentalization ? entryPoint.departmentId : null;
  const matches = findCustomers(state, query.search, values[0]!, department);
  if (matches.length > 1) {
    return failWith(
      'customer.multiple',
      `Customer search on ${query.search} found ${matches.length} contacts (customers ${matches.map((m) => m.id).join(', ')})`,
    );
  }
  const match = matches[0];
  if (match) {
    const contact = match.contacts.find((c) =>
      toAttributeValues(c, query.search!).some((v) => isSameValue(query.search!, v, values[0]!)),
    )!;
    return ok({ kind: 'existing', customerId: match.id, contactId: contact.id });
  }
  const problem = toCreationProblem(customer);
  if (problem)
    return failWith('customer.createFailed', `Customer was not found, and creating it failed: ${problem}`);
  return ok({ kind: 'create', customer, departmentId: entryPoint.departmentId });
}

/** The conversation contact point (`<point>:<value>`), once the customer (found or to be created) has it. */
export function parseConversationContact(
  state: EceState,
  plan: CustomerPlan,
  point: ContactPoint | null,
): Result<string | null, EceError> {
  if (point === null) return ok(null);
  const contacts: ContactLike[] =
    plan.kind === 'existing'
      ? (getOwn(state.customers, plan.customerId)?.contacts ?? [])
      : plan.kind === 'create'
        ? [plan.customer.contact]
        : [];
  const value = contacts.flatMap((c) => toAttributeValues(c, point))[0];
  if (value === undefined) {
    return failWith(
      'contact.missing',
      `conversationContact ${point}: the customer has no such contact point`,
    );
  }
  return ok(`${point}:${value}`);
}

/** Checks activity.case.id: it must exist, belong to the customer, and needs searchContactOnAttribute. */
export function assertCase(
  state: EceState,
  plan: CustomerPlan,
  caseId: string | null,
): Result<true, EceError> {
  if (caseId === null) return ok(true);
  if (plan.kind === 'anonymous') {
    return failWith('case.invalid', 'activity.case.id can be provided only with searchContactOnAttribute');
  }
  const found = getOwn(state.cases, caseId);
  if (!found) return failWith('case.invalid', `Case ${toEcho(caseId)} does not exist`);
  if (plan.kind !== 'existing' || found.customerId !== plan.customerId) {
    return failWith(
      'case.invalid',
      `Case ${toEcho(caseId)} does not belong to the customer initiating the conversation`,
    );
  }
  return ok(true);
}
