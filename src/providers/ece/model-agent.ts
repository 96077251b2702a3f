/** Agents and assignment: availability, capacity, and the agent side of a conversation (callbacks to the client). */
import { toEcho } from '../../echo.ts';
import { getOwn, isSafeKey } from '../../own.ts';
import {
  appendEntry,
  ConversationStateError,
  findAttachment,
  makeAttachments,
  type Posting,
  requireAssigned,
  requireOpen,
} from './model.ts';
import { countActiveChat, dequeueWaiting, enqueueWaiting, toActiveChats } from './model-indexes.ts';
import type { Agent, Attachment, CallbackKind, Conversation, EceState } from './model-state.ts';

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

/** Assigns a conversation to an agent (the `assigned` callback): out of the queue, or away from its agent. */
export function applyAssign(
  draft: EceState,
  conversationId: string,
  agentId: string,
  now: number,
): Posting[] {
  const conversation = requireOpen(draft, conversationId);
  const agent = getOwn(draft.agents, agentId);
  if (!agent) throw new ConversationStateError(`Agent ${toEcho(agentId)} does not exist`);
  if (conversation.status === 'waiting') dequeueWaiting(draft, conversation);
  else if (conversation.agentId !== null) countActiveChat(draft, conversation.agentId, -1);
  countActiveChat(draft, agent.id, 1);
  conversation.status = 'assigned';
  conversation.agentId = agent.id;
  const entry = appendEntry(
    draft,
    conversation,
    { direction: 'toClient', kind: 'assigned', content: `${agent.screenName} has joined the chat`, agentId },
    now,
  );
  return [{ conversationId, entry }];
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
    postings.push(...applyAssign(draft, first.conversationId, agent.id, now));
  }
  return postings;
}

/**
 * Removes HTML tags for clients without rich text (seed 003 isRichTextSupported=false). A tag cannot contain `<`:
 * with /<[^>]*>/ a long run of `<` without `>` would be rescanned from every `<` (quadratic); this stays linear.
 */
export function toPlainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^<>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** An agent message: text/html reaches clients without rich text as text/plain. */
export function applyAgentMessage(
  draft: EceState,
  conversationId: string,
  text: string,
  contentType: 'text/plain' | 'text/html',
  now: number,
): Posting[] {
  const conversation = requireAssigned(draft, conversationId);
  const plain = contentType === 'text/html' && !conversation.clientInfo.isRichTextSupported;
  const entry = appendEntry(
    draft,
    conversation,
    {
      direction: 'toClient',
      kind: plain ? 'text/plain' : contentType,
      content: plain ? toPlainText(text) : text,
      agentId: conversation.agentId,
    },
    now,
  );
  return [{ conversationId, entry }];
}

/** A simple agent event (typing, page push) with optional content. */
export function applyAgentEvent(
  draft: EceState,
  conversationId: string,
  kind: Extract<CallbackKind, 'startTyping' | 'endTyping' | 'pagePush'>,
  content: string | null,
  now: number,
): Posting[] {
  const conversation = requireAssigned(draft, conversationId);
  const entry = appendEntry(
    draft,
    conversation,
    { direction: 'toClient', kind, content, agentId: conversation.agentId },
    now,
  );
  return [{ conversationId, entry }];
}

/** Transfers to another agent (assigned at once) or to a queue (waits for assignment). */
export function applyTransfer(
  draft: EceState,
  conversationId: string,
  target: { agentId?: string | undefined; queueId?: string | undefined },
  now: number,
): Posting[] {
  const conversation: Conversation = requireAssigned(draft, conversationId);
  const from = conversation.agentId;
  if (target.agentId !== undefined) {
    const agent = getOwn(draft.agents, target.agentId);
    if (!agent?.loggedIn)
      throw new ConversationStateError(`Agent ${toEcho(target.agentId)} is not logged in`);
    const entry = appendEntry(
      draft,
      conversation,
      {
        direction: 'toClient',
        kind: 'transfer',
        content: `Chat transferred to ${agent.screenName}`,
        agentId: from,
      },
      now,
    );
    return [{ conversationId, entry }, ...applyAssign(draft, conversationId, agent.id, now)];
  }
  const queueId = target.queueId ?? conversation.queueId;
  if (!isSafeKey(queueId)) throw new ConversationStateError(`Queue ${toEcho(queueId)} cannot be used`);
  const entry = appendEntry(
    draft,
    conversation,
    {
      direction: 'toClient',
      kind: 'transfer',
      content: `Chat transferred to queue ${queueId}`,
      agentId: from,
    },
    now,
  );
  if (from !== null) countActiveChat(draft, from, -1);
  conversation.queueId = queueId;
  conversation.status = 'waiting';
  conversation.agentId = null;
  enqueueWaiting(draft, conversation);
  return [{ conversationId, entry }];
}

/** An agent uploads an attachment, or accepts or rejects one the customer uploaded. */
export function applyAgentAttachment(
  draft: EceState,
  conversationId: string,
  kind: Extract<CallbackKind, 'uploadAttachment' | 'acceptAttachment' | 'rejectAttachment'>,
  input: { file?: Omit<Attachment, 'id'>; attachmentId?: string | null },
  now: number,
): Posting[] {
  const conversation = requireAssigned(draft, conversationId);
  let attachments: Attachment[];
  if (kind === 'uploadAttachment') {
    attachments = makeAttachments(draft, input.file ? [input.file] : []);
  } else {
    const found = findAttachment(draft, conversation, 'fromClient', input.attachmentId ?? null);
    if (!found) throw new ConversationStateError('The customer has uploaded no such attachment');
    attachments = [found];
  }
  const entry = appendEntry(
    draft,
    conversation,
    {
      direction: 'toClient',
      kind,
      content: attachments[0]?.fileName ?? null,
      agentId: conversation.agentId,
      attachments,
    },
    now,
  );
  return [{ conversationId, entry }];
}
