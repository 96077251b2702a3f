// Transitions of the 8x8 conversation state machine (pure: drafts in, outcomes out).
// Source: seeds/004_1f4e3fa8a13d5760.txt; reference/providers.md 1.1 "Behaviour" and 1.2 key elements.
import {
  type Agent,
  type Conversation,
  type EightByEightState,
  findAvailableAgent,
  type GatewayUser,
  type Happening,
  type Message,
  type Outcome,
  StateError,
  toGatewayState,
  toOpenInteraction,
} from './model.ts';

function requireConversation(draft: EightByEightState, id: string): Conversation {
  const conversation = draft.conversations.find((c) => c.id === id);
  if (!conversation) throw new StateError(`Conversation ${id} was not found.`);
  return conversation;
}

/** Adds a conversation and opens its first interaction in `queueId`. */
export function applyCreateConversation(
  draft: EightByEightState,
  conversation: Conversation,
  interactionId: string,
): Outcome {
  draft.conversations.push(conversation);
  const target = draft.conversations.at(-1)!;
  target.interactions.push({
    id: interactionId,
    queueId: target.lastQueueId,
    agentId: null,
    startTime: conversation.createdAt,
    endTime: null,
  });
  return {
    happenings: [
      { kind: 'conversation-update', state: 'created' },
      { kind: 'conversation-update', state: 'active' },
      { kind: 'queued', queueId: target.lastQueueId },
    ],
    queued: { interactionId, queueId: target.lastQueueId },
    signal: 'conversation.started',
  };
}

/** An agent accepts the queued interaction (AGENT_JOINED). */
export function applyAgentJoin(
  draft: EightByEightState,
  conversationId: string,
  agentId: string | undefined,
): Outcome {
  const conversation = requireConversation(draft, conversationId);
  const open = toOpenInteraction(conversation);
  if (!open || open.agentId)
    throw new StateError(`Conversation ${conversationId} has no queued interaction.`);
  const agent = agentId
    ? draft.agents.find((a) => a.id === agentId)
    : findAvailableAgent(draft, open.queueId);
  if (!agent) {
    throw new StateError(
      agentId ? `Agent ${agentId} does not exist.` : `No available agent in queue ${open.queueId}.`,
    );
  }
  open.agentId = agent.id;
  if (!conversation.agentIds.includes(agent.id)) conversation.agentIds.push(agent.id);
  conversation.assignment = { type: 'agent', id: agent.id };
  return {
    happenings: [
      { kind: 'agent-joined', agentId: agent.id },
      { kind: 'conversation-update', state: 'active' },
    ],
    signal: 'conversation.updated',
  };
}

/** The agent writes a message (TEXT / MESSAGE). */
export function applyAgentMessage(
  draft: EightByEightState,
  conversationId: string,
  message: Omit<Message, 'interactionId' | 'participantId' | 'authorType'>,
): Outcome {
  const conversation = requireConversation(draft, conversationId);
  const open = toOpenInteraction(conversation);
  if (!open?.agentId) throw new StateError(`No agent is in conversation ${conversationId}.`);
  conversation.messages.push({
    ...message,
    interactionId: open.id,
    authorType: 'agent',
    participantId: open.agentId,
  });
  return { happenings: [{ kind: 'agent-message', messageId: message.id }], signal: 'conversation.updated' };
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
  const conversation = requireConversation(draft, conversationId);
  let open = toOpenInteraction(conversation);
  const outcome: Outcome = { happenings: [], signal: 'conversation.updated' };
  if (!open) {
    conversation.customerLeft = false;
    conversation.assignment = { type: 'queue', id: conversation.lastQueueId };
    conversation.interactions.push({
      id: newInteractionId,
      queueId: conversation.lastQueueId,
      agentId: null,
      startTime: message.createdAt,
      endTime: null,
    });
    open = conversation.interactions.at(-1)!;
    outcome.happenings.push(
      { kind: 'conversation-update', state: 'active' },
      { kind: 'queued', queueId: conversation.lastQueueId },
    );
    outcome.queued = { interactionId: newInteractionId, queueId: conversation.lastQueueId };
  }
  conversation.messages.push({ ...message, interactionId: open.id });
  return outcome;
}

/** The agent ends the interaction (AGENT_LEFT). */
export function applyAgentLeave(draft: EightByEightState, conversationId: string, now: number): Outcome {
  const conversation = requireConversation(draft, conversationId);
  const open = toOpenInteraction(conversation);
  if (!open?.agentId) throw new StateError(`No agent is in conversation ${conversationId}.`);
  open.endTime = now;
  conversation.assignment = { type: 'queue', id: conversation.lastQueueId };
  return {
    happenings: [
      { kind: 'agent-left', agentId: open.agentId },
      { kind: 'conversation-update', state: 'idle' },
    ],
    signal: 'conversation.ended',
  };
}

/**
 * The customer leaves (v2 DELETE participants/customer, Gateway PATCH participants/user). Ends the open
 * interaction; the agent, if any, is freed (AGENT_LEFT). Without an open interaction nothing happens.
 */
export function applyCustomerLeave(draft: EightByEightState, conversationId: string, now: number): Outcome {
  const conversation = requireConversation(draft, conversationId);
  const open = toOpenInteraction(conversation);
  conversation.customerLeft = true;
  if (!open) return { happenings: [] };
  open.endTime = now;
  conversation.assignment = { type: 'queue', id: conversation.lastQueueId };
  const happenings: Happening[] = [{ kind: 'user-left' }];
  if (open.agentId) happenings.push({ kind: 'agent-left', agentId: open.agentId });
  happenings.push({ kind: 'conversation-update', state: 'idle' });
  return { happenings, signal: 'conversation.ended' };
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
  const conversation = requireConversation(draft, conversationId);
  const open = toOpenInteraction(conversation);
  if (!open?.agentId) throw new StateError(`No agent is in conversation ${conversationId}.`);
  const queueId = target.queueId ?? open.queueId;
  if (!draft.queues.some((q) => q.id === queueId)) throw new StateError(`Queue ${queueId} does not exist.`);
  const oldAgent = open.agentId;
  let next: Agent | undefined;
  if (target.agentId) {
    next = draft.agents.find((a) => a.id === target.agentId);
    if (!next) throw new StateError(`Agent ${target.agentId} does not exist.`);
    if (next.id === oldAgent) throw new StateError(`Agent ${oldAgent} already handles the conversation.`);
  } else {
    next = findAvailableAgent(draft, queueId, oldAgent);
  }
  open.queueId = queueId;
  conversation.lastQueueId = queueId;
  const happenings: Happening[] = [{ kind: 'transfer' }, { kind: 'agent-left', agentId: oldAgent }];
  if (next) {
    open.agentId = next.id;
    if (!conversation.agentIds.includes(next.id)) conversation.agentIds.push(next.id);
    conversation.assignment = { type: 'agent', id: next.id };
    happenings.push(
      { kind: 'agent-joined', agentId: next.id },
      { kind: 'conversation-update', state: 'active' },
    );
    return { happenings, signal: 'conversation.updated' };
  }
  open.agentId = null;
  conversation.assignment = { type: 'queue', id: queueId };
  happenings.push({ kind: 'queued', queueId });
  return { happenings, queued: { interactionId: open.id, queueId }, signal: 'conversation.updated' };
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
  const conversation = requireConversation(draft, conversationId);
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
}
