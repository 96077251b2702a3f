import { Hono } from 'hono';
import { defineProvider } from '../../provider/index.ts';
import { chatwootActions } from './actions.ts';
import { performExpiry, performSettled, performStart } from './effects.ts';
import { type ChatwootEvents, type ChatwootMeta, listWebhookTargets, signDelivery } from './events.ts';
import {
  type ChatwootFixtures,
  type ChatwootOptions,
  chatwootFixturesSchema,
  chatwootOptionsSchema,
  checkChatwootFixtures,
  createChatwootState,
} from './fixtures.ts';
import type { ChatwootState } from './model.ts';
import { renderCoreError } from './render-errors.ts';
import { createAttachmentRoutes } from './routes-attachments.ts';
import { createCannedRoutes } from './routes-canned.ts';
import { createContactRoutes } from './routes-contacts.ts';
import { createConversationActionRoutes } from './routes-conversation-actions.ts';
import { createConversationUpdateRoutes } from './routes-conversation-updates.ts';
import { createConversationRoutes } from './routes-conversations.ts';
import { createMessageRoutes } from './routes-messages.ts';
import { createProfileRoutes } from './routes-profile.ts';
import { createPublicRoutes } from './routes-public.ts';
import { createResourceRoutes } from './routes-resources.ts';
import { createWidgetRoutes } from './routes-widget.ts';
import { listConversationSummaries } from './rules-listing.ts';

/** Chatwoot Application API (and Chatwoot-compatible APIs such as Konverte Digital's). */
export const chatwootProvider = defineProvider<
  ChatwootState,
  ChatwootFixtures,
  ChatwootOptions,
  ChatwootEvents,
  ChatwootMeta
>({
  name: 'chatwoot',
  title: 'Chatwoot-compatible Application API (Konverte Digital)',
  basePaths: [
    '/api/v1/accounts',
    '/api/v1/profile',
    '/public/api/v1/inboxes',
    '/rails/active_storage',
    '/api/v1/widget',
  ],
  fixtures: chatwootFixturesSchema,
  checkFixtures: checkChatwootFixtures,
  options: chatwootOptionsSchema,
  createState: (fixtures, ctx) => createChatwootState(fixtures, ctx.clock.now(), () => ctx.random.id(24)),
  onStart: performStart,
  // Every index is rebuilt from the records at start (performStart): a file store need not write any of it.
  derived: ['index'],
  createRoutes: (ctx) =>
    new Hono()
      .route('/', createConversationRoutes(ctx))
      .route('/', createConversationActionRoutes(ctx))
      .route('/', createConversationUpdateRoutes(ctx))
      .route('/', createMessageRoutes(ctx))
      .route('/', createContactRoutes(ctx))
      .route('/', createCannedRoutes(ctx))
      .route('/', createResourceRoutes(ctx))
      .route('/', createProfileRoutes(ctx))
      .route('/', createPublicRoutes(ctx))
      .route('/', createAttachmentRoutes(ctx))
      .route('/', createWidgetRoutes(ctx)),
  renderError: renderCoreError,
  webhooks: {
    // WebhookJob: `retry_on CustomExceptions::Webhook::RetriableError, wait: :polynomially_longer, attempts: 5`;
    // polynomially_longer waits executions**4 + 2 s (plus a jitter the simulator leaves out). The job keeps its
    // arguments, so the delivery id (X-Chatwoot-Delivery) is the same on every attempt.
    retryDelaysMs: [3_000, 18_000, 83_000, 258_000],
    timeoutMs: 5000,
    sign: (input, ctx) => signDelivery(input, ctx.options),
    onSettled: performSettled,
  },
  webhookTargets: (ctx, conversationId, event) => listWebhookTargets(ctx, conversationId, event.type),
  actions: chatwootActions,
  expireConversation: performExpiry,
  listConversations: listConversationSummaries,
});
