import { z } from 'zod';
import type { ProviderAction } from '../../provider.ts';
import { renderContactWebhookData } from './events.ts';
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

type Action = ProviderAction<ChatwootState, ChatwootOptions>;

function load(ctx: ChatwootContext, key: string): Conversation {
  const conv = findConversationByKey(ctx.state(), key);
  if (!conv) throw new Error(`no chatwoot conversation '${key}' (use <account_id>:<display_id>)`);
  return conv;
}

/** The agent who acts: the one named, else the assignee, else the account's first agent. */
function pickAgent(ctx: ChatwootContext, conv: Conversation, agentId: number | undefined) {
  const agents = ctx.state().agents.filter((a) => a.account_ids.includes(conv.account_id));
  const agent =
    agentId !== undefined
      ? agents.find((a) => a.id === agentId)
      : (agents.find((a) => a.id === conv.assignee_id) ?? agents[0]);
  if (!agent) throw new Error(`no agent ${agentId ?? ''} in account ${conv.account_id}`);
  return agent;
}

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
    description: 'An agent sends an outgoing message (message_created).',
    args: z.object({
      text: z.string().min(1),
      agentId: z.number().int().optional(),
      private: z.boolean().optional(),
    }),
    run(ctx, conversationId, raw) {
      const args = raw as { text: string; agentId?: number; private?: boolean };
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
    description: 'An agent starts or stops typing (conversation_typing_on/off).',
    args: z.object({ on: z.boolean().default(true), agentId: z.number().int().optional() }),
    run(ctx, conversationId, raw) {
      const args = raw as { on: boolean; agentId?: number };
      const conv = load(ctx, conversationId);
      const agent = pickAgent(ctx, conv, args.agentId);
      runTyping(
        ctx,
        conv.id,
        args.on,
        { id: agent.id, name: agent.name, email: agent.email, type: 'user' },
        false,
      );
      return { typing: args.on };
    },
  },
  'agent.join': {
    description: 'Assigns an agent to the conversation (conversation_updated with assignee_id).',
    args: z.object({ agentId: z.number().int().optional() }),
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
    args: z.object({}),
    run(ctx, conversationId) {
      const conv = load(ctx, conversationId);
      return { status: runChangeStatus(ctx, conv.id, 'resolved', null).status };
    },
  },
  'customer.say': {
    description: 'The contact sends an incoming message; a resolved conversation reopens.',
    args: z.object({ text: z.string().min(1) }),
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
    description: 'The contact starts or stops typing (conversation_typing_on/off).',
    args: z.object({ on: z.boolean().default(true) }),
    run(ctx, conversationId, raw) {
      const args = raw as { on: boolean };
      const conv = load(ctx, conversationId);
      const contact = ctx.state().contacts.find((c) => c.id === conv.contact_id)!;
      runTyping(ctx, conv.id, args.on, renderContactWebhookData(ctx.state(), contact), false);
      return { typing: args.on };
    },
  },
};
