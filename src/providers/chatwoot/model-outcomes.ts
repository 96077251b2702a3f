// What a chatwoot transition reports: the webhook events it causes, each with the destinations that take it, and
// the conversation signals, in the order Chatwoot's callbacks run. effects.ts performs them; nothing else does.
import { getOwn } from '../../own.ts';
import type { ConversationSignal } from '../../provider/index.ts';
import { type ChatwootState, type Conversation, toConversationKey } from './model.ts';

/** A change of one conversation attribute, as `changed_attributes` reports it. */
export type ChangedAttribute = { name: string; previous: unknown; current: unknown };

/** Where one event goes: an account webhook or the API inbox's webhook_url, with the secret it is signed with. */
export type Destination = { url: string; secret: string; kind: 'account' | 'api_inbox' | 'agent_bot' };

/** The webhook event of a conversation change (its payload is the conversation's webhook data). */
export type ConversationHappening = {
  type:
    | 'conversation_created'
    | 'conversation_status_changed'
    | 'conversation_updated'
    | 'conversation_opened'
    | 'conversation_resolved';
  conversationId: number;
  changes: ChangedAttribute[] | null;
};
/** The webhook event of a new or changed message (a failed API-inbox delivery of it marks the message failed). */
export type MessageHappening = { type: 'message_created' | 'message_updated'; messageId: number };
/** The webhook event of someone starting or stopping typing (no state changes). */
export type TypingHappening = {
  type: 'conversation_typing_on' | 'conversation_typing_off';
  conversationId: number;
  user: Record<string, unknown> | null;
  isPrivate: boolean;
};
/** The webhook event of a new contact (account webhooks only). */
export type ContactHappening =
  | { type: 'contact_created'; contactId: number }
  | { type: 'contact_updated'; contactId: number; changes: ChangedAttribute[] };

/** The web widget was opened by a contact (webwidget_triggered, with the widget's event info). */
export type WidgetHappening = {
  type: 'webwidget_triggered';
  contactInboxId: number;
  eventInfo: Record<string, unknown>;
};

/** One webhook event a transition causes: what happened, where it goes and how its deliveries are ordered. */
export type ChatwootHappening = (
  | ConversationHappening
  | MessageHappening
  | TypingHappening
  | ContactHappening
  | WidgetHappening
) & {
  destinations: Destination[];
  orderKey: string;
  /** The conversation key the deliveries are recorded under. */
  conversationKey?: string;
};

/**
 * One step of an outcome: a webhook event to emit, a conversation signal to send, or a wake-up to schedule (a
 * snoozed conversation's reopening check at `at`, epoch ms on the simulator clock).
 */
export type OutcomeStep =
  | { event: ChatwootHappening }
  | { signal: ConversationSignal }
  | { wake: { conversationId: number; at: number } };

/** What a transition caused, in order. */
export type Outcome = OutcomeStep[];

/** A transition's result: its value (plain data, never a draft object) and what it caused. */
export type Applied<T> = { value: T; outcome: Outcome };

/**
 * Lists the destinations of an event (WebhookListener#deliver_webhook_payloads): account webhooks subscribed to
 * the event, and, for Channel::Api inboxes, the inbox webhook_url.
 * Contact events (no inbox) go to account webhooks only. Any name is routed by its own type (raw events too).
 */
export function listDestinations(
  s: ChatwootState,
  accountId: number,
  event: string,
  inboxId: number | null,
): Destination[] {
  const out: Destination[] = [];
  // `account.webhooks.account_type`: a webhook created with an inbox_id is still an account_type webhook (the
  // controller never sets webhook_type), so it receives the whole account's events.
  for (const id of getOwn(s.index.webhooksOfAccount, String(accountId)) ?? []) {
    const w = getOwn(s.webhooks, String(id))!;
    if (!w.subscriptions.includes(event)) continue;
    out.push({ url: w.url, secret: w.secret, kind: 'account' });
  }
  const inbox = inboxId === null ? undefined : getOwn(s.inboxes, String(inboxId));
  if (inbox && inbox.channel_type === 'Channel::Api' && inbox.webhook_url) {
    out.push({ url: inbox.webhook_url, secret: inbox.secret, kind: 'api_inbox' });
  }
  return out;
}

/**
 * The agent bot of an inbox that takes webhooks (AgentBotListener#connected_agent_bot_exist? and
 * `outgoing_url.present?`), as a destination signed with the bot's secret.
 */
export function findBotDestination(s: ChatwootState, inboxId: number): Destination | undefined {
  const botId = getOwn(s.inboxes, String(inboxId))?.agent_bot_id ?? null;
  const bot = botId === null ? undefined : getOwn(s.agentBots, String(botId));
  if (!bot?.outgoing_url) return undefined;
  return { url: bot.outgoing_url, secret: bot.secret ?? '', kind: 'agent_bot' };
}

/** Events AgentBotListener forwards as they are (the status ones are renamed, see `toChangeSteps`). */
const BOT_MESSAGE_EVENTS: ReadonlySet<string> = new Set(['message_created', 'message_updated']);

/** The destinations and ordering of an event about a conversation; AgentBotListener runs before WebhookListener. */
function toRouting(s: ChatwootState, c: Conversation, type: string) {
  const bot = BOT_MESSAGE_EVENTS.has(type) ? findBotDestination(s, c.inbox_id) : undefined;
  return {
    destinations: [...(bot ? [bot] : []), ...listDestinations(s, c.account_id, type, c.inbox_id)],
    orderKey: `conversation-${c.id}`,
    conversationKey: toConversationKey(c),
  };
}

/** A conversation event of `c`, routed. */
export function toConversationStep(
  s: ChatwootState,
  c: Conversation,
  type: ConversationHappening['type'],
  changes: ChangedAttribute[] | null,
): OutcomeStep {
  return { event: { type, conversationId: c.id, changes, ...toRouting(s, c, type) } };
}

/** A message event of message `messageId` in `c`, routed. */
export function toMessageStep(
  s: ChatwootState,
  c: Conversation,
  type: MessageHappening['type'],
  messageId: number,
): OutcomeStep {
  return { event: { type, messageId, ...toRouting(s, c, type) } };
}

/** A typing event in `c`, routed. */
export function toTypingStep(
  s: ChatwootState,
  c: Conversation,
  input: { on: boolean; user: Record<string, unknown> | null; isPrivate: boolean },
): OutcomeStep {
  const type = input.on ? 'conversation_typing_on' : 'conversation_typing_off';
  return {
    event: {
      type,
      conversationId: c.id,
      user: input.user,
      isPrivate: input.isPrivate,
      ...toRouting(s, c, type),
    },
  };
}

/**
 * The outcome of conversation attribute changes: conversation_status_changed and a signal when the status changed,
 * then conversation_updated (Conversation#after_update_commit order). No change, no outcome.
 */
export function toChangeSteps(s: ChatwootState, c: Conversation, changes: ChangedAttribute[]): Outcome {
  if (changes.length === 0) return [];
  const steps: Outcome = [];
  const status = changes.filter((change) => change.name === 'status');
  // CONVERSATION_OPENED / CONVERSATION_RESOLVED reach the inbox's agent bot (AgentBotListener) first.
  const bot = findBotDestination(s, c.inbox_id);
  if (status.length > 0 && bot && (c.status === 'open' || c.status === 'resolved')) {
    const type = c.status === 'open' ? 'conversation_opened' : 'conversation_resolved';
    steps.push({
      event: {
        type,
        conversationId: c.id,
        changes: null,
        destinations: [bot],
        orderKey: `conversation-${c.id}`,
        conversationKey: toConversationKey(c),
      },
    });
  }
  if (status.length > 0) {
    // notify_status_change passes `previous_changes.slice('status')`.
    steps.push(toConversationStep(s, c, 'conversation_status_changed', status));
    steps.push({
      signal: {
        type: c.status === 'resolved' ? 'conversation.ended' : 'conversation.updated',
        conversationId: toConversationKey(c),
        data: { status: c.status },
      },
    });
  }
  steps.push(toConversationStep(s, c, 'conversation_updated', changes));
  return steps;
}
