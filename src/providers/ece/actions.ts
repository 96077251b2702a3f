/** Agent and customer actions (admin API and scenarios), in the neutral verbs of src/provider.ts. */
import { z } from 'zod';
import { toEcho } from '../../echo.ts';
import { renderXml } from '../../http.ts';
import { getOwn, hasOwn } from '../../own.ts';
import { neutralArgs, type ProviderAction } from '../../provider/index.ts';
import { type EceContext, postCallbacks, scheduleAssignment } from './effects.ts';
import { toCallbackHeaders } from './events.ts';
import {
  applyComplete,
  applyCustomerMessage,
  ConversationStateError,
  makeAttachments,
  type Posting,
  requireOpen,
} from './model.ts';
import {
  applyAgentAttachment,
  applyAgentEvent,
  applyAgentMessage,
  applyAssign,
  applyTransfer,
  pickAgent,
} from './model-agent.ts';
import type { EceOptions, EceState } from './model-state.ts';

type Action = ProviderAction<EceState, EceOptions>;

function run(ctx: EceContext, recipe: (draft: EceState, now: number) => Posting[]): { messageIds: string[] } {
  const postings = ctx.update((draft) => recipe(draft, ctx.clock.now()));
  postCallbacks(ctx, postings);
  return { messageIds: postings.map((p) => p.entry.id) };
}

function define<S extends z.ZodType>(
  description: string,
  args: S,
  body: (ctx: EceContext, conversationId: string, args: z.output<S>) => unknown,
): Action {
  return {
    description,
    args,
    run: (ctx, conversationId, raw) => body(ctx, conversationId, raw as z.output<S>),
  };
}

const none = neutralArgs.none;

const idArg = neutralArgs.id;

const rawEventArgs = neutralArgs.rawEvent;

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

/** The ECE actions. */
export const eceActions: Record<string, Action> = {
  'agent.join': define(
    'Assign a waiting chat to an agent (args.agentId, else the least busy available agent): the assigned callback.',
    z.object({ agentId: idArg.optional() }).strict(),
    (ctx, id, args) =>
      run(ctx, (draft, now) => {
        const conversation = requireOpen(draft, id);
        if (conversation.status !== 'waiting')
          throw new ConversationStateError(`Conversation ${toEcho(id)} is already assigned`);
        const agentId = args.agentId ?? pickAgent(draft, conversation.queueId)?.id;
        if (!agentId)
          throw new ConversationStateError(
            `No agent with capacity serves queue ${toEcho(conversation.queueId)}`,
          );
        return applyAssign(draft, id, agentId, now);
      }),
  ),
  'agent.say': define(
    'The agent sends a message (text/plain, or text/html which clients without rich text get as text/plain).',
    z
      .object({
        text: z.string().min(1),
        contentType: z.enum(['text/plain', 'text/html']).default('text/plain'),
      })
      .strict(),
    (ctx, id, args) =>
      run(ctx, (draft, now) => applyAgentMessage(draft, id, args.text, args.contentType, now)),
  ),
  'agent.typing': define(
    'The agent starts (typing: true) or stops typing; posted only when sendTypingNotification=yes.',
    z.object({ typing: z.boolean().default(true) }).strict(),
    (ctx, id, args) =>
      run(ctx, (draft, now) =>
        applyAgentEvent(draft, id, args.typing ? 'startTyping' : 'endTyping', null, now),
      ),
  ),
  'agent.pagePush': define(
    'The agent pushes a page (a link, args.url; a scenario step string is the URL) to the customer.',
    z.preprocess(textAs('url'), z.object({ url: z.url() }).strict()),
    (ctx, id, args) => run(ctx, (draft, now) => applyAgentEvent(draft, id, 'pagePush', args.url, now)),
  ),
  'agent.transfer': define(
    'The agent transfers the chat to another agent (agentId) or to a queue (queueId, default its own).',
    z.object({ agentId: idArg.optional(), queueId: idArg.optional() }).strict(),
    (ctx, id, args) => {
      const result = run(ctx, (draft, now) => applyTransfer(draft, id, args, now));
      if (args.agentId === undefined) scheduleAssignment(ctx);
      return result;
    },
  ),
  'agent.attachment.upload': define('The agent uploads an attachment.', fileSchema, (ctx, id, args) =>
    run(ctx, (draft, now) => applyAgentAttachment(draft, id, 'uploadAttachment', { file: args }, now)),
  ),
  'agent.attachment.accept': define(
    "The agent accepts the customer's attachment (attachmentId, default the latest).",
    z.object({ attachmentId: z.string().optional() }).strict(),
    (ctx, id, args) =>
      run(ctx, (draft, now) =>
        applyAgentAttachment(draft, id, 'acceptAttachment', { attachmentId: args.attachmentId ?? null }, now),
      ),
  ),
  'agent.attachment.reject': define(
    "The agent rejects the customer's attachment (attachmentId, default the latest).",
    z.object({ attachmentId: z.string().optional() }).strict(),
    (ctx, id, args) =>
      run(ctx, (draft, now) =>
        applyAgentAttachment(draft, id, 'rejectAttachment', { attachmentId: args.attachmentId ?? null }, now),
      ),
  ),
  'agent.complete': define(
    'The agent ends the chat: the complete callback, always the last.',
    none,
    (ctx, id) => {
      const result = run(ctx, (draft, now) => applyComplete(draft, id, 'agent', now));
      scheduleAssignment(ctx);
      return result;
    },
  ),
  'customer.say': define(
    'The customer sends a message, as sendmessage would.',
    z
      .object({
        text: z.string().min(1),
        contentType: z.enum(['text/plain', 'text/html']).default('text/plain'),
      })
      .strict(),
    (ctx, id, args) => {
      const entry = ctx.update((draft) =>
        applyCustomerMessage(draft, id, args.contentType, args.text, [], ctx.clock.now()),
      );
      return { messageIds: [entry.id] };
    },
  ),
  'customer.typing': define(
    'The customer starts (typing: true) or stops typing, as sendmessage startTyping/endTyping would.',
    z.object({ typing: z.boolean().default(true) }).strict(),
    (ctx, id, args) => {
      const kind = args.typing ? 'startTyping' : 'endTyping';
      const entry = ctx.update((draft) => applyCustomerMessage(draft, id, kind, null, [], ctx.clock.now()));
      return { messageIds: [entry.id] };
    },
  ),
  'customer.attachment.upload': define(
    'The customer uploads an attachment, as sendmessage uploadAttachment would.',
    fileSchema,
    (ctx, id, args) => {
      const entry = ctx.update((draft) =>
        applyCustomerMessage(
          draft,
          id,
          'uploadAttachment',
          null,
          makeAttachments(draft, [args]),
          ctx.clock.now(),
        ),
      );
      return { messageIds: [entry.id], attachmentIds: entry.attachments.map((a) => a.id) };
    },
  ),
  'raw.event': define(
    "Posts args.body to the conversation's callback URL as is (a string verbatim, an object in the application's format), with args.type as the delivery type and args.headers added. Bypasses every rule.",
    rawEventArgs,
    (ctx, id, args) => {
      const conversation = getOwn(ctx.state().conversations, id);
      if (!conversation) throw new ConversationStateError(`Conversation ${toEcho(id)} does not exist`);
      const app = getOwn(ctx.state().clientApplications, conversation.clientKey);
      if (!app?.callback.url) throw new ConversationStateError('The client application has no callback URL');
      const xml = app.callback.format === 'xml';
      const body =
        typeof args.body === 'string'
          ? args.body
          : xml
            ? renderXml('messages', args.body)
            : JSON.stringify(args.body);
      const eventId = ctx.emit({
        type: args.type,
        url: app.callback.url,
        orderKey: id,
        conversationId: id,
        body,
        contentType: xml ? 'application/xml' : 'application/json',
        headers: { ...toCallbackHeaders(app), ...args.headers },
        meta: { clientKey: app.key, raw: true },
      });
      return { eventId };
    },
  ),
  'customer.leave': define('The customer ends the conversation (simulator extension).', none, (ctx, id) => {
    const result = run(ctx, (draft, now) => {
      applyCustomerMessage(draft, id, 'complete', null, [], now);
      return applyComplete(draft, id, 'customer', now);
    });
    scheduleAssignment(ctx);
    return result;
  }),
};
