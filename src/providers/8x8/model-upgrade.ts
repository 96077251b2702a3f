// Upgrades 8x8 state restored from a store written before collections were keyed by id and indexed
// (every collection was an array then). Runs once at start; a current state is left alone.
import type { Agent, Attachment, Channel, Conversation, EightByEightState, Queue, Webhook } from './model.ts';
import { createConversationIndexes, indexConversation } from './model-indexes.ts';
import { isPagedSortedIndex } from './model-sorted-index.ts';

/** The collections as the first state format kept them. */
type ArrayState = {
  queues: Queue[];
  agents: Agent[];
  webhooks: Webhook[];
  channels: Channel[];
  conversations: Omit<Conversation, 'seq' | 'attachmentIds'>[];
  attachments: Attachment[];
  tokens: Record<string, { issuedAt: number; expiresAt: number }>;
};

function toRecord<T extends { id: string }>(items: T[]): Record<string, T> {
  const record: Record<string, T> = {};
  for (const item of items) if (item.id !== '__proto__') record[item.id] = item;
  return record;
}

/**
 * A first-format state rewritten into the keyed, indexed one (one pass over each collection), or null when the
 * state is current. Reads a copy of the state (`current` is left alone).
 */
export function toUpgradedState(state: EightByEightState): EightByEightState | null {
  const current = state as unknown as Partial<EightByEightState>;
  if (current.index && !Array.isArray(current.conversations)) {
    const stale = hasBucketArrays(current.index) || !isPagedSortedIndex(current.index.gateway.id);
    return stale ? toReindexedState(current as EightByEightState) : null;
  }
  const old = structuredClone(current) as unknown as ArrayState & EightByEightState;
  const attachmentIds: Record<string, string[]> = {};
  for (const a of old.attachments) {
    const key = `#${a.conversationId}`;
    const list = attachmentIds[key];
    if (list) list.push(a.id);
    else attachmentIds[key] = [a.id];
  }
  const tokenIds = Object.keys(old.tokens);
  const next: EightByEightState = {
    ...old,
    tokenQueue: {
      head: 0,
      tail: tokenIds.length,
      ids: Object.fromEntries(tokenIds.map((token, i) => [String(i), token])),
    },
    queues: toRecord(old.queues),
    agents: toRecord(old.agents),
    agentOrder: old.agents.map((a) => a.id),
    webhooks: toRecord(old.webhooks),
    channels: toRecord(old.channels),
    conversations: {},
    attachments: toRecord(old.attachments),
    index: createConversationIndexes(),
    seq: { ...old.seq, conversation: 0 },
  };
  for (const conversation of old.conversations) {
    next.seq.conversation += 1;
    const upgraded: Conversation = {
      ...conversation,
      seq: next.seq.conversation,
      attachmentIds: attachmentIds[`#${conversation.id}`] ?? [],
    };
    next.conversations[upgraded.id] = upgraded;
    indexConversation(next, upgraded);
  }
  return next;
}

/**
 * True when the sorted indexes keep their buckets in an array (the format before buckets were keyed). Indexes whose
 * bucket keys are one array, not pages, are rebuilt too (`isPagedSortedIndex`).
 */
function hasBucketArrays(index: EightByEightState['index']): boolean {
  return Array.isArray((index.gateway.id as unknown as { buckets: unknown }).buckets);
}

/** The state with its indexes rebuilt from the conversations, in creation order (a copy; `state` is left alone). */
function toReindexedState(state: EightByEightState): EightByEightState {
  const next: EightByEightState = { ...structuredClone(state), index: createConversationIndexes() };
  const conversations = Object.values(next.conversations).sort((a, b) => a.seq - b.seq);
  for (const conversation of conversations) indexConversation(next, conversation);
  return next;
}

/** Replaces the whole state (with an upgraded one). */
export function applyStateReplace(draft: EightByEightState, next: EightByEightState): void {
  for (const key of Object.keys(draft)) delete (draft as Record<string, unknown>)[key];
  Object.assign(draft, next);
}
