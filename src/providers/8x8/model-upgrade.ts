// Upgrades 8x8 state restored from a store written before collections were keyed by id and indexed
// (every collection was an array then), and tells whether a state holds its index (derived state, built at start).
import type { Agent, Attachment, Channel, Conversation, EightByEightState, Queue, Webhook } from './model.ts';
import { createConversationIndexes, toConversationIndexes } from './model-indexes.ts';
import { isNestedSortedIndex } from './model-sorted-index.ts';

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
 * state is current. Builds new collections and leaves `state` alone; the records themselves are reused (shallow
 * copies), not cloned: the old collections are replaced whole, so nothing is reachable twice.
 */
export function toUpgradedState(state: EightByEightState): EightByEightState | null {
  const current = state as unknown as Partial<EightByEightState>;
  if (!Array.isArray(current.conversations)) return null;
  const old = current as unknown as ArrayState & EightByEightState;
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
    tokens: { ...old.tokens },
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
    next.conversations[conversation.id] = {
      ...conversation,
      seq: next.seq.conversation,
      attachmentIds: attachmentIds[`#${conversation.id}`] ?? [],
    };
  }
  next.index = toConversationIndexes(next.conversations);
  return next;
}

/**
 * True when the state holds an index of the current shape. A file store never has one at start (the index is
 * derived state, dropped when the store is read); a store of an older version that kept the index had it dropped
 * too, whatever its format (buckets in arrays, bucket keys in one array), so it is rebuilt like any other.
 */
export function hasCurrentIndex(state: EightByEightState): boolean {
  const index = (state as Partial<EightByEightState>).index;
  return index !== undefined && isNestedSortedIndex(index.gateway.id);
}

/** Replaces the whole state (with an upgraded one). */
export function applyStateReplace(draft: EightByEightState, next: EightByEightState): void {
  for (const key of Object.keys(draft)) delete (draft as Record<string, unknown>)[key];
  Object.assign(draft, next);
}
