// The 8x8 provider: Chat API v2 (/oauth/v2, /vcc) and Chat Gateway v1 (/chat-gateway/v1), one state machine.
import { Hono } from 'hono';
import { defineProvider } from '../../provider/index.ts';
import { eightByEightActions } from './actions.ts';
import { renderCoreError } from './errors.ts';
import { makeSignedHeaders } from './events.ts';
import {
  checkEightByEightFixtures,
  createEightByEightState,
  type EightByEightFixtures,
  type EightByEightOptions,
  eightByEightFixtures,
  eightByEightOptions,
} from './fixtures.ts';
import { createGatewayRoutes } from './gateway-routes.ts';
import { resumeAutoAccept } from './glue.ts';
import { type EightByEightState, toConversationSummaries } from './model.ts';
import { applyExpire } from './transitions.ts';
import { createV2Routes } from './v2-routes.ts';

/**
 * Webhook retries: 8x8 only says it retries "after a brief delay" (simulator choice: 3 retries after 2 s,
 * 10 s and 60 s; a receiver gets 10 s to answer).
 */
export const EIGHT_BY_EIGHT_RETRY_DELAYS_MS = [2_000, 10_000, 60_000] as const;

/** The 8x8 provider definition. */
export const eightByEightProvider = defineProvider<
  EightByEightState,
  EightByEightFixtures,
  EightByEightOptions
>({
  name: '8x8',
  title: '8x8 Contact Center Chat API v2 and Chat Gateway v1',
  basePaths: ['/oauth/v2', '/vcc', '/chat-gateway/v1'],
  fixtures: eightByEightFixtures,
  checkFixtures: checkEightByEightFixtures,
  options: eightByEightOptions,
  createState: (fixtures) => createEightByEightState(fixtures),
  onStart: resumeAutoAccept,
  createRoutes(ctx) {
    const app = new Hono();
    app.route('/', createV2Routes(ctx));
    app.route('/', createGatewayRoutes(ctx));
    return app;
  },
  renderError: renderCoreError,
  webhooks: {
    retryDelaysMs: EIGHT_BY_EIGHT_RETRY_DELAYS_MS,
    timeoutMs: 10_000,
    sign(input, ctx) {
      const state = ctx.state();
      return makeSignedHeaders(
        input.body,
        {
          cid: state.customerId,
          eid: input.eventId,
          retry: input.attempt,
          tid: state.tenant,
          tt: input.time,
        },
        state.signingKey,
      );
    },
  },
  actions: eightByEightActions,
  listConversations: toConversationSummaries,
  expireConversation: (ctx, conversationId) => {
    ctx.update((draft) => applyExpire(draft, conversationId));
  },
});
