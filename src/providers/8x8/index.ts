// The 8x8 provider: Chat API v2 (/oauth/v2, /vcc) and Chat Gateway v1 (/chat-gateway/v1), one state machine.
import { defineProvider } from '../../provider/index.ts';
import { eightByEightActions } from './actions.ts';
import { performExpire, performStart, signDelivery, toWebhookTargets } from './effects.ts';
import type { EightByEightEvents, EightByEightMeta } from './events.ts';
import {
  checkEightByEightFixtures,
  createEightByEightState,
  type EightByEightFixtures,
  type EightByEightOptions,
  eightByEightFixtures,
  eightByEightOptions,
} from './fixtures.ts';
import type { EightByEightState } from './model.ts';
import { toConversationSummaries } from './model-lists.ts';
import { createEightByEightRoutes, SURFACES, v2Surface } from './routes.ts';

/** The 8x8 provider definition. */
export const eightByEightProvider = defineProvider<
  EightByEightState,
  EightByEightFixtures,
  EightByEightOptions,
  EightByEightEvents,
  EightByEightMeta
>({
  name: '8x8',
  title: '8x8 Contact Center Chat API v2 and Chat Gateway v1',
  basePaths: SURFACES.flatMap((surface) => surface.basePaths),
  // Each API answers the core's errors (unknown route, fault, too large) in its own envelope.
  surfaces: SURFACES,
  fixtures: eightByEightFixtures,
  checkFixtures: checkEightByEightFixtures,
  options: eightByEightOptions,
  createState: (fixtures) => createEightByEightState(fixtures),
  // The conversation index is built from the conversations (model-indexes.ts `toConversationIndexes`): a file store
  // leaves it out of its log and snapshots, and performStart rebuilds it at every start.
  derived: ['index'],
  onStart: performStart,
  createRoutes: createEightByEightRoutes,
  // Every base path belongs to a surface, whose renderer the core prefers: this one is never reached.
  renderError: v2Surface.renderError,
  webhooks: {
    // 8x8 only says it retries "after a brief delay" (simulator choice: 3 retries after 2 s, 5 s and 10 s; a
    // receiver gets 10 s to answer). Deliveries of a conversation go in order, so a failing one holds back the
    // later ones until it settles: at most 4 x 10 s + 17 s = 57 s, under a minute (docs/providers/8x8.md).
    // The options webhookRetries and webhookTimeout change both.
    retryDelaysMs: [2_000, 5_000, 10_000],
    timeoutMs: 10_000,
    configure: (options) => ({ retryDelaysMs: options.webhookRetries, timeoutMs: options.webhookTimeout }),
    sign: signDelivery,
  },
  webhookTargets: toWebhookTargets,
  actions: eightByEightActions,
  listConversations: toConversationSummaries,
  expireConversation: performExpire,
});
