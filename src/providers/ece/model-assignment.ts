/**
 * Assignment: which agents serve a queue, the assignment of a chat to an agent, the automatic assignment pass
 * over the waiting lists, and the pending pass's time kept in the state (so that a restart arms it again).
 */
import { getOwn } from '../../own.ts';
import { appendPosting, type Outcome, type Posting } from './model.ts';
import { countActiveChat, dequeueWaiting, toActiveChats } from './model-indexes.ts';
import type { Agent, Conversation, EceState } from './model-state.ts';

/** The options that drive automatic assignment. */
export type AssignmentPolicy = { autoAssign: boolean; autoAssignDelayMs: number };

/** Whether an agent is logged in and available for a queue (capacity aside). */
export function isServing(agent: Agent, queueId: string): boolean {
  return agent.loggedIn && agent.available && agent.queues.includes(queueId);
}

// Agents are configuration (fixtures, admin changes), not data that grows with traffic: walking them is fine.

/** Whether any agent is logged in and available for the queue: the start precondition of seed 003. */
export function hasAgentForQueue(state: EceState, queueId: string): boolean {
  return Object.values(state.agents).some((agent) => isServing(agent, queueId));
}

/** The serving agent with spare capacity and the fewest chats (ties by id), or null. */
export function pickAgent(state: EceState, queueId: string): Agent | null {
  let best: { agent: Agent; load: number } | null = null;
  for (const agent of Object.values(state.agents)) {
    if (!isServing(agent, queueId)) continue;
    const load = toActiveChats(state, agent.id);
    if (load >= agent.maxChats) continue;
    if (!best || load < best.load) best = { agent, load };
  }
  return best?.agent ?? null;
}

/**
 * Assigns an open conversation to an existing agent (the `assigned` callback): out of the queue, or away from
 * its agent. Callers have checked both.
 */
export function applyAssign(draft: EceState, conversation: Conversation, agent: Agent, now: number): Posting {
  if (conversation.status === 'waiting') dequeueWaiting(draft, conversation);
  else if (conversation.agentId !== null) countActiveChat(draft, conversation.agentId, -1);
  countActiveChat(draft, agent.id, 1);
  conversation.status = 'assigned';
  conversation.agentId = agent.id;
  return appendPosting(
    draft,
    conversation,
    { kind: 'assigned', content: `${agent.screenName} has joined the chat`, agentId: agent.id },
    now,
  );
}

/**
 * One assignment pass: waiting conversations, in the order they entered their queues, go to agents with spare
 * capacity. It walks only the heads of the waiting lists of queues some agent serves: a queue leaves the pass as
 * soon as no agent can take its first chat (nothing behind it could be taken either), so the cost is the chats
 * assigned times the (configured) queues and agents, whatever the number of conversations or queues with chats.
 */
export function applyAssignWaiting(draft: EceState, now: number): Posting[] {
  if (!draft.settings.assignmentServiceRunning) return [];
  const postings: Posting[] = [];
  const open = new Set<string>();
  for (const agent of Object.values(draft.agents)) {
    if (!agent.loggedIn || !agent.available) continue;
    for (const queueId of agent.queues) if (getOwn(draft.indexes.waiting, queueId)) open.add(queueId);
  }
  while (open.size > 0) {
    let first: { queueId: string; conversationId: string; rank: number } | null = null;
    for (const queueId of open) {
      const list = getOwn(draft.indexes.waiting, queueId);
      const head = list?.head ?? null;
      if (!list || head === null) {
        open.delete(queueId);
        continue;
      }
      const rank = list.links[head]!.rank;
      if (!first || rank < first.rank) first = { queueId, conversationId: head, rank };
    }
    if (!first) break;
    const agent = pickAgent(draft, first.queueId);
    if (!agent) {
      open.delete(first.queueId);
      continue;
    }
    postings.push(applyAssign(draft, getOwn(draft.conversations, first.conversationId)!, agent, now));
  }
  return postings;
}

/**
 * Asks for an automatic assignment pass after the configured delay, when automatic assignment is on. Requests
 * coalesce: while a pass is pending (its time is kept in the state) no other is asked for, and that one pass
 * assigns every chat that can be assigned by then.
 */
export function applyAssignmentRequest(draft: EceState, policy: AssignmentPolicy, now: number): Outcome {
  if (!policy.autoAssign || draft.assignment.dueAt !== null) return {};
  const dueAt = now + policy.autoAssignDelayMs;
  draft.assignment.dueAt = dueAt;
  return { assignmentDueAt: dueAt };
}

/** The pending pass runs: it is no longer pending, and assigns what it can. */
export function applyAssignmentPass(draft: EceState, now: number): Outcome {
  draft.assignment.dueAt = null;
  return { postings: applyAssignWaiting(draft, now) };
}

/**
 * The assignment timer once the state is ready (at start or after a reset): timers do not survive a restart. A
 * pass that was pending keeps its time; chats still waiting get a pass after the usual delay. Costs one look at
 * each queue, not at each conversation.
 */
export function applyAssignmentResume(draft: EceState, policy: AssignmentPolicy, now: number): Outcome {
  const dueAt = draft.assignment.dueAt;
  if (dueAt !== null) {
    if (policy.autoAssign) return { assignmentDueAt: dueAt };
    draft.assignment.dueAt = null;
    return {};
  }
  if (Object.keys(draft.indexes.waiting).length > 0) return applyAssignmentRequest(draft, policy, now);
  return {};
}
