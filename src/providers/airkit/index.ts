import { defineProvider } from '../../provider/index.ts';
import { airkitActions } from './actions.ts';
import { airkitAdmin } from './admin.ts';
import { performExpire, performIndexBuild } from './effects.ts';
import { type AirkitEvents, type AirkitMeta, createSignatureHeaders, toRawEventTargets } from './events.ts';
import {
  type AirkitFixtures,
  type AirkitOptions,
  airkitFixturesSchema,
  airkitOptionsSchema,
  checkAirkitFixtures,
  createAirkitState,
} from './fixtures.ts';
import type { AirkitState } from './model.ts';
import { renderSummaries } from './render.ts';
import { renderCoreError } from './render-errors.ts';
import { AIRKIT_BASE, createAirkitRoutes } from './routes.ts';

/** Airkit Conversation Hub: the Start Conversation action for third-party managed conversations. */
export const airkitProvider = defineProvider<
  AirkitState,
  AirkitFixtures,
  AirkitOptions,
  AirkitEvents,
  AirkitMeta
>({
  name: 'airkit',
  title: 'Airkit Conversation Hub (Start Conversation)',
  basePaths: [AIRKIT_BASE],
  fixtures: airkitFixturesSchema,
  checkFixtures: checkAirkitFixtures,
  options: airkitOptionsSchema,
  createState: (fixtures) => createAirkitState(fixtures),
  onStart: performIndexBuild,
  // The index is rebuilt from the records at every start (performIndexBuild): a file store never writes it.
  derived: ['index'],
  createRoutes: createAirkitRoutes,
  renderError: renderCoreError,
  webhooks: {
    retryDelaysMs: [1000, 5000, 30_000],
    timeoutMs: 5000,
    sign: (input, ctx) => createSignatureHeaders(input, ctx.options),
  },
  webhookTargets: (ctx, conversationId, event) => toRawEventTargets(ctx, conversationId, event.body),
  actions: airkitActions,
  admin: airkitAdmin,
  expireConversation: performExpire,
  listConversations: renderSummaries,
});
