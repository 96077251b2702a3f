/**
 * The agent side of a conversation (callbacks to the client): join, messages, typing and page pushes, transfers
 * and attachments. Each transition checks first, then changes the draft and returns its `Outcome`; a refusal is
 * returned before anything changes.
 */
import { toEcho } from '../../echo.ts';
import { getOwn, isSafeKey } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import {
  appendPosting,
  findAssigned,
  findAttachment,
  findOpen,
  makeAttachments,
  type Outcome,
} from './model.ts';
import { applyAssign, pickAgent } from './model-assignment.ts';
import { countActiveChat, enqueueWaiting } from './model-indexes.ts';
import type { Attachment, CallbackKind, Conversation, EceState } from './model-state.ts';

/** An agent takes a waiting chat (agent.join): `agentId`, else the least busy agent serving its queue. */
export function applyJoin(
  draft: EceState,
  conversationId: string,
  agentId: string | undefined,
  now: number,
): Result<Outcome> {
  const found = findOpen(draft, conversationId);
  if (!found.ok) return found;
  const conversation = found.value;
  if (conversation.status !== 'waiting')
    return fail(`Conversation ${toEcho(conversationId)} is already assigned`);
  const agent =
    agentId === undefined ? pickAgent(draft, conversation.queueId) : getOwn(draft.agents, agentId);
  if (agentId === undefined && !agent)
    return fail(`No agent with capacity serves queue ${toEcho(conversation.queueId)}`);
  if (!agent) return fail(`Agent ${toEcho(agentId)} does not exist`);
  return ok({ postings: [applyAssign(draft, conversation, agent, now)] });
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
  message: { text: string; contentType: 'text/plain' | 'text/html' },
  now: number,
): Result<Outcome> {
  const found = findAssigned(draft, conversationId);
  if (!found.ok) return found;
  const conversation = found.value;
  const plain = message.contentType === 'text/html' && !conversation.clientInfo.isRichTextSupported;
  const posting = appendPosting(
    draft,
    conversation,
    {
      kind: plain ? 'text/plain' : message.contentType,
      content: plain ? toPlainText(message.text) : message.text,
      agentId: conversation.agentId,
    },
    now,
  );
  return ok({ postings: [posting] });
}

/** A simple agent event (typing, page push) with optional content. */
export function applyAgentEvent(
  draft: EceState,
  conversationId: string,
  kind: Extract<CallbackKind, 'startTyping' | 'endTyping' | 'pagePush'>,
  content: string | null,
  now: number,
): Result<Outcome> {
  const found = findAssigned(draft, conversationId);
  if (!found.ok) return found;
  const conversation = found.value;
  return ok({
    postings: [appendPosting(draft, conversation, { kind, content, agentId: conversation.agentId }, now)],
  });
}

/** Transfers to another agent (assigned at once) or to a queue (waits for assignment). */
export function applyTransfer(
  draft: EceState,
  conversationId: string,
  target: { agentId?: string | undefined; queueId?: string | undefined },
  now: number,
): Result<Outcome> {
  const found = findAssigned(draft, conversationId);
  if (!found.ok) return found;
  const conversation: Conversation = found.value;
  const from = found.value.agentId;
  if (target.agentId !== undefined) {
    const agent = getOwn(draft.agents, target.agentId);
    if (!agent?.loggedIn) return fail(`Agent ${toEcho(target.agentId)} is not logged in`);
    const transfer = appendPosting(
      draft,
      conversation,
      { kind: 'transfer', content: `Chat transferred to ${agent.screenName}`, agentId: from },
      now,
    );
    return ok({ postings: [transfer, applyAssign(draft, conversation, agent, now)] });
  }
  const queueId = target.queueId ?? conversation.queueId;
  if (!isSafeKey(queueId)) return fail(`Queue ${toEcho(queueId)} cannot be used`);
  const transfer = appendPosting(
    draft,
    conversation,
    { kind: 'transfer', content: `Chat transferred to queue ${queueId}`, agentId: from },
    now,
  );
  countActiveChat(draft, from, -1);
  conversation.queueId = queueId;
  conversation.status = 'waiting';
  conversation.agentId = null;
  enqueueWaiting(draft, conversation);
  return ok({ postings: [transfer], assignmentWanted: true });
}

/** An agent uploads an attachment, or accepts or rejects one the customer uploaded. */
export function applyAgentAttachment(
  draft: EceState,
  conversationId: string,
  kind: Extract<CallbackKind, 'uploadAttachment' | 'acceptAttachment' | 'rejectAttachment'>,
  input: { file?: Omit<Attachment, 'id'>; attachmentId?: string | null },
  now: number,
): Result<Outcome> {
  const found = findAssigned(draft, conversationId);
  if (!found.ok) return found;
  const conversation = found.value;
  let attachments: Attachment[];
  if (kind === 'uploadAttachment') {
    attachments = makeAttachments(draft, input.file ? [input.file] : []);
  } else {
    const attachment = findAttachment(draft, conversation, 'fromClient', input.attachmentId ?? null);
    if (!attachment) return fail('The customer has uploaded no such attachment');
    attachments = [attachment];
  }
  const posting = appendPosting(
    draft,
    conversation,
    { kind, content: attachments[0]?.fileName ?? null, agentId: conversation.agentId, attachments },
    now,
  );
  return ok({ postings: [posting] });
}
