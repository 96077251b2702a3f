// The 8x8 conversation state machine, shared by Chat API v2 and Chat Gateway v1.
// Source: seeds/004_1f4e3fa8a13d5760.txt; reference/providers.md section 1.
import type { ConversationSummary } from '../../provider.ts';

/** Which API generation created a resource; each API sees only its own webhooks, channels and conversations. */
export type Api = 'v2' | 'gateway';

/** A contact-center queue (fixture). */
export type Queue = { id: string; name: string; autoAccept?: boolean; autoAcceptDelayMs?: number };
/** A contact-center agent (fixture). */
export type Agent = { id: string; name: string; queues: string[]; available: boolean };

/** A webhook definition; `revision` is the entity version tag used by If-Match. */
export type Webhook = { id: string; api: Api; name: string; uri: string; version: string; revision: number };
/** A Chat API channel: a webhook plus a queue. */
export type Channel = {
  id: string;
  api: Api;
  name: string;
  type?: string;
  webHookId: string;
  routingOptions: { type: 'queue'; id: string };
  revision: number;
};

/** One contact-center interaction of a conversation (one queue offer, at most one agent at a time). */
export type Interaction = {
  id: string;
  queueId: string;
  agentId: string | null;
  startTime: number;
  endTime: number | null;
};

/** A card attached to a Gateway message. */
export type Card = {
  id: string;
  contentType: string;
  content: unknown;
  actionSubmitted: boolean;
  actionExecuted: boolean;
};

/** A message of a conversation, in either API. */
export type Message = {
  id: string;
  interactionId: string;
  authorType: 'user' | 'bot' | 'agent' | 'system';
  participantId: string;
  text: string;
  createdAt: number;
  attachments: { id: string }[];
  cards: Card[];
  externalProvider?: { name: string; externalMessageId: string };
};

/** An uploaded Gateway attachment (content kept base64 in the JSON store). */
export type Attachment = {
  id: string;
  conversationId: string;
  filename: string;
  contentType: string;
  sizeInBytes: number;
  createdAt: number;
  authorType: string;
  /** Origin (scheme://host) of the upload request, for the MESSAGE event's preSignedUrl. */
  origin: string;
  contentBase64: string;
};

/** Gateway user data as sent (`additionalProperties` is a key/value list). */
export type GatewayUser = Record<string, unknown>;

/** A conversation: "forever lasting", a sequence of interactions. */
export type Conversation = {
  id: string;
  api: Api;
  channelId: string;
  createdAt: number;
  /** v2 `customer` object (string values). */
  customer: Record<string, string>;
  /** Gateway `user` object. */
  user: GatewayUser;
  /** Gateway assignment as the client set it or as routing changed it. */
  assignment: { type: string; id: string };
  /** Participant id of the customer/user in messages and participant lists. */
  userParticipantId: string;
  language: string;
  /** The queue of the last interaction: a message after AGENT_LEFT re-queues here. */
  lastQueueId: string;
  customerLeft: boolean;
  /** Every agent that ever joined (for participant lists). */
  agentIds: string[];
  interactions: Interaction[];
  messages: Message[];
};

/** The whole provider state (one JSON document in the store). */
export type EightByEightState = {
  tenant: string;
  region: string;
  customerId: string;
  credentials: { apiKey: string; apiSecret: string; gatewayApiKey: string };
  tokenTtlSeconds: number;
  tokens: Record<string, { issuedAt: number; expiresAt: number }>;
  queues: Queue[];
  agents: Agent[];
  webhooks: Webhook[];
  channels: Channel[];
  conversations: Conversation[];
  attachments: Attachment[];
  seq: { webhook: number; channel: number };
  signingKey: { kid: string; privateJwk: Record<string, string> };
};

/** Something that happened to a conversation; events.ts turns it into the API's webhook payload(s). */
export type Happening =
  | { kind: 'conversation-update'; state: 'created' | 'active' | 'idle' }
  | { kind: 'queued'; queueId: string }
  | { kind: 'agent-joined'; agentId: string }
  | { kind: 'agent-left'; agentId: string }
  | { kind: 'user-left' }
  | { kind: 'transfer' }
  | { kind: 'agent-message'; messageId: string }
  | { kind: 'agent-typing'; agentId: string; typing: boolean };

/** What a transition asks the glue to do after the state is written. */
export type Outcome = {
  happenings: Happening[];
  /** An interaction that waits in a queue for an agent (auto-accept is scheduled for it). */
  queued?: { interactionId: string; queueId: string };
  signal?: 'conversation.started' | 'conversation.updated' | 'conversation.ended';
};

/** A transition that does not fit the conversation's state. */
export class StateError extends Error {
  override name = 'StateError';
}

/** The conversation's open interaction, if any. */
export function toOpenInteraction(conversation: Conversation): Interaction | undefined {
  const last = conversation.interactions.at(-1);
  return last && last.endTime === null ? last : undefined;
}

/** v2 TransactionStatus of a conversation (simulator choice: derived from the open interaction). */
export function toV2Status(conversation: Conversation): 'created' | 'pending' | 'handling' | 'deleted' {
  const open = toOpenInteraction(conversation);
  if (open) return open.agentId ? 'handling' : 'pending';
  return conversation.customerLeft ? 'deleted' : 'created';
}

/** Gateway state of a conversation: active while an interaction is open, idle after. */
export function toGatewayState(conversation: Conversation): 'active' | 'idle' {
  return toOpenInteraction(conversation) ? 'active' : 'idle';
}

/** Finds a conversation of one API. */
export function findConversation(state: EightByEightState, api: Api, id: string): Conversation | undefined {
  return state.conversations.find((c) => c.api === api && c.id === id);
}

/** The first available agent of a queue, other than `except`. */
export function findAvailableAgent(
  state: EightByEightState,
  queueId: string,
  except?: string,
): Agent | undefined {
  return state.agents.find((a) => a.available && a.queues.includes(queueId) && a.id !== except);
}

/** Summarizes conversations for the admin listing. */
export function toConversationSummaries(state: EightByEightState): ConversationSummary[] {
  return state.conversations.map((c) => {
    const open = toOpenInteraction(c);
    return {
      provider: '8x8',
      id: c.id,
      status: c.api === 'v2' ? toV2Status(c) : toGatewayState(c),
      createdAt: c.createdAt,
      participants: [c.userParticipantId, ...(open?.agentId ? [open.agentId] : [])],
      detail: {
        api: c.api,
        channelId: c.channelId,
        queueId: open?.queueId ?? c.lastQueueId,
        agentId: open?.agentId ?? null,
        interactions: c.interactions.length,
        messages: c.messages.length,
      },
    };
  });
}
