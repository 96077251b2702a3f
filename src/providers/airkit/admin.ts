import { z } from 'zod';
import { ControlError, defineAdminOperation, type Result } from '../../provider/index.ts';
import { type AirkitContext, performTransition } from './effects.ts';
import { resourcePatchSchema, resourceSchema } from './fixtures.ts';
import { applyResourceChange, applyResourceCreate } from './model.ts';
import { renderResource, renderTranscript } from './render.ts';
import type { AirkitFailure } from './render-errors.ts';
import { parseConversation } from './rules.ts';
import { parseNewResource, parseResourceChange } from './rules-resources.ts';

/**
 * The value of a result; a failure is a mistake in the core admin envelope `{error, details}`, its Airkit code (and
 * field issues) in `details`.
 */
function toValueOrControlError<T>(result: Result<T, AirkitFailure>): T {
  if (result.ok) return result.value;
  const { status, code, message, details } = result.error;
  throw new ControlError(status, message, { code, ...(details ? { details } : {}) });
}

/**
 * Admin operations under /__admin/providers/airkit: Conversation Hub channel resources (the Console's
 * Settings > Conversations) and what each simulated end user received.
 */
export const airkitAdmin = {
  'resources.list': defineAdminOperation({
    method: 'GET',
    path: '/resources',
    description: 'Lists the Conversation Hub channel resources.',
    args: z.object({}),
    // Resources are configuration (fixtures and this admin API): few, whatever the store holds.
    run: (ctx: AirkitContext) => ({ resources: Object.values(ctx.state().resources).map(renderResource) }),
  }),
  'resources.create': defineAdminOperation({
    method: 'POST',
    path: '/resources',
    description: 'Adds a resource. args: {id, name?, hubId|null, channel?, webhookUrl?, secret?}',
    args: resourceSchema,
    status: 201,
    run: (ctx: AirkitContext, args) => {
      const resource = toValueOrControlError(parseNewResource(ctx.state(), args));
      return renderResource(performTransition(ctx, (draft) => applyResourceCreate(draft, resource)));
    },
  }),
  'resources.update': defineAdminOperation({
    method: 'PATCH',
    path: '/resources/:id',
    description: 'Changes the fields of a resource it names (null clears hubId or webhookUrl).',
    args: resourcePatchSchema.extend({ id: z.string().min(1) }),
    run: (ctx: AirkitContext, { id, ...fields }) => {
      const change = toValueOrControlError(parseResourceChange(ctx.state(), id, fields));
      return renderResource(performTransition(ctx, (draft) => applyResourceChange(draft, id, change)));
    },
  }),
  'conversations.transcript': defineAdminOperation({
    method: 'GET',
    path: '/conversations/:id/transcript',
    description: 'What the simulated end user of a conversation received and sent.',
    args: z.object({ id: z.string() }),
    run: (ctx: AirkitContext, { id }) => {
      const s = ctx.state();
      return renderTranscript(s, toValueOrControlError(parseConversation(s, id)));
    },
  }),
};
