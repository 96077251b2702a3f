// The error envelope of each provider and of the admin API, as predicates over an answer (null = in the envelope).
// Sources: docs/providers/<p>.md ("Errors", "Error codes", "Authentication") and the providers' own tests.
import { isRecord } from '../../src/own.ts';
import type { Answer, Envelope } from '../support/fuzz-harness.ts';

type Json = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const hasOnly = (v: Json, allowed: readonly string[]) => Object.keys(v).every((k) => allowed.includes(k));
const isCodeMessage = (v: unknown) =>
  isRecord(v) &&
  isString(v.message) &&
  (v.code === undefined || isString(v.code)) &&
  hasOnly(v, ['code', 'message']);

/** The core's explanation of a path outside every provider (after `..` segments left the provider's base path). */
function isOutsideEveryProvider(answer: Answer, bases: readonly string[]): boolean {
  const inside = bases.some((b) => answer.path === b || answer.path.startsWith(`${b}/`));
  const json = answer.json;
  return (
    !inside &&
    answer.status === 404 &&
    isRecord(json) &&
    json.provider === null &&
    Array.isArray(json.providers)
  );
}

function expectJson(answer: Answer, type: RegExp): string | null {
  if (!type.test(answer.contentType))
    return `content type ${JSON.stringify(answer.contentType)}, expected ${type}`;
  if (answer.json === undefined) return 'the body is not JSON';
  return null;
}

const ECE_BASES = ['/system/ws/v19/clientapplications', '/ws/v19/clientapplications'];

/**
 * ECE WSError (docs/providers/ece.md "Simulator choices", "Error codes"): JSON `{code, developerMessage, userMessage,
 * moreInfo}` or XML `<WSError><code>…`, the code `<status>-<nnn>` naming the HTTP status.
 */
export const eceEnvelope: Envelope = (answer) => {
  if (isOutsideEveryProvider(answer, ECE_BASES)) return null;
  if (/xml/i.test(answer.contentType)) {
    const match =
      /^(?:<\?xml[^>]*\?>)?<WSError><code>(\d{3})-\d{3}<\/code><developerMessage>[^<]*<\/developerMessage><userMessage>[^<]*<\/userMessage>(?:<moreInfo>[^<]*<\/moreInfo>)?<\/WSError>$/.exec(
        answer.text,
      );
    if (!match) return 'not an XML WSError';
    return match[1] === String(answer.status) ? null : `WSError code ${match[1]}-… on a ${answer.status}`;
  }
  const problem = expectJson(answer, /^application\/json/);
  if (problem) return problem;
  const body = answer.json;
  if (!isRecord(body)) return 'not a JSON object';
  if (!hasOnly(body, ['code', 'developerMessage', 'userMessage', 'moreInfo'])) {
    return `unexpected keys ${Object.keys(body).join(',')}`;
  }
  if (!isString(body.code) || !/^\d{3}-\d{3}$/.test(body.code)) return 'no WSError code';
  if (!isString(body.developerMessage) || !isString(body.userMessage))
    return 'no developerMessage/userMessage';
  if (!body.code.startsWith(`${answer.status}-`)) return `WSError code ${body.code} on a ${answer.status}`;
  return null;
};

/** The admin API's `{error}` envelope (src/admin-routes.ts; ECE's provider admin routes use it too). */
export const adminEnvelope: Envelope = (answer) => {
  const problem = expectJson(answer, /^application\/json/);
  if (problem) return problem;
  const body = answer.json;
  if (!isRecord(body) || !isString(body.error)) return 'not an {error} object';
  if (!hasOnly(body, ['error', 'details', 'routes'])) return `unexpected keys ${Object.keys(body).join(',')}`;
  if (body.routes !== undefined && !isStringArray(body.routes)) return 'routes is not a list of strings';
  return null;
};

const V2_BASES = ['/oauth/v2', '/vcc'];
const GATEWAY_BASES = ['/chat-gateway/v1'];

function v2Problem(answer: Answer): string | null {
  const body = answer.json as Json;
  const isOauth = answer.path === '/oauth/v2/token' && isString(body.ErrorCode) && isString(body.Error);
  if (isOauth) return hasOnly(body, ['ErrorCode', 'Error']) ? null : 'extra keys in the OAuth problem';
  if (answer.status === 401) {
    const fault = body.fault;
    if (
      isRecord(fault) &&
      isString(fault.faultstring) &&
      isRecord(fault.detail) &&
      isString(fault.detail.errorcode) &&
      hasOnly(body, ['fault'])
    ) {
      return null;
    }
    return 'a v2 401 that is not the Apigee fault';
  }
  if (!isString(body.message)) return 'no message';
  if (!hasOnly(body, ['message', 'errors', 'validations', 'referenceId'])) {
    return `unexpected keys ${Object.keys(body).join(',')}`;
  }
  const errors = body.errors;
  const validList = isStringArray(errors) || (Array.isArray(errors) && errors.every(isCodeMessage));
  if (!validList) return 'errors is neither a list of strings nor of {code, message}';
  return null;
}

function gatewayProblem(answer: Answer): string | null {
  const body = answer.json as Json;
  if (!isString(body.message)) return 'no message';
  if (!hasOnly(body, ['message', 'errors', 'referenceId']))
    return `unexpected keys ${Object.keys(body).join(',')}`;
  const errors = body.errors;
  const valid =
    isStringArray(errors) || (Array.isArray(errors) && errors.every(isCodeMessage)) || isCodeMessage(errors);
  if (!valid) return 'errors is not a GenericExceptionPayload/BadRequestProblem list';
  if (body.referenceId !== undefined && !isString(body.referenceId)) return 'referenceId is not a string';
  if (answer.status === 401 && body.message !== 'Access Denied')
    return 'a Gateway 401 that is not Access Denied';
  return null;
}

/**
 * 8x8 problem+json (docs/providers/8x8.md "Errors"): Chat API v2 (Apigee fault on 401, OAuth problem on the token
 * endpoint, Constraint Violation / ValidationExceptionPayload / ResourceNotFound / InternalServerProblem) and Chat
 * Gateway v1 (Access Denied, GenericExceptionPayload, BadRequestProblem, InvalidParameter, ResourceNotFound).
 */
export const eightByEightEnvelope: Envelope = (answer) => {
  if (isOutsideEveryProvider(answer, [...V2_BASES, ...GATEWAY_BASES])) return null;
  const problem = expectJson(answer, /^application\/problem\+json/);
  if (problem) return problem;
  if (!isRecord(answer.json)) return 'not a JSON object';
  return answer.path.startsWith('/chat-gateway/') || answer.path.startsWith('/api/v1/tenant/')
    ? gatewayProblem(answer)
    : v2Problem(answer);
};

/**
 * Chatwoot's error bodies (docs/providers/chatwoot.md, src/providers/chatwoot/errors.ts): `{errors:[…]}` (Devise 401),
 * `{error}`, `{message, attributes}` (RecordInvalid 422), `{status, error}` (Rails ParseError 400).
 */
export const chatwootEnvelope: Envelope = (answer) => {
  if (isOutsideEveryProvider(answer, ['/api/v1/accounts'])) return null;
  const problem = expectJson(answer, /^application\/json/);
  if (problem) return problem;
  const body = answer.json;
  if (!isRecord(body)) return 'not a JSON object';
  if (isStringArray(body.errors) && hasOnly(body, ['errors'])) {
    return answer.status === 401 ? null : `{errors} on a ${answer.status}`;
  }
  if (isString(body.error) && hasOnly(body, ['error'])) return null;
  if (isString(body.message) && isStringArray(body.attributes) && hasOnly(body, ['message', 'attributes'])) {
    return answer.status === 422 ? null : `{message, attributes} on a ${answer.status}`;
  }
  if (body.status === answer.status && isString(body.error) && hasOnly(body, ['status', 'error']))
    return null;
  return `not a Chatwoot error body: keys ${Object.keys(body).join(',')}`;
};

function isAirkitError(body: unknown): boolean {
  if (!isRecord(body) || !hasOnly(body, ['error']) || !isRecord(body.error)) return false;
  const error = body.error;
  if (!isString(error.code) || !/^[A-Z][A-Z_]*$/.test(error.code) || !isString(error.message)) return false;
  if (!hasOnly(error, ['code', 'message', 'details'])) return false;
  return (
    error.details === undefined ||
    (Array.isArray(error.details) &&
      error.details.every(
        (d) => isRecord(d) && isString(d.field) && isString(d.issue) && hasOnly(d, ['field', 'issue']),
      ))
  );
}

/** Airkit's envelope (docs/providers/airkit.md "Authentication and errors"): `{"error":{"code","message","details"?}}`. */
export const airkitEnvelope: Envelope = (answer) => {
  if (isOutsideEveryProvider(answer, ['/airkit/v1'])) return null;
  const problem = expectJson(answer, /^application\/json/);
  if (problem) return problem;
  return isAirkitError(answer.json) ? null : 'not an Airkit {error:{code,message}} envelope';
};

/**
 * A provider's admin routes answer in `own`; what the admin API itself answers under /__admin (an unknown admin
 * route after a `..` segment, a body over the limit, a refused token or cross-site origin) is in the admin
 * `{error}` envelope.
 */
export function providerAdminEnvelope(own: Envelope): Envelope {
  return (answer) => {
    const result = own(answer);
    if (result === null) return null;
    const coreAnswer =
      answer.status === 413 ||
      answer.status === 401 ||
      answer.status === 403 ||
      (answer.status === 404 && isRecord(answer.json) && 'routes' in answer.json);
    return coreAnswer && adminEnvelope(answer) === null ? null : result;
  };
}
