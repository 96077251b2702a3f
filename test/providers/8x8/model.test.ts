import { create as produce } from 'mutative';
import { describe, expect, test } from 'vitest';
import { checkEightByEightFixtures, createEightByEightState } from '../../../src/providers/8x8/fixtures.ts';
import {
  type Conversation,
  type EightByEightState,
  toGatewayState,
  toV2Status,
} from '../../../src/providers/8x8/model.ts';
import { applyAgentJoin, applyAgentLeave, applyTransfer } from '../../../src/providers/8x8/model-agents.ts';
import {
  applyCreateConversation,
  applyCustomerLeave,
  applyCustomerMessage,
} from '../../../src/providers/8x8/model-conversations.ts';
import { isFilterMatch, parseFilter } from '../../../src/providers/8x8/rules-lists.ts';

const KEY = { kid: 'k', privateJwk: {} };

function makeState(): EightByEightState {
  return createEightByEightState({
    queues: [
      { id: '100', name: 'Support' },
      { id: '200', name: 'Billing' },
    ],
    agents: [
      { id: 'a1', name: 'A,One', queues: ['100'] },
      { id: 'a2', name: 'B,Two', queues: ['100', '200'] },
    ],
    signingKey: KEY,
  });
}

function makeConversation(): Omit<Conversation, 'seq'> {
  return {
    id: 'c1',
    api: 'v2',
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
}

const message = (id: string) => ({
  id,
  authorType: 'user' as const,
  participantId: 'u1',
  text: id,
  createdAt: 5,
  attachments: [],
  cards: [],
});

describe('8x8 conversation state machine', () => {
  test('a created conversation has one queued interaction (v2 status pending, Gateway state active)', () => {
    const state = produce(makeState(), (d) => {
      applyCreateConversation(d, makeConversation(), 'i1');
    });
    const conversation = state.conversations.c1!;
    expect(conversation.interactions).toEqual([
      { id: 'i1', queueId: '100', agentId: null, startTime: 0, endTime: null },
    ]);
    expect(toV2Status(conversation)).toBe('pending');
    expect(toGatewayState(conversation)).toBe('active');
  });

  test('join, leave and a new customer message walk pending, handling, created, pending', () => {
    let state = produce(makeState(), (d) => {
      applyCreateConversation(d, makeConversation(), 'i1');
    });
    const status = () => toV2Status(state.conversations.c1!);
    state = produce(state, (d) => {
      applyAgentJoin(d, 'c1', undefined);
    });
    expect(status()).toBe('handling');
    state = produce(state, (d) => {
      applyAgentLeave(d, 'c1', 10);
    });
    expect(status()).toBe('created');
    state = produce(state, (d) => {
      const outcome = applyCustomerMessage(d, 'c1', message('m1'), 'i2');
      expect(outcome.queued).toEqual({ interactionId: 'i2', queueId: '100' });
    });
    expect(status()).toBe('pending');
    expect(state.conversations.c1!.messages[0]!.interactionId).toBe('i2');
  });

  test('a customer leave ends the interaction with v2 status deleted; a second leave changes nothing', () => {
    let state = produce(makeState(), (d) => {
      applyCreateConversation(d, makeConversation(), 'i1');
    });
    state = produce(state, (d) => {
      expect(applyCustomerLeave(d, 'c1', 3).happenings.map((h) => h.kind)).toEqual([
        'user-left',
        'conversation-update',
      ]);
    });
    expect(toV2Status(state.conversations.c1!)).toBe('deleted');
    state = produce(state, (d) => {
      expect(applyCustomerLeave(d, 'c1', 4).happenings).toEqual([]);
    });
    expect(state.conversations.c1!.interactions[0]!.endTime).toBe(3);
  });

  test('a transfer to a queue without other available agents leaves the interaction queued there', () => {
    const base = produce(makeState(), (d) => {
      applyCreateConversation(d, makeConversation(), 'i1');
      applyAgentJoin(d, 'c1', 'a2');
    });
    const state = produce(base, (d) => {
      const outcome = applyTransfer(d, 'c1', { queueId: '200' });
      expect(outcome.happenings.map((h) => h.kind)).toEqual(['transfer', 'agent-left', 'queued']);
    });
    expect(state.conversations.c1!.interactions[0]).toMatchObject({ agentId: null, queueId: '200' });
    expect(state.conversations.c1!.lastQueueId).toBe('200');
  });

  test('transitions that do not fit the state throw and the immer draft is discarded', () => {
    const state = produce(makeState(), (d) => {
      applyCreateConversation(d, makeConversation(), 'i1');
    });
    expect(() => produce(state, (d) => void applyAgentLeave(d, 'c1', 1))).toThrow(/No agent/);
    expect(() => produce(state, (d) => void applyAgentJoin(d, 'c1', 'ghost'))).toThrow(/does not exist/);
    expect(() => produce(state, (d) => void applyAgentJoin(d, 'nope', undefined))).toThrow(/not found/);
  });
});

describe('8x8 fixtures and filters', () => {
  test('fixture checks report agents in unknown queues and a missing signing key', () => {
    expect(checkEightByEightFixtures({ agents: [{ id: 'a', name: 'A', queues: ['9'] }] })).toEqual([
      "agents[0].queues: queue '9' is not defined",
      'signingKey: a signing key (kid and privateJwk) is required',
    ]);
  });

  test('fixture checks refuse __proto__ as the id of a queue, agent, web-hook or channel', () => {
    const problems = checkEightByEightFixtures({
      queues: [{ id: '__proto__', name: 'Q' }],
      agents: [{ id: '__proto__', name: 'A', queues: [] }],
      signingKey: KEY,
    });
    expect(problems).toEqual([
      "queues[0].id: '__proto__' cannot be used as an id",
      "agents[0].id: '__proto__' cannot be used as an id",
    ]);
    const state = createEightByEightState({ queues: [{ id: '__proto__', name: 'Q' }], signingKey: KEY });
    expect(Object.getPrototypeOf(state.queues)).toBe(Object.prototype);
    expect(Object.keys(state.queues)).toEqual([]);
  });

  test('FIQL filters support ==, !=, * wildcards, ; (and) and , (or)', () => {
    const item = { name: 'Support line', routingOptions: { id: '100' } };
    const match = (raw: string) => {
      const filter = parseFilter(raw);
      if (!filter.ok) throw new Error('bad filter');
      return isFilterMatch(item, filter.value);
    };
    expect(match('name==Support*')).toBe(true);
    expect(match('name==Support*;routingOptions.id!=100')).toBe(false);
    expect(match('name==x,(routingOption.id==11),routingOptions.id==100')).toBe(true);
    expect(parseFilter('name=~x').ok).toBe(false);
  });
});
