// The Gateway post-agent phase (pure transitions and helpers): OAS GW createpostagentassignment "allows the
// conversation to be handed back to the bot after an agent finishes their interaction ... (surveys or further
// automated assistance)", with `maxTotalMinutes` ("conversation finishes when this duration passes") and
// `userTimeoutInMinutes` ("conversation finishes if user doesn't reply in x minutes from bot's last message").
// How the phase routes events is a simulator choice (docs/providers/8x8.md, "Post-agent assignment").
import type { Conversation, EightByEightState, Handover, Outcome, PostAgentAssignment } from './model.ts';
import { changeConversation } from './model-indexes.ts';

const MINUTE = 60_000;

/** Stores the post-agent assignment of a conversation (one per conversation; a new one replaces it). */
export function applyPostAgentAssignment(
  draft: EightByEightState,
  conversationId: string,
  assignment: PostAgentAssignment,
): Outcome {
  return changeConversation(draft, conversationId, (conversation) => {
    conversation.postAgent = { ...assignment };
    return { happenings: [], signal: 'conversation.updated' };
  });
}

/** When the phase ends by itself: the earlier of its total time and the user's time to answer the bot. */
function toDeadline(handover: Handover): number | null {
  const total =
    handover.maxTotalMinutes === null ? null : handover.startedAt + handover.maxTotalMinutes * MINUTE;
  const silence =
    handover.userTimeoutInMinutes === null || handover.lastBotAt === null
      ? null
      : handover.lastBotAt + handover.userTimeoutInMinutes * MINUTE;
  if (total === null) return silence;
  return silence === null ? total : Math.min(total, silence);
}

/** The routing of an outcome that belongs to the phase. */
const toRouting = (handover: PostAgentAssignment) => ({
  webhookId: handover.webhookId,
  notifyChannel: handover.notifyChannel,
});

/**
 * The agent ended the interaction: with a post-agent assignment, the phase starts (the assignment is used up).
 * The conversation is assigned to the web-hook and active again; `CONVERSATION_UPDATE` tells the bot.
 */
export function startHandover(conversation: Conversation, outcome: Outcome, now: number): void {
  const assignment = conversation.postAgent;
  if (!assignment) return;
  conversation.postAgent = null;
  const handover: Handover = { ...assignment, startedAt: now, lastBotAt: null, deadline: null };
  handover.deadline = toDeadline(handover);
  conversation.handover = handover;
  conversation.assignment = { type: 'webhook', id: assignment.webhookId };
  outcome.happenings = outcome.happenings.map((h) =>
    h.kind === 'conversation-update' ? { kind: 'conversation-update', state: 'active' } : h,
  );
  outcome.handover = toRouting(assignment);
  if (handover.deadline !== null) outcome.deadline = handover.deadline;
}

/** A message during the phase: the bot's starts the user's answer time, the user's stops it. */
export function noteHandoverMessage(
  conversation: Conversation,
  outcome: Outcome,
  authorType: string,
  now: number,
): void {
  const handover = conversation.handover;
  if (!handover) return;
  handover.lastBotAt = authorType === 'bot' ? now : null;
  handover.deadline = toDeadline(handover);
  outcome.handover = toRouting(handover);
  if (handover.deadline !== null) outcome.deadline = handover.deadline;
}

/** Ends the phase (the user left, or its time is up): assigned to the last queue again, idle. */
export function endHandover(conversation: Conversation, outcome: Outcome): void {
  const handover = conversation.handover;
  if (!handover) return;
  conversation.handover = null;
  conversation.assignment = { type: 'queue', id: conversation.lastQueueId };
  outcome.handover = toRouting(handover);
}

/** The phase's timer: ends it when its deadline has come (a later message may have moved the deadline). */
export function applyHandoverExpire(draft: EightByEightState, conversationId: string, now: number): Outcome {
  return changeConversation(draft, conversationId, (conversation): Outcome => {
    const deadline = conversation.handover?.deadline ?? null;
    if (deadline === null || deadline > now) return { happenings: [] };
    const outcome: Outcome = {
      happenings: [{ kind: 'conversation-update', state: 'idle' }],
      signal: 'conversation.ended',
    };
    endHandover(conversation, outcome);
    return outcome;
  });
}
