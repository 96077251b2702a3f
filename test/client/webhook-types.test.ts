// The payload types a system under test types its webhook and callback handlers with, from the package.
import { expect, expectTypeOf, test } from 'vitest';
import type {
  AirkitEvent,
  AirkitEvents,
  ChatwootEvents,
  ChatwootWebhook,
  EceCallback,
  EceCallbackKind,
  EceCallbackMessage,
  EightByEightGatewayWebhooks,
  EightByEightV2Webhooks,
  EightByEightWebhook,
} from '../../src/index.ts';
import { createEceSim, settle, startOk } from '../providers/ece/helpers.ts';

// Handlers as a system under test writes them: each narrows the payload by its own discriminant.
function onEceCallback(body: EceCallback): string[] {
  return body.message.map((m) => {
    if (m.type.value === 'text/plain')
      return `${m.sender.type === 'user' ? m.sender.user.screenName : 'ECE'}: ${m.content}`;
    return `${m.type.value} in ${m.conversation.id}`;
  });
}

function on8x8Webhook(body: EightByEightWebhook): string {
  switch (body.eventType) {
    case 'TEXT':
      return `${body.agentName}: ${body.message}`;
    case 'MESSAGE':
      return `${body.data.sender.type}: ${body.data.text}`;
    case 'WEB_HOOK_VERIFY':
      return body.notificationVersion;
    default:
      return body.eventType;
  }
}

function onChatwootWebhook(body: ChatwootWebhook): string {
  if (body.event === 'conversation_typing_on' || body.event === 'conversation_typing_off') {
    return `${body.event} private=${body.is_private}`;
  }
  return `${body.event} #${'id' in body ? body.id : '?'}`;
}

function onAirkitEvent(body: AirkitEvent): string {
  return body.type === 'message.created' ? `${body.eventId} message` : `${body.eventId} ${body.type}`;
}

test('the payload types are exported from the package and narrow by their discriminants', () => {
  expectTypeOf<EceCallback['message'][number]>().toEqualTypeOf<EceCallbackMessage>();
  expectTypeOf<EceCallbackMessage['type']['value']>().toEqualTypeOf<EceCallbackKind>();
  expectTypeOf<Extract<EightByEightWebhook, { eventType: 'TEXT' }>>().toEqualTypeOf<
    EightByEightV2Webhooks['TEXT']
  >();
  expectTypeOf<Extract<EightByEightWebhook, { eventType: 'MESSAGE' }>>().toEqualTypeOf<
    EightByEightGatewayWebhooks['MESSAGE']
  >();
  expectTypeOf<ChatwootEvents['message_created']>().toExtend<ChatwootWebhook>();
  expectTypeOf<AirkitEvents['conversation.ended']['reason']>().toEqualTypeOf<'customer-left'>();
  expectTypeOf(onEceCallback).parameter(0).toEqualTypeOf<EceCallback>();
  expectTypeOf(on8x8Webhook).returns.toBeString();
  expectTypeOf(onChatwootWebhook).parameter(0).toEqualTypeOf<ChatwootWebhook>();
  expectTypeOf(onAirkitEvent).parameter(0).toEqualTypeOf<AirkitEvent>();
});

test('handlers typed with the exported payloads read the payloads the providers send', async () => {
  const { sim, sent } = await createEceSim();
  const conversation = await startOk(sim);
  await settle(sim);
  await sim.control.act({
    provider: 'ece',
    conversationId: conversation.id,
    action: 'agent.say',
    args: { text: 'Hi' },
  });
  await sim.control.idle();
  expect(sent.flatMap((s) => onEceCallback(s.json as EceCallback))).toEqual([
    `assigned in ${conversation.id}`,
    'Alice: Hi',
  ]);
  expect(
    on8x8Webhook({
      eventType: 'MESSAGE',
      conversationId: 'c1',
      timestamp: 1,
      data: { isEcho: false, sender: { id: 'a1', type: 'agent' }, text: 'Hello' },
    }),
  ).toBe('agent: Hello');
  expect(
    onAirkitEvent({
      eventId: 'e1',
      type: 'conversation.ended',
      occurredAt: '2025-01-01T00:00:00.000Z',
      conversation: {},
      reason: 'customer-left',
    }),
  ).toBe('e1 conversation.ended');
  expect(onChatwootWebhook({ event: 'contact_created', id: 4 })).toBe('contact_created #4');
});
