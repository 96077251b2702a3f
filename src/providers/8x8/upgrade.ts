// Upgrades 8x8 state restored from a store written before collections were keyed by id and indexed
// (every collection was an array then). Runs once at start; a current state is left alone.
import type { Ctx } from './glue.ts';
import {
  type Agent,
  type Attachment,
  type Channel,
  type Conversation,
  createConversationIndexes,
  type EightByEightState,
  indexConversation,
  type Queue,
  type Webhook,
} from './model.ts';

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

/** Rewrites a first-format state into the keyed, indexed one (one pass over each collection). */
export function upgradeState(ctx: Ctx): void {
  const current = ctx.state() as unknown as Partial<EightByEightState>;
  if (current.index && !Array.isArray(current.conversations)) return;
  const old = structuredClone(current) as unknown as ArrayState & EightByEightState;
  ctx.log('info', 'upgrading 8x8 state from the array format to keyed collections and indexes');
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
  ctx.update((draft) => {
    for (const key of Object.keys(draft)) delete (draft as Record<string, unknown>)[key];
    Object.assign(draft, next);
  });
}
