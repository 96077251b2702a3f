// Agent and customer actions (control API and scenarios): the neutral verbs, run through the same transitions as
// the HTTP routes, so they send the same webhooks.
import { z } from 'zod';
import { getOwn, hasOwn } from '../../own.ts';
import { ControlError, defineNeutralAction } from '../../provider/index.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import { type Agent, type Conversation, findConversationByKey } from './model.ts';
import {
  applyAssignment,
  applyCreateMessage,
  applyStatusChange,
  applyTyping,
} from './model-conversations.ts';
import { toInputText } from './render-errors.ts';
import { renderContactWebhookData, renderTypingUser } from './render-webhooks.ts';
import type { MessageInput } from './rules-conversations.ts';

/** The conversation an action names (`<account_id>:<display_id>` or a bare display id); else the action fails (409). */
function loadConversation(ctx: ChatwootContext, key: string): Conversation {
  const conv = findConversationByKey(ctx.state(), key);
  if (!conv)
    throw new Error(`no chatwoot conversation '${toInputText(key)}' (use <account_id>:<display_id>)`);
  return conv;
}

/** The agent who acts: the one named, else the assignee, else the account's first agent; else the action fails (409). */
/** The acting agent when none is named: the assignee, else the account's first agent (none without agents). */
function findDefaultAgent(ctx: ChatwootContext, conv: Conversation): Agent | undefined {
  // Agents come from fixtures: few, whatever the store holds.
  const agents = Object.values(ctx.state().agents).filter((a) => a.account_ids.includes(conv.account_id));
  return agents.find((a) => a.id === conv.assignee_id) ?? agents[0];
}

function loadAgent(ctx: ChatwootContext, conv: Conversation, agentId: number | undefined): Agent {
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

/** Chatwoot's ids are numbers: "2" (or 2) names agent 2. */
const AGENT_ID_ERROR = 'agentId must be a Chatwoot agent id, a number such as 2 (or "2")';

/**
 * `agentId` where Chatwoot adds it to a neutral verb (agent.say, agent.typing): a positive integer or its digits.
 * The neutral `agentId` of agent.join is checked by `toAgentId` instead.
 */
const agentIdArg = z
  .union(
    [
      z.number().int({ error: AGENT_ID_ERROR }).positive({ error: AGENT_ID_ERROR }),
      z.string().regex(/^\d+$/, { error: AGENT_ID_ERROR }),
    ],
    { error: AGENT_ID_ERROR },
  )
  .transform(Number);

/** The neutral agentId (a string) as a Chatwoot agent id; anything but a positive integer is refused (400). */
function toAgentId(agentId: string | undefined): number | undefined {
  if (agentId === undefined) return undefined;
  if (!/^\d+$/.test(agentId) || Number(agentId) === 0) throw new ControlError(400, AGENT_ID_ERROR);
  return Number(agentId);
}

/** `on` was this provider's name for the neutral `typing` argument; it is still read. */
function readTypingAlias(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !hasOwn(value, 'on') || hasOwn(value, 'typing'))
    return value;
  const { on, ...rest } = value as Record<string, unknown>;
  return { ...rest, typing: on };
}

/** A text message as an action writes it. */
const toTextMessage = (kind: 'outgoing' | 'incoming', content: string, isPrivate = false): MessageInput => ({
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
export const chatwootActions = {
  'agent.say': defineNeutralAction(
    'agent.say',
    'An agent sends an outgoing message (message_created). args: {text, agentId?, private?}',
    (ctx: ChatwootContext, key, args) => {
      const conv = loadConversation(ctx, key);
      const agent = loadAgent(ctx, conv, args.agentId);
      const messageId = perform(ctx, applyCreateMessage, {
        conversationId: conv.id,
        message: toTextMessage('outgoing', args.text, args.private),
        sender: { type: 'User', id: agent.id },
      });
      return { messageId };
    },
    { extend: { agentId: agentIdArg.optional(), private: z.boolean().optional() } },
  ),
  'agent.typing': defineNeutralAction(
    'agent.typing',
    'An agent starts or stops typing (conversation_typing_on/off). args: {typing?: boolean = true, agentId?}',
    (ctx: ChatwootContext, key, args) => {
      const conv = loadConversation(ctx, key);
      const agent = loadAgent(ctx, conv, args.agentId);
      perform(ctx, applyTyping, {
        conversationId: conv.id,
        on: args.typing,
        user: renderTypingUser({ kind: 'user', agent }),
        isPrivate: false,
      });
      return { typing: args.typing };
    },
    { extend: { agentId: agentIdArg.optional() }, preprocess: readTypingAlias },
  ),
  'agent.join': defineNeutralAction(
    'agent.join',
    'Assigns an agent to the conversation (conversation_updated with assignee_id). args: {agentId?}',
    (ctx: ChatwootContext, key, args) => {
      const agentId = toAgentId(args.agentId);
      const conv = loadConversation(ctx, key);
      const agent = loadAgent(ctx, conv, agentId);
      perform(ctx, applyAssignment, {
        conversationId: conv.id,
        plan: { kind: 'agent', id: agent.id },
        by: { type: 'User', id: agent.id },
      });
      return { assigneeId: agent.id };
    },
  ),
  'agent.complete': defineNeutralAction(
    'agent.complete',
    'Resolves the conversation (conversation_status_changed, conversation_updated).',
    (ctx: ChatwootContext, key) => {
      const conv = loadConversation(ctx, key);
      const conversationId = conv.id;
      // The acting agent (the assignee, else the account's first agent) is Current.user of the activity message.
      const agent = findDefaultAgent(ctx, conv);
      const by = agent ? ({ type: 'User', id: agent.id } as const) : undefined;
      perform(ctx, applyStatusChange, { conversationId, status: 'resolved', snoozedUntil: null, by });
      return { status: getOwn(ctx.state().conversations, String(conversationId))!.status };
    },
  ),
  'customer.say': defineNeutralAction(
    'customer.say',
    'The contact sends an incoming message; a resolved conversation reopens. args: {text}',
    (ctx: ChatwootContext, key, args) => {
      const conv = loadConversation(ctx, key);
      const messageId = perform(ctx, applyCreateMessage, {
        conversationId: conv.id,
        message: toTextMessage('incoming', args.text),
        sender: { type: 'Contact', id: conv.contact_id },
      });
      return { messageId };
    },
  ),
  'customer.typing': defineNeutralAction(
    'customer.typing',
    'The contact starts or stops typing (conversation_typing_on/off). args: {typing?: boolean = true}',
    (ctx: ChatwootContext, key, args) => {
      const conv = loadConversation(ctx, key);
      const s = ctx.state();
      const contact = getOwn(s.contacts, String(conv.contact_id))!;
      perform(ctx, applyTyping, {
        conversationId: conv.id,
        on: args.typing,
        user: renderContactWebhookData(s, contact),
        isPrivate: false,
      });
      return { typing: args.typing };
    },
    { preprocess: readTypingAlias },
  ),
};
