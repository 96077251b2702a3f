// Agent and customer actions of the 8x8 provider (control API and scenarios): the neutral verbs, each running
// the transition its HTTP twin runs (seed 004: join, TEXT, transfer, leave). `raw.event` is the core's
// (from webhookTargets, effects.ts).
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import { defineNeutralAction } from '../../provider/index.ts';
import { performOutcome, performTransition } from './effects.ts';
import type { Ctx, EightByEightState, Outcome } from './model.ts';
import {
  applyAgentJoin,
  applyAgentLeave,
  applyAgentMessage,
  applyTransfer,
  toAgentTyping,
} from './model-agents.ts';
import { applyCustomerLeave, applyCustomerMessage } from './model-conversations.ts';
import { makeInteractionId, makeMessage } from './model-ids.ts';

/** An action's answer: the conversation and what happened to it. */
function toAnswer(conversationId: string, outcome: Outcome) {
  return { conversationId, events: outcome.happenings.map((h) => h.kind) };
}

function run(ctx: Ctx, id: string, transition: (draft: EightByEightState) => Outcome) {
  return toAnswer(id, performTransition(ctx, id, transition));
}

/** The neutral actions this provider supports. */
export const eightByEightActions = {
  'agent.join': defineNeutralAction(
    'agent.join',
    'An agent accepts the queued interaction (AGENT_JOINED / MEMBERS_CHANGED joined). args: {agentId?}',
    (ctx: Ctx, id, { agentId }) => run(ctx, id, (d) => applyAgentJoin(d, id, agentId)),
  ),
  'agent.say': defineNeutralAction(
    'agent.say',
    'The agent writes a message (TEXT / MESSAGE). args: {text}',
    (ctx: Ctx, id, { text }) => {
      const message = { id: ctx.random.id(22), text, createdAt: ctx.clock.now(), attachments: [], cards: [] };
      return run(ctx, id, (d) => applyAgentMessage(d, id, message));
    },
  ),
  'agent.typing': defineNeutralAction(
    'agent.typing',
    'Gateway only: the agent starts or stops typing (ACTIVITY typing). args: {typing?: boolean}',
    (ctx: Ctx, id, { typing }) => {
      const outcome = toAgentTyping(ctx.state(), id, typing);
      performOutcome(ctx, id, outcome);
      return toAnswer(id, outcome);
    },
  ),
  'agent.transfer': defineNeutralAction(
    'agent.transfer',
    'The agent transfers (TRANSFER, old agent left, new agent joined). args: {agentId?, queueId?}; ' +
      'without an agent the first available one of the queue joins, or the interaction waits queued.',
    (ctx: Ctx, id, target) => run(ctx, id, (d) => applyTransfer(d, id, target)),
  ),
  'agent.leave': defineNeutralAction(
    'agent.leave',
    'The agent ends the interaction (AGENT_LEFT / MEMBERS_CHANGED left, idle).',
    (ctx: Ctx, id) => {
      const now = ctx.clock.now();
      return run(ctx, id, (d) => applyAgentLeave(d, id, now));
    },
  ),
  'customer.say': defineNeutralAction(
    'customer.say',
    'The customer writes, as POST .../messages does; after AGENT_LEFT this re-queues. args: {text}',
    (ctx: Ctx, id, { text }) => {
      const state = ctx.state();
      const conversation = getOwn(state.conversations, id);
      if (!conversation) throw new Error(`Conversation ${toEcho(id)} was not found.`);
      const now = ctx.clock.now();
      const input = { authorType: 'user' as const, text, attachments: [], cards: [] };
      const message = makeMessage(ctx.random, input, conversation.userParticipantId, now);
      const interactionId = makeInteractionId(ctx.random, now, state.tenant);
      return run(ctx, id, (d) => applyCustomerMessage(d, id, message, interactionId));
    },
  ),
  'customer.leave': defineNeutralAction(
    'customer.leave',
    'The customer leaves, as DELETE participants/customer (v2) or PATCH participants/user (Gateway).',
    (ctx: Ctx, id) => {
      const now = ctx.clock.now();
      return run(ctx, id, (d) => applyCustomerLeave(d, id, now));
    },
  ),
};
