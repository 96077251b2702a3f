// Imitates the Gateway post-agent assignment route (https://developer.8x8.com/actions-events/reference, OAS
// chat-gateway-v1.openapi.yml, tag Conversations: createpostagentassignment).
import { Hono } from 'hono';
import { performTransition } from './effects.ts';
import type { Ctx } from './model.ts';
import { applyPostAgentAssignment } from './model-handover.ts';
import { makeReferenceId } from './model-ids.ts';
import { gatewayErrors } from './render-errors.ts';
import { orRefuse, readBodyJson, requireConversation, type Surface } from './routes-surface.ts';
import type { Issue } from './rules.ts';
import { parsePostAgentAssignment } from './rules-handover.ts';

/**
 * POST …/post-agent-assignment: 201 (no body); the assignment waits for the agent to end the interaction. An
 * unknown conversation answers 404 ResourceNotFoundExceptionPayload, a bad body 400 InvalidParameterExceptionPayload.
 */
export function createHandoverRoutes(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  const toInvalidParameter = ([first]: Issue[]) =>
    gatewayErrors.invalidParameter(`${first!.field}: ${first!.message}`, makeReferenceId(ctx.random));
  app.post(`${surface.base}/conversations/:id/post-agent-assignment`, async (c) => {
    const id = c.req.param('id');
    requireConversation(c, ctx, surface, id, gatewayErrors.entityNotFound);
    const body = await readBodyJson(c, surface);
    const assignment = orRefuse(c, parsePostAgentAssignment(body, ctx.state()), toInvalidParameter);
    performTransition(ctx, id, (draft) => applyPostAgentAssignment(draft, id, assignment));
    return c.body(null, 201);
  });
  return app;
}
