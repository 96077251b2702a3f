/**
 * Transitions of the partition around the conversations: access tokens, client applications' callbacks and their
 * failed deliveries, agents, settings and entry points (the admin changes), and an older store's missing records.
 */
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import type { Delivery } from '../../provider/index.ts';
import type { Outcome } from './model.ts';
import { applyAssignWaiting } from './model-assignment.ts';
import {
  addIssuedSession,
  endClientSessions,
  endExpiredSessions,
  TOKEN_LIFETIME_MS,
} from './model-indexes.ts';
import type { CallbackAuth, EceState } from './model-state.ts';

/**
 * Issues an access token to a client application (the Authentication API). Expired sessions are forgotten
 * first, oldest first, so a long run does not keep every token ever issued; forceLogin ends the application's
 * other sessions.
 */
export function applyIssueToken(
  draft: EceState,
  input: { token: string; clientKey: string; forceLogin: boolean },
  now: number,
): Outcome {
  endExpiredSessions(draft, now);
  if (input.forceLogin) endClientSessions(draft, input.clientKey);
  addIssuedSession(draft, {
    token: input.token,
    kind: 'clientApplication',
    clientKey: input.clientKey,
    createdAt: now,
    expiresAt: now + TOKEN_LIFETIME_MS,
  });
  return {};
}

/** A change of a client application's callback settings. */
export type CallbackChange = {
  url?: string | null | undefined;
  active?: boolean | undefined;
  format?: 'json' | 'xml' | undefined;
  auth?: CallbackAuth | undefined;
};

/** Changes a client application's callback; reactivating it clears its failure count. */
export function applyCallbackChange(draft: EceState, clientKey: string, change: CallbackChange): Outcome {
  const callback = getOwn(draft.clientApplications, clientKey)!.callback;
  if (change.url !== undefined) callback.url = change.url;
  if (change.format !== undefined) callback.format = change.format;
  if (change.auth !== undefined) callback.auth = change.auth;
  if (change.active !== undefined) {
    callback.active = change.active;
    if (change.active) callback.consecutiveFailures = 0;
  }
  return {};
}

/**
 * Counts consecutive failed callback deliveries per client application; after `threshold` the callback URL is
 * deactivated (reference 2.7: the rule itself is not public; the threshold is a simulator choice).
 */
export function applyDeliverySettled(
  draft: EceState,
  delivery: { clientKey: string; state: Delivery['state'] },
  threshold: number,
): Outcome {
  const app = getOwn(draft.clientApplications, delivery.clientKey);
  if (!app) return {};
  if (delivery.state === 'delivered') {
    app.callback.consecutiveFailures = 0;
    return {};
  }
  if (delivery.state !== 'failed') return {};
  app.callback.consecutiveFailures += 1;
  if (!app.callback.active || app.callback.consecutiveFailures < threshold) return {};
  app.callback.active = false;
  return {
    warnings: [
      `callback URL of client application ${toEcho(delivery.clientKey)} deactivated after ${app.callback.consecutiveFailures} failed deliveries`,
    ],
  };
}

/** A change of an agent. */
export type AgentChange = {
  loggedIn?: boolean | undefined;
  available?: boolean | undefined;
  maxChats?: number | undefined;
  queues?: string[] | undefined;
};

/** Changes an agent, then assigns the waiting chats it (or another agent) can now take. */
export function applyAgentChange(
  draft: EceState,
  agentId: string,
  change: AgentChange,
  now: number,
): Outcome {
  const agent = getOwn(draft.agents, agentId)!;
  if (change.loggedIn !== undefined) agent.loggedIn = change.loggedIn;
  if (change.available !== undefined) agent.available = change.available;
  if (change.maxChats !== undefined) agent.maxChats = change.maxChats;
  if (change.queues !== undefined) agent.queues = [...change.queues];
  return { postings: applyAssignWaiting(draft, now) };
}

/** A change of the partition settings. */
export type SettingsChange = {
  assignmentServiceRunning?: boolean | undefined;
  customerDepartmentalization?: boolean | undefined;
};

/** Changes the partition settings, then assigns the waiting chats that can now be assigned. */
export function applySettingsChange(draft: EceState, change: SettingsChange, now: number): Outcome {
  if (change.assignmentServiceRunning !== undefined)
    draft.settings.assignmentServiceRunning = change.assignmentServiceRunning;
  if (change.customerDepartmentalization !== undefined)
    draft.settings.customerDepartmentalization = change.customerDepartmentalization;
  return { postings: applyAssignWaiting(draft, now) };
}

/** Changes an entry point's lastModified date (default: now), so cached dates get 409. */
export function applyEntryPointChange(
  draft: EceState,
  entryPointId: string,
  lastModified: string | undefined,
  now: number,
): Outcome {
  getOwn(draft.entryPoints, entryPointId)!.lastModified = lastModified ?? new Date(now).toISOString();
  return {};
}

/**
 * Gives a store written by an older version the records it misses: the assignment mark, and the arrival counter
 * with an arrival number for each waiting conversation (worked out by `toArrivalFallback` on the plain state, so
 * this touches only the waiting conversations). Its indexes are rebuilt afterwards, as at every start.
 */
export function applyStoreUpgrade(
  draft: EceState,
  fallback: { arrivals: ReadonlyArray<{ conversationId: string; arrival: number }>; next: number },
): Outcome {
  draft.assignment ??= { dueAt: null };
  for (const { conversationId, arrival } of fallback.arrivals) {
    const conversation = getOwn(draft.conversations, conversationId);
    if (conversation) conversation.arrival = arrival;
  }
  if (draft.counters.arrival === undefined || draft.counters.arrival < fallback.next)
    draft.counters.arrival = fallback.next;
  return {};
}
