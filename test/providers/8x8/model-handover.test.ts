// Pure transitions and rules of issue 16's 8x8 items, without HTTP: the held agent of seed 004, the post-agent
// phase's deadline, and the card action and post-agent assignment bodies.
import { create as produce } from 'mutative';
import { describe, expect, test } from 'vitest';
import { createEightByEightState } from '../../../src/providers/8x8/fixtures.ts';
import type { Conversation, EightByEightState } from '../../../src/providers/8x8/model.ts';
import { applyAgentJoin, applyAgentLeave } from '../../../src/providers/8x8/model-agents.ts';
import {
  applyCreateConversation,
  applyCustomerLeave,
} from '../../../src/providers/8x8/model-conversations.ts';
import { applyHandoverExpire, applyPostAgentAssignment } from '../../../src/providers/8x8/model-handover.ts';
import { parseCardAction } from '../../../src/providers/8x8/rules-cards.ts';
import { parsePostAgentAssignment } from '../../../src/providers/8x8/rules-handover.ts';

function makeState(): EightByEightState {
  const state = createEightByEightState({
    queues: [{ id: '100', name: 'Support' }],
    agents: [{ id: 'a1', name: 'A,One', queues: ['100'] }],
    signingKey: { kid: 'k', privateJwk: {} },
  });
  state.webhooks.w1 = {
    id: 'w1',
    api: 'gateway',
    name: 'bot',
    uri: 'http://bot.test',
    version: 'v',
    revision: 0,
  };
  return state;
}

const conversation: Omit<Conversation, 'seq'> = {
  id: 'c1',
  api: 'gateway',
  channelId: '1',
  createdAt: 0,
  customer: {},
  user: {},
  assignment: { type: 'queue', id: '100' },
  userParticipantId: 'u1',
  language: 'en',
  lastQueueId: '100',
  customerLeft: false,
  agentIds: [],
  interactions: [],
  messages: [],
  attachmentIds: [],
};

/** A conversation that agent a1 accepted. */
function makeAccepted(): EightByEightState {
  return produce(makeState(), (d) => {
    applyCreateConversation(d, conversation, 'i1');
    applyAgentJoin(d, 'c1', 'a1');
  });
}

const kinds = (outcome: { happenings: { kind: string }[] }) => outcome.happenings.map((h) => h.kind);

describe('8x8 leave transitions (seed 004)', () => {
  test('after the agent left, a customer leave releases the held agent once', () => {
    let state = produce(makeAccepted(), (d) => {
      expect(kinds(applyAgentLeave(d, 'c1', 1))).toEqual(['agent-left', 'conversation-update']);
    });
    expect(state.conversations.c1!.heldAgentId).toBe('a1');
    state = produce(state, (d) => {
      expect(applyCustomerLeave(d, 'c1', 2).happenings).toEqual([
        { kind: 'user-left' },
        { kind: 'agent-released', agentId: 'a1' },
      ]);
    });
    expect(state.conversations.c1!.heldAgentId).toBeNull();
    produce(state, (d) => {
      expect(applyCustomerLeave(d, 'c1', 3).happenings).toEqual([]);
    });
  });
});

describe('8x8 post-agent phase', () => {
  test('the phase ends at the earlier of maxTotalMinutes and userTimeoutInMinutes after a bot message, not before', () => {
    let state = produce(makeAccepted(), (d) => {
      applyPostAgentAssignment(d, 'c1', {
        webhookId: 'w1',
        notifyChannel: false,
        maxTotalMinutes: 20,
        userTimeoutInMinutes: null,
      });
      const outcome = applyAgentLeave(d, 'c1', 1_000);
      expect(outcome.handover).toEqual({ webhookId: 'w1', notifyChannel: false });
      expect(outcome.deadline).toBe(1_000 + 20 * 60_000);
    });
    expect(state.index.handovers).toEqual({ c1: 1_000 + 20 * 60_000 });
    state = produce(state, (d) => {
      expect(applyHandoverExpire(d, 'c1', 1_000 + 20 * 60_000 - 1).happenings).toEqual([]);
    });
    state = produce(state, (d) => {
      expect(kinds(applyHandoverExpire(d, 'c1', 1_000 + 20 * 60_000))).toEqual(['conversation-update']);
    });
    expect(state.conversations.c1!.handover).toBeNull();
    expect(state.conversations.c1!.assignment).toEqual({ type: 'queue', id: '100' });
    expect(state.index.handovers).toEqual({});
  });
});

describe('8x8 card action and post-agent assignment rules', () => {
  test('a card action body is an object whose name is a string; the whole body is the submitted data', () => {
    expect(parseCardAction({ name: 'x', rating: 5 }, 'Action.Submit')).toEqual({
      ok: true,
      value: { type: 'Action.Submit', data: { name: 'x', rating: 5 } },
    });
    expect(parseCardAction({ name: 1 }, 'Action.Execute').ok).toBe(false);
    expect(parseCardAction('x', 'Action.Execute').ok).toBe(false);
  });

  test('a post-agent assignment names a Gateway web-hook, type webhook, and minutes within the documented ranges', () => {
    const state = makeState();
    expect(
      parsePostAgentAssignment(
        {
          type: 'webhook',
          id: 'w1',
          configuration: { notifyChannelWebhookIfExists: 'true', maxTotalMinutes: 600 },
        },
        state,
      ),
    ).toEqual({
      ok: true,
      value: { webhookId: 'w1', notifyChannel: true, maxTotalMinutes: 600, userTimeoutInMinutes: null },
    });
    for (const body of [
      { type: 'webhook', id: 'constructor' },
      { type: 'webhook', id: 'w1', configuration: { userTimeoutInMinutes: 9 } },
      { type: 'webhook', id: 'w1', configuration: { maxTotalMinutes: 20.5 } },
    ]) {
      expect(parsePostAgentAssignment(body, state).ok, JSON.stringify(body)).toBe(false);
    }
  });
});
