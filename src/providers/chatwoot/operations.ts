import type { ProviderContext } from '../../provider.ts';
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
  applyConversationChanges,
  applyMessage,
  type ChangedAttribute,
  type ChatwootState,
  type Conversation,
  type ConversationStatus,
  findConversation,
  type Message,
  type NewMessage,
} from './model.ts';
import { renderConversationWebhookData, renderMessageWebhookData } from './render.ts';
import type { AssignmentPlan, CreateConversationPlan, MessageInput } from './rules.ts';

/** The chatwoot provider context. */
export type ChatwootContext = ProviderContext<ChatwootState, ChatwootOptions>;

/** Who a message or typing event comes from. */
export type Sender = { type: 'Contact' | 'User' | 'AgentBot'; id: number };

/** Emits one event to all its destinations (account webhooks, API inbox webhook_url). */
export function emitChatwootEvent<E extends ChatwootEventName>(
  ctx: ChatwootContext,
  conversation: Conversation,
  event: E,
  payload: ChatwootEvents[E],
  messageId?: number,
): void {
  const s = ctx.state();
  const inbox = s.inboxes.find((i) => i.id === conversation.inbox_id) ?? null;
  const destinations = listDestinations(s, conversation.account_id, event, inbox);
  const events = toWebhookEvents(
    destinations,
    event,
    payload,
    {
      orderKey: `conversation-${conversation.id}`,
      conversationId: toConversationKey(conversation),
      ...(messageId !== undefined ? { messageId } : {}),
    },
    () => ctx.random.uuid(),
  );
  for (const e of events) ctx.emit(e);
}

const current = (ctx: ChatwootContext, id: number): Conversation =>
  ctx.state().conversations.find((c) => c.id === id)!;

function emitConversationEvent(
  ctx: ChatwootContext,
  conversationId: number,
  event: 'conversation_created' | 'conversation_status_changed' | 'conversation_updated',
  changes: ChangedAttribute[] | null,
): void {
  const conv = current(ctx, conversationId);
  const data = renderConversationWebhookData(ctx.state(), conv);
  const payload = {
    ...data,
    id: conv.display_id,
    event,
    ...(changes ? { changed_attributes: renderChangedAttributes(changes) } : {}),
  } as ChatwootEvents[typeof event];
  emitChatwootEvent(ctx, conv, event, payload);
}

function emitMessageCreated(ctx: ChatwootContext, message: Message): void {
  const s = ctx.state();
  const conv = s.conversations.find((c) => c.id === message.conversation_id)!;
  const payload = {
    ...renderMessageWebhookData(s, message),
    event: 'message_created' as const,
  } as ChatwootEvents['message_created'];
  emitChatwootEvent(ctx, conv, 'message_created', payload, message.id);
}

/** Emits status and update events for changes, status first (Conversation#after_update_commit order). */
function emitChanges(ctx: ChatwootContext, conversationId: number, changes: ChangedAttribute[]): void {
  if (changes.length === 0) return;
  const conv = current(ctx, conversationId);
  if (changes.some((c) => c.name === 'status')) {
    emitConversationEvent(ctx, conversationId, 'conversation_status_changed', changes);
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
  const result = ctx.update((s) => {
    let contactInboxId: number;
    if ('existingId' in plan.contactInbox) contactInboxId = plan.contactInbox.existingId;
    else {
      s.seq.contactInbox += 1;
      contactInboxId = s.seq.contactInbox;
      s.contactInboxes.push({
        id: contactInboxId,
        contact_id: plan.contact.id,
        inbox_id: plan.inbox.id,
        source_id: plan.contactInbox.newSourceId,
        hmac_verified: false,
        created_at: now,
        updated_at: now,
      });
    }
    let conv =
      plan.reuseConversationId === null
        ? undefined
        : s.conversations.find((c) => c.id === plan.reuseConversationId);
    const created = !conv;
    if (!conv) {
      s.seq.conversation += 1;
      const displayId = (s.seq.displayIds[String(accountId)] ?? 0) + 1;
      s.seq.displayIds[String(accountId)] = displayId;
      conv = {
        id: s.seq.conversation,
        display_id: displayId,
        account_id: accountId,
        inbox_id: plan.inbox.id,
        contact_id: plan.contact.id,
        contact_inbox_id: contactInboxId,
        uuid,
        status: plan.status,
        assignee_id: plan.assignee_id,
        team_id: plan.team_id,
        additional_attributes: plan.additional_attributes,
        custom_attributes: plan.custom_attributes,
        labels: [],
        snoozed_until: plan.snoozed_until,
        priority: null,
        created_at: now,
        updated_at: now,
        last_activity_at: now,
        waiting_since: now,
        first_reply_created_at: null,
        agent_last_seen_at: null,
        contact_last_seen_at: null,
        assignee_last_seen_at: null,
      };
      s.conversations.push(conv);
    }
    const message = plan.message
      ? applyMessage(
          s,
          conv,
          toNewMessage(
            plan.message,
            plan.message.message_type === 'incoming'
              ? { type: 'Contact', id: conv.contact_id }
              : initialSender,
          ),
          now,
        )
      : null;
    return { conversationId: conv.id, created, messageId: message?.id ?? null };
  });
  const conv = current(ctx, result.conversationId);
  if (result.created) {
    emitConversationEvent(ctx, conv.id, 'conversation_created', null);
    ctx.notify({
      type: 'conversation.started',
      conversationId: toConversationKey(conv),
      data: { accountId, displayId: conv.display_id, inboxId: conv.inbox_id, status: conv.status },
    });
  }
  const message =
    result.messageId === null ? null : ctx.state().messages.find((m) => m.id === result.messageId)!;
  if (message) emitMessageCreated(ctx, message);
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
    const conv = s.conversations.find((c) => c.id === conversationId)!;
    const message = applyMessage(s, conv, toNewMessage(input, sender), now);
    const changes =
      input.message_type === 'incoming' && (conv.status === 'resolved' || conv.status === 'snoozed')
        ? applyConversationChanges(conv, { status: 'open', snoozed_until: null }, now)
        : [];
    return { messageId: message.id, changes };
  });
  const message = ctx.state().messages.find((m) => m.id === result.messageId)!;
  emitMessageCreated(ctx, message);
  emitChanges(ctx, conversationId, result.changes);
  const conv = current(ctx, conversationId);
  ctx.notify({
    type: 'conversation.updated',
    conversationId: toConversationKey(conv),
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
  const changes = ctx.update((s) => {
    const conv = s.conversations.find((c) => c.id === conversationId)!;
    return applyConversationChanges(
      conv,
      { status, snoozed_until: status === 'snoozed' ? snoozedUntil : null },
      now,
    );
  });
  emitChanges(ctx, conversationId, changes);
  return current(ctx, conversationId);
}

/** Assigns an agent or a team (or removes them); emits conversation_updated with changed_attributes. */
export function runAssign(ctx: ChatwootContext, conversationId: number, plan: AssignmentPlan): Conversation {
  if (plan.kind === 'none') return current(ctx, conversationId);
  const now = ctx.clock.now();
  const changes = ctx.update((s) => {
    const conv = s.conversations.find((c) => c.id === conversationId)!;
    return applyConversationChanges(
      conv,
      plan.kind === 'agent' ? { assignee_id: plan.id } : { team_id: plan.id },
      now,
    );
  });
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
  const data = renderConversationWebhookData(ctx.state(), conv);
  if (on) {
    emitChatwootEvent(ctx, conv, 'conversation_typing_on', {
      event: 'conversation_typing_on',
      user,
      conversation: data,
      is_private: isPrivate,
    });
  } else {
    emitChatwootEvent(ctx, conv, 'conversation_typing_off', {
      event: 'conversation_typing_off',
      user,
      conversation: data,
      is_private: isPrivate,
    });
  }
}

/** Finds a conversation by the scenario key `<account>:<display>` or a bare display id (first account having it). */
export function findConversationByKey(s: ChatwootState, key: string): Conversation | undefined {
  const m = /^(\d+):(\d+)$/.exec(key);
  if (m) return findConversation(s, Number(m[1]), Number(m[2]));
  if (/^\d+$/.test(key)) return s.conversations.find((c) => c.display_id === Number(key));
  return undefined;
}

/** Marks a message failed after its API-inbox webhook failed; the change itself is a message_updated event. */
export function runMarkMessageFailed(ctx: ChatwootContext, messageId: number): void {
  const changed = ctx.update((s) => {
    const m = s.messages.find((x) => x.id === messageId);
    if (!m || m.status === 'failed') return false;
    m.status = 'failed';
    m.updated_at = ctx.clock.now();
    return true;
  });
  if (!changed) return;
  const s = ctx.state();
  const message = s.messages.find((m) => m.id === messageId)!;
  const conv = s.conversations.find((c) => c.id === message.conversation_id)!;
  const payload = {
    ...renderMessageWebhookData(s, message),
    event: 'message_updated' as const,
  } as ChatwootEvents['message_updated'];
  emitChatwootEvent(ctx, conv, 'message_updated', payload, message.id);
}
