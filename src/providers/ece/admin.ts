/**
 * ECE admin operations, mounted by the core under /__admin/providers/ece and callable as
 * `control.admin('ece', op, args)`: callbacks, agents, settings, entry points, and the conversations with their
 * transcripts. Mistakes are `ControlError`s (the admin envelope `{error}`).
 */
import { z } from 'zod';
import { toEcho } from '../../echo.ts';
import { ControlError } from '../../errors.ts';
import { getOwn, isSafeKey } from '../../own.ts';
import { type AdminOperation, defineAdminOperation, type ListedConversation } from '../../provider/index.ts';
import { type EceContext, performTransition } from './effects.ts';
import type { EceEvents, EceMeta } from './events.ts';
import type { EceOptions } from './fixtures.ts';
import { hasId, toNextId, toPage } from './model-ordered.ts';
import {
  applyAgentChange,
  applyCallbackChange,
  applyEntryPointChange,
  applySettingsChange,
} from './model-partition.ts';
import type { EceState } from './model-state.ts';

/** Page size of the conversation listing, by default and at most (simulator choice). */
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

const callbackArgs = z
  .object({
    key: z.string(),
    url: z.url().nullable().optional(),
    active: z.boolean().optional(),
    format: z.enum(['json', 'xml']).optional(),
    auth: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('none') }).strict(),
        z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }).strict(),
        z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
      ])
      .optional(),
  })
  .strict();

const agentArgs = z
  .object({
    id: z.string(),
    loggedIn: z.boolean().optional(),
    available: z.boolean().optional(),
    maxChats: z.number().int().min(0).optional(),
    queues: z.array(z.string()).optional(),
  })
  .strict();

const settingsArgs = z
  .object({
    assignmentServiceRunning: z.boolean().optional(),
    customerDepartmentalization: z.boolean().optional(),
  })
  .strict();

const entryPointArgs = z.object({ id: z.string(), lastModified: z.string().min(1).optional() }).strict();

/** The conversation listing: a page size and the id to continue after. */
const pageArgs = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
    after: z.string().min(1).optional(),
  })
  .strict();

/**
 * Checks the id an admin operation names in one collection: `__proto__` answers 400 (it can never name an
 * item), any id the collection does not hold as its own answers 404.
 */
function assertKnownId(collection: Readonly<Record<string, unknown>>, what: string, id: string): void {
  if (!isSafeKey(id)) throw new ControlError(400, `${toEcho(id)} is not a valid ${what} id.`);
  if (getOwn(collection, id) === undefined) throw new ControlError(404, `No ${what} ${toEcho(id)}.`);
}

/** A copy of a part of the state, for an answer (callers of `control.admin` get no live state). */
function toCopy<T>(value: T): T {
  return structuredClone(value);
}

type EceAdminOperation = AdminOperation<EceState, EceOptions, EceEvents, EceMeta>;

/** The ECE admin operations (docs/providers/ece.md "Admin API"). */
export const eceAdmin: Record<string, EceAdminOperation> = {
  'clientApplications.list': defineAdminOperation({
    method: 'GET',
    path: '/client-applications',
    description: 'The client applications (without their secrets) and their callback state.',
    args: z.object({}),
    // Client applications are configuration, not data that grows with traffic: listing them all is fine.
    run: (ctx: EceContext) => ({
      clientApplications: Object.values(ctx.state().clientApplications).map(({ secret: _secret, ...rest }) =>
        toCopy(rest),
      ),
    }),
  }),
  'clientApplications.setCallback': defineAdminOperation({
    method: 'PUT',
    path: '/client-applications/:key/callback',
    description:
      'Sets the callback URL, format, authorization or activity; active: true reactivates it and clears the failure count.',
    args: callbackArgs,
    run: (ctx: EceContext, { key, ...change }) => {
      assertKnownId(ctx.state().clientApplications, 'client application', key);
      performTransition(ctx, (draft) => applyCallbackChange(draft, key, change));
      return { key, callback: toCopy(getOwn(ctx.state().clientApplications, key)!.callback) };
    },
  }),
  'agents.update': defineAdminOperation({
    method: 'PUT',
    path: '/agents/:id',
    description: 'Changes an agent (loggedIn, available, maxChats, queues), then assigns waiting chats.',
    args: agentArgs,
    run: (ctx: EceContext, { id, ...change }) => {
      assertKnownId(ctx.state().agents, 'agent', id);
      performTransition(ctx, (draft, now) => applyAgentChange(draft, id, change, now));
      return { agent: toCopy(getOwn(ctx.state().agents, id)) };
    },
  }),
  'settings.update': defineAdminOperation({
    method: 'PUT',
    path: '/settings',
    description: 'Changes the partition settings, then assigns waiting chats.',
    args: settingsArgs,
    run: (ctx: EceContext, change) => {
      performTransition(ctx, (draft, now) => applySettingsChange(draft, change, now));
      return { settings: toCopy(ctx.state().settings) };
    },
  }),
  'entryPoints.update': defineAdminOperation({
    method: 'PUT',
    path: '/entry-points/:id',
    description: "Changes an entry point's lastModified (default: now), so cached dates get 409.",
    args: entryPointArgs,
    run: (ctx: EceContext, { id, lastModified }) => {
      assertKnownId(ctx.state().entryPoints, 'entry point', id);
      performTransition(ctx, (draft, now) => applyEntryPointChange(draft, id, lastModified, now));
      return { entryPoint: toCopy(getOwn(ctx.state().entryPoints, id)) };
    },
  }),
  'conversations.list': defineAdminOperation({
    method: 'GET',
    path: '/conversations',
    description:
      'One page of conversations with their transcripts, in creation order: {conversations, next}.',
    args: pageArgs,
    run: (ctx: EceContext, { limit, after }) => {
      const state = ctx.state();
      if (after !== undefined && !hasId(state.indexes.conversations, after))
        throw new ControlError(404, `No conversation ${toEcho(after)} to continue after.`);
      const ids = toPage(state.indexes.conversations, after ?? null, limit);
      const last = ids.at(-1);
      const next = last !== undefined && toNextId(state.indexes.conversations, last) !== null ? last : null;
      return { conversations: ids.map((id) => toCopy(getOwn(state.conversations, id)!)), next };
    },
  }),
  'conversations.get': defineAdminOperation({
    method: 'GET',
    path: '/conversations/:id',
    description: 'One conversation with its full transcript, both directions.',
    args: z.object({ id: z.string() }),
    run: (ctx: EceContext, { id }) => {
      assertKnownId(ctx.state().conversations, 'conversation', id);
      return { conversation: toCopy(getOwn(ctx.state().conversations, id)) };
    },
  }),
};

/**
 * Conversation summaries for the cross-provider listing, in creation order: only the page asked for is read
 * (from the one after `page.after`), through the creation-order index.
 */
export function toConversationSummaries(
  state: EceState,
  page?: { after?: string | null; limit?: number },
): ListedConversation[] {
  const ids = toPage(
    state.indexes.conversations,
    page?.after ?? null,
    page?.limit ?? Number.POSITIVE_INFINITY,
  );
  return ids.map((id) => {
    const conversation = getOwn(state.conversations, id)!;
    return {
      id: conversation.id,
      status: conversation.status,
      createdAt: conversation.createdAt,
      participants: [
        ...(conversation.customerId ? [`customer:${conversation.customerId}`] : ['customer:anonymous']),
        ...(conversation.agentId ? [`agent:${conversation.agentId}`] : []),
      ],
      detail: {
        activityId: conversation.activityId,
        caseId: conversation.caseId,
        entryPointId: conversation.entryPointId,
        clientKey: conversation.clientKey,
      },
    };
  });
}
