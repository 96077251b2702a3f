// The 8x8 state, shared by Chat API v2 and Chat Gateway v1: types, lookups and derived values (no changes here:
// transitions are the apply* functions of model-*.ts).
// Source: seeds/004_1f4e3fa8a13d5760.txt; reference/providers.md section 1.
import { getOwn } from '../../own.ts';
import type { ProviderContext } from '../../provider/index.ts';
import type { EightByEightEvents, EightByEightMeta } from './events.ts';
import type { EightByEightOptions } from './fixtures.ts';
import type { SortedIndex } from './model-sorted-index.ts';

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
  /** Creation sequence number (1, 2...): the order of the conversation indexes. */
  seq: number;
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
  /**
   * The agent who ended the last interaction, not yet freed: seed 004 has the integration call customer leaves
   * after AGENT_LEFT to free the agent, and that call sends AGENT_LEFT again. Absent (older stores) = none.
   */
  heldAgentId?: string | null;
  /** The bot wrote in the conversation (history or POST messages): it is listed as a participant. */
  botJoined?: boolean;
  /** Every agent that ever joined (for participant lists). */
  agentIds: string[];
  interactions: Interaction[];
  messages: Message[];
  /** Gateway: the post-agent assignment to apply when the agent ends the interaction (model-handover.ts). */
  postAgent?: PostAgentAssignment | null;
  /** Gateway: the post-agent phase in progress (the bot of `webhookId` has the conversation). */
  handover?: Handover | null;
  /** Gateway cards by id: the position of their message in `messages` (kept as messages are added). */
  cardIndex?: Record<string, number>;
  /** Ids of the Gateway attachments uploaded to this conversation, in upload order. */
  attachmentIds: string[];
};

/** A Gateway post-agent assignment (OAS GW PostAgentAssignmentRequest), as stored. */
export type PostAgentAssignment = {
  webhookId: string;
  /** `configuration.notifyChannelWebhookIfExists` is "true": the channel's web-hook gets the phase's events too. */
  notifyChannel: boolean;
  maxTotalMinutes: number | null;
  userTimeoutInMinutes: number | null;
};

/** A post-agent phase in progress: when it started, the bot's last unanswered message, when it ends by itself. */
export type Handover = PostAgentAssignment & {
  startedAt: number;
  lastBotAt: number | null;
  deadline: number | null;
};

/** An issued v2 access token. */
export type Token = { issuedAt: number; expiresAt: number };

/**
 * Indexes of the conversations, kept by the transitions that change what they index, so that no request,
 * action or timer has to look through every conversation. Entries are `toEntry(key, seq, id)` strings. Derived
 * state: a file store neither logs nor snapshots it, and `performStart` rebuilds it from the conversations.
 */
export type ConversationIndexes = {
  v2: {
    /** Every v2 conversation in creation order (the list's `order`). */
    created: SortedIndex;
    /** By channel, keyed `#<channelId>`, in creation order. */
    byChannel: Record<string, SortedIndex>;
    /** By customer `customerId` and `userId` (the `userId` filter), keyed `#<value>`, in creation order. */
    byUser: Record<string, SortedIndex>;
    /** By v2 status (created, pending, handling, deleted), in creation order. */
    byStatus: Record<string, SortedIndex>;
  };
  /**
   * Every Gateway conversation once per sortable field (`sort=id|createdAt|channelId|state`): `id` holds the ids
   * themselves, the others `toEntry(<field>, seq, id)`.
   */
  gateway: { id: SortedIndex; createdAt: SortedIndex; channelId: SortedIndex; state: SortedIndex };
  /** Conversations whose open interaction waits in a queue (auto-accept is armed for them). */
  queued: Record<string, { interactionId: string; queueId: string }>;
  /** Gateway conversations in a post-agent phase that ends by itself, with its deadline. */
  handovers: Record<string, number>;
};

/** The whole provider state (one JSON document in the store). Every collection is keyed by id. */
export type EightByEightState = {
  tenant: string;
  region: string;
  customerId: string;
  credentials: { apiKey: string; apiSecret: string; gatewayApiKey: string };
  tokenTtlSeconds: number;
  /** Live access tokens by token. */
  tokens: Record<string, Token>;
  /** Tokens in the order they were issued (they expire in that order): a queue, `ids[head..tail)`. */
  tokenQueue: { head: number; tail: number; ids: Record<string, string> };
  queues: Record<string, Queue>;
  agents: Record<string, Agent>;
  /** Agent ids in fixture order: the first available one accepts. */
  agentOrder: string[];
  webhooks: Record<string, Webhook>;
  channels: Record<string, Channel>;
  conversations: Record<string, Conversation>;
  attachments: Record<string, Attachment>;
  index: ConversationIndexes;
  seq: { webhook: number; channel: number; conversation: number };
  signingKey: { kid: string; privateJwk: Record<string, string> };
};

/** Something that happened to a conversation; events.ts turns it into the API's webhook payload(s). */
export type Happening =
  | { kind: 'conversation-update'; state: 'created' | 'active' | 'idle' }
  | { kind: 'queued'; queueId: string }
  | { kind: 'agent-joined'; agentId: string }
  | { kind: 'agent-left'; agentId: string }
  /** The customer left after the agent had ended the interaction: v2 AGENT_LEFT again (seed 004), no Gateway event. */
  | { kind: 'agent-released'; agentId: string }
  | { kind: 'user-left' }
  | { kind: 'transfer' }
  | { kind: 'agent-message'; messageId: string }
  /** The user wrote during a post-agent phase: the bot's web-hook gets it (Gateway MESSAGE). */
  | { kind: 'user-message'; messageId: string }
  /** The bot wrote through the API: the Gateway echoes it (MESSAGE isEcho true). */
  | { kind: 'bot-message'; messageId: string }
  /** An adaptive card's action was submitted (user) or executed (agent): Gateway ACTIVITY adaptiveCard/action. */
  | { kind: 'card-action'; type: 'Action.Submit' | 'Action.Execute'; data: Record<string, unknown> }
  | { kind: 'agent-typing'; agentId: string; typing: boolean };

/** What a transition asks `performOutcome` (effects.ts) to do once the state is written. */
export type Outcome = {
  happenings: Happening[];
  /** An interaction that waits in a queue for an agent (auto-accept is scheduled for it). */
  queued?: { interactionId: string; queueId: string };
  signal?: 'conversation.started' | 'conversation.updated' | 'conversation.ended';
  /** The post-agent phase these happenings belong to: all but the agent's go to its web-hook (model-handover.ts). */
  handover?: { webhookId: string; notifyChannel: boolean };
  /** A post-agent phase ends by itself at this time (a timer is armed; it checks the deadline still holds). */
  deadline?: number;
};

/** A Gateway card of the conversation by id, through its card index (no walk over the messages). */
export function findCard(conversation: Conversation, cardId: string): Card | undefined {
  const position = conversation.cardIndex ? getOwn(conversation.cardIndex, cardId) : undefined;
  if (position === undefined) return undefined;
  return conversation.messages[position]?.cards.find((card) => card.id === cardId);
}

/** Indexes the cards of the message at `position` (call when the message is added). */
export function indexCards(conversation: Conversation, message: Message, position: number): void {
  if (message.cards.length === 0) return;
  conversation.cardIndex ??= {};
  for (const card of message.cards) conversation.cardIndex[card.id] = position;
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

/** Gateway state of a conversation: active while an interaction is open or a post-agent phase runs, idle after. */
export function toGatewayState(conversation: Conversation): 'active' | 'idle' {
  return toOpenInteraction(conversation) || conversation.handover ? 'active' : 'idle';
}

/** Finds a conversation of one API (an id of the other API, or an inherited name, finds nothing). */
export function findConversation(state: EightByEightState, api: Api, id: string): Conversation | undefined {
  const conversation = getOwn(state.conversations, id);
  return conversation?.api === api ? conversation : undefined;
}

/** The context every 8x8 module receives (typed events and delivery meta). */
export type Ctx = ProviderContext<
  EightByEightState,
  EightByEightOptions,
  EightByEightEvents,
  EightByEightMeta
>;

/** Seeded randomness (ids), as the context gives it. */
export type Random = Ctx['random'];

/** Finds a web-hook of one API. */
export function findWebhook(state: EightByEightState, api: Api, id: string): Webhook | undefined {
  const webhook = getOwn(state.webhooks, id);
  return webhook?.api === api ? webhook : undefined;
}

/** Finds a channel of one API. */
export function findChannel(state: EightByEightState, api: Api, id: string): Channel | undefined {
  const channel = getOwn(state.channels, id);
  return channel?.api === api ? channel : undefined;
}

/** The first available agent of a queue (fixture order), other than `except`. */
export function findAvailableAgent(
  state: EightByEightState,
  queueId: string,
  except?: string,
): Agent | undefined {
  for (const id of state.agentOrder) {
    const agent = getOwn(state.agents, id);
    if (agent?.available && agent.id !== except && agent.queues.includes(queueId)) return agent;
  }
  return undefined;
}

/** The web-hook URI a conversation's events go to (through its channel), if any. */
export function findWebhookUri(state: EightByEightState, conversation: Conversation): string | undefined {
  const channel = findChannel(state, conversation.api, conversation.channelId);
  return channel && findWebhook(state, conversation.api, channel.webHookId)?.uri;
}
