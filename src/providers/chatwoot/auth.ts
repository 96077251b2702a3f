import type { Context } from 'hono';
import { getOwn, hasOwn } from '../../own.ts';
import {
  type ChatwootFailure,
  type ChatwootResult,
  ERROR_BOT_FORBIDDEN,
  ERROR_INVALID_TOKEN,
  ERROR_NOT_ALLOWED,
  ERROR_NOT_FOUND,
  ERROR_NOT_MEMBER,
  ERROR_SIGN_IN,
  fail,
  ok,
} from './errors.ts';
import type { ChatwootState } from './model.ts';
import { type Actor, toRecordId } from './rules.ts';

/** What a route allows beyond account members: agent bots, or administrators only. */
export type AccessRule = { bots?: boolean; adminOnly?: boolean };

/**
 * Reads the access token: `api_access_token`, or any header Rack maps to HTTP_API_ACCESS_TOKEN
 * (`Api-Access-Token`); header names are case-insensitive. `Authorization: Bearer` is ignored.
 */
export function readAccessToken(c: Context): string | undefined {
  return c.req.header('api_access_token') ?? c.req.header('api-access-token');
}

/**
 * Authenticates and authorises one request, in Chatwoot's order: token (401), account (404), membership (401),
 * bot restrictions (401), then role (401 from Pundit).
 */
export function checkAccess(
  s: ChatwootState,
  token: string | undefined,
  accountParam: string,
  rule: AccessRule,
): ChatwootResult<{ actor: Actor; accountId: number }> {
  if (token === undefined || token === '') return fail(ERROR_SIGN_IN);
  const holder = getOwn(s.index.tokens, `t:${token}`);
  const agent = holder?.kind === 'user' ? getOwn(s.agents, String(holder.id)) : undefined;
  const bot = holder?.kind === 'bot' ? getOwn(s.agentBots, String(holder.id)) : undefined;
  if (!agent && !bot) return fail(ERROR_INVALID_TOKEN);
  const accountId = toRecordId(accountParam);
  if (accountId === null || !hasOwn(s.accounts, String(accountId))) return fail(ERROR_NOT_FOUND);
  if (agent) {
    if (!agent.account_ids.includes(accountId)) return fail(ERROR_NOT_MEMBER);
    if (rule.adminOnly && agent.role !== 'administrator') return fail(ERROR_NOT_ALLOWED);
    return ok({ actor: { kind: 'user', agent }, accountId });
  }
  if (bot!.account_id !== accountId) return fail(ERROR_NOT_MEMBER);
  if (!rule.bots) return fail(ERROR_BOT_FORBIDDEN);
  return ok({ actor: { kind: 'bot', bot: bot! }, accountId });
}

/** Answers a Chatwoot failure as JSON. */
export function renderFailure(c: Context, failure: ChatwootFailure): Response {
  return c.json(failure.body as object, failure.status as 401);
}
