// Transitions of the 8x8 conversation state machine (pure: drafts in, outcomes out).
// Source: seeds/004_1f4e3fa8a13d5760.txt; reference/providers.md 1.1 "Behaviour" and 1.2 key elements.
// Each one looks its conversation up by id and moves it in the indexes it changed: O(1) in the number of
// stored conversations (O(log) in the ordered indexes).
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import {
  type Agent,
  type Conversation,
  type EightByEightState,
  findAvailableAgent,
  type GatewayUser,
  type Happening,
  indexConversation,
  type Message,
  type Outcome,
  reindexConversation,
  StateError,
  toGatewayState,
  toIndexKeys,
  toOpenInteraction,
  unindexConversation,
} from './model.ts';

/** Runs `change` on a conversation of the draft, then moves it in the indexes whose keys changed. */
function changeConversation<T>(
  draft: EightByEightState,
  id: string,
  change: (conversation: Conversation) => T,
): T {
  const conversation = getOwn(draft.conversations, id);
  if (!conversation) throw new StateError(`Conversation ${toEcho(id)} was not found.`);
  const before = toIndexKeys(conversation);
  const result = change(conversation);
  reindexConversation(draft, conversation, before);
  return result;
}

/** Adds a conversation (its `seq` is assigned here) and opens its first interaction in `lastQueueId`. */
export function applyCreateConversation(
  draft: EightByEightState,
  conversation: Omit<Conversation, 'seq'>,
  interactionId: string,
): Outcome {
  draft.seq.conversation += 1;
  draft.conversations[conversation.id] = {
    ...conversation,
    seq: draft.seq.conversation,
    interactions: [
      ...conversation.interactions,
      {
        id: interactionId,
        queueId: conversation.lastQueueId,
        agentId: null,
        startTime: conversation.createdAt,
        endTime: null,
      },
    ],
  };
  indexConversation(draft, draft.conversations[conversation.id]!);
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

/** An agent accepts the queued interaction (AGENT_JOINED). */
export function applyAgentJoin(
  draft: EightByEightState,
  conversationId: string,
  agentId: string | undefined,
): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    const open = toOpenInteraction(conversation);
    if (!open || open.agentId)
      throw new StateError(`Conversation ${toEcho(conversationId)} has no queued interaction.`);
    const agent =
      agentId !== undefined ? getOwn(draft.agents, agentId) : findAvailableAgent(draft, open.queueId);
    if (!agent) {
      throw new StateError(
        agentId !== undefined
          ? `Agent ${toEcho(agentId)} does not exist.`
          : `No available agent in queue ${toEcho(open.queueId)}.`,
      );
    }
    const joined = agent.id;
    open.agentId = joined;
    if (!conversation.agentIds.includes(joined)) conversation.agentIds.push(joined);
    conversation.assignment = { type: 'agent', id: joined };
    return {
      happenings: [
        { kind: 'agent-joined', agentId: joined },
        { kind: 'conversation-update', state: 'active' },
      ],
      signal: 'conversation.updated',
    };
  });
}

/** The agent writes a message (TEXT / MESSAGE). */
export function applyAgentMessage(
  draft: EightByEightState,
  conversationId: string,
  message: Omit<Message, 'interactionId' | 'participantId' | 'authorType'>,
): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    const open = toOpenInteraction(conversation);
    if (!open?.agentId) throw new StateError(`No agent is in conversation ${toEcho(conversationId)}.`);
    conversation.messages.push({
      ...message,
      interactionId: open.id,
      authorType: 'agent',
      participantId: open.agentId,
    });
    return {
      happenings: [{ kind: 'agent-message', messageId: message.id }],
      signal: 'conversation.updated',
    };
  });
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
    if (openId === undefined) {
      const queueId = conversation.lastQueueId;
      conversation.customerLeft = false;
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
    conversation.messages.push({ ...message, interactionId: openId });
    return outcome;
  });
}

/** The agent ends the interaction (AGENT_LEFT). */
export function applyAgentLeave(draft: EightByEightState, conversationId: string, now: number): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    const open = toOpenInteraction(conversation);
    if (!open?.agentId) throw new StateError(`No agent is in conversation ${toEcho(conversationId)}.`);
    const agentId = open.agentId;
    open.endTime = now;
    conversation.assignment = { type: 'queue', id: conversation.lastQueueId };
    return {
      happenings: [
        { kind: 'agent-left', agentId },
        { kind: 'conversation-update', state: 'idle' },
      ],
      signal: 'conversation.ended',
    };
  });
}

/**
 * The customer leaves (v2 DELETE participants/customer, Gateway PATCH participants/user). Ends the open
 * interaction; the agent, if any, is freed (AGENT_LEFT). Without an open interaction nothing happens.
 */
export function applyCustomerLeave(draft: EightByEightState, conversationId: string, now: number): Outcome {
  return changeConversation(draft, conversationId, (conversation): Outcome => {
    const open = toOpenInteraction(conversation);
    conversation.customerLeft = true;
    if (!open) return { happenings: [] };
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
 * The agent transfers the interaction: TRANSFER, the old agent leaves, and a new agent joins (the given
 * one, or the first available in the target queue). With nobody available the interaction waits queued.
 */
export function applyTransfer(
  draft: EightByEightState,
  conversationId: string,
  target: { agentId?: string; queueId?: string },
): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    const open = toOpenInteraction(conversation);
    if (!open?.agentId) throw new StateError(`No agent is in conversation ${toEcho(conversationId)}.`);
    const queueId = target.queueId ?? open.queueId;
    if (!getOwn(draft.queues, queueId)) throw new StateError(`Queue ${toEcho(queueId)} does not exist.`);
    const oldAgent = open.agentId;
    let next: Agent | undefined;
    if (target.agentId !== undefined) {
      next = getOwn(draft.agents, target.agentId);
      if (!next) throw new StateError(`Agent ${toEcho(target.agentId)} does not exist.`);
      if (next.id === oldAgent)
        throw new StateError(`Agent ${toEcho(oldAgent)} already handles the conversation.`);
    } else {
      next = findAvailableAgent(draft, queueId, oldAgent);
    }
    const nextId = next?.id;
    open.queueId = queueId;
    conversation.lastQueueId = queueId;
    const happenings: Happening[] = [{ kind: 'transfer' }, { kind: 'agent-left', agentId: oldAgent }];
    if (nextId !== undefined) {
      open.agentId = nextId;
      if (!conversation.agentIds.includes(nextId)) conversation.agentIds.push(nextId);
      conversation.assignment = { type: 'agent', id: nextId };
      happenings.push(
        { kind: 'agent-joined', agentId: nextId },
        { kind: 'conversation-update', state: 'active' },
      );
      return { happenings, signal: 'conversation.updated' };
    }
    open.agentId = null;
    conversation.assignment = { type: 'queue', id: queueId };
    happenings.push({ kind: 'queued', queueId });
    return { happenings, queued: { interactionId: open.id, queueId }, signal: 'conversation.updated' };
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

/**
 * Deletes an ended conversation (no open interaction: the agent or the customer left) with its messages, its
 * Gateway attachments and its index entries, for `--retain`. Costs what the conversation holds. A conversation
 * that is gone or has an open interaction again (the customer wrote after it ended) is left alone (false).
 */
export function applyExpire(draft: EightByEightState, conversationId: string): boolean {
  const conversation = getOwn(draft.conversations, conversationId);
  if (!conversation || toOpenInteraction(conversation)) return false;
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
