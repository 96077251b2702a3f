import { Hono } from 'hono';
import { defineProvider } from '../../provider/index.ts';
import { airkitActions } from './actions.ts';
import { createAirkitAdminRoutes } from './admin.ts';
import { createSignatureHeaders } from './events.ts';
import {
  type AirkitFixtures,
  type AirkitOptions,
  airkitFixturesSchema,
  airkitOptionsSchema,
  checkAirkitFixtures,
} from './fixtures.ts';
import {
  type AirkitState,
  applyExpire,
  createAirkitState,
  createStateFrom,
  getConversation,
  isArrayIndexState,
  isListState,
  toRecordsOfArrayIndex,
} from './model.ts';
import { slicePagedIdsAfter } from './model-pages.ts';
import { renderAirkitError } from './render-errors.ts';
import { AIRKIT_BASE, createAirkitRoutes } from './routes.ts';

const CODES: Record<string, string> = {
  'not-found': 'NOT_FOUND',
  'payload-too-large': 'PAYLOAD_TOO_LARGE',
  fault: 'UNAVAILABLE',
  internal: 'INTERNAL',
};

/** Airkit Conversation Hub: the Start Conversation action for third-party managed conversations. */
export const airkitProvider = defineProvider<AirkitState, AirkitFixtures, AirkitOptions>({
  name: 'airkit',
  title: 'Airkit Conversation Hub (Start Conversation)',
  basePaths: [AIRKIT_BASE],
  fixtures: airkitFixturesSchema,
  checkFixtures: checkAirkitFixtures,
  options: airkitOptionsSchema,
  createState: (fixtures) => createAirkitState(fixtures),
  onStart(ctx) {
    // A store written before the state was indexed holds lists, and one written before conversations could be
    // removed keeps their ids in arrays: index them once.
    const state: unknown = ctx.state();
    const records = isListState(state)
      ? state
      : isArrayIndexState(state)
        ? toRecordsOfArrayIndex(state)
        : null;
    if (!records) return;
    const indexed = createStateFrom(records);
    ctx.update((draft) => {
      Object.assign(draft, indexed);
    });
    ctx.log('info', 'indexed an airkit state stored by an earlier version');
  },
  createRoutes(ctx) {
    const app = new Hono();
    app.route('/', createAirkitRoutes(ctx));
    return app;
  },
  createAdminRoutes: (ctx) => createAirkitAdminRoutes(ctx),
  renderError: (c, error) =>
    c.json(
      renderAirkitError({ status: error.status, code: CODES[error.kind] ?? 'ERROR', message: error.message }),
      error.status as 500,
    ),
  webhooks: {
    retryDelaysMs: [1000, 5000, 30_000],
    timeoutMs: 5000,
    sign(input, ctx) {
      const secret = input.event.meta?.secret;
      if (!ctx.options.signWebhooks || typeof secret !== 'string') return {};
      return createSignatureHeaders(
        secret,
        input.body,
        input.time,
        String(input.event.meta?.eventId ?? input.eventId),
      );
    },
  },
  actions: airkitActions,
  expireConversation(ctx, conversationId) {
    ctx.update((draft) => applyExpire(draft, conversationId));
  },
  // The listing order is the start order index; the page starts after `after` (none when it is not held).
  listConversations: (s, page) => {
    return slicePagedIdsAfter(s.index.conversations, page.after, page.limit).map((id) => {
      const c = getConversation(s, id)!;
      return {
        id: c.id,
        status: c.status,
        createdAt: c.createdAt,
        participants: [
          c.customerDestination.type === 'Text'
            ? `session:${c.customerDestination.sessionId}`
            : `phone:${c.customerDestination.phoneNumber}`,
          ...(c.managedByThirdPartySystem ? [`third-party:${c.resourceId}`] : []),
        ],
        detail: { resourceId: c.resourceId, hubId: c.hubId, customerIdentifier: c.customerIdentifier },
      };
    });
  },
});
