// The one place where the chatwoot provider changes its state and performs what the change caused: transitions
// (model-*.ts) return their outcome as data, and these functions emit its webhooks and send its signals, in order.
import type { Delivery } from '../../provider/index.ts';
import { type ChatwootContext, type ChatwootMeta, renderEvent } from './events.ts';
import type { ChatwootState } from './model.ts';
import { findConversation } from './model.ts';
import { applyBotFailure, applySnoozeExpiry, toReopenTick } from './model-conversations.ts';
import {
  applyConversationExpiry,
  applyFallbackRanks,
  applyIndex,
  applyIndexedState,
  createIndexFrom,
  createStateFrom,
  isListState,
  listUnranked,
  toFallbackRanks,
} from './model-indexes.ts';
import { applyMessageFailure } from './model-messages.ts';
import type { Applied, ChatwootHappening, Outcome } from './model-outcomes.ts';

/** Runs the transition `apply` on the state with `input`, then performs what it caused; answers its value. */
export function perform<I, T>(
  ctx: ChatwootContext,
  apply: (draft: ChatwootState, input: I, now: number) => Applied<T>,
  input: I,
): T {
  const now = ctx.clock.now();
  const { value, outcome } = ctx.update((draft) => apply(draft, input, now));
  performOutcome(ctx, outcome);
  return value;
}

/** Emits the outcome's webhook events and sends its signals, in order. */
function performOutcome(ctx: ChatwootContext, outcome: Outcome): void {
  for (const step of outcome) {
    if ('signal' in step) ctx.notify(step.signal);
    else if ('wake' in step) scheduleWake(ctx, step.wake.conversationId, step.wake.at);
    else performEvent(ctx, step.event);
  }
}

/** Runs the snooze reopening check of a conversation at `at` (epoch ms on the simulator clock). */
function scheduleWake(ctx: ChatwootContext, conversationId: number, at: number): void {
  ctx.schedule(Math.max(0, at - ctx.clock.now()), () => perform(ctx, applySnoozeExpiry, { conversationId }));
}

/** Emits one event to each of its destinations; the payload is rendered only when some destination takes it. */
function performEvent(ctx: ChatwootContext, happening: ChatwootHappening): void {
  const { destinations } = happening;
  if (destinations.length === 0) return;
  const rendered = renderEvent(ctx.state(), happening);
  const deliveryIds = destinations.map(() => ctx.random.uuid());
  const messageId = 'messageId' in happening ? { messageId: happening.messageId } : {};
  destinations.forEach((d, i) => {
    ctx.emit({
      ...rendered,
      url: d.url,
      orderKey: happening.orderKey,
      ...(happening.conversationKey ? { conversationId: happening.conversationKey } : {}),
      contentType: 'application/json',
      meta: { secret: d.secret, destination: d.kind, deliveryId: deliveryIds[i]!, ...messageId },
    });
  });
}

/**
 * Once a message webhook's retries are spent (WebhookJob's retry_on block, Webhooks::ErrorHandler): to an API inbox
 * it marks the message failed; to an agent bot it opens the conversation when it is still pending.
 */
export function performSettled(delivery: Delivery<ChatwootMeta>, ctx: ChatwootContext): void {
  const { destination, messageId } = delivery.meta;
  if (delivery.state !== 'failed' || messageId === undefined) return;
  if (destination === 'api_inbox') perform(ctx, applyMessageFailure, { messageId });
  if (destination === 'agent_bot') perform(ctx, applyBotFailure, { messageId });
}

/** Deletes a resolved conversation named `<account_id>:<display_id>` (the id `conversation.ended` carried). */
export function performExpiry(ctx: ChatwootContext, conversationKey: string): void {
  const key = /^(\d{1,15}):(\d{1,15})$/.exec(conversationKey);
  if (!key) return;
  const conversation = findConversation(ctx.state(), Number(key[1]), Number(key[2]));
  if (!conversation) return;
  const id = conversation.id;
  ctx.update((draft) => applyConversationExpiry(draft, id));
}

/**
 * At start (fresh, restored or reset): `index` is derived state, which a file store neither logs nor snapshots and
 * drops when it reads a store back, so a missing index is rebuilt whole from the records (`createIndexFrom`, on
 * the plain state, then put in place in one update). A store written before conversations kept their rank gets
 * ranks first (`toFallbackRanks`, logged once); one written before the state was indexed holds lists, indexed once.
 * Then the reopening of every snoozed conversation is re-armed (the timers of the previous run died with it).
 */
export function performStart(ctx: ChatwootContext): void {
  const state: unknown = ctx.state();
  if (isListState(state)) {
    const indexed = createStateFrom(state, state.seq);
    ctx.update((draft) => applyIndexedState(draft, indexed));
    ctx.log('info', 'indexed a chatwoot state stored by an earlier version');
  } else if ((state as Partial<ChatwootState>).index === undefined) {
    const unranked = listUnranked(ctx.state());
    if (unranked.length > 0) {
      const ranks = toFallbackRanks(unranked, ctx.state().seq.rank);
      ctx.update((draft) => applyFallbackRanks(draft, ranks));
      ctx.log('info', `ranked ${ranks.length} chatwoot conversations stored by an earlier version`);
    }
    const index = createIndexFrom(ctx.state());
    ctx.update((draft) => applyIndex(draft, index));
  }
  const snoozed = Object.entries(ctx.state().index.snoozed ?? {});
  for (const [id, until] of snoozed) scheduleWake(ctx, Number(id), toReopenTick(until));
}
