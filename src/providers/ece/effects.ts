/**
 * The one place where what transitions return is performed: callbacks posted, conversation signals told, the
 * assignment timer armed, warnings logged. Routes, actions, admin operations and timers change the state only
 * through `performTransition`.
 */
import type { Delivery, ProviderContext, Result } from '../../provider/index.ts';
import { type EceEvents, type EceMeta, toCallbackBatchEvent, toCallbackEvents } from './events.ts';
import type { EceOptions } from './fixtures.ts';
import type { Outcome } from './model.ts';
import { applyAssignmentPass, applyAssignmentRequest, applyAssignmentResume } from './model-assignment.ts';
import {
  applyCallbackSettled,
  applyCallbacksResume,
  applyQueueCallbacks,
  type CallbackBatch,
  MAX_CALLBACK_MESSAGES,
} from './model-callbacks.ts';
import { createIndexes, toArrivalFallback } from './model-indexes.ts';
import { applyDeliverySettled, applyStoreUpgrade } from './model-partition.ts';
import type { EceState } from './model-state.ts';

/** The ECE provider's context. */
export type EceContext = ProviderContext<EceState, EceOptions, EceEvents, EceMeta>;

/** A transition as effects.ts runs it: on a draft, at the simulator's now. */
type Transition<T> = (draft: EceState, now: number) => T;

/** Messages per callback request, as the `callbackBatching` option says. */
function toMaxMessages(ctx: EceContext): number {
  return ctx.options.callbackBatching === 'single' ? 1 : MAX_CALLBACK_MESSAGES;
}

/**
 * Queues a transition's postings in their conversations' callback outboxes, in the same update (batched
 * callbacks only): the requests to send now.
 */
function queueCallbacks(ctx: EceContext, draft: EceState, outcome: Outcome): CallbackBatch[] {
  if (ctx.options.callbackBatching === 'single' || !outcome.postings?.length) return [];
  return applyQueueCallbacks(draft, outcome.postings, toMaxMessages(ctx));
}

/** Applies a transition in one update and performs what it returned (which it also returns). */
export function performTransition<T extends Outcome>(ctx: EceContext, apply: Transition<T>): T {
  const now = ctx.clock.now();
  const { outcome, batches } = ctx.update((draft) => {
    const applied = apply(draft, now);
    return { outcome: applied, batches: queueCallbacks(ctx, draft, applied) };
  });
  performOutcome(ctx, outcome, batches);
  return outcome;
}

/**
 * Applies a transition that may refuse. A refusal changes nothing and is thrown as an Error, which the control
 * API answers 409 with its message.
 */
export function performChecked<T extends Outcome>(ctx: EceContext, apply: Transition<Result<T>>): T {
  const now = ctx.clock.now();
  const { result, batches } = ctx.update((draft) => {
    const applied = apply(draft, now);
    return { result: applied, batches: applied.ok ? queueCallbacks(ctx, draft, applied.value) : [] };
  });
  if (!result.ok) throw new Error(result.error);
  performOutcome(ctx, result.value, batches);
  return result.value;
}

/** Emits batched callback requests, each ordered behind the conversation's earlier ones. */
function emitBatches(ctx: EceContext, batches: readonly CallbackBatch[]): void {
  const state = ctx.state();
  for (const batch of batches) {
    const event = toCallbackBatchEvent(state, batch);
    if (event) ctx.emit(event);
  }
}

/**
 * Performs an outcome: its callbacks (the batches queued with it, or one request per message with
 * `callbackBatching: single`), a signal per posting, its other signals, its warnings, then the assignment pass
 * it asks for or arms.
 */
function performOutcome(ctx: EceContext, outcome: Outcome, batches: readonly CallbackBatch[]): void {
  const postings = outcome.postings ?? [];
  if (ctx.options.callbackBatching === 'single') {
    for (const event of toCallbackEvents(ctx.state(), postings)) ctx.emit(event);
  } else {
    emitBatches(ctx, batches);
  }
  for (const { conversationId, entry } of postings) {
    ctx.notify(
      entry.kind === 'complete'
        ? { type: 'conversation.ended', conversationId, data: { by: entry.content } }
        : { type: 'conversation.updated', conversationId, data: { kind: entry.kind, messageId: entry.id } },
    );
  }
  for (const signal of outcome.signals ?? []) ctx.notify(signal);
  for (const warning of outcome.warnings ?? []) ctx.log('warn', warning);
  if (outcome.assignmentDueAt !== undefined) armAssignment(ctx, outcome.assignmentDueAt);
  if (outcome.assignmentWanted) {
    performTransition(ctx, (draft, now) => applyAssignmentRequest(draft, ctx.options, now));
  }
}

/** Arms the assignment timer for `dueAt`: the pass then runs (and is no longer pending). */
function armAssignment(ctx: EceContext, dueAt: number): void {
  ctx.schedule(Math.max(0, dueAt - ctx.clock.now()), () => {
    performTransition(ctx, applyAssignmentPass);
  });
}

/**
 * Once the state is ready (at start or after a reset): the indexes are derived state, so a store read back has
 * none; they are built in one pass over the plain records (the only whole-collection walk, once per start) and
 * set in one update, which a file store does not log. A store written by an older version first gets the
 * records it misses (`applyStoreUpgrade`, logged). Then the assignment timer is armed again and the batched
 * callbacks waiting behind a request in hand are sent (timers and requests do not survive a restart).
 */
export function performStart(ctx: EceContext): void {
  const state = ctx.state();
  if (state.assignment === undefined || state.counters.arrival === undefined) {
    const fallback = toArrivalFallback(state);
    performTransition(ctx, (draft) => applyStoreUpgrade(draft, fallback));
  }
  if (ctx.state().indexes === undefined) {
    const indexes = createIndexes(ctx.state());
    ctx.update((draft) => {
      draft.indexes = indexes;
    });
  }
  performTransition(ctx, (draft, now) => applyAssignmentResume(draft, ctx.options, now));
  emitBatches(
    ctx,
    ctx.update((draft) => applyCallbacksResume(draft, toMaxMessages(ctx))),
  );
}

/**
 * A settled callback delivery counts for or against its client application's callback URL; a batched one then
 * lets the conversation's waiting messages go, in one update with the count (a deactivated URL gets none).
 */
export function performDeliverySettled(delivery: Delivery<EceMeta>, ctx: EceContext): void {
  const { clientKey, messageId } = delivery.meta;
  if (clientKey === undefined) return;
  const conversationId = delivery.conversationId;
  const { outcome, batches } = ctx.update((draft) => {
    const counted = applyDeliverySettled(
      draft,
      { clientKey, state: delivery.state },
      ctx.options.deactivateAfterFailures,
    );
    const next =
      messageId === undefined || conversationId === null || ctx.options.callbackBatching === 'single'
        ? []
        : applyCallbackSettled(draft, conversationId, messageId, toMaxMessages(ctx));
    return { outcome: counted, batches: next };
  });
  performOutcome(ctx, outcome, batches);
}
