import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { defineProvider, type ListedConversation } from '../../provider/index.ts';
import { chatwootActions } from './actions.ts';
import { createSignatureHeaders, toConversationKey } from './events.ts';
import {
  type ChatwootFixtures,
  type ChatwootOptions,
  chatwootFixturesSchema,
  chatwootOptionsSchema,
  checkChatwootFixtures,
} from './fixtures.ts';
import { type ChatwootState, findConversation } from './model.ts';
import { runMarkMessageFailed } from './operations.ts';
import { createConversationRoutes } from './routes-conversations.ts';
import { createResourceRoutes } from './routes-resources.ts';
import { applyConversationExpiry, createChatwootState, createStateFrom, isListState } from './transitions.ts';

/** Chatwoot Application API (and Chatwoot-compatible APIs such as Konverte Digital's). */
export const chatwootProvider = defineProvider<ChatwootState, ChatwootFixtures, ChatwootOptions>({
  name: 'chatwoot',
  title: 'Chatwoot-compatible Application API (Konverte Digital)',
  basePaths: ['/api/v1/accounts'],
  fixtures: chatwootFixturesSchema,
  checkFixtures: checkChatwootFixtures,
  options: chatwootOptionsSchema,
  createState: (fixtures, ctx) => createChatwootState(fixtures, ctx.clock.now(), () => ctx.random.id(24)),
  onStart(ctx) {
    // A store written before the state was indexed holds lists: index them once.
    const state: unknown = ctx.state();
    if (!isListState(state)) return;
    const indexed = createStateFrom(state, state.seq);
    ctx.update((draft) => {
      Object.assign(draft, indexed);
    });
    ctx.log('info', 'indexed a chatwoot state stored by an earlier version');
  },
  createRoutes(ctx) {
    const app = new Hono();
    app.route('/', createConversationRoutes(ctx));
    app.route('/', createResourceRoutes(ctx));
    return app;
  },
  renderError(c, error) {
    // Rails answers unknown routes and record misses with the same body; other core errors keep Chatwoot's `error` key.
    if (error.kind === 'not-found') return c.json({ error: 'Resource could not be found' }, 404);
    return c.json({ error: error.message }, error.status as 500);
  },
  webhooks: {
    // Webhooks::Trigger posts once with a 5 s timeout and logs failures; older releases never retry.
    retryDelaysMs: [],
    timeoutMs: 5000,
    sign(input, ctx) {
      const meta = input.event.meta ?? {};
      const secret = typeof meta.secret === 'string' ? meta.secret : null;
      if (!ctx.options.signWebhooks || secret === null) return {};
      if (meta.destination === 'api_inbox' && !ctx.options.signApiInboxWebhooks) return {};
      return createSignatureHeaders(secret, input.body, input.time, String(meta.deliveryId ?? input.eventId));
    },
    onSettled(delivery, ctx) {
      // A failed message webhook to an API inbox marks the message failed (WebhookJob#handle_failure).
      const meta = delivery.meta;
      if (
        delivery.state !== 'failed' ||
        meta.destination !== 'api_inbox' ||
        typeof meta.messageId !== 'number'
      )
        return;
      runMarkMessageFailed(ctx, meta.messageId);
    },
  },
  actions: chatwootActions,
  // The id is the one `conversation.ended` carried: `<account_id>:<display_id>`.
  expireConversation(ctx, conversationId) {
    const key = /^(\d{1,15}):(\d{1,15})$/.exec(conversationId);
    if (!key) return;
    const conversation = findConversation(ctx.state(), Number(key[1]), Number(key[2]));
    if (!conversation) return;
    const id = conversation.id;
    ctx.update((draft) => applyConversationExpiry(draft, id));
  },
  // Conversation ids are sequential integers, so a page walks ids upward from the one after `after`.
  listConversations: (s, page) => {
    const afterId = page.after === null ? 0 : (getOwn(s.index.displayIds, page.after) ?? Number.NaN);
    const out: ListedConversation[] = [];
    if (Number.isNaN(afterId)) return out;
    for (let id = afterId + 1; id <= s.seq.conversation && out.length < page.limit; id++) {
      const c = getOwn(s.conversations, String(id));
      if (!c) continue;
      out.push({
        id: toConversationKey(c),
        status: c.status,
        createdAt: c.created_at,
        participants: [
          `contact:${c.contact_id}`,
          ...(c.assignee_id !== null ? [`agent:${c.assignee_id}`] : []),
        ],
        detail: { accountId: c.account_id, displayId: c.display_id, inboxId: c.inbox_id },
      });
    }
    return out;
  },
});
