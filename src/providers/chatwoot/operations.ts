import { getOwn } from '../../own.ts';
import type { ProviderContext } from '../../provider/index.ts';
import {
  type ChatwootEventName,
  type ChatwootEvents,
  listDestinations,
  renderChangedAttributes,
  toConversationKey,
  toWebhookEvents,
} from './events.ts';
import type { ChatwootOptions } from './fixtures.ts';
import {
  type ChatwootState,
  type Conversation,
  type ConversationStatus,
  findConversation,
  getConversation,
  type Message,
} from './model.ts';
import { renderConversationWebhookData, renderMessageWebhookData } from './render.ts';
import type { AssignmentPlan, CreateConversationPlan, MessageInput } from './rules.ts';
import {
  applyContactInbox,
  applyConversation,
  applyConversationChanges,
  applyMessage,
  type ChangedAttribute,
  type NewMessage,
} from './transitions.ts';

/** The chatwoot provider context. */
export type ChatwootContext = ProviderContext<ChatwootState, ChatwootOptions>;

/** Who a message or typing event comes from. */
export type Sender = { type: 'Contact' | 'User' | 'AgentBot'; id: number };

/**
 * Emits one event to all its destinations (account webhooks, API inbox webhook_url). The payload is rendered only
 * when some destination takes the event.
 */
export function emitChatwootEvent<E extends ChatwootEventName>(
  ctx: ChatwootContext,
  conversation: Conversation,
  event: E,
  render: () => ChatwootEvents[E],
  messageId?: number,
): void {
  const s = ctx.state();
  const inbox = getOwn(s.inboxes, String(conversation.inbox_id)) ?? null;
  const destinations = listDestinations(s, conversation.account_id, event, inbox);
  if (destinations.length === 0) return;
  const events = toWebhookEvents(
    destinations,
    event,
    render(),
    {
      orderKey: `conversation-${conversation.id}`,
      conversationId: toConversationKey(conversation),
      ...(messageId !== undefined ? { messageId } : {}),
    },
    () => ctx.random.uuid(),
  );
  for (const e of events) ctx.emit(e);
}

const current = (ctx: ChatwootContext, id: number): Conversation => getConversation(ctx.state(), id)!;

function emitConversationEvent(
  ctx: ChatwootContext,
  conversationId: number,
  event: 'conversation_created' | 'conversation_status_changed' | 'conversation_updated',
  changes: ChangedAttribute[] | null,
): void {
  const conv = current(ctx, conversationId);
  emitChatwootEvent(
    ctx,
    conv,
    event,
    () =>
      ({
        ...renderConversationWebhookData(ctx.state(), conv),
        id: conv.display_id,
        event,
        ...(changes ? { changed_attributes: renderChangedAttributes(changes) } : {}),
      }) as ChatwootEvents[typeof event],
  );
}

function emitMessageEvent(
  ctx: ChatwootContext,
  messageId: number,
  event: 'message_created' | 'message_updated',
): void {
  const s = ctx.state();
  const message = getOwn(s.messages, String(messageId))!;
  const conv = getConversation(s, message.conversation_id)!;
  emitChatwootEvent(
    ctx,
    conv,
    event,
    () => ({ ...renderMessageWebhookData(ctx.state(), message), event }) as ChatwootEvents[typeof event],
    message.id,
  );
}

/** Emits status and update events for changes, status first (Conversation#after_update_commit order). */
function emitChanges(ctx: ChatwootContext, conversationId: number, changes: ChangedAttribute[]): void {
  if (changes.length === 0) return;
  if (changes.some((c) => c.name === 'status')) {
    emitConversationEvent(ctx, conversationId, 'conversation_status_changed', changes);
    const conv = current(ctx, conversationId);
    ctx.notify({
      type: conv.status === 'resolved' ? 'conversation.ended' : 'conversation.updated',
      conversationId: toConversationKey(conv),
      data: { status: conv.status },
    });
  }
  emitConversationEvent(ctx, conversationId, 'conversation_updated', changes);
}

function toNewMessage(input: MessageInput, sender: Sender): NewMessage {
  return {
    content: input.content,
    message_type: input.message_type,
    content_type: input.content_type,
    content_attributes: input.content_attributes,
    private: input.private,
    source_id: input.source_id,
    echo_id: input.echo_id,
    sender_type: sender.type,
    sender_id: sender.id,
    attachments: input.files.map((f) => ({
      file_type: toFileType(f.type),
      file_name: f.name,
      file_size: f.size,
      content_type: f.type,
    })),
  };
}

function toFileType(mime: string): string {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  return 'file';
}

/** Creates a conversation (or reuses the locked one), its contact inbox and initial message; emits events. */
export function runCreateConversation(
  ctx: ChatwootContext,
  accountId: number,
  plan: CreateConversationPlan,
  initialSender: Sender,
): { conversation: Conversation; message: Message | null } {
  const uuid = ctx.random.uuid();
  const now = ctx.clock.now();
  const inboxId = plan.inbox.id;
  const contactId = plan.contact.id;
  const result = ctx.update((s) => {
    const contactInboxId =
      'existingId' in plan.contactInbox
        ? plan.contactInbox.existingId
        : applyContactInbox(
            s,
            { contact_id: contactId, inbox_id: inboxId, source_id: plan.contactInbox.newSourceId },
            now,
          );
    const created = plan.reuseConversationId === null;
    const conversationId =
      plan.reuseConversationId ??
      applyConversation(
        s,
        {
          account_id: accountId,
          inbox_id: inboxId,
          contact_id: contactId,
          contact_inbox_id: contactInboxId,
          uuid,
          status: plan.status,
          assignee_id: plan.assignee_id,
          team_id: plan.team_id,
          additional_attributes: plan.additional_attributes,
          custom_attributes: plan.custom_attributes,
          snoozed_until: plan.snoozed_until,
        },
        now,
      );
    const conv = getConversation(s, conversationId)!;
    const messageId = plan.message
      ? applyMessage(
          s,
          conv,
          toNewMessage(
            plan.message,
            plan.message.message_type === 'incoming' ? { type: 'Contact', id: contactId } : initialSender,
          ),
          now,
        )
      : null;
    return { conversationId: conv.id, created, messageId };
  });
  if (result.created) {
    emitConversationEvent(ctx, result.conversationId, 'conversation_created', null);
    const conv = current(ctx, result.conversationId);
    ctx.notify({
      type: 'conversation.started',
      conversationId: toConversationKey(conv),
      data: { accountId, displayId: conv.display_id, inboxId: conv.inbox_id, status: conv.status },
    });
    // Created resolved (a blocked contact, or `status: resolved` asked for): it ends as it starts.
    if (conv.status === 'resolved') {
      ctx.notify({
        type: 'conversation.ended',
        conversationId: toConversationKey(conv),
        data: { status: conv.status },
      });
    }
  }
  if (result.messageId !== null) emitMessageEvent(ctx, result.messageId, 'message_created');
  const message = result.messageId === null ? null : getOwn(ctx.state().messages, String(result.messageId))!;
  return { conversation: current(ctx, result.conversationId), message };
}

/** Adds a message; an incoming message reopens a resolved or snoozed conversation (Message#reopen_conversation). */
export function runCreateMessage(
  ctx: ChatwootContext,
  conversationId: number,
  input: MessageInput,
  sender: Sender,
): Message {
  const now = ctx.clock.now();
  const result = ctx.update((s) => {
    const conv = getConversation(s, conversationId)!;
    const messageId = applyMessage(s, conv, toNewMessage(input, sender), now);
    const changes =
      input.message_type === 'incoming' && (conv.status === 'resolved' || conv.status === 'snoozed')
        ? applyConversationChanges(s, conv, { status: 'open', snoozed_until: null }, now)
        : [];
    return { messageId, changes };
  });
  emitMessageEvent(ctx, result.messageId, 'message_created');
  emitChanges(ctx, conversationId, result.changes);
  const message = getOwn(ctx.state().messages, String(result.messageId))!;
  ctx.notify({
    type: 'conversation.updated',
    conversationId: toConversationKey(current(ctx, conversationId)),
    data: { messageId: message.id, messageType: message.message_type, content: message.content },
  });
  return message;
}

/** Changes a conversation's status; emits conversation_status_changed then conversation_updated. */
export function runChangeStatus(
  ctx: ChatwootContext,
  conversationId: number,
  status: ConversationStatus,
  snoozedUntil: number | null,
): Conversation {
  const now = ctx.clock.now();
  const changes = ctx.update((s) =>
    applyConversationChanges(
      s,
      getConversation(s, conversationId)!,
      { status, snoozed_until: status === 'snoozed' ? snoozedUntil : null },
      now,
    ),
  );
  emitChanges(ctx, conversationId, changes);
  return current(ctx, conversationId);
}

/** Assigns an agent or a team (or removes them); emits conversation_updated with changed_attributes. */
export function runAssign(ctx: ChatwootContext, conversationId: number, plan: AssignmentPlan): Conversation {
  if (plan.kind === 'none') return current(ctx, conversationId);
  const now = ctx.clock.now();
  const changes = ctx.update((s) =>
    applyConversationChanges(
      s,
      getConversation(s, conversationId)!,
      plan.kind === 'agent' ? { assignee_id: plan.id } : { team_id: plan.id },
      now,
    ),
  );
  emitChanges(ctx, conversationId, changes);
  return current(ctx, conversationId);
}

/** Emits conversation_typing_on/off; typing changes no state. */
export function runTyping(
  ctx: ChatwootContext,
  conversationId: number,
  on: boolean,
  user: Record<string, unknown> | null,
  isPrivate: boolean,
): void {
  const conv = current(ctx, conversationId);
  const render = () => renderConversationWebhookData(ctx.state(), conv);
  if (on) {
    emitChatwootEvent(ctx, conv, 'conversation_typing_on', () => ({
      event: 'conversation_typing_on',
      user,
      conversation: render(),
      is_private: isPrivate,
    }));
  } else {
    emitChatwootEvent(ctx, conv, 'conversation_typing_off', () => ({
      event: 'conversation_typing_off',
      user,
      conversation: render(),
      is_private: isPrivate,
    }));
  }
}

/** Finds a conversation by the scenario key `<account>:<display>` or a bare display id (first account having it). */
export function findConversationByKey(s: ChatwootState, key: string): Conversation | undefined {
  const m = /^(\d+):(\d+)$/.exec(key);
  if (m) return findConversation(s, Number(m[1]), Number(m[2]));
  if (!/^\d+$/.test(key)) return undefined;
  // Accounts come from fixtures: few.
  for (const account of Object.values(s.accounts)) {
    const conv = findConversation(s, account.id, Number(key));
    if (conv) return conv;
  }
  return undefined;
}

/** Marks a message failed after its API-inbox webhook failed; the change itself is a message_updated event. */
export function runMarkMessageFailed(ctx: ChatwootContext, messageId: number): void {
  const now = ctx.clock.now();
  const changed = ctx.update((s) => {
    const m = getOwn(s.messages, String(messageId));
    if (!m || m.status === 'failed') return false;
    m.status = 'failed';
    m.updated_at = now;
    return true;
  });
  if (changed) emitMessageEvent(ctx, messageId, 'message_updated');
}
