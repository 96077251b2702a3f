import { z } from 'zod';
import { getOwn, hasOwn } from '../../own.ts';
import { neutralArgs, type ProviderAction } from '../../provider/index.ts';
import { toInputText } from './errors.ts';
import { listDestinations, toConversationKey } from './events.ts';
import type { ChatwootOptions } from './fixtures.ts';
import type { ChatwootState, Conversation } from './model.ts';
import {
  type ChatwootContext,
  findConversationByKey,
  runAssign,
  runChangeStatus,
  runCreateMessage,
  runTyping,
} from './operations.ts';
import { renderContactWebhookData } from './render.ts';

type Action = ProviderAction<ChatwootState, ChatwootOptions>;

function load(ctx: ChatwootContext, key: string): Conversation {
  const conv = findConversationByKey(ctx.state(), key);
  if (!conv)
    throw new Error(`no chatwoot conversation '${toInputText(key)}' (use <account_id>:<display_id>)`);
  return conv;
}

/** The agent who acts: the one named, else the assignee, else the account's first agent. */
function pickAgent(ctx: ChatwootContext, conv: Conversation, agentId: number | undefined) {
  // Agents come from fixtures: few, whatever the store holds.
  const agents = Object.values(ctx.state().agents).filter((a) => a.account_ids.includes(conv.account_id));
  const agent =
    agentId !== undefined
      ? agents.find((a) => a.id === agentId)
      : (agents.find((a) => a.id === conv.assignee_id) ?? agents[0]);
  if (agent) return agent;
  const known = agents.map((a) => `${a.id} (${a.name})`).join(', ') || 'none';
  throw new Error(
    agentId !== undefined
      ? `agent ${agentId} is not an agent of account ${conv.account_id}; its agents: ${known}`
      : `account ${conv.account_id} has no agents`,
  );
}

/** The neutral agentId is a string; Chatwoot's ids are numbers, so "2" (or 2) names agent 2. */
const AGENT_ID_ERROR = 'agentId must be a Chatwoot agent id, a number such as 2 (or "2")';
const agentIdArg = z
  .union(
    [
      z.number().int({ error: AGENT_ID_ERROR }).positive({ error: AGENT_ID_ERROR }),
      z.string().regex(/^\d+$/, { error: AGENT_ID_ERROR }),
    ],
    { error: AGENT_ID_ERROR },
  )
  .transform(Number);

/** `on` was this provider's name for the neutral `typing` argument; it is still read. */
function readTypingAlias(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !hasOwn(value, 'on') || hasOwn(value, 'typing'))
    return value;
  const { on, ...rest } = value as Record<string, unknown>;
  return { ...rest, typing: on };
}

const typingArgs = <S extends z.ZodRawShape>(extra: S) =>
  z.preprocess(readTypingAlias, z.object({ typing: z.boolean().default(true), ...extra }).strict());

const agentSayArgs = z
  .object({ text: z.string().min(1), agentId: agentIdArg.optional(), private: z.boolean().optional() })
  .strict();
const agentTypingArgs = typingArgs({ agentId: agentIdArg.optional() });
const customerTypingArgs = typingArgs({});

const rawEventArgs = neutralArgs.rawEvent;

const text = (kind: 'outgoing' | 'incoming', content: string, isPrivate = false) => ({
  content,
  message_type: kind,
  content_type: 'text',
  content_attributes: {},
  private: isPrivate,
  source_id: null,
  echo_id: null,
  files: [],
});

/** Agent and customer actions for the control API and scenarios. */
export const chatwootActions: Record<string, Action> = {
  'agent.say': {
    description: 'An agent sends an outgoing message (message_created). args: {text, agentId?, private?}',
    args: agentSayArgs,
    run(ctx, conversationId, raw) {
      const args = raw as z.output<typeof agentSayArgs>;
      const conv = load(ctx, conversationId);
      const agent = pickAgent(ctx, conv, args.agentId);
      const m = runCreateMessage(ctx, conv.id, text('outgoing', args.text, args.private), {
        type: 'User',
        id: agent.id,
      });
      return { messageId: m.id };
    },
  },
  'agent.typing': {
    description:
      'An agent starts or stops typing (conversation_typing_on/off). args: {typing?: boolean = true, agentId?}',
    args: agentTypingArgs,
    run(ctx, conversationId, raw) {
      const args = raw as z.output<typeof agentTypingArgs>;
      const conv = load(ctx, conversationId);
      const agent = pickAgent(ctx, conv, args.agentId);
      runTyping(
        ctx,
        conv.id,
        args.typing,
        { id: agent.id, name: agent.name, email: agent.email, type: 'user' },
        false,
      );
      return { typing: args.typing };
    },
  },
  'agent.join': {
    description:
      'Assigns an agent to the conversation (conversation_updated with assignee_id). args: {agentId?}',
    args: z.object({ agentId: agentIdArg.optional() }).strict(),
    run(ctx, conversationId, raw) {
      const args = raw as { agentId?: number };
      const conv = load(ctx, conversationId);
      const agent = pickAgent(ctx, conv, args.agentId);
      runAssign(ctx, conv.id, { kind: 'agent', id: agent.id });
      return { assigneeId: agent.id };
    },
  },
  'agent.complete': {
    description: 'Resolves the conversation (conversation_status_changed, conversation_updated).',
    args: z.object({}).strict(),
    run(ctx, conversationId) {
      const conv = load(ctx, conversationId);
      return { status: runChangeStatus(ctx, conv.id, 'resolved', null).status };
    },
  },
  'customer.say': {
    description: 'The contact sends an incoming message; a resolved conversation reopens. args: {text}',
    args: z.object({ text: z.string().min(1) }).strict(),
    run(ctx, conversationId, raw) {
      const args = raw as { text: string };
      const conv = load(ctx, conversationId);
      const m = runCreateMessage(ctx, conv.id, text('incoming', args.text), {
        type: 'Contact',
        id: conv.contact_id,
      });
      return { messageId: m.id };
    },
  },
  'customer.typing': {
    description:
      'The contact starts or stops typing (conversation_typing_on/off). args: {typing?: boolean = true}',
    args: customerTypingArgs,
    run(ctx, conversationId, raw) {
      const args = raw as z.output<typeof customerTypingArgs>;
      const conv = load(ctx, conversationId);
      const contact = getOwn(ctx.state().contacts, String(conv.contact_id))!;
      runTyping(ctx, conv.id, args.typing, renderContactWebhookData(ctx.state(), contact), false);
      return { typing: args.typing };
    },
  },
  'raw.event': {
    description:
      'Posts args.body as is (a string verbatim, anything else as JSON) where an event named args.type would go: ' +
      "account webhooks subscribed to it (inbox-scoped ones only for the conversation's inbox) and the API inbox " +
      'webhook_url; signed as usual, args.headers added. Bypasses every rule. args: {type, body, headers?}',
    args: rawEventArgs,
    run(ctx, conversationId, raw) {
      const args = raw as z.output<typeof rawEventArgs>;
      const conv = load(ctx, conversationId);
      const s = ctx.state();
      const inbox = getOwn(s.inboxes, String(conv.inbox_id)) ?? null;
      const destinations = listDestinations(s, conv.account_id, args.type, inbox);
      const key = toConversationKey(conv);
      if (destinations.length === 0) {
        throw new Error(
          `no webhook receives '${args.type}' for chatwoot conversation ${key}: no webhook of account ` +
            `${conv.account_id} subscribes to it and inbox ${conv.inbox_id} is not an API inbox with a webhook_url`,
        );
      }
      const eventIds = destinations.map((d) =>
        ctx.emit({
          type: args.type,
          url: d.url,
          orderKey: `conversation-${conv.id}`,
          conversationId: key,
          body: args.body,
          contentType: 'application/json',
          ...(args.headers ? { headers: args.headers } : {}),
          meta: { secret: d.secret, destination: d.kind, deliveryId: ctx.random.uuid(), raw: true },
        }),
      );
      return { eventIds };
    },
  },
};
