import { toEcho } from '../../echo.ts';

/** A Chatwoot error answer: HTTP status and the exact JSON body Chatwoot renders. */
export type ChatwootFailure = { status: number; body: unknown };

/** Either a validated value or the Chatwoot error to answer with. */
export type ChatwootResult<T> = { ok: true; value: T } | { ok: false; error: ChatwootFailure };

/** Wraps a value as a success. */
export function ok<T>(value: T): ChatwootResult<T> {
  return { ok: true, value };
}

/** Wraps a failure. */
export function fail<T = never>(error: ChatwootFailure): ChatwootResult<T> {
  return { ok: false, error };
}

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

/**
 * Request input as an error message quotes it: escaped and cut by `toEcho`, without the JSON quotes (Chatwoot's
 * messages quote with single quotes around the value).
 */
export function toInputText(value: unknown): string {
  return toEcho(typeof value === 'string' ? value : String(value)).slice(1, -1);
}
