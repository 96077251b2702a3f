// Agent and customer actions of the 8x8 provider (control API and scenarios).
// Everything an agent does besides auto-accept comes from here (seed 004: join, TEXT, transfer, leave).
import { z } from 'zod';
import { toEcho } from '../../echo.ts';
import { ControlError } from '../../errors.ts';
import { getOwn } from '../../own.ts';
import { neutralArgs, type ProviderAction } from '../../provider/index.ts';
import type { EightByEightOptions } from './fixtures.ts';
import { applyOutcome, type Ctx, findWebhookUri, makeInteractionId } from './glue.ts';
import { type EightByEightState, type Outcome, StateError, toOpenInteraction } from './model.ts';
import { checkJsonShape } from './rules.ts';
import {
  applyAgentJoin,
  applyAgentLeave,
  applyAgentMessage,
  applyCustomerLeave,
  applyCustomerMessage,
  applyTransfer,
} from './transitions.ts';

type Action = ProviderAction<EightByEightState, EightByEightOptions>;

function requireConversation(ctx: Ctx, id: string) {
  const conversation = getOwn(ctx.state().conversations, id);
  if (!conversation) throw new StateError(`Conversation ${toEcho(id)} was not found.`);
  return conversation;
}

function run(ctx: Ctx, id: string, transition: (draft: EightByEightState) => Outcome) {
  requireConversation(ctx, id);
  const outcome = ctx.update(transition);
  applyOutcome(ctx, id, outcome);
  return { conversationId: id, events: outcome.happenings.map((h) => h.kind) };
}

const textArgs = neutralArgs.text;
const none = neutralArgs.none;

const idArg = neutralArgs.id;

const rawEventArgs = neutralArgs.rawEvent;

/** The neutral actions this provider supports. */
export const eightByEightActions: Record<string, Action> = {
  'agent.join': {
    description:
      'An agent accepts the queued interaction (AGENT_JOINED / MEMBERS_CHANGED joined). args: {agentId?}',
    args: z.object({ agentId: idArg.optional() }).strict(),
    run: (ctx, id, args) => {
      const { agentId } = args as { agentId?: string };
      return run(ctx, id, (d) => applyAgentJoin(d, id, agentId));
    },
  },
  'agent.say': {
    description: 'The agent writes a message (TEXT / MESSAGE). args: {text}',
    args: textArgs,
    run: (ctx, id, args) => {
      const { text } = args as z.infer<typeof textArgs>;
      const message = { id: ctx.random.id(22), text, createdAt: ctx.clock.now(), attachments: [], cards: [] };
      return run(ctx, id, (d) => applyAgentMessage(d, id, message));
    },
  },
  'agent.typing': {
    description: 'Gateway only: the agent starts or stops typing (ACTIVITY typing). args: {typing?: boolean}',
    args: z.object({ typing: z.boolean().default(true) }).strict(),
    run: (ctx, id, args) => {
      const conversation = requireConversation(ctx, id);
      if (conversation.api !== 'gateway') throw new StateError('Chat API v2 has no typing event.');
      const agentId = toOpenInteraction(conversation)?.agentId;
      if (!agentId) throw new StateError(`No agent is in conversation ${toEcho(id)}.`);
      const { typing = true } = args as { typing?: boolean };
      const outcome: Outcome = { happenings: [{ kind: 'agent-typing', agentId, typing }] };
      applyOutcome(ctx, id, outcome);
      return { conversationId: id, events: ['agent-typing'] };
    },
  },
  'agent.transfer': {
    description:
      'The agent transfers (TRANSFER, old agent left, new agent joined). args: {agentId?, queueId?}; ' +
      'without an agent the first available one of the queue joins, or the interaction waits queued.',
    args: z.object({ agentId: idArg.optional(), queueId: idArg.optional() }).strict(),
    run: (ctx, id, args) => {
      const target = args as { agentId?: string; queueId?: string };
      return run(ctx, id, (d) => applyTransfer(d, id, target));
    },
  },
  'agent.leave': {
    description: 'The agent ends the interaction (AGENT_LEFT / MEMBERS_CHANGED left, idle).',
    args: none,
    run: (ctx, id) => {
      const now = ctx.clock.now();
      return run(ctx, id, (d) => applyAgentLeave(d, id, now));
    },
  },
  'customer.say': {
    description:
      'The customer writes, as POST .../messages does; after AGENT_LEFT this re-queues. args: {text}',
    args: textArgs,
    run: (ctx, id, args) => {
      const { text } = args as z.infer<typeof textArgs>;
      const conversation = requireConversation(ctx, id);
      const message = {
        id: ctx.random.id(22),
        authorType: 'user' as const,
        participantId: conversation.userParticipantId,
        text,
        createdAt: ctx.clock.now(),
        attachments: [],
        cards: [],
      };
      const interactionId = makeInteractionId(ctx);
      return run(ctx, id, (d) => applyCustomerMessage(d, id, message, interactionId));
    },
  },
  'customer.leave': {
    description:
      'The customer leaves, as DELETE participants/customer (v2) or PATCH participants/user (Gateway).',
    args: none,
    run: (ctx, id) => {
      const now = ctx.clock.now();
      return run(ctx, id, (d) => applyCustomerLeave(d, id, now));
    },
  },
  'raw.event': {
    description:
      "Posts args.body to the conversation's channel webhook as is (a string verbatim, anything else as JSON), " +
      'signed like every 8x8 webhook, with args.type as the delivery type and args.headers added. Bypasses every rule. ' +
      'args: {type, body, headers?}',
    args: rawEventArgs,
    run: (ctx, id, raw) => {
      const args = raw as z.output<typeof rawEventArgs>;
      // The body is sent as is, but it is serialized (recursively) first: bound its depth.
      const refused = checkJsonShape(args.body, { allowProtoKey: true });
      if (refused) throw new ControlError(400, `raw.event body: ${refused}`);
      const conversation = requireConversation(ctx, id);
      const uri = findWebhookUri(ctx.state(), conversation.api, conversation.channelId);
      if (!uri) {
        throw new StateError(
          `Conversation ${toEcho(id)} has no webhook: its ${conversation.api} channel ${conversation.channelId} is gone or has no web-hook.`,
        );
      }
      const eventId = ctx.emit({
        type: args.type,
        url: uri,
        orderKey: id,
        conversationId: id,
        body: args.body,
        contentType: 'application/json',
        ...(args.headers ? { headers: args.headers } : {}),
        meta: { raw: true },
      });
      return { conversationId: id, eventId };
    },
  },
};
