/**
 * Agent and customer actions (control API and scenarios): the neutral verbs (src/provider/actions.ts), with
 * ECE's own arguments added, and the verbs only ECE knows (page push, attachments). raw.event is the core's
 * (from `webhookTargets`).
 */
import { z } from 'zod';
import { hasOwn } from '../../own.ts';
import { defineAction, defineNeutralAction, type ProviderAction, type Result } from '../../provider/index.ts';
import { type EceContext, performChecked } from './effects.ts';
import type { EceEvents, EceMeta } from './events.ts';
import type { EceOptions } from './fixtures.ts';
import { applyComplete, type Outcome } from './model.ts';
import {
  applyAgentAttachment,
  applyAgentEvent,
  applyAgentMessage,
  applyJoin,
  applyTransfer,
} from './model-agent.ts';
import { applyCustomerMessage, type CustomerMessage } from './model-customer.ts';
import type { EceState, TranscriptEntry } from './model-state.ts';

/** Performs an agent-side transition; answers the ids of the transcript entries it wrote toward the client. */
function performAction(
  ctx: EceContext,
  apply: (draft: EceState, now: number) => Result<Outcome>,
): { messageIds: string[] } {
  const outcome = performChecked(ctx, apply);
  return { messageIds: (outcome.postings ?? []).map((posting) => posting.entry.id) };
}

/** Scenario steps written as a string arrive as {text}; some actions read that text as another argument. */
function textAs(name: string) {
  return (value: unknown) => {
    if (typeof value !== 'object' || value === null || !hasOwn(value, 'text') || hasOwn(value, name))
      return value;
    const { text, ...rest } = value as Record<string, unknown>;
    return { ...rest, [name]: text };
  };
}

/** An attachment; a scenario step string is the file name. */
const fileSchema = z.preprocess(
  textAs('fileName'),
  z
    .object({
      fileName: z.string().min(1),
      contentType: z.string().default('application/octet-stream'),
      size: z.union([z.string(), z.number()]).transform(String).default('0'),
      contentUrl: z.string().default(''),
    })
    .strict(),
);

/** ECE's addition to the neutral say verbs: the message kind. */
const contentType = { contentType: z.enum(['text/plain', 'text/html']).default('text/plain') };

/** Records what the customer sends; returns its transcript entry (a copy). */
function performCustomerMessage(
  ctx: EceContext,
  conversationId: string,
  message: CustomerMessage,
): TranscriptEntry {
  return performChecked(ctx, (draft, now) => applyCustomerMessage(draft, conversationId, message, now)).entry;
}

/** agent.attachment.accept or reject: the customer's attachment named, or the latest. */
function defineAttachmentAnswer(kind: 'acceptAttachment' | 'rejectAttachment', verb: string) {
  return defineAction(
    `The agent ${verb} the customer's attachment (attachmentId, default the latest).`,
    z.object({ attachmentId: z.string().optional() }).strict(),
    (ctx: EceContext, id, args) =>
      performAction(ctx, (draft, now) =>
        applyAgentAttachment(draft, id, kind, { attachmentId: args.attachmentId ?? null }, now),
      ),
  );
}

/** The ECE actions. */
export const eceActions: Record<string, ProviderAction<EceState, EceOptions, EceEvents, EceMeta>> = {
  'agent.join': defineNeutralAction(
    'agent.join',
    'Assign a waiting chat to an agent (args.agentId, else the least busy available agent): the assigned callback.',
    (ctx: EceContext, id, args) =>
      performAction(ctx, (draft, now) => applyJoin(draft, id, args.agentId, now)),
  ),
  'agent.say': defineNeutralAction(
    'agent.say',
    'The agent sends a message (text/plain, or text/html which clients without rich text get as text/plain).',
    (ctx: EceContext, id, args) =>
      performAction(ctx, (draft, now) => applyAgentMessage(draft, id, args, now)),
    { extend: contentType },
  ),
  'agent.typing': defineNeutralAction(
    'agent.typing',
    'The agent starts (typing: true) or stops typing; posted only when sendTypingNotification=yes.',
    (ctx: EceContext, id, args) => {
      const kind = args.typing ? 'startTyping' : 'endTyping';
      return performAction(ctx, (draft, now) => applyAgentEvent(draft, id, kind, null, now));
    },
  ),
  'agent.pagePush': defineAction(
    'The agent pushes a page (a link, args.url; a scenario step string is the URL) to the customer.',
    z.preprocess(textAs('url'), z.object({ url: z.url() }).strict()),
    (ctx: EceContext, id, args) =>
      performAction(ctx, (draft, now) => applyAgentEvent(draft, id, 'pagePush', args.url, now)),
  ),
  'agent.transfer': defineNeutralAction(
    'agent.transfer',
    'The agent transfers the chat to another agent (agentId) or to a queue (queueId, default its own).',
    (ctx: EceContext, id, args) => performAction(ctx, (draft, now) => applyTransfer(draft, id, args, now)),
  ),
  'agent.attachment.upload': defineAction(
    'The agent uploads an attachment.',
    fileSchema,
    (ctx: EceContext, id, args) =>
      performAction(ctx, (draft, now) =>
        applyAgentAttachment(draft, id, 'uploadAttachment', { file: args }, now),
      ),
  ),
  'agent.attachment.accept': defineAttachmentAnswer('acceptAttachment', 'accepts'),
  'agent.attachment.reject': defineAttachmentAnswer('rejectAttachment', 'rejects'),
  'agent.complete': defineNeutralAction(
    'agent.complete',
    'The agent ends the chat: the complete callback, always the last.',
    (ctx: EceContext, id) => performAction(ctx, (draft, now) => applyComplete(draft, id, now)),
  ),
  'customer.say': defineNeutralAction(
    'customer.say',
    'The customer sends a message, as sendmessage would.',
    (ctx: EceContext, id, args) => {
      const entry = performCustomerMessage(ctx, id, { kind: args.contentType, content: args.text });
      return { messageIds: [entry.id] };
    },
    { extend: contentType },
  ),
  'customer.typing': defineNeutralAction(
    'customer.typing',
    'The customer starts (typing: true) or stops typing, as sendmessage startTyping/endTyping would.',
    (ctx: EceContext, id, args) => {
      const kind = args.typing ? 'startTyping' : 'endTyping';
      return { messageIds: [performCustomerMessage(ctx, id, { kind, content: null }).id] };
    },
  ),
  'customer.attachment.upload': defineAction(
    'The customer uploads an attachment, as sendmessage uploadAttachment would.',
    fileSchema,
    (ctx: EceContext, id, args) => {
      const entry = performCustomerMessage(ctx, id, {
        kind: 'uploadAttachment',
        content: null,
        files: [args],
      });
      return { messageIds: [entry.id], attachmentIds: entry.attachments.map((a) => a.id) };
    },
  ),
  'customer.leave': defineNeutralAction(
    'customer.leave',
    'The customer ends the conversation (simulator extension).',
    (ctx: EceContext, id) =>
      performAction(ctx, (draft, now) =>
        applyCustomerMessage(draft, id, { kind: 'complete', content: null }, now),
      ),
  ),
};
