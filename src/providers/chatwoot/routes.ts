// The HTTP glue the chatwoot routes (routes-*.ts) share: the caller, the body and the query, read as Rails reads
// them. A refusal is thrown in Chatwoot's envelope; the pipeline answers it.
import type { Context } from 'hono';
import { readBody } from '../../http.ts';
import { getOwn, isSafeKey } from '../../own.ts';
import type { Result } from '../../provider/index.ts';
import type { ChatwootContext } from './events.ts';
import { type Agent, type Conversation, findConversation } from './model.ts';
import {
  type ChatwootFailure,
  ERROR_BAD_REQUEST,
  ERROR_NOT_ALLOWED,
  ERROR_NOT_FOUND,
  refuseWith,
} from './render-errors.ts';
import { readUploadedBytes } from './routes-attachments.ts';
import { isInboxVisible, MAX_JSON_NESTING, type Params, parseParams, toRecordId } from './rules.ts';
import { type Access, type AccessRule, parseAccess, parseUserAccess } from './rules-auth.ts';

/**
 * Reads the access token: `api_access_token`, or any header Rack maps to HTTP_API_ACCESS_TOKEN
 * (`Api-Access-Token`); header names are case-insensitive. `Authorization: Bearer` is ignored.
 */
function readAccessToken(c: Context): string | undefined {
  return c.req.header('api_access_token') ?? c.req.header('api-access-token');
}

/** The user of a route outside accounts (profile), or the request is refused (401). */
export function authorizeUser(ctx: ChatwootContext, c: Context): Agent {
  return valueOrRefuse(c, parseUserAccess(ctx.state(), readAccessToken(c)));
}

/** The caller and the account of the path, or the request is refused (401/404 in Chatwoot's order). */
export function authorize(ctx: ChatwootContext, c: Context, rule: AccessRule): Access {
  return valueOrRefuse(
    c,
    parseAccess(ctx.state(), readAccessToken(c), c.req.param('account_id') ?? '', rule),
  );
}

/**
 * Reads the body into params. Like Rails, a body of another media type (or a JSON array) adds no params;
 * malformed JSON, or JSON nested deeper than Ruby's JSON.parse reads, is refused (400).
 */
export async function readParams(c: Context): Promise<Params> {
  const result = await readBody(c, ['json', 'form', 'multipart'], { maxJsonDepth: MAX_JSON_NESTING });
  if (!result.ok) {
    if (result.reason === 'malformed') refuseWith(c, ERROR_BAD_REQUEST);
    return { body: {}, files: [] };
  }
  const params = parseParams(result.value, result.kind) ?? refuseWith(c, ERROR_BAD_REQUEST);
  if (result.kind === 'multipart') await readUploadedBytes(result.value, params.files);
  return params;
}

/** The query string as a flat record, keeping repeated keys (`labels=a&labels=b`) as arrays. */
export function readQuery(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    const k = key.replace(/\[\]$/, '');
    // No Chatwoot query param is named __proto__; assigning it would change the record's prototype.
    if (isSafeKey(k)) out[k] = values.length === 1 && !key.endsWith('[]') ? values[0]! : values;
  }
  return out;
}

/** The value of a validation, or the request is refused with its failure. */
export function valueOrRefuse<T>(c: Context, result: Result<T, ChatwootFailure>): T {
  if (!result.ok) refuseWith(c, result.error);
  return result.value;
}

/**
 * The conversation of the path (`find_by!(display_id:)`, 404), then `authorize @conversation, :show?` (401 from
 * Pundit): administrators and bots see every conversation of the account, agents those of their inboxes.
 */
export function loadConversation(ctx: ChatwootContext, c: Context, access: Access): Conversation {
  const s = ctx.state();
  const id = toRecordId(c.req.param('conversation_id'));
  const conv = id === null ? undefined : findConversation(s, access.accountId, id);
  if (!conv) refuseWith(c, ERROR_NOT_FOUND);
  if (!isInboxVisible(access.actor, getOwn(s.inboxes, String(conv.inbox_id))!))
    refuseWith(c, ERROR_NOT_ALLOWED);
  return conv;
}
