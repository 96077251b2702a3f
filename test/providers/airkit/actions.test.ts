// The neutral action arguments on Airkit and the raw.event action (emit a body to the resource webhook as is).
import { createHmac } from 'node:crypto';
import { expect, test } from 'vitest';
import { createRecordingSender } from '../../support/recording-sender.ts';
import { createAirkitSim, start } from './helpers.ts';

const HOOK = 'http://sut.test/airkit';

async function setUp(extra: Record<string, unknown> = {}) {
  const { send, sent } = createRecordingSender();
  const sim = await createAirkitSim({ webhookUrl: HOOK, send });
  const conversation = await start(sim, extra);
  await sim.control.idle();
  const act = async (action: string, args?: unknown) => {
    const result = await sim.control.act({
      provider: 'airkit',
      conversationId: conversation.id,
      action,
      args,
    });
    await sim.control.idle();
    return result;
  };
  return { sim, sent, act, id: conversation.id as string };
}

test('raw.event posts the body as is to the resource webhook, signed, with args.headers', async () => {
  const { sent, act, id } = await setUp();
  const body = { eventId: 'evt-raw-1', type: 'conversation.transferred', conversation: { id } };
  await act('raw.event', { type: 'conversation.transferred', body, headers: { 'x-test': 'yes' } });
  const raw = sent.at(-1)!;
  expect(raw.url).toBe(HOOK);
  expect(raw.body).toBe(JSON.stringify(body));
  const ts = raw.headers['X-Airkit-Timestamp']!;
  const digest = createHmac('sha256', 'airkit-webhook-secret').update(`${ts}.${raw.body}`).digest('hex');
  expect(raw.headers).toMatchObject({
    'x-test': 'yes',
    'X-Airkit-Signature': `sha256=${digest}`,
    'X-Airkit-Event-Id': 'evt-raw-1',
  });
});

test('raw.event with a body that has no eventId gets a fresh X-Airkit-Event-Id', async () => {
  const { sent, act } = await setUp();
  await act('raw.event', { type: 'odd', body: 'not even JSON' });
  expect(sent.at(-1)!.body).toBe('not even JSON');
  expect(sent.at(-1)!.headers['X-Airkit-Event-Id']).toMatch(/^[0-9a-f-]{36}$/);
});

test('raw.event on a conversation not managed by a third-party system answers 409 and sends nothing', async () => {
  const { sent, act } = await setUp({ managedByThirdPartySystem: false });
  const before = sent.length;
  await expect(act('raw.event', { type: 'x', body: {} })).rejects.toMatchObject({
    status: 409,
    message: expect.stringMatching(/not managed by a third-party system/),
  });
  expect(sent).toHaveLength(before);
});

test('raw.event on an unknown conversation answers 409', async () => {
  const { sim } = await setUp();
  await expect(
    sim.control.act({
      provider: 'airkit',
      conversationId: 'conv_nope',
      action: 'raw.event',
      args: { type: 'x', body: {} },
    }),
  ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/No conversation 'conv_nope'/) });
});

test('agent.say and customer.say take only text and refuse other arguments with 400', async () => {
  const { act } = await setUp();
  await expect(act('agent.say', { text: 'hi', html: '<b>hi</b>' })).rejects.toMatchObject({ status: 400 });
  await act('agent.say', { text: 'Hi, how can I help?' });
  await expect(act('customer.say', { text: 'x', typing: true })).rejects.toMatchObject({ status: 400 });
});

test('agent.complete and customer.leave take no arguments', async () => {
  const { act } = await setUp();
  await expect(act('customer.leave', { text: 'bye' })).rejects.toMatchObject({ status: 400 });
  await expect(act('agent.complete', { text: 'bye' })).rejects.toMatchObject({ status: 400 });
  expect(await act('agent.complete', {})).toEqual({ status: 'ended' });
});

test('raw.event is the core action and answers the event id it queued', async () => {
  const { sim, sent, act, id } = await setUp();
  expect(sim.control.actions('airkit').map((a) => a.action)).toEqual([
    'customer.say',
    'customer.leave',
    'agent.say',
    'agent.complete',
    'raw.event',
  ]);
  const result = (await act('raw.event', { type: 'custom', body: { eventId: 'evt-2' } })) as {
    conversationId: string;
    eventId: string;
    eventIds: string[];
  };
  expect(result).toEqual({ conversationId: id, eventId: expect.any(String), eventIds: [result.eventId] });
  expect(sent.at(-1)!.headers['X-Airkit-Event-Id']).toBe('evt-2');
});

test('raw.event on a conversation whose resource has no webhookUrl answers 409 and sends nothing', async () => {
  const { sim, sent, act, id } = await setUp();
  await sim.control.admin('airkit', 'resources.update', { id: 'hub-default', webhookUrl: null });
  const before = sent.length;
  await expect(act('raw.event', { type: 'x', body: {} })).rejects.toMatchObject({
    status: 409,
    message: `airkit raw.event on ${id} failed: Resource 'hub-default' of '${id}' has no webhookUrl`,
  });
  expect(sent).toHaveLength(before);
});
