/** Cisco ECE v19 asynchronous messaging (Interaction API client applications), as a convosim provider. */
import type { Context } from 'hono';
import { getOwn } from '../../own.ts';
import { type CoreError, defineProvider, type ListedConversation } from '../../provider/index.ts';
import { eceActions } from './actions.ts';
import { createEceAdminRoutes } from './admin.ts';
import { type EceContext, onCallbackSettled, resumeAssignment } from './effects.ts';
import {
  checkEceFixtures,
  createEceState,
  type EceFixtures,
  eceFixturesSchema,
  eceOptionsSchema,
} from './fixtures.ts';
import { applyExpire } from './model.ts';
import { createIndexes } from './model-indexes.ts';
import { toPage } from './model-ordered.ts';
import type { EceOptions, EceState } from './model-state.ts';
import { renderBody, renderWsError, toWsError } from './render.ts';
import type { ErrorKey } from './render-errors.ts';
import { BASE_PATHS, createEceRoutes } from './routes.ts';
import { parseAcceptLanguage, toErrorFormat } from './rules.ts';

const CORE_ERRORS: Partial<Record<CoreError['kind'], ErrorKey>> = {
  'not-found': 'route.notFound',
  'payload-too-large': 'body.tooLarge',
  internal: 'internal',
};

function renderCoreError(c: Context, error: CoreError, ctx: EceContext): Response {
  const format = toErrorFormat(c.req.header('accept'));
  const languages = ctx.state().settings.languages;
  const picked = parseAcceptLanguage(c.req.header('accept-language'), languages);
  const language = picked.ok ? picked.value : (languages[0] ?? 'en-US');
  const key = error.kind === 'fault' && error.status === 500 ? 'internal' : CORE_ERRORS[error.kind];
  if (key) return renderWsError(c, format, language, { error: key, detail: error.message });
  // An injected fault with another status: the WSError of that status, sub-code 000.
  const body = {
    ...toWsError({ error: 'internal', detail: error.message }, language),
    code: `${error.status}-000`,
  };
  return renderBody(c, format, 'WSError', body, error.status);
}

/**
 * A store written before the indexes existed gets them here, built in one pass over its records (the only
 * whole-collection walk, once per process and only for such a store).
 */
function prepareState(ctx: EceContext): void {
  const state = ctx.state();
  if (state.indexes !== undefined && state.assignment !== undefined) return;
  const indexes = state.indexes ?? createIndexes(state);
  ctx.update((draft) => {
    draft.indexes = indexes;
    draft.assignment ??= { dueAt: null };
  });
}

/**
 * Conversation summaries for the cross-provider listing, in creation order. With `page` only that page is read
 * (from the one after `page.after`), through the creation-order index; without it, all of them.
 */
function toConversationSummaries(
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

/** The ECE provider definition. */
export const eceProvider = defineProvider<EceState, EceFixtures, EceOptions>({
  name: 'ece',
  title: 'Cisco ECE v19 asynchronous messaging',
  basePaths: BASE_PATHS,
  fixtures: eceFixturesSchema,
  checkFixtures: checkEceFixtures,
  options: eceOptionsSchema,
  createState: (fixtures, ctx) => createEceState(fixtures, ctx.options, ctx.clock.now()),
  onStart: (ctx) => {
    prepareState(ctx);
    // Chats restored from a store file may still wait in a queue; their assignment timer did not survive.
    resumeAssignment(ctx);
  },
  createRoutes: createEceRoutes,
  renderError: renderCoreError,
  webhooks: {
    // Simulator choice: ECE's retry policy is not public (reference 2.7).
    retryDelaysMs: [1000, 5000],
    timeoutMs: 5000,
    onSettled: onCallbackSettled,
  },
  actions: eceActions,
  listConversations: toConversationSummaries,
  createAdminRoutes: createEceAdminRoutes,
  expireConversation: (ctx, conversationId) => {
    ctx.update((draft) => applyExpire(draft, conversationId));
  },
});
