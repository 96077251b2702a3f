// Airkit's transitions are pure: they change the state and report what happened (webhooks and signals) as data.
import { expect, test } from 'vitest';
import { createAirkitState } from '../../../src/providers/airkit/fixtures.ts';
import {
  type AirkitMessage,
  type AirkitState,
  applyEnd,
  applyMessage,
  applyStart,
} from '../../../src/providers/airkit/model.ts';

const resource = {
  id: 'res-1',
  name: 'R',
  hubId: 'hub-1',
  channel: 'chat' as const,
  webhookUrl: 'http://sut.test/hook',
  secret: 's',
};

function createState(): AirkitState {
  return createAirkitState({ hubs: [{ id: 'hub-1', name: '' }], resources: [resource] });
}

function startIn(s: AirkitState, managed: boolean) {
  return applyStart(
    s,
    {
      id: 'conv_1',
      resource,
      customerDestination: { type: 'Text', sessionId: 'session-1' },
      customerIdentifier: null,
      managedByThirdPartySystem: managed,
    },
    1000,
  );
}

const message = (sender: AirkitMessage['sender']): AirkitMessage => ({
  id: `msg_${sender}`,
  conversationId: 'conv_1',
  sender,
  text: 'hello',
  sentAt: 2000,
  delivered: true,
});

test('starting a third-party managed conversation reports conversation.started and the start signal', () => {
  const s = createState();
  const outcome = startIn(s, true);
  expect(s.conversations.conv_1?.status).toBe('awaiting-first-message');
  expect(outcome.happenings.map((h) => h.type)).toEqual(['conversation.started']);
  expect(outcome.signals).toEqual([
    {
      type: 'conversation.started',
      conversationId: 'conv_1',
      data: { resourceId: 'res-1', managed: true, channel: 'chat' },
    },
  ]);
});

test('a conversation not managed by a third party reports no webhook, only its signals', () => {
  const s = createState();
  expect(startIn(s, false).happenings).toEqual([]);
  expect(applyMessage(s, 'conv_1', message('customer')).happenings).toEqual([]);
  const ended = applyEnd(s, 'conv_1', 'customer', 3000);
  expect(ended.happenings).toEqual([]);
  expect(ended.signals).toEqual([
    { type: 'conversation.ended', conversationId: 'conv_1', data: { endedBy: 'customer' } },
  ]);
});

test("the end user's message reports message.created; the third party's first one makes the conversation active", () => {
  const s = createState();
  startIn(s, true);
  const first = applyMessage(s, 'conv_1', message('third-party'));
  expect(first.happenings).toEqual([]);
  expect(s.conversations.conv_1?.status).toBe('active');
  const reply = applyMessage(s, 'conv_1', message('customer'));
  expect(reply.happenings).toMatchObject([
    { type: 'message.created', conversation: { status: 'active' }, message: { id: 'msg_customer' } },
  ]);
  expect(reply.signals).toEqual([
    { type: 'conversation.updated', conversationId: 'conv_1', data: { sender: 'customer', text: 'hello' } },
  ]);
});

test('only the end user leaving reports conversation.ended to the third party', () => {
  const byThirdParty = createState();
  startIn(byThirdParty, true);
  expect(applyEnd(byThirdParty, 'conv_1', 'third-party', 3000).happenings).toEqual([]);
  const byCustomer = createState();
  startIn(byCustomer, true);
  expect(applyEnd(byCustomer, 'conv_1', 'customer', 3000).happenings).toMatchObject([
    { type: 'conversation.ended', conversation: { status: 'ended', endedBy: 'customer', updatedAt: 3000 } },
  ]);
});

test('what a transition reports is a copy: changing the state later does not change it', () => {
  const s = createState();
  const outcome = startIn(s, true);
  s.conversations.conv_1!.status = 'ended';
  s.conversations.conv_1!.customerDestination = { type: 'Phone', phoneNumber: '+15550100001' };
  expect(outcome.value).toMatchObject({
    status: 'awaiting-first-message',
    customerDestination: { type: 'Text', sessionId: 'session-1' },
  });
  expect(outcome.happenings[0]?.conversation.status).toBe('awaiting-first-message');
});
