// 8x8 error envelopes (both OpenAPI files: every error is application/problem+json), and what each API answers
// for a bad request, a body it cannot read and the core's own errors.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { CoreError } from '../../provider/index.ts';
import { toChecksum } from './events-signing.ts';
import type { Random } from './model.ts';
import { makeReferenceId } from './model-ids.ts';
import { type Issue, show } from './rules.ts';

/** An error answer: status and body (always application/problem+json, as both specs document). */
export type ApiError = { status: number; body: unknown };

/** 404 ResourceNotFoundProblem (both APIs). */
export function toNotFound(resourceType: string, resourceId: string): ApiError {
  const message = `Resource of type ${resourceType} with id ${show(resourceId)} was not found.`;
  return { status: 404, body: { message, errors: [message] } };
}

/** Chat API v2 error bodies (components/schemas of chat-api-v2.openapi.json). */
export const v2Errors = {
  /** 401 UnauthorizedProblem: the Apigee fault. */
  unauthorized: (expired = false): ApiError => ({
    status: 401,
    body: {
      fault: expired
        ? {
            faultstring: 'Access Token expired',
            detail: { errorcode: 'keymanagement.service.access_token_expired' },
          }
        : {
            faultstring: 'Invalid Access Token',
            detail: { errorcode: 'keymanagement.service.invalid_access_token' },
          },
    },
  }),
  /** 400/401 OAuthConstraintViolationProblem of the token endpoint. */
  oauth: (status: number, code: string, error: string): ApiError => ({
    status,
    body: { ErrorCode: code, Error: error },
  }),
  /** 403 ForbiddenViolationProblem. */
  forbidden: (tenant: string, customerId: string): ApiError => ({
    status: 403,
    body: {
      message: 'The tenant does not belong to customer.',
      errors: [`Tenant ${show(tenant)} does not belong to customer ${customerId}.`],
    },
  }),
  /** 400 ConstraintViolationProblem. */
  constraint: (errors: string[]): ApiError => ({
    status: 400,
    body: { message: 'Constraint Violation', errors },
  }),
  /** 400 ValidationExceptionPayload (channel create). */
  validation: (items: { field: string; value: string; code: string; message: string }[]): ApiError => ({
    status: 400,
    body: {
      message: 'Validation failed.',
      errors: items.map(({ code, message }) => ({ code, message })),
      validations: items,
    },
  }),
  /** 404 of the JWK endpoint (a problem+json ClientError). */
  jwkNotFound: (jwkId: string): ApiError => ({
    status: 404,
    body: {
      type: 'ClientError',
      title: 'Resource not found.',
      status: 404,
      detail: 'Resource may not exist or is not accessible.',
      resourceType: 'JWKPublic',
      resourceId: show(jwkId),
      instance: 'ResourceNotFound',
    },
  }),
  /** 500 InternalServerProblem. */
  internal: (error: string, referenceId: string): ApiError => ({
    status: 500,
    body: {
      message: 'Could not process this request due to an internal error.',
      errors: [error],
      referenceId,
    },
  }),
};

/** Chat Gateway v1 error bodies (components/schemas of chat-gateway-v1.openapi.yml). */
export const gatewayErrors = {
  /** 401 UnauthorizedProblem. */
  unauthorized: (referenceId: string): ApiError => ({
    status: 401,
    body: {
      message: 'Access Denied',
      errors: [{ message: 'Access Denied', code: 'access_denied' }],
      referenceId,
    },
  }),
  /** 403 ForbiddenViolationProblem (X-8x8-Tenant mismatch). */
  forbidden: (customerId: string): ApiError => ({
    status: 403,
    body: {
      message: 'The tenant does not belong to customer.',
      errors: [`Header X-8x8-Tenant doesn't match tenant information for customerId=${customerId}`],
    },
  }),
  /** 404 where the spec documents none: the operation's `default`, GenericExceptionPayload. */
  notFoundGeneric: (resourceType: string, resourceId: string): ApiError => {
    const message = `Resource of type ${resourceType} with id ${show(resourceId)} was not found.`;
    return { status: 404, body: { message, errors: [{ code: 'resource_not_found', message }] } };
  },
  /** 404 ResourceNotFoundExceptionPayload (typing, thinking, read-receipt). */
  entityNotFound: (entity: string, id: string): ApiError => ({
    status: 404,
    body: {
      message: 'Resource not found',
      errors: [
        {
          code: 'resource_not_found',
          message: `Entity of type ${entity} with id ${show(id)} was not found.`,
        },
      ],
    },
  }),
  /** 400 GenericExceptionPayload. */
  generic: (status: number, message: string, errors: { code: string; message: string }[]): ApiError => ({
    status,
    body: { message, errors },
  }),
  /** 400 BadRequestProblem (send message): `errors` is an object. */
  badRequest: (message: string, code: string, referenceId: string): ApiError => ({
    status: 400,
    body: { message, errors: { code, message }, referenceId },
  }),
  /** 400 InvalidParameterExceptionPayload (typing, thinking, read-receipt). */
  invalidParameter: (message: string, referenceId: string): ApiError => ({
    status: 400,
    body: { message, errors: [{ code: 'invalid_parameter', message }], referenceId },
  }),
};

/** Answers an error in problem+json. */
export function renderProblem(c: Context, error: ApiError): Response {
  return c.body(JSON.stringify(error.body), error.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  });
}

/** How one API answers a request it refuses: the parts of its envelope the shared routes need. */
export type SurfaceErrors = {
  /** A body that is not JSON (or a JSON body with a `__proto__` key). */
  malformed(message: string): ApiError;
  /** A body or query that breaks the rules. */
  invalid(issues: Issue[]): ApiError;
  /** Channel create (v2: a ValidationExceptionPayload, also for an unreadable body). */
  malformedChannel(message: string): ApiError;
  invalidChannel(issues: Issue[]): ApiError;
  /** Send message (Gateway: a BadRequestProblem about the first issue, with a reference id). */
  invalidMessage(issues: Issue[], random: Random): ApiError;
  /** The receiver of a web-hook verification did not answer 2xx (`why`). */
  verifyFailed(uri: string, why: string): ApiError;
  /** No public key with this id. */
  jwkNotFound(jwkId: string): ApiError;
};

const toV2Constraint = (issues: Issue[]) =>
  v2Errors.constraint(issues.map((i) => `${i.field}: ${i.message}`));

/** Chat API v2: ConstraintViolationProblem, and a ValidationExceptionPayload on channel create. */
export const v2Problems: SurfaceErrors = {
  malformed: (message) => v2Errors.constraint([`body: ${message}`]),
  invalid: toV2Constraint,
  malformedChannel: (message) =>
    v2Errors.validation([{ field: 'body', value: '', code: 'invalid_json', message }]),
  invalidChannel: (issues) => v2Errors.validation(issues),
  invalidMessage: toV2Constraint,
  verifyFailed: (_uri, why) => v2Errors.constraint([`uri: Webhook verification failed (${why}).`]),
  jwkNotFound: (jwkId) => v2Errors.jwkNotFound(jwkId),
};

const toGatewayGeneric = (issues: Issue[]) =>
  gatewayErrors.generic(
    400,
    'Validation failed.',
    issues.map((i) => ({ code: i.code, message: `${i.field}: ${i.message}` })),
  );
const toGatewayMalformed = (message: string) =>
  gatewayErrors.generic(400, 'Validation failed.', [{ code: 'invalid_json_object', message }]);

/** Chat Gateway v1: GenericExceptionPayload, and a BadRequestProblem on send message. */
export const gatewayProblems: SurfaceErrors = {
  malformed: toGatewayMalformed,
  invalid: toGatewayGeneric,
  malformedChannel: toGatewayMalformed,
  invalidChannel: toGatewayGeneric,
  invalidMessage: (issues, random) => {
    const first = issues[0]!;
    const text = first.field.endsWith('authorType') ? first.message : `${first.field}: ${first.message}`;
    return gatewayErrors.badRequest(text, first.code, makeReferenceId(random));
  },
  verifyFailed: (uri, why) =>
    gatewayErrors.generic(400, 'Webhook verification failed.', [
      { code: 'webhook_verification_failed', message: `uri: ${show(uri)} answered ${why}.` },
    ]),
  jwkNotFound: (jwkId) => toNotFound('JWKPublic', jwkId),
};

/** An unknown route: ResourceNotFoundProblem in both APIs, with the core's explanation (known routes, nearest). */
function renderRouteNotFound(c: Context, error: CoreError): Response {
  const path = new URL(c.req.url).pathname;
  const body = { message: `Resource of type Route with id ${path} was not found.`, errors: [error.message] };
  return renderProblem(c, { status: 404, body });
}

/** The core's own errors (unknown route, fault, body too large, internal) in the v2 envelope. */
export function renderV2CoreError(c: Context, error: CoreError): Response {
  if (error.kind === 'not-found') return renderRouteNotFound(c, error);
  // The core gives no random source here: a checksum of the request keeps the reference id deterministic.
  const referenceId = toChecksum(`${c.req.method} ${c.req.url} ${error.message}`)
    .toString(16)
    .padStart(8, '0');
  return renderProblem(c, {
    status: error.status,
    body: {
      message: 'Could not process this request due to an internal error.',
      errors: [error.message],
      referenceId,
    },
  });
}

/** The core's own errors in the Gateway envelope. */
export function renderGatewayCoreError(c: Context, error: CoreError): Response {
  if (error.kind === 'not-found') return renderRouteNotFound(c, error);
  const code = error.kind === 'payload-too-large' ? 'payload_too_large' : 'internal_error';
  return renderProblem(c, {
    status: error.status,
    body: {
      message: error.status >= 500 ? 'Internal error.' : error.message,
      errors: [{ code, message: error.message }],
    },
  });
}
