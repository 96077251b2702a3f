import { ok, type ProviderContext, type Result } from '../../provider/index.ts';
import { type AirkitEvents, type AirkitMeta, parseWebhookTarget, toWebhook } from './events.ts';
import type { AirkitOptions } from './fixtures.ts';
import {
  type AirkitConversation,
  type AirkitMessage,
  type AirkitRecordState,
  type AirkitState,
  applyEnd,
  applyExpire,
  applyMessage,
  applyStart,
  type Happening,
  type MessageSender,
  type Outcome,
} from './model.ts';
import { applyRecords, createIndex, toNextConversationSeq, toRecordsOfStoredState } from './model-records.ts';
import type { AirkitFailure } from './render-errors.ts';
import {
  parseCustomerWritable,
  parseOpenConversation,
  parseThirdPartyWritable,
  type StartPlan,
} from './rules.ts';

/** The airkit provider context. */
export type AirkitContext = ProviderContext<AirkitState, AirkitOptions, AirkitEvents, AirkitMeta>;

/**
 * Performs what a transition reports, in order: the webhooks to the third-party system, then the conversation
 * signals. The only place that emits or notifies.
 */
export function performOutcome(ctx: AirkitContext, outcome: Outcome<unknown>): void {
  for (const happening of outcome.happenings) performWebhook(ctx, happening);
  for (const signal of outcome.signals) ctx.notify(signal);
}

function performWebhook(ctx: AirkitContext, happening: Happening): void {
  const conv = happening.conversation;
  const target = parseWebhookTarget(ctx.state(), conv.id);
  if (!target.ok) {
    ctx.log(
      'warn',
      `resource ${conv.resourceId} has no webhookUrl; ${happening.type} for ${conv.id} not sent`,
    );
    return;
  }
  ctx.emit(toWebhook(happening, target.value, ctx.random.uuid(), ctx.clock.now()));
}

/** Applies a transition at the clock's time and performs its outcome; answers the transition's value. */
export function performTransition<T>(
  ctx: AirkitContext,
  apply: (draft: AirkitState, now: number) => Outcome<T>,
): T {
  const now = ctx.clock.now();
  const outcome = ctx.update((draft) => apply(draft, now));
  performOutcome(ctx, outcome);
  return outcome.value;
}

/** Starts a conversation (a new `conv_` id); a third-party managed one tells the third-party system. */
export function performStart(ctx: AirkitContext, plan: StartPlan): AirkitConversation {
  const id = `conv_${ctx.random.id(16)}`;
  return performTransition(ctx, (draft, now) => applyStart(draft, { ...plan, id }, now));
}

/** A message written by `sender`, once the rules let it (a new `msg_` id). */
function performMessage(
  ctx: AirkitContext,
  conversationId: string,
  sender: MessageSender,
  text: string,
): AirkitMessage {
  const message: AirkitMessage = {
    id: `msg_${ctx.random.id(16)}`,
    conversationId,
    sender,
    text,
    sentAt: ctx.clock.now(),
    delivered: true,
  };
  return performTransition(ctx, (draft) => applyMessage(draft, conversationId, message));
}

/** The third-party system sends a message; the simulated end user receives it. */
export function performThirdPartyMessage(
  ctx: AirkitContext,
  conversationId: string,
  text: string,
): Result<AirkitMessage, AirkitFailure> {
  const writable = parseThirdPartyWritable(ctx.state(), conversationId);
  if (!writable.ok) return writable;
  return ok(performMessage(ctx, conversationId, 'third-party', text));
}

/** The simulated end user replies; the third-party system gets message.created. */
export function performCustomerMessage(
  ctx: AirkitContext,
  conversationId: string,
  text: string,
): Result<AirkitMessage, AirkitFailure> {
  const writable = parseCustomerWritable(ctx.state(), conversationId, ctx.options.allowCustomerFirst);
  if (!writable.ok) return writable;
  return ok(performMessage(ctx, conversationId, 'customer', text));
}

/** Ends an open conversation; when the end user leaves, the third-party system gets conversation.ended. */
export function performEnd(
  ctx: AirkitContext,
  conversationId: string,
  by: 'customer' | 'third-party',
): Result<AirkitConversation, AirkitFailure> {
  const open = parseOpenConversation(ctx.state(), conversationId);
  if (!open.ok) return open;
  return ok(performTransition(ctx, (draft, now) => applyEnd(draft, conversationId, by, now)));
}

/** Deletes an ended conversation and what it holds (`--retain`). */
export function performExpire(ctx: AirkitContext, conversationId: string): void {
  ctx.update((draft) => applyExpire(draft, conversationId));
}

/**
 * At every start: indexes a state stored by an earlier version as lists (once, records and index), and rebuilds the
 * index a file store does not keep (derived state) from the plain records, assigned in one update (not logged).
 * A store of the previous version also lacks `nextConversationSeq`: it is set after every recorded `seq`.
 */
export function performIndexBuild(ctx: AirkitContext): void {
  const stored = ctx.state() as Partial<AirkitState>;
  const records = toRecordsOfStoredState(stored);
  if (records) {
    ctx.update((draft) => applyRecords(draft, records));
    ctx.log('info', 'indexed an airkit state stored by an earlier version');
    return;
  }
  const hasIndex = stored.index !== undefined;
  const hasSeq = stored.nextConversationSeq !== undefined;
  if (hasIndex && hasSeq) return;
  const s = stored as AirkitRecordState;
  const index = hasIndex ? null : createIndex(s);
  const next = hasSeq ? null : toNextConversationSeq(s.conversations);
  ctx.update((draft) => {
    if (index) draft.index = index;
    if (next !== null) draft.nextConversationSeq = next;
  });
}
