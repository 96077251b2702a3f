// Who may call an account route: Chatwoot's token, account, membership, bot and role checks, in its order.
import { getOwn, hasOwn } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import type { Agent, ChatwootState } from './model.ts';
import {
  type ChatwootFailure,
  ERROR_BOT_FORBIDDEN,
  ERROR_INVALID_TOKEN,
  ERROR_NOT_ALLOWED,
  ERROR_NOT_FOUND,
  ERROR_NOT_MEMBER,
  ERROR_SIGN_IN,
} from './render-errors.ts';
import { type Actor, toRecordId } from './rules.ts';

/** What a route allows beyond account members: agent bots, or administrators only. */
export type AccessRule = { bots?: boolean; adminOnly?: boolean };

/** An authenticated caller and the account of the path. */
export type Access = { actor: Actor; accountId: number };

/**
 * Authenticates and authorises one request, in Chatwoot's order: token (401), account (404), membership (401),
 * bot restrictions (401), then role (401 from Pundit).
 */
export function parseAccess(
  s: ChatwootState,
  token: string | undefined,
  accountParam: string,
  rule: AccessRule,
): Result<Access, ChatwootFailure> {
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

/**
 * The user of a route outside accounts (`/api/v1/profile`): token (401), then bots refused (401), as
 * Api::V1::ProfilesController answers through Api::BaseController.
 */
export function parseUserAccess(s: ChatwootState, token: string | undefined): Result<Agent, ChatwootFailure> {
  if (token === undefined || token === '') return fail(ERROR_SIGN_IN);
  const holder = getOwn(s.index.tokens, `t:${token}`);
  if (holder?.kind === 'bot' && hasOwn(s.agentBots, String(holder.id))) return fail(ERROR_BOT_FORBIDDEN);
  const agent = holder?.kind === 'user' ? getOwn(s.agents, String(holder.id)) : undefined;
  return agent ? ok(agent) : fail(ERROR_INVALID_TOKEN);
}
