import type { Context } from 'hono';
import { toEcho } from '../../echo.ts';
import { type CoreError, Refusal } from '../../provider/index.ts';

/** A Chatwoot error answer: HTTP status and the exact JSON body Chatwoot renders. */
export type ChatwootFailure = { status: number; body: unknown };

/** 401 from Devise when no token header is sent (issues #11917, #1194). */
export const ERROR_SIGN_IN: ChatwootFailure = {
  status: 401,
  body: { errors: ['You need to sign in or sign up before continuing.'] },
};
/** 401 when the token header names no user or bot (access_token_auth_helper.rb). */
export const ERROR_INVALID_TOKEN: ChatwootFailure = { status: 401, body: { error: 'Invalid Access Token' } };
/** 401 when an agent-bot token calls an endpoint bots may not use. */
export const ERROR_BOT_FORBIDDEN: ChatwootFailure = {
  status: 401,
  body: { error: 'Access to this endpoint is not authorized for bots' },
};
/** 401 when the user is not a member of the account in the path. */
export const ERROR_NOT_MEMBER: ChatwootFailure = {
  status: 401,
  body: { error: 'You are not authorized to access this account' },
};
/** 401 from Pundit (Chatwoot answers 401, not the swagger's 403). */
export const ERROR_NOT_ALLOWED: ChatwootFailure = {
  status: 401,
  body: { error: 'You are not authorized to do this action' },
};
/** 404 for ActiveRecord::RecordNotFound (request_exception_handler.rb). */
export const ERROR_NOT_FOUND: ChatwootFailure = {
  status: 404,
  body: { error: 'Resource could not be found' },
};
/** 422 for ActiveRecord::RecordNotUnique on the contact inbox. */
export const ERROR_SOURCE_ID_TAKEN: ChatwootFailure = {
  status: 422,
  body: { error: 'source_id should be unique' },
};
/** Rails' answer to an unparsable body (ActionDispatch::Http::Parameters::ParseError). */
export const ERROR_BAD_REQUEST: ChatwootFailure = {
  status: 400,
  body: { status: 400, error: 'Bad Request' },
};

/** 422 for ActiveRecord::RecordInvalid: full messages joined by ', ' and the attribute names. */
export function toInvalidRecord(
  errors: ReadonlyArray<{ attribute: string; message: string }>,
): ChatwootFailure {
  return {
    status: 422,
    body: { message: errors.map((e) => e.message).join(', '), attributes: errors.map((e) => e.attribute) },
  };
}

/** 422 `{"error": message}` as rendered by `render_could_not_create_error`. */
export function toUnprocessable(message: string): ChatwootFailure {
  return { status: 422, body: { error: message } };
}

/** Rails' answer when `params.require(:webhook)` finds no usable value (ParameterMissing, request_exception_handler). */
export const ERROR_WEBHOOK_MISSING = toUnprocessable('param is missing or the value is empty: webhook');

/**
 * Request input as an error message quotes it: escaped and cut by `toEcho`, without the JSON quotes (Chatwoot's
 * messages quote with single quotes around the value).
 */
export function toInputText(value: unknown): string {
  return toEcho(typeof value === 'string' ? value : String(value)).slice(1, -1);
}

/** Answers a Chatwoot failure as JSON. */
export function renderFailure(c: Context, failure: ChatwootFailure): Response {
  return c.json(failure.body as object, failure.status as 401);
}

/** Refuses the request with a Chatwoot failure (the pipeline answers it as is). */
export function refuseWith(c: Context, failure: ChatwootFailure): never {
  throw new Refusal(renderFailure(c, failure));
}

/**
 * The envelope of errors the core detects around the routes. A route Chatwoot has and the simulator does not, or one
 * neither has, answers as Rails answers an unknown route (ActionDispatch::PublicExceptions in API mode:
 * `{"status":404,"error":"Not Found"}`), which a client tells from a record miss (`{"error":"Resource could not be
 * found"}`); the core's `x-convosim-unmatched` header names the providers and the nearest routes.
 */
export function renderCoreError(c: Context, error: CoreError): Response {
  if (error.kind === 'not-found') return c.json({ status: 404, error: 'Not Found' }, 404);
  return c.json({ error: error.message }, error.status as 500);
}
