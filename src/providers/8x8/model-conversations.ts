// Transitions of the 8x8 conversation state machine, customer side (pure: drafts in, outcomes out); the agent's
// are in model-agents.ts. Source: seeds/004_1f4e3fa8a13d5760.txt; reference/providers.md 1.1 "Behaviour" and 1.2.
// Each one looks its conversation up by id and moves it in the indexes it changed: O(1) in the number of
// stored conversations (O(log) in the ordered indexes).
// A transition that does not fit the conversation's state throws (the update is rolled back); an action that
// runs it answers 409 with the message.
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import {
  type Api,
  type Attachment,
  type Conversation,
  type EightByEightState,
  findChannel,
  type GatewayUser,
  type Happening,
  indexCards,
  type Message,
  type Outcome,
  toGatewayState,
  toOpenInteraction,
} from './model.ts';
import { endHandover, noteHandoverMessage } from './model-handover.ts';
import { changeConversation, indexConversation, unindexConversation } from './model-indexes.ts';

/** A conversation to start, as either API's request asks for it, with its ids drawn (model-ids.ts). */
export type ConversationStart = {
  id: string;
  api: Api;
  channelId: string;
  customer: Record<string, string>;
  user: GatewayUser;
  /** Gateway: the queue (or script) the request assigns; else the channel's queue. */
  assignment?: { type: string; id: string };
  userParticipantId: string;
  language: string;
  interactionId: string;
  messages: Omit<Message, 'interactionId'>[];
};

/**
 * Starts a conversation (v2 and Gateway POST conversations): queued in the queue the request assigns, else in its
 * channel's queue, with its history in the first interaction.
 */
export function applyConversationStart(
  draft: EightByEightState,
  start: ConversationStart,
  now: number,
): Outcome {
  const channel = findChannel(draft, start.api, start.channelId);
  if (!channel) throw new Error(`Channel ${toEcho(start.channelId)} was not found.`);
  const queueId = start.assignment?.type === 'queue' ? start.assignment.id : channel.routingOptions.id;
  const conversation: NewConversation = {
    id: start.id,
    api: start.api,
    channelId: start.channelId,
    createdAt: now,
    customer: start.customer,
    user: start.user,
    assignment: start.assignment ?? { type: 'queue', id: queueId },
    userParticipantId: start.userParticipantId,
    language: start.language,
    lastQueueId: queueId,
    customerLeft: false,
    heldAgentId: null,
    botJoined: start.messages.some((m) => m.authorType === 'bot'),
    agentIds: [],
    interactions: [],
    messages: start.messages.map((message) => ({ ...message, interactionId: start.interactionId })),
    attachmentIds: [],
  };
  return applyCreateConversation(draft, conversation, start.interactionId);
}

/** A conversation as created: its fields set later (hand-over, cards, held agent, bot) are not there yet. */
type NewConversation = Omit<Conversation, 'seq' | 'postAgent' | 'handover' | 'cardIndex'>;

/** Adds a conversation (its `seq` is assigned here) and opens its first interaction in `lastQueueId`. */
export function applyCreateConversation(
  draft: EightByEightState,
  conversation: NewConversation,
  interactionId: string,
): Outcome {
  draft.seq.conversation += 1;
  // Every field named (seq last), not `...conversation`: an object spread gave each stored conversation
  // a hidden class of its own in V8 (its own map and descriptors, about 0.5 KB per conversation).
  const c = conversation;
  draft.conversations[conversation.id] = {
    id: c.id,
    api: c.api,
    channelId: c.channelId,
    createdAt: c.createdAt,
    customer: c.customer,
    user: c.user,
    assignment: c.assignment,
    userParticipantId: c.userParticipantId,
    language: c.language,
    lastQueueId: c.lastQueueId,
    customerLeft: c.customerLeft,
    heldAgentId: c.heldAgentId ?? null,
    botJoined: c.botJoined ?? false,
    agentIds: c.agentIds,
    interactions: [
      ...c.interactions,
      { id: interactionId, queueId: c.lastQueueId, agentId: null, startTime: c.createdAt, endTime: null },
    ],
    messages: c.messages,
    attachmentIds: c.attachmentIds,
    seq: draft.seq.conversation,
  };
  const added = draft.conversations[conversation.id]!;
  for (let i = 0; i < added.messages.length; i++) indexCards(added, added.messages[i]!, i);
  indexConversation(draft, added);
  const queueId = conversation.lastQueueId;
  return {
    happenings: [
      { kind: 'conversation-update', state: 'created' },
      { kind: 'conversation-update', state: 'active' },
      { kind: 'queued', queueId },
    ],
    queued: { interactionId, queueId },
    signal: 'conversation.started',
  };
}

/**
 * The customer (or bot) writes a message. Without an open interaction (after AGENT_LEFT or after the
 * customer left) a new interaction is queued in the queue of the last one (seed 004).
 */
export function applyCustomerMessage(
  draft: EightByEightState,
  conversationId: string,
  message: Omit<Message, 'interactionId'>,
  newInteractionId: string,
): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    let openId = toOpenInteraction(conversation)?.id;
    const outcome: Outcome = { happenings: [], signal: 'conversation.updated' };
    if (conversation.handover) {
      // A post-agent phase: the message goes to the bot, in the last interaction; nothing is queued.
      openId = conversation.interactions.at(-1)?.id ?? newInteractionId;
      noteHandoverMessage(conversation, outcome, message.authorType, message.createdAt);
      if (message.authorType === 'user')
        outcome.happenings.push({ kind: 'user-message', messageId: message.id });
    } else if (openId === undefined) {
      const queueId = conversation.lastQueueId;
      conversation.customerLeft = false;
      // The conversation goes on: the agent who ended the last interaction is no longer held (no event).
      conversation.heldAgentId = null;
      conversation.assignment = { type: 'queue', id: queueId };
      conversation.interactions.push({
        id: newInteractionId,
        queueId,
        agentId: null,
        startTime: message.createdAt,
        endTime: null,
      });
      openId = newInteractionId;
      outcome.happenings.push({ kind: 'conversation-update', state: 'active' }, { kind: 'queued', queueId });
      outcome.queued = { interactionId: newInteractionId, queueId };
    }
    if (message.authorType === 'bot') {
      conversation.botJoined = true;
      outcome.happenings.push({ kind: 'bot-message', messageId: message.id });
    }
    const stored = { ...message, interactionId: openId };
    indexCards(conversation, stored, conversation.messages.length);
    conversation.messages.push(stored);
    return outcome;
  });
}

/**
 * The customer leaves (v2 DELETE participants/customer, Gateway PATCH participants/user). With an open interaction:
 * it ends, the agent (if any) is freed (v2 AGENT_LEFT; Gateway user left, agent left, idle). After the agent ended
 * the interaction: the held agent is freed (v2 AGENT_LEFT again, seed 004; Gateway user left). Once the customer
 * has left, nothing happens.
 */
export function applyCustomerLeave(draft: EightByEightState, conversationId: string, now: number): Outcome {
  return changeConversation(draft, conversationId, (conversation): Outcome => {
    const open = toOpenInteraction(conversation);
    const alreadyLeft = conversation.customerLeft;
    const heldAgentId = conversation.heldAgentId ?? null;
    conversation.customerLeft = true;
    conversation.heldAgentId = null;
    if (!open) {
      if (alreadyLeft) return { happenings: [] };
      const happenings: Happening[] = [{ kind: 'user-left' }];
      if (heldAgentId) happenings.push({ kind: 'agent-released', agentId: heldAgentId });
      if (!conversation.handover) return { happenings, signal: 'conversation.updated' };
      happenings.push({ kind: 'conversation-update', state: 'idle' });
      const outcome: Outcome = { happenings, signal: 'conversation.ended' };
      endHandover(conversation, outcome);
      return outcome;
    }
    const agentId = open.agentId;
    open.endTime = now;
    conversation.assignment = { type: 'queue', id: conversation.lastQueueId };
    const happenings: Happening[] = [{ kind: 'user-left' }];
    if (agentId) happenings.push({ kind: 'agent-left', agentId });
    happenings.push({ kind: 'conversation-update', state: 'idle' });
    return { happenings, signal: 'conversation.ended' };
  });
}

/**
 * Gateway PUT/PATCH: a new user and/or a new queue assignment. A new queue re-routes the open interaction
 * (the agent, if any, leaves and the interaction is queued again).
 */
export function applyConversationChange(
  draft: EightByEightState,
  conversationId: string,
  change: { user?: GatewayUser; channelId?: string; assignment?: { type: string; id: string } },
): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    if (change.user) conversation.user = change.user;
    if (change.channelId) conversation.channelId = change.channelId;
    const outcome: Outcome = { happenings: [], signal: 'conversation.updated' };
    const assignment = change.assignment;
    const open = toOpenInteraction(conversation);
    const reroute =
      assignment &&
      !(assignment.type === conversation.assignment.type && assignment.id === conversation.assignment.id) &&
      !(open?.agentId === null && assignment.type === 'queue' && assignment.id === open.queueId);
    if (!assignment || !reroute) {
      outcome.happenings.push({ kind: 'conversation-update', state: toGatewayState(conversation) });
      return outcome;
    }
    conversation.assignment = { type: assignment.type, id: assignment.id };
    if (assignment.type === 'queue') conversation.lastQueueId = assignment.id;
    outcome.happenings.push({ kind: 'conversation-update', state: toGatewayState(conversation) });
    if (open && assignment.type === 'queue') {
      if (open.agentId) outcome.happenings.push({ kind: 'agent-left', agentId: open.agentId });
      open.agentId = null;
      open.queueId = assignment.id;
      outcome.happenings.push({ kind: 'queued', queueId: assignment.id });
      outcome.queued = { interactionId: open.id, queueId: assignment.id };
    }
    return outcome;
  });
}

/** Stores a Gateway attachment uploaded to its conversation. */
export function applyAttachmentAdd(draft: EightByEightState, attachment: Attachment): void {
  const conversation = getOwn(draft.conversations, attachment.conversationId);
  if (!conversation) throw new Error(`Conversation ${toEcho(attachment.conversationId)} was not found.`);
  draft.attachments[attachment.id] = attachment;
  conversation.attachmentIds.push(attachment.id);
}

/**
 * Deletes an ended conversation (no open interaction: the agent or the customer left) with its messages, its
 * Gateway attachments and its index entries, for `--retain`. Costs what the conversation holds. A conversation
 * that is gone or has an open interaction again (the customer wrote after it ended) is left alone (false).
 */
export function applyExpire(draft: EightByEightState, conversationId: string): boolean {
  const conversation = getOwn(draft.conversations, conversationId);
  if (!conversation || toOpenInteraction(conversation) || conversation.handover) return false;
  unindexConversation(draft, conversation);
  const attachmentIds = conversation.attachmentIds;
  for (let i = 0; i < attachmentIds.length; i++) {
    const attachmentId = attachmentIds[i]!;
    if (getOwn(draft.attachments, attachmentId)?.conversationId === conversationId)
      delete draft.attachments[attachmentId];
  }
  delete draft.conversations[conversationId];
  return true;
}
