import { describe, expect, test } from 'vitest';
import { startReceiver } from '../../support/receiver.ts';
import { call, createAirkitSim, type Json, start } from './helpers.ts';

const BASE = '/airkit/v1/conversations';

describe('airkit third-party managed conversation', () => {
  test('the third party sends the first message, the end user receives it and replies, and leaves', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/airkit` });
      const conv = await start(sim);
      const sent = await call(sim, 'POST', `${BASE}/${conv.id}/messages`, { text: 'Hi, how can I help?' });
      expect(sent).toMatchObject({
        status: 201,
        json: { sender: 'third-party', text: 'Hi, how can I help?', delivered: true },
      });
      expect((await call(sim, 'GET', `${BASE}/${conv.id}`)).json.status).toBe('active');

      await sim.control.act({
        provider: 'airkit',
        conversationId: conv.id,
        action: 'customer.say',
        args: { text: 'My order' },
      });
      await sim.control.act({
        provider: 'airkit',
        conversationId: conv.id,
        action: 'customer.leave',
        args: {},
      });
      await sim.control.idle();
      expect(receiver.requests.map((r) => (r.json as { type: string }).type)).toEqual([
        'conversation.started',
        'message.created',
        'conversation.ended',
      ]);
      expect(receiver.requests[1]!.json).toMatchObject({ message: { sender: 'customer', text: 'My order' } });
      expect(receiver.requests[2]!.json).toMatchObject({
        reason: 'customer-left',
        conversation: { status: 'ended', endedBy: 'customer' },
      });

      const transcript = await sim.app.request(
        `/__admin/providers/airkit/conversations/${conv.id}/transcript`,
      );
      expect(await transcript.json()).toEqual({
        conversationId: conv.id,
        endUser: { type: 'Text', value: 'session-1' },
        status: 'ended',
        received: ['Hi, how can I help?'],
        sent: ['My order'],
      });
      const messages = await call(sim, 'GET', `${BASE}/${conv.id}/messages`);
      expect(messages.json.messages.map((m: { sender: string }) => m.sender)).toEqual([
        'third-party',
        'customer',
      ]);
    } finally {
      await receiver.close();
    }
  });

  test('the end user cannot write before the third party sends the first message', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/airkit` });
      const conv = await start(sim);
      await expect(
        sim.control.act({
          provider: 'airkit',
          conversationId: conv.id,
          action: 'customer.say',
          args: { text: 'hi' },
        }),
      ).rejects.toThrow(/first message/);
    } finally {
      await receiver.close();
    }
  });

  test('allowCustomerFirst lets the end user write first', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({
        webhookUrl: `${receiver.url}/airkit`,
        providerOptions: { airkit: { allowCustomerFirst: true } },
      });
      const conv = await start(sim);
      await sim.control.act({
        provider: 'airkit',
        conversationId: conv.id,
        action: 'customer.say',
        args: { text: 'hi' },
      });
      expect((await call(sim, 'GET', `${BASE}/${conv.id}/messages`)).json.messages).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  test('messages to an ended conversation answer 409 CONVERSATION_ENDED', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/airkit` });
      const conv = await start(sim);
      expect((await call(sim, 'POST', `${BASE}/${conv.id}/end`)).json.status).toBe('ended');
      const res = await call(sim, 'POST', `${BASE}/${conv.id}/messages`, { text: 'late' });
      expect(res).toMatchObject({ status: 409, json: { error: { code: 'CONVERSATION_ENDED' } } });
    } finally {
      await receiver.close();
    }
  });

  test('a message without text answers 400 and writes nothing', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/airkit` });
      const conv = await start(sim);
      expect((await call(sim, 'POST', `${BASE}/${conv.id}/messages`, { text: 4 })).status).toBe(400);
      expect((await call(sim, 'GET', `${BASE}/${conv.id}/messages`)).json.messages).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  test('a message to an unknown conversation answers 404 CONVERSATION_NOT_FOUND', async () => {
    const sim = await createAirkitSim();
    const res = await call(sim, 'POST', `${BASE}/conv_x/messages`, { text: 'x' });
    expect(res).toMatchObject({ status: 404, json: { error: { code: 'CONVERSATION_NOT_FOUND' } } });
  });

  test('agent actions stand in for the third-party system', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/airkit` });
      const conv = await start(sim);
      await sim.control.act({
        provider: 'airkit',
        conversationId: conv.id,
        action: 'agent.say',
        args: { text: 'Hello' },
      });
      await sim.control.act({
        provider: 'airkit',
        conversationId: conv.id,
        action: 'agent.complete',
        args: {},
      });
      const state = await call(sim, 'GET', `${BASE}/${conv.id}`);
      expect(state.json).toMatchObject({ status: 'ended', endedBy: 'third-party' });
    } finally {
      await receiver.close();
    }
  });
});

describe('airkit Conversation Hub channel resources (admin API)', () => {
  test('resources can be listed, created and associated with a hub', async () => {
    const sim = await createAirkitSim();
    const list = (await (await sim.app.request('/__admin/providers/airkit/resources')).json()) as Json;
    expect(list.resources.map((r: { id: string }) => r.id)).toEqual(['hub-default']);
    const created = await sim.app.request('/__admin/providers/airkit/resources', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'new-res', hubId: null }),
    });
    expect(created.status).toBe(201);
    const denied = await call(sim, 'POST', BASE, {
      conversationHubChannelResource: 'new-res',
      customerDestination: 's',
      managedByThirdPartySystem: false,
    });
    expect(denied.json.error.code).toBe('RESOURCE_NOT_ASSOCIATED');
    const patched = await sim.app.request('/__admin/providers/airkit/resources/new-res', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hubId: 'hub-main' }),
    });
    expect(((await patched.json()) as Json).hubId).toBe('hub-main');
    const ok = await call(sim, 'POST', BASE, {
      conversationHubChannelResource: 'new-res',
      customerDestination: 's',
      managedByThirdPartySystem: false,
    });
    expect(ok.status).toBe(201);
  });

  test('associating a resource with an unknown hub answers 404 and changes nothing', async () => {
    const sim = await createAirkitSim();
    const res = await sim.app.request('/__admin/providers/airkit/resources/hub-default', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hubId: 'ghost' }),
    });
    expect(res.status).toBe(404);
    const list = (await (await sim.app.request('/__admin/providers/airkit/resources')).json()) as Json;
    expect(list.resources[0].hubId).toBe('hub-main');
  });
});
