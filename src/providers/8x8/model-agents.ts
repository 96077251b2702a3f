// Transitions of the 8x8 conversation state machine, agent side (pure: drafts in, outcomes out): join, write,
// type, leave, transfer. Source: seeds/004_1f4e3fa8a13d5760.txt; reference/providers.md 1.1 and 1.2.
// A transition that does not fit the conversation's state throws (the update is rolled back).
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import {
  type Agent,
  type EightByEightState,
  findAvailableAgent,
  type Happening,
  type Message,
  type Outcome,
  toOpenInteraction,
} from './model.ts';
import { startHandover } from './model-handover.ts';
import { changeConversation } from './model-indexes.ts';

/** An agent accepts the queued interaction (AGENT_JOINED). */
export function applyAgentJoin(
  draft: EightByEightState,
  conversationId: string,
  agentId: string | undefined,
): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    const open = toOpenInteraction(conversation);
    if (!open || open.agentId)
      throw new Error(`Conversation ${toEcho(conversationId)} has no queued interaction.`);
    const agent =
      agentId !== undefined ? getOwn(draft.agents, agentId) : findAvailableAgent(draft, open.queueId);
    if (!agent) {
      throw new Error(
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
    if (!open?.agentId) throw new Error(`No agent is in conversation ${toEcho(conversationId)}.`);
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

/** The agent starts or stops typing (Gateway ACTIVITY); nothing is stored, so this reads the state only. */
export function toAgentTyping(state: EightByEightState, conversationId: string, typing: boolean): Outcome {
  const conversation = getOwn(state.conversations, conversationId);
  if (!conversation) throw new Error(`Conversation ${toEcho(conversationId)} was not found.`);
  if (conversation.api !== 'gateway') throw new Error('Chat API v2 has no typing event.');
  const agentId = toOpenInteraction(conversation)?.agentId;
  if (!agentId) throw new Error(`No agent is in conversation ${toEcho(conversationId)}.`);
  return { happenings: [{ kind: 'agent-typing', agentId, typing }] };
}

/** The agent ends the interaction (AGENT_LEFT). */
export function applyAgentLeave(draft: EightByEightState, conversationId: string, now: number): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    const open = toOpenInteraction(conversation);
    if (!open?.agentId) throw new Error(`No agent is in conversation ${toEcho(conversationId)}.`);
    const agentId = open.agentId;
    open.endTime = now;
    conversation.assignment = { type: 'queue', id: conversation.lastQueueId };
    // The agent stays held until the integration calls customer leaves (seed 004).
    conversation.heldAgentId = agentId;
    const outcome: Outcome = {
      happenings: [
        { kind: 'agent-left', agentId },
        { kind: 'conversation-update', state: 'idle' },
      ],
      signal: 'conversation.ended',
    };
    // A Gateway post-agent assignment hands the conversation to its bot now.
    startHandover(conversation, outcome, now);
    if (conversation.handover) outcome.signal = 'conversation.updated';
    return outcome;
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
    if (!open?.agentId) throw new Error(`No agent is in conversation ${toEcho(conversationId)}.`);
    const queueId = target.queueId ?? open.queueId;
    if (!getOwn(draft.queues, queueId)) throw new Error(`Queue ${toEcho(queueId)} does not exist.`);
    const oldAgent = open.agentId;
    let next: Agent | undefined;
    if (target.agentId !== undefined) {
      next = getOwn(draft.agents, target.agentId);
      if (!next) throw new Error(`Agent ${toEcho(target.agentId)} does not exist.`);
      if (next.id === oldAgent)
        throw new Error(`Agent ${toEcho(oldAgent)} already handles the conversation.`);
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
