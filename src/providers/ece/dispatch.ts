/** Glue between state changes and the core: posting callbacks, scheduling assignment, counting failed deliveries. */
import type { Delivery, ProviderContext } from '../../provider.ts';
import { applyAssignWaiting } from './agent.ts';
import { toCallbackEvents } from './events.ts';
import type { Posting } from './model.ts';
import type { EceOptions, EceState } from './types.ts';

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

/** Assigns waiting chats now. */
export function runAssignment(ctx: EceContext): Posting[] {
  const postings = ctx.update((draft) => applyAssignWaiting(draft, ctx.clock.now()));
  postCallbacks(ctx, postings);
  return postings;
}

/** Assigns waiting chats after the configured delay, when automatic assignment is on. */
export function scheduleAssignment(ctx: EceContext): void {
  if (!ctx.options.autoAssign) return;
  ctx.schedule(ctx.options.autoAssignDelayMs, () => runAssignment(ctx));
}

/**
 * Counts consecutive failed callback deliveries per client application; after `deactivateAfterFailures` the
 * callback URL is deactivated (reference 2.7: the rule itself is not public; the threshold is a simulator choice).
 */
export function onCallbackSettled(delivery: Delivery, ctx: EceContext): void {
  const clientKey = delivery.meta.clientKey;
  if (typeof clientKey !== 'string') return;
  ctx.update((draft) => {
    const app = draft.clientApplications[clientKey];
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
        `callback URL of client application '${clientKey}' deactivated after ${app.callback.consecutiveFailures} failed deliveries`,
      );
    }
  });
}
