/** Cisco ECE v19 asynchronous messaging (Interaction API client applications), as a convosim provider. */
import { defineProvider } from '../../provider/index.ts';
import { eceActions } from './actions.ts';
import { eceAdmin, toConversationSummaries } from './admin.ts';
import { performDeliverySettled, performStart, performTransition } from './effects.ts';
import { type EceEvents, type EceMeta, toWebhookTargets } from './events.ts';
import {
  createEceState,
  type EceFixtures,
  type EceOptions,
  eceFixturesSchema,
  eceOptionsSchema,
  toFixtureProblems,
} from './fixtures.ts';
import { applyExpire } from './model.ts';
import type { EceState } from './model-state.ts';
import { renderCoreError } from './render.ts';
import { BASE_PATHS, createEceRoutes } from './routes.ts';

/** The ECE provider definition. */
export const eceProvider = defineProvider<EceState, EceFixtures, EceOptions, EceEvents, EceMeta>({
  name: 'ece',
  title: 'Cisco ECE v19 asynchronous messaging',
  basePaths: BASE_PATHS,
  fixtures: eceFixturesSchema,
  checkFixtures: toFixtureProblems,
  options: eceOptionsSchema,
  createState: (fixtures, ctx) => createEceState(fixtures, ctx.options, ctx.clock.now()),
  // The indexes follow from the records: a file store neither logs nor snapshots them; performStart rebuilds them.
  derived: ['indexes'],
  // Chats restored from a store file may still wait in a queue; their assignment timer did not survive.
  onStart: performStart,
  createRoutes: createEceRoutes,
  renderError: (c, error, ctx) => renderCoreError(c, error, ctx.state()),
  webhooks: {
    // Simulator choice: ECE's retry policy is not public (reference 2.7).
    retryDelaysMs: [1000, 5000],
    timeoutMs: 5000,
    onSettled: performDeliverySettled,
  },
  webhookTargets: (ctx, conversationId) => toWebhookTargets(ctx.state(), conversationId),
  actions: eceActions,
  listConversations: toConversationSummaries,
  admin: eceAdmin,
  expireConversation: (ctx, conversationId) => {
    performTransition(ctx, (draft) => applyExpire(draft, conversationId));
  },
});
