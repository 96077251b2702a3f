/**
 * The one place where what transitions return is performed: callbacks posted, conversation signals told, the
 * assignment timer armed, warnings logged. Routes, actions, admin operations and timers change the state only
 * through `performTransition`.
 */
import type { Delivery, ProviderContext, Result } from '../../provider/index.ts';
import { type EceEvents, type EceMeta, toCallbackEvents } from './events.ts';
import type { EceOptions } from './fixtures.ts';
import type { Outcome } from './model.ts';
import { applyAssignmentPass, applyAssignmentRequest, applyAssignmentResume } from './model-assignment.ts';
import { createIndexes } from './model-indexes.ts';
import { applyDeliverySettled, applyStoreUpgrade } from './model-partition.ts';
import type { EceState } from './model-state.ts';

/** The ECE provider's context. */
export type EceContext = ProviderContext<EceState, EceOptions, EceEvents, EceMeta>;

/** A transition as effects.ts runs it: on a draft, at the simulator's now. */
type Transition<T> = (draft: EceState, now: number) => T;

/** Applies a transition in one update and performs what it returned (which it also returns). */
export function performTransition<T extends Outcome>(ctx: EceContext, apply: Transition<T>): T {
  const now = ctx.clock.now();
  const outcome = ctx.update((draft) => apply(draft, now));
  performOutcome(ctx, outcome);
  return outcome;
}

/**
 * Applies a transition that may refuse. A refusal changes nothing and is thrown as an Error, which the control
 * API answers 409 with its message.
 */
export function performChecked<T extends Outcome>(ctx: EceContext, apply: Transition<Result<T>>): T {
  const now = ctx.clock.now();
  const result = ctx.update((draft) => apply(draft, now));
  if (!result.ok) throw new Error(result.error);
  performOutcome(ctx, result.value);
  return result.value;
}

/**
 * Performs an outcome: the callbacks of its postings (one message per request, ordered per conversation) with a
 * signal each, its other signals, its warnings, then the assignment pass it asks for or arms.
 */
function performOutcome(ctx: EceContext, outcome: Outcome): void {
  const postings = outcome.postings ?? [];
  for (const event of toCallbackEvents(ctx.state(), postings)) ctx.emit(event);
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
 * Once the state is ready (at start or after a reset): a store written before the indexes existed gets them,
 * built in one pass over its records (the only whole-collection walk, once per process and only for such a
 * store), and the assignment timer is armed again (timers do not survive a restart).
 */
export function performStart(ctx: EceContext): void {
  const state = ctx.state();
  if (state.indexes === undefined || state.assignment === undefined) {
    const indexes = state.indexes ?? createIndexes(state);
    performTransition(ctx, (draft) => applyStoreUpgrade(draft, indexes));
  }
  performTransition(ctx, (draft, now) => applyAssignmentResume(draft, ctx.options, now));
}

/** A settled callback delivery counts for or against its client application's callback URL. */
export function performDeliverySettled(delivery: Delivery<EceMeta>, ctx: EceContext): void {
  const clientKey = delivery.meta.clientKey;
  if (clientKey === undefined) return;
  performTransition(ctx, (draft) =>
    applyDeliverySettled(draft, { clientKey, state: delivery.state }, ctx.options.deactivateAfterFailures),
  );
}
