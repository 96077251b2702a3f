// The two 8x8 API generations as surfaces, and their routes: every route builder that both APIs share is
// instantiated once per surface, then each adds the routes only it has.
// Chat API v2: https://developer.8x8.com/contactcenter/reference (OAS reference/8x8/chat-api-v2.openapi.json).
// Chat Gateway v1: https://developer.8x8.com/actions-events/reference (chat-gateway-v1.openapi.yml).
import { Hono } from 'hono';
import { toIso } from '../../clock.ts';
import { getOwn } from '../../own.ts';
import type { Ctx } from './model.ts';
import { renderGatewayConversation, renderHalList, renderV2Conversation, renderV2List } from './render.ts';
import { gatewayProblems, renderGatewayCoreError, renderV2CoreError, v2Problems } from './render-errors.ts';
import { createAttachmentRoutes } from './routes-attachments.ts';
import { createGatewayAuth, createJwkRoutes, createTokenRoutes, createV2Auth } from './routes-auth.ts';
import { CARDS_BASE, createCardRoutes } from './routes-cards.ts';
import { createChannelRoutes } from './routes-channels.ts';
import {
  createConversationRoutes,
  createGatewayConversationRoutes,
  createV2ConversationReads,
} from './routes-conversations.ts';
import { createHandoverRoutes } from './routes-handover.ts';
import { createGatewayMessageReads, createMessageRoutes, createV2MessageReads } from './routes-messages.ts';
import type { Surface } from './routes-surface.ts';
import { createWebhookRoutes } from './routes-webhooks.ts';
import { parseGatewayConversation, parseGatewayMessage, parseUserRemoval } from './rules-gateway.ts';
import { parseV2Conversation, parseV2Message } from './rules-v2.ts';

/** Chat API v2: OAuth Bearer tokens, tenant-scoped paths, application/json, sequential channel ids. */
export const v2Surface: Surface = {
  api: 'v2',
  basePaths: ['/oauth/v2', '/vcc'],
  base: '/vcc/:region/chat/v2/tenant/:tenantId',
  jwkPath: '/vcc/:region/chat/v2/jwk/:jwkId/public',
  webhooks: 'web-hooks',
  hal: false,
  auth: createV2Auth,
  errors: v2Problems,
  renderError: renderV2CoreError,
  renderList: (_c, _name, page) => renderV2List(page),
  parseConversation: parseV2Conversation,
  renderStarted: (conversationId, now) => ({ conversationId, timestamp: now }),
  renderConversation: renderV2Conversation,
  parseMessage: (body) => parseV2Message(body),
  customerLeave: { method: 'DELETE', path: 'participants/customer' },
  routes: [createTokenRoutes, createV2ConversationReads, createV2MessageReads],
};

/** Chat Gateway v1: an x-api-key, application/hal+json, random channel ids, attachments and indicators. */
export const gatewaySurface: Surface = {
  api: 'gateway',
  basePaths: ['/chat-gateway/v1', CARDS_BASE],
  base: '/chat-gateway/v1',
  jwkPath: '/chat-gateway/v1/jwk/:jwkId/public',
  webhooks: 'webhooks',
  hal: true,
  auth: createGatewayAuth,
  errors: gatewayProblems,
  renderError: renderGatewayCoreError,
  makeChannelId: (random) => random.faker.string.alphanumeric({ length: 18, casing: 'lower' }),
  renderList: (c, name, page) => renderHalList(name, page, c.req.url),
  parseConversation: parseGatewayConversation,
  renderStarted: (conversationId, now) => ({ conversationId, createdAt: toIso(now) }),
  renderConversation: renderGatewayConversation,
  parseMessage: (body, state, conversationId) =>
    parseGatewayMessage(body, (id) => getOwn(state.attachments, id)?.conversationId === conversationId),
  customerLeave: { method: 'PATCH', path: 'participants/user', parse: parseUserRemoval },
  routes: [
    createGatewayConversationRoutes,
    createHandoverRoutes,
    createGatewayMessageReads,
    createAttachmentRoutes,
    createCardRoutes,
  ],
};

/** Both API generations. */
export const SURFACES: readonly Surface[] = [v2Surface, gatewaySurface];

/** The routes of both APIs: per surface, its public key, its auth, the shared routes, then its own. */
export function createEightByEightRoutes(ctx: Ctx): Hono {
  const app = new Hono();
  for (const surface of SURFACES) {
    // The public key needs no credentials: mounted before the auth middleware.
    app.route('/', createJwkRoutes(ctx, surface));
    app.use(`${surface.base}/*`, surface.auth(ctx));
    const shared = [createWebhookRoutes, createChannelRoutes, createConversationRoutes, createMessageRoutes];
    for (const create of [...shared, ...surface.routes]) app.route('/', create(ctx, surface));
  }
  return app;
}
