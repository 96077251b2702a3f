import { getOwn, hasOwn } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import {
  type AirkitConversation,
  type AirkitState,
  type ConversationStart,
  type CustomerDestination,
  getConversation,
  type Resource,
} from './model.ts';
import type { PageRequest } from './model-pages.ts';
import { type AirkitFailure, toInputText, toQuoted } from './render-errors.ts';

type Body = Record<string, unknown>;
type Issue = { field: string; issue: string };

const E164 = /^\+[1-9]\d{6,14}$/;
const invalid = (details: Issue[]): AirkitFailure => ({
  status: 400,
  code: 'INVALID_ARGUMENT',
  message: details.map((d) => `${d.field} ${d.issue}`).join('; '),
  details,
});

/** The validated Start Conversation request (the conversation id is drawn once it is valid). */
export type StartPlan = Omit<ConversationStart, 'id'>;

/** Reads the Customer Destination: a Text (session id) string or `{type:'Text'|'Phone', value}`. */
export function parseCustomerDestination(value: unknown, issues: Issue[]): CustomerDestination | null {
  const field = 'customerDestination';
  if (value === undefined || value === null || value === '') {
    issues.push({ field, issue: 'is required' });
    return null;
  }
  if (typeof value === 'string') return { type: 'Text', sessionId: value };
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ field, issue: 'expects type Text or Phone' });
    return null;
  }
  const { type, value: inner } = value as Body;
  if (type === 'Text') {
    if (typeof inner !== 'string' || inner.trim() === '') {
      issues.push({
        field: `${field}.value`,
        issue: 'expects a non-empty Text (the chat web control session id)',
      });
      return null;
    }
    return { type: 'Text', sessionId: inner };
  }
  if (type === 'Phone') {
    if (typeof inner !== 'string' || !E164.test(inner)) {
      issues.push({
        field: `${field}.value`,
        issue: 'expects a Phone number in E.164 format, like +15550100001',
      });
      return null;
    }
    return { type: 'Phone', phoneNumber: inner };
  }
  issues.push({ field: `${field}.type`, issue: "expects 'Text' or 'Phone'" });
  return null;
}

/** A phone number written as text: an optional `+`, then 7 to 15 digits with spaces, `-`, `.` or parentheses. */
const PHONE_TEXT = /^\+?[\d\s().-]+$/;

/**
 * The destination of an SMS resource: seed 000 says the Customer Destination "Expects type Text or Phone" and,
 * for SMS, "will be the user's phone number", so a phone number given as Text is the Phone it names, written
 * without its separators (`+1 (555) 010-0001` is `+15550100001`; without `+` the digits as given). Other text
 * stays Text, which an SMS resource refuses.
 */
export function toSmsDestination(destination: CustomerDestination): CustomerDestination {
  if (destination.type !== 'Text') return destination;
  const text = destination.sessionId.trim();
  if (!PHONE_TEXT.test(text)) return destination;
  const digits = text.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return destination;
  return { type: 'Phone', phoneNumber: `${text.startsWith('+') ? '+' : ''}${digits}` };
}

/**
 * Validates Start Conversation: all field types first (400 with every issue), then the resource (404), its
 * Conversation Hub association (409), the destination's fit with the resource channel (400), and a webhook URL for
 * third-party managed conversations (409).
 */
export function parseStartConversation(body: unknown, s: AirkitState): Result<StartPlan, AirkitFailure> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(invalid([{ field: '(body)', issue: 'expects a JSON object' }]));
  }
  const b = body as Body;
  const issues: Issue[] = [];
  const resourceId = b.conversationHubChannelResource;
  if (resourceId === undefined || resourceId === null || resourceId === '') {
    issues.push({ field: 'conversationHubChannelResource', issue: 'is required' });
  } else if (typeof resourceId !== 'string') {
    issues.push({
      field: 'conversationHubChannelResource',
      issue: 'expects a Conversation Hub Channel Resource id (Text)',
    });
  }
  const destination = parseCustomerDestination(b.customerDestination, issues);
  const identifier = b.customerIdentifier;
  if (identifier !== undefined && identifier !== null && typeof identifier !== 'string') {
    issues.push({ field: 'customerIdentifier', issue: 'expects type Text' });
  }
  const managed = b.managedByThirdPartySystem;
  if (managed !== undefined && typeof managed !== 'boolean') {
    issues.push({ field: 'managedByThirdPartySystem', issue: 'expects type Boolean' });
  }
  const known = new Set([
    'conversationHubChannelResource',
    'customerDestination',
    'customerIdentifier',
    'managedByThirdPartySystem',
  ]);
  for (const key of Object.keys(b)) {
    if (!known.has(key))
      issues.push({ field: toInputText(key), issue: 'is not an input of Start Conversation' });
  }
  if (issues.length > 0 || !destination) return fail(invalid(issues));

  const resource = getOwn(s.resources, resourceId as string);
  if (!resource) {
    return fail({
      status: 404,
      code: 'RESOURCE_NOT_FOUND',
      message: `No Conversation Hub Channel Resource ${toQuoted(resourceId)}`,
    });
  }
  if (resource.hubId === null || !hasOwn(s.hubs, resource.hubId)) {
    return fail({
      status: 409,
      code: 'RESOURCE_NOT_ASSOCIATED',
      message: `Conversation Hub Channel Resource ${toQuoted(resource.id)} must be associated with a Conversation Hub before it can be used`,
    });
  }
  const wanted = resource.channel === 'chat' ? 'Text' : 'Phone';
  const fitted = resource.channel === 'sms' ? toSmsDestination(destination) : destination;
  if (fitted.type !== wanted) {
    return fail(
      invalid([
        {
          field: 'customerDestination.type',
          issue:
            wanted === 'Text'
              ? 'expects Text for a chat resource (the chat web control session id)'
              : "expects the user's phone number for a sms resource (Phone, or Text holding a phone number)",
        },
      ]),
    );
  }
  const managedValue = typeof managed === 'boolean' ? managed : true;
  if (managedValue && resource.webhookUrl === null) {
    return fail({
      status: 409,
      code: 'RESOURCE_NOT_CONFIGURED',
      message: `Conversation Hub Channel Resource ${toQuoted(resource.id)} has no third-party webhook URL; set resources[].webhookUrl in fixtures or PATCH /__admin/providers/airkit/resources/${encodeURIComponent(resource.id)}`,
    });
  }
  return ok({
    resource: resource as Resource & { hubId: string },
    customerDestination: fitted,
    customerIdentifier: typeof identifier === 'string' ? identifier : null,
    managedByThirdPartySystem: managedValue,
  });
}

/** Validates a message body `{text}`: a non-empty string of at most 4096 characters. */
export function parseMessageText(body: unknown): Result<string, AirkitFailure> {
  const text = typeof body === 'object' && body !== null ? (body as Body).text : undefined;
  if (typeof text !== 'string' || text.trim() === '') {
    return fail(invalid([{ field: 'text', issue: 'expects a non-empty Text' }]));
  }
  if (text.length > 4096) return fail(invalid([{ field: 'text', issue: 'is longer than 4096 characters' }]));
  return ok(text);
}

/** Checks `Authorization: Bearer <key>` against the API keys (401 UNAUTHENTICATED). */
export function parseApiKey(header: string | undefined, s: AirkitState): Result<string, AirkitFailure> {
  const match = /^Bearer\s+(.+)$/i.exec((header ?? '').trim());
  if (!match) {
    return fail({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'Send the API key as Authorization: Bearer <key>',
    });
  }
  const id = getOwn(s.index.keys, `k:${match[1]}`);
  return id === undefined
    ? fail({ status: 401, code: 'UNAUTHENTICATED', message: 'Invalid API key' })
    : ok(id);
}

/** A conversation that is held (404 CONVERSATION_NOT_FOUND). */
export function parseConversation(s: AirkitState, id: string): Result<AirkitConversation, AirkitFailure> {
  const conv = getConversation(s, id);
  if (!conv)
    return fail({ status: 404, code: 'CONVERSATION_NOT_FOUND', message: `No conversation ${toQuoted(id)}` });
  return ok(conv);
}

/** A conversation that is held and has not ended (409 CONVERSATION_ENDED). */
export function parseOpenConversation(s: AirkitState, id: string): Result<AirkitConversation, AirkitFailure> {
  const conv = parseConversation(s, id);
  if (conv.ok && conv.value.status === 'ended') {
    return fail({
      status: 409,
      code: 'CONVERSATION_ENDED',
      message: `Conversation ${toQuoted(id)} has ended`,
    });
  }
  return conv;
}

/** A conversation the third-party system may write to: open, and third-party managed (409 NOT_THIRD_PARTY_MANAGED). */
export function parseThirdPartyWritable(
  s: AirkitState,
  id: string,
): Result<AirkitConversation, AirkitFailure> {
  const conv = parseOpenConversation(s, id);
  if (conv.ok && !conv.value.managedByThirdPartySystem) {
    return fail({
      status: 409,
      code: 'NOT_THIRD_PARTY_MANAGED',
      message: `Conversation ${toQuoted(id)} was started with managedByThirdPartySystem false; no third-party system may write to it`,
    });
  }
  return conv;
}

/**
 * A conversation the end user may write to: open, and past the third party's first message unless
 * `allowCustomerFirst` (409 AWAITING_FIRST_MESSAGE).
 */
export function parseCustomerWritable(
  s: AirkitState,
  id: string,
  allowCustomerFirst: boolean,
): Result<AirkitConversation, AirkitFailure> {
  const conv = parseOpenConversation(s, id);
  if (conv.ok && conv.value.status === 'awaiting-first-message' && !allowCustomerFirst) {
    return fail({
      status: 409,
      code: 'AWAITING_FIRST_MESSAGE',
      message: `Conversation ${toQuoted(id)} waits for the third-party system's first message`,
    });
  }
  return conv;
}

/** Largest `pageSize` a listing accepts (simulator choice). */
export const MAX_PAGE_SIZE = 1000;

/**
 * Reads the paging query of a listing (simulator choice, in the style of Google's list APIs): `pageSize` from 1 to
 * MAX_PAGE_SIZE (default `defaultSize`) and `pageToken`, the `nextPageToken` of the previous page.
 */
export function parsePageRequest(
  pageSize: string | undefined,
  pageToken: string | undefined,
  defaultSize: number,
): Result<PageRequest, AirkitFailure> {
  const issues: Issue[] = [];
  let size = defaultSize;
  if (pageSize !== undefined && pageSize !== '') {
    size = /^\d{1,7}$/.test(pageSize) ? Number(pageSize) : 0;
    if (size < 1 || size > MAX_PAGE_SIZE)
      issues.push({ field: 'pageSize', issue: `expects a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  let offset = 0;
  if (pageToken !== undefined && pageToken !== '') {
    if (/^\d{1,15}$/.test(pageToken)) offset = Number(pageToken);
    else issues.push({ field: 'pageToken', issue: 'expects a nextPageToken this API returned' });
  }
  return issues.length > 0 ? fail(invalid(issues)) : ok({ offset, size });
}
