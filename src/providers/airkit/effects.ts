import { getOwn } from '../../own.ts';
import type { ProviderContext } from '../../provider/index.ts';
import { type AirkitEventName, createEventPayload, toWebhookEvent } from './events.ts';
import type { AirkitOptions } from './fixtures.ts';
import {
  type AirkitConversation,
  type AirkitMessage,
  type AirkitState,
  applyConversation,
  applyEnd,
  applyMessage,
  getConversation,
} from './model.ts';
import { type AirkitFailure, toQuoted } from './render-errors.ts';
import type { StartPlan } from './rules.ts';

/** The airkit provider context. */
export type AirkitContext = ProviderContext<AirkitState, AirkitOptions>;

/** An operation's failure, thrown to the caller (routes render it, actions report it). */
export class AirkitOperationError extends Error {
  readonly failure: AirkitFailure;
  constructor(failure: AirkitFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

const conversationOf = (ctx: AirkitContext, id: string) => getConversation(ctx.state(), id);

function emit(
  ctx: AirkitContext,
  type: AirkitEventName,
  conversationId: string,
  message?: AirkitMessage,
): void {
  const conv = conversationOf(ctx, conversationId)!;
  if (!conv.managedByThirdPartySystem) return;
  const resource = getOwn(ctx.state().resources, conv.resourceId);
  if (!resource?.webhookUrl) {
    ctx.log('warn', `resource ${conv.resourceId} has no webhookUrl; ${type} for ${conv.id} not sent`);
    return;
  }
  ctx.emit(
    toWebhookEvent(
      resource,
      conv,
      createEventPayload(type, ctx.random.uuid(), ctx.clock.now(), conv, message),
    ),
  );
}

/** Starts a conversation; a third-party managed one notifies the third-party system (conversation.started). */
export function runStart(ctx: AirkitContext, plan: StartPlan): AirkitConversation {
  const id = `conv_${ctx.random.id(16)}`;
  const now = ctx.clock.now();
  ctx.update((s) =>
    applyConversation(s, {
      id,
      resourceId: plan.resource.id,
      hubId: plan.resource.hubId,
      channel: plan.resource.channel,
      customerDestination: plan.customerDestination,
      customerIdentifier: plan.customerIdentifier,
      managedByThirdPartySystem: plan.managedByThirdPartySystem,
      status: plan.managedByThirdPartySystem ? 'awaiting-first-message' : 'unmanaged',
      endedBy: null,
      createdAt: now,
      updatedAt: now,
    }),
  );
  emit(ctx, 'conversation.started', id);
  const conv = conversationOf(ctx, id)!;
  ctx.notify({
    type: 'conversation.started',
    conversationId: id,
    data: { resourceId: conv.resourceId, managed: conv.managedByThirdPartySystem, channel: conv.channel },
  });
  return conv;
}

function requireOpen(ctx: AirkitContext, id: string): AirkitConversation {
  const conv = conversationOf(ctx, id);
  if (!conv)
    throw new AirkitOperationError({
      status: 404,
      code: 'CONVERSATION_NOT_FOUND',
      message: `No conversation ${toQuoted(id)}`,
    });
  if (conv.status === 'ended') {
    throw new AirkitOperationError({
      status: 409,
      code: 'CONVERSATION_ENDED',
      message: `Conversation ${toQuoted(id)} has ended`,
    });
  }
  return conv;
}

/** The third-party system sends a message; the simulated end user receives it. */
export function runThirdPartyMessage(
  ctx: AirkitContext,
  conversationId: string,
  text: string,
): AirkitMessage {
  const conv = requireOpen(ctx, conversationId);
  if (!conv.managedByThirdPartySystem) {
    throw new AirkitOperationError({
      status: 409,
      code: 'NOT_THIRD_PARTY_MANAGED',
      message: `Conversation ${toQuoted(conversationId)} was started with managedByThirdPartySystem false; no third-party system may write to it`,
    });
  }
  const message: AirkitMessage = {
    id: `msg_${ctx.random.id(16)}`,
    conversationId,
    sender: 'third-party',
    text,
    sentAt: ctx.clock.now(),
    delivered: true,
  };
  ctx.update((s) => applyMessage(s, conversationId, message));
  ctx.notify({ type: 'conversation.updated', conversationId, data: { sender: 'third-party', text } });
  return message;
}

/** The simulated end user replies; the third-party system gets message.created. */
export function runCustomerMessage(ctx: AirkitContext, conversationId: string, text: string): AirkitMessage {
  const conv = requireOpen(ctx, conversationId);
  if (conv.status === 'awaiting-first-message' && !ctx.options.allowCustomerFirst) {
    throw new AirkitOperationError({
      status: 409,
      code: 'AWAITING_FIRST_MESSAGE',
      message: `Conversation ${toQuoted(conversationId)} waits for the third-party system's first message`,
    });
  }
  const message: AirkitMessage = {
    id: `msg_${ctx.random.id(16)}`,
    conversationId,
    sender: 'customer',
    text,
    sentAt: ctx.clock.now(),
    delivered: true,
  };
  ctx.update((s) => applyMessage(s, conversationId, message));
  emit(ctx, 'message.created', conversationId, message);
  ctx.notify({ type: 'conversation.updated', conversationId, data: { sender: 'customer', text } });
  return message;
}

/** Ends a conversation; when the end user leaves the third-party system gets conversation.ended. */
export function runEnd(
  ctx: AirkitContext,
  conversationId: string,
  by: 'customer' | 'third-party',
): AirkitConversation {
  requireOpen(ctx, conversationId);
  ctx.update((s) => applyEnd(s, conversationId, by, ctx.clock.now()));
  if (by === 'customer') emit(ctx, 'conversation.ended', conversationId);
  ctx.notify({ type: 'conversation.ended', conversationId, data: { endedBy: by } });
  return conversationOf(ctx, conversationId)!;
}
