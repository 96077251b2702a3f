// 8x8 webhook events: the typed event map of both APIs and the payload builders, and the headers that sign one
// delivery attempt. Payloads: reference/providers.md 1.1 "Webhook events, notification version v2.0" and 1.2
// "Gateway webhook events"; signature: events-signing.ts.
import { getOwn } from '../../own.ts';
import type { WebhookEvent } from '../../provider/index.ts';
import { createSignature, type SignatureFields } from './events-signing.ts';
import type { Api, Conversation, EightByEightState, Happening, Message } from './model.ts';

/** Chat API v2 events (notification version v2.0), keyed by eventType. */
export type V2Events = {
  QUEUED: {
    eventType: 'QUEUED';
    messageType: 'SYSTEM';
    conversationId: string;
    queueId: string;
    queueName: string;
    timestamp: number;
  };
  AGENT_JOINED: {
    eventType: 'AGENT_JOINED';
    messageType: 'SYSTEM';
    conversationId: string;
    agentId: string;
    agentName: string;
    timestamp: number;
  };
  AGENT_LEFT: {
    eventType: 'AGENT_LEFT';
    messageType: 'SYSTEM';
    conversationId: string;
    agentId: string;
    agentName: string;
    timestamp: number;
  };
  TRANSFER: { eventType: 'TRANSFER'; messageType: 'SYSTEM'; conversationId: string; timestamp: number };
  TEXT: {
    eventType: 'TEXT';
    messageType: 'AGENT';
    conversationId: string;
    agentId: string;
    agentName: string;
    message: string;
    timestamp: number;
  };
  WEB_HOOK_VERIFY: { notificationVersion: string; eventType: 'WEB_HOOK_VERIFY' };
};

type GatewayEnvelope<T extends string> = { eventType: T; conversationId: string; timestamp: number };

/** Chat Gateway v1 events (version "Chat Gateway v1.0"), keyed by eventType. */
export type GatewayEvents = {
  CONVERSATION_UPDATE: GatewayEnvelope<'CONVERSATION_UPDATE'> & {
    data: {
      state: 'created' | 'active' | 'idle';
      assignment: { type: string; id: string };
      user: Record<string, unknown>;
      channel: string;
    };
  };
  QUEUED: GatewayEnvelope<'QUEUED'> & { data: { queueId: string; queueName: string } };
  MEMBERS_CHANGED: GatewayEnvelope<'MEMBERS_CHANGED'> & {
    data: { memberType: 'user' | 'agent'; change: 'joined' | 'left'; id: string };
  };
  TRANSFER: GatewayEnvelope<'TRANSFER'>;
  MESSAGE: GatewayEnvelope<'MESSAGE'> & {
    data: {
      isEcho: boolean;
      sender: { id: string; type: 'agent' | 'user' | 'bot' };
      text: string;
      attachments?: { id: string; type: string; preSignedUrl: string; fileName: string }[];
      cards?: { contentType: string; content: unknown }[];
    };
  };
  ACTIVITY: GatewayEnvelope<'ACTIVITY'> & {
    data:
      | { name: 'typing'; value: { users: { type: 'agent'; id: string }[] } }
      | {
          name: 'adaptiveCard/action';
          value: { type: 'Action.Submit' | 'Action.Execute'; data: Record<string, unknown> };
        };
  };
  WEB_HOOK_VERIFY: { notificationVersion: string; eventType: 'WEB_HOOK_VERIFY' };
};

/** Any event body of either API. */
export type EightByEightEvent = V2Events[keyof V2Events] | GatewayEvents[keyof GatewayEvents];

/** The events of both APIs by type (QUEUED, TRANSFER and WEB_HOOK_VERIFY exist in both, with their own bodies). */
export type EightByEightEvents = {
  [Type in EightByEightEvent['eventType']]: Extract<EightByEightEvent, { eventType: Type }>;
};

/** What every 8x8 delivery records for itself: the API whose events it carries (signing is the same for both). */
export type EightByEightMeta = { api: Api };

/** An event of either API as `emit` takes it: its type is its body's eventType. */
export type EightByEightWebhook = WebhookEvent<
  EightByEightEvent['eventType'],
  EightByEightEvent,
  EightByEightMeta
>;

/** An event to emit: its body, sent to `url` in the conversation's order, recorded with its API. */
export function toWebhookEvent(
  body: EightByEightEvent,
  target: { url: string; conversation: Conversation },
): EightByEightWebhook {
  const { url, conversation } = target;
  const id = conversation.id;
  return {
    type: body.eventType,
    body,
    url,
    orderKey: id,
    conversationId: id,
    meta: { api: conversation.api },
  };
}

/** Builds the WEB_HOOK_VERIFY body. */
export function makeVerifyEvent(version: string): V2Events['WEB_HOOK_VERIFY'] {
  return { notificationVersion: version, eventType: 'WEB_HOOK_VERIFY' };
}

const agentName = (state: EightByEightState, id: string) => getOwn(state.agents, id)?.name ?? id;
const queueName = (state: EightByEightState, id: string) => getOwn(state.queues, id)?.name ?? id;

/** A message of the conversation by id, looked up from the newest (events are about the last messages). */
function findMessage(conversation: Conversation, id: string): Message | undefined {
  const messages = conversation.messages;
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.id === id) return messages[i];
  return undefined;
}

/**
 * Turns one happening into the v2 event body, or null when v2 has no such event. Key order follows the
 * captured AGENT_JOINED body of the docs (ids first, timestamp last).
 */
export function toV2Event(
  state: EightByEightState,
  conversation: Conversation,
  happening: Happening,
  timestamp: number,
): V2Events[keyof V2Events] | null {
  const conversationId = conversation.id;
  switch (happening.kind) {
    case 'queued':
      return {
        eventType: 'QUEUED',
        messageType: 'SYSTEM',
        conversationId,
        queueId: happening.queueId,
        queueName: queueName(state, happening.queueId),
        timestamp,
      };
    case 'agent-joined':
    case 'agent-left':
    case 'agent-released':
      return {
        eventType: happening.kind === 'agent-joined' ? 'AGENT_JOINED' : 'AGENT_LEFT',
        messageType: 'SYSTEM',
        conversationId,
        agentId: happening.agentId,
        agentName: agentName(state, happening.agentId),
        timestamp,
      } as V2Events['AGENT_JOINED'] | V2Events['AGENT_LEFT'];
    case 'transfer':
      return { eventType: 'TRANSFER', messageType: 'SYSTEM', conversationId, timestamp };
    case 'agent-message': {
      const message = findMessage(conversation, happening.messageId);
      if (!message) return null;
      return {
        eventType: 'TEXT',
        messageType: 'AGENT',
        conversationId,
        agentId: message.participantId,
        agentName: agentName(state, message.participantId),
        message: message.text,
        timestamp,
      };
    }
    default:
      return null;
  }
}

/** Attachment metadata of a Gateway MESSAGE event; the URL points at the host the file was uploaded to. */
function toEventAttachments(state: EightByEightState, message: Message) {
  return message.attachments.map(({ id }) => {
    const attachment = getOwn(state.attachments, id);
    const major = attachment?.contentType.split('/')[0] ?? 'file';
    return {
      id,
      type: ['image', 'video', 'audio'].includes(major) ? major : 'file',
      preSignedUrl: attachment
        ? `${attachment.origin}/chat-gateway/v1/conversations/${attachment.conversationId}/attachments/${id}/content`
        : '',
      fileName: attachment?.filename ?? id,
    };
  });
}

/** Turns one happening into the Gateway event body, or null when the Gateway has no such event. */
export function toGatewayEvent(
  state: EightByEightState,
  conversation: Conversation,
  happening: Happening,
  timestamp: number,
): GatewayEvents[keyof GatewayEvents] | null {
  const envelope = { conversationId: conversation.id, timestamp };
  switch (happening.kind) {
    case 'conversation-update':
      return {
        eventType: 'CONVERSATION_UPDATE',
        ...envelope,
        data: {
          state: happening.state,
          assignment: { ...conversation.assignment },
          user: conversation.user,
          channel: 'ChatAPI',
        },
      };
    case 'queued':
      return {
        eventType: 'QUEUED',
        ...envelope,
        data: { queueId: happening.queueId, queueName: queueName(state, happening.queueId) },
      };
    case 'agent-joined':
    case 'agent-left':
      return {
        eventType: 'MEMBERS_CHANGED',
        ...envelope,
        data: {
          memberType: 'agent',
          change: happening.kind === 'agent-joined' ? 'joined' : 'left',
          id: happening.agentId,
        },
      };
    case 'user-left':
      return {
        eventType: 'MEMBERS_CHANGED',
        ...envelope,
        data: { memberType: 'user', change: 'left', id: conversation.userParticipantId },
      };
    case 'transfer':
      return { eventType: 'TRANSFER', ...envelope };
    case 'agent-message':
    case 'user-message':
    case 'bot-message': {
      const message = findMessage(conversation, happening.messageId);
      if (!message) return null;
      const echo = happening.kind === 'bot-message';
      const type = echo ? 'bot' : happening.kind === 'user-message' ? 'user' : 'agent';
      const data: GatewayEvents['MESSAGE']['data'] = {
        isEcho: echo,
        sender: { id: message.participantId, type },
        text: message.text,
      };
      if (message.attachments.length > 0) data.attachments = toEventAttachments(state, message);
      if (message.cards.length > 0) {
        data.cards = message.cards.map((c) => ({ contentType: c.contentType, content: c.content }));
      }
      return { eventType: 'MESSAGE', ...envelope, data };
    }
    case 'agent-typing':
      return {
        eventType: 'ACTIVITY',
        ...envelope,
        data: {
          name: 'typing',
          value: { users: happening.typing ? [{ type: 'agent', id: happening.agentId }] : [] },
        },
      };
    case 'card-action':
      return {
        eventType: 'ACTIVITY',
        ...envelope,
        data: { name: 'adaptiveCard/action', value: { type: happening.type, data: happening.data } },
      };
    default:
      return null;
  }
}

/** The six x-8x8-* headers of one delivery attempt. */
export async function makeSignedHeaders(
  body: string,
  fields: SignatureFields,
  key: EightByEightState['signingKey'],
): Promise<Record<string, string>> {
  return {
    'x-8x8-customer-id': fields.cid,
    'x-8x8-event-id': fields.eid,
    'x-8x8-retry': String(fields.retry),
    'x-8x8-signature': await createSignature(body, fields, key),
    'x-8x8-tenant-id': fields.tid,
    'x-8x8-transmission-time': String(fields.tt),
  };
}
