/** Glue between state changes and the core: posting callbacks, scheduling assignment, counting failed deliveries. */
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import type { Delivery, ProviderContext } from '../../provider/index.ts';
import { toCallbackEvents } from './events.ts';
import type { Posting } from './model.ts';
import { applyAssignWaiting } from './model-agent.ts';
import type { EceOptions, EceState } from './model-state.ts';

/** The ECE provider's context. */
export type EceContext = ProviderContext<EceState, EceOptions>;

/** Queues the callbacks of postings (one message per request, ordered per conversation) and tells the core. */
export function postCallbacks(ctx: EceContext, postings: Posting[]): void {
  for (const event of toCallbackEvents(ctx.state(), postings)) ctx.emit(event);
  for (const { conversationId, entry } of postings) {
    ctx.notify(
      entry.kind === 'complete'
        ? { type: 'conversation.ended', conversationId, data: { by: entry.content } }
        : { type: 'conversation.updated', conversationId, data: { kind: entry.kind, messageId: entry.id } },
    );
  }
}

/** Assigns waiting chats now (one pass over the heads of the waiting lists). */
export function runAssignment(ctx: EceContext): Posting[] {
  const postings = ctx.update((draft) => applyAssignWaiting(draft, ctx.clock.now()));
  postCallbacks(ctx, postings);
  return postings;
}

/** Arms the assignment timer for `dueAt` (it clears the pending mark before its pass). */
function armAssignment(ctx: EceContext, dueAt: number): void {
  ctx.schedule(Math.max(0, dueAt - ctx.clock.now()), () => {
    ctx.update((draft) => {
      draft.assignment.dueAt = null;
    });
    runAssignment(ctx);
  });
}

/**
 * Asks for an automatic assignment pass after the configured delay, when automatic assignment is on. Requests
 * coalesce: while a pass is pending (its time is kept in the state) no other timer is armed, and that one pass
 * assigns every chat that can be assigned by then.
 */
export function scheduleAssignment(ctx: EceContext): void {
  if (!ctx.options.autoAssign || ctx.state().assignment.dueAt !== null) return;
  const dueAt = ctx.clock.now() + ctx.options.autoAssignDelayMs;
  ctx.update((draft) => {
    draft.assignment.dueAt = dueAt;
  });
  armAssignment(ctx, dueAt);
}

/**
 * Arms the assignment timer again once the state is ready (at start or after a reset): timers do not survive a
 * restart. A pass that was pending keeps its time; chats still waiting get a pass after the usual delay. Costs
 * one look at each queue, not at each conversation.
 */
export function resumeAssignment(ctx: EceContext): void {
  const dueAt = ctx.state().assignment.dueAt;
  if (dueAt !== null) {
    if (ctx.options.autoAssign) {
      armAssignment(ctx, dueAt);
      return;
    }
    ctx.update((draft) => {
      draft.assignment.dueAt = null;
    });
    return;
  }
  if (Object.keys(ctx.state().indexes.waiting).length > 0) scheduleAssignment(ctx);
}

/**
 * Counts consecutive failed callback deliveries per client application; after `deactivateAfterFailures` the
 * callback URL is deactivated (reference 2.7: the rule itself is not public; the threshold is a simulator choice).
 */
export function onCallbackSettled(delivery: Delivery, ctx: EceContext): void {
  const clientKey = delivery.meta.clientKey;
  if (typeof clientKey !== 'string') return;
  ctx.update((draft) => {
    const app = getOwn(draft.clientApplications, clientKey);
    if (!app) return;
    if (delivery.state === 'delivered') {
      app.callback.consecutiveFailures = 0;
      return;
    }
    if (delivery.state !== 'failed') return;
    app.callback.consecutiveFailures += 1;
    if (app.callback.active && app.callback.consecutiveFailures >= ctx.options.deactivateAfterFailures) {
      app.callback.active = false;
      ctx.log(
        'warn',
        `callback URL of client application ${toEcho(clientKey)} deactivated after ${app.callback.consecutiveFailures} failed deliveries`,
      );
    }
  });
}
