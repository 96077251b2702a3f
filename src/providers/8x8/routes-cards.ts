// Imitates the Gateway card action routes (https://developer.8x8.com/actions-events/reference, OAS
// chat-gateway-v1.openapi.yml, tag Cards: updatecardactionsubmit, updatecardactionexecute). They live outside the
// Gateway prefix, under /api/v1/tenant/{tenantId}, with the Gateway's x-api-key.
import { Hono } from 'hono';
import { performTransition } from './effects.ts';
import { type Ctx, findCard } from './model.ts';
import type { CardAction } from './model-cards.ts';
import { applyCardAction } from './model-cards.ts';
import { gatewayErrors, v2Errors } from './render-errors.ts';
import { orRefuse, readBodyJson, refuseWith, requireConversation, type Surface } from './routes-surface.ts';
import { isActionableCard, parseCardAction } from './rules-cards.ts';

/** Where the card routes live (a base path of the Gateway surface). */
export const CARDS_BASE = '/api/v1/tenant';

const ACTIONS: readonly [string, CardAction['type']][] = [
  ['action-submit', 'Action.Submit'],
  ['action-execute', 'Action.Execute'],
];

/**
 * PUT …/cards/{cardId}/action-submit and …/action-execute: 204, the card's flag set, ACTIVITY adaptiveCard/action
 * sent. Checked in order: credentials, the tenant in the path (403), the conversation (404), the body (400), the
 * card (404), its content type (400).
 */
export function createCardRoutes(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  app.use(`${CARDS_BASE}/*`, surface.auth(ctx));
  for (const [segment, type] of ACTIONS) {
    app.put(`${CARDS_BASE}/:tenantId/conversations/:id/cards/:cardId/${segment}`, async (c) => {
      const { tenantId, id, cardId } = c.req.param();
      const state = ctx.state();
      if (tenantId !== state.tenant) refuseWith(c, v2Errors.forbidden(tenantId, state.customerId));
      const conversation = requireConversation(c, ctx, surface, id, gatewayErrors.entityNotFound);
      const action = orRefuse(
        c,
        parseCardAction(await readBodyJson(c, surface), type),
        surface.errors.invalid,
      );
      const card =
        findCard(conversation, cardId) ?? refuseWith(c, gatewayErrors.entityNotFound('Card', cardId));
      orRefuse(c, isActionableCard(card), surface.errors.invalid);
      performTransition(ctx, id, (draft) => applyCardAction(draft, id, cardId, action));
      return c.body(null, 204);
    });
  }
  return app;
}
