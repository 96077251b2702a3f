import { describe, expect, test } from 'vitest';
import type { SimulatorOptions } from '../../../src/simulator.ts';
import { createEightByEightSim, getToken, setUpV2Channel, v2Client } from './helpers.ts';

const T0 = Date.parse('2025-01-01T00:00:00Z');

async function setUp(options: SimulatorOptions = {}, queueId = '100') {
  const env = await createEightByEightSim(options);
  const api = v2Client(env.sim, await getToken(env.sim));
  const channelId = await setUpV2Channel(api, queueId);
  const start = async (body: Record<string, unknown> = {}) => {
    const answer = await api('POST', '/conversations', {
      channelId,
      customer: { name: 'John Doe', email: 'john@example.com', language: 'en' },
      ...body,
    });
    expect(answer.status).toBe(202);
    await env.sim.control.idle();
    return answer.json.conversationId as string;
  };
  const act = async (conversationId: string, action: string, args?: unknown) => {
    const result = await env.sim.control.act({ provider: '8x8', conversationId, action, args });
    await env.sim.control.idle();
    return result;
  };
  const types = () => env.events().map((e) => e.eventType);
  return { ...env, api, channelId, start, act, types };
}

describe('8x8 Chat API v2 conversation lifecycle', () => {
  test('create conversation answers 202 {conversationId, timestamp} and queues an interaction (QUEUED)', async () => {
    const { api, channelId, sim, sent } = await setUp();
    const answer = await api('POST', '/conversations', { channelId, customer: { name: 'John Doe' } });
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({
      conversationId: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
      timestamp: T0,
    });
    await sim.control.idle();
    expect(sent.map((s) => s.body)).toEqual([
      `{"eventType":"QUEUED","messageType":"SYSTEM","conversationId":"${answer.json.conversationId}","queueId":"100","queueName":"Support","timestamp":${T0}}`,
    ]);
  });

  test('an available agent accepts after the auto-accept delay and 8x8 sends AGENT_JOINED', async () => {
    const { sim, start, sent, types } = await setUp();
    const id = await start();
    await sim.control.advance(1999);
    expect(types()).toEqual(['QUEUED']);
    await sim.control.advance(1);
    await sim.control.idle();
    expect(sent.at(-1)!.body).toBe(
      `{"eventType":"AGENT_JOINED","messageType":"SYSTEM","conversationId":"${id}","agentId":"agent-ana","agentName":"Lopez,Ana","timestamp":${T0 + 2000}}`,
    );
  });

  test('queued chats are accepted each after its own delay, in the order queued, under one timer (simulator choice)', async () => {
    const { sim, start, sent } = await setUp();
    const first = [await start(), await start()];
    await sim.control.advance(700);
    const later = await start();
    expect(sim.control.health().pending.timers).toBe(1);
    const joined = () =>
      sent
        .map((s) => JSON.parse(s.body) as { eventType: string; conversationId: string; timestamp: number })
        .filter((e) => e.eventType === 'AGENT_JOINED')
        .map((e) => [e.conversationId, e.timestamp - T0]);
    await sim.control.advance(1300);
    await sim.control.idle();
    expect(joined()).toEqual([
      [first[0], 2000],
      [first[1], 2000],
    ]);
    await sim.control.advance(700);
    await sim.control.idle();
    expect(joined().at(-1)).toEqual([later, 2700]);
    expect(sim.control.health().pending.timers).toBe(0);
  });

  test('the auto-accept delay is the provider option autoAcceptDelayMs', async () => {
    const { sim, start, types } = await setUp({ providerOptions: { '8x8': { autoAcceptDelayMs: 500 } } });
    await start();
    await sim.control.advance(500);
    await sim.control.idle();
    expect(types()).toEqual(['QUEUED', 'AGENT_JOINED']);
  });

  test('with autoAccept off the interaction stays queued until agent.join', async () => {
    const { sim, start, act, types } = await setUp({ providerOptions: { '8x8': { autoAccept: false } } });
    const id = await start();
    await sim.control.advance('1h');
    expect(types()).toEqual(['QUEUED']);
    await act(id, 'agent.join', { agentId: 'agent-ben' });
    expect(types()).toEqual(['QUEUED', 'AGENT_JOINED']);
  });

  test('a queue without available agents keeps the interaction queued', async () => {
    const { sim, start, types } = await setUp({
      fixtures: {
        '8x8': {
          agents: [
            { id: 'agent-ana', name: 'Lopez,Ana', queues: ['100'], available: false },
            { id: 'agent-ben', name: 'Okafor,Ben', queues: ['100', '200'], available: false },
          ],
        },
      },
    });
    await start();
    await sim.control.advance('10m');
    expect(types()).toEqual(['QUEUED']);
  });

  test('an agent message sends TEXT with messageType AGENT, agentId, agentName and message', async () => {
    const { sim, start, act, sent } = await setUp();
    const id = await start();
    await sim.control.advance('2s');
    await act(id, 'agent.say', { text: 'Hello, how can I help?' });
    expect(sent.at(-1)!.body).toBe(
      `{"eventType":"TEXT","messageType":"AGENT","conversationId":"${id}","agentId":"agent-ana","agentName":"Lopez,Ana","message":"Hello, how can I help?","timestamp":${T0 + 2000}}`,
    );
  });

  test('send a message answers 202 with an empty body and the message is listed with its interaction', async () => {
    const { api, start } = await setUp();
    const id = await start({ history: { messages: [{ text: 'from the bot', type: 'bot' }] } });
    const answer = await api('POST', `/conversations/${id}/messages`, { text: 'Hi there' });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('');
    const conversation = await api('GET', `/conversations/${id}`);
    const interactionId = conversation.json.interactions[0].id;
    expect(interactionId).toMatch(/^int-[0-9a-f]+-[A-Za-z0-9]{25}-chat-00-acme$/);
    const messages = await api('GET', `/conversations/${id}/messages`);
    expect(messages.json.messages).toEqual([
      {
        interactionId,
        originalText: 'from the bot',
        translatedText: 'from the bot',
        authorType: 'bot',
        participantId: 'bot',
      },
      {
        interactionId,
        originalText: 'Hi there',
        translatedText: 'Hi there',
        authorType: 'user',
        participantId: expect.any(String),
      },
    ]);
  });

  test('send a message without text answers 400 and stores nothing', async () => {
    const { api, start } = await setUp();
    const id = await start();
    const answer = await api('POST', `/conversations/${id}/messages`, { authorType: 'user' });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual(['text: May not be empty.']);
    expect((await api('GET', `/conversations/${id}/messages`)).json.messages).toEqual([]);
  });

  test('send a message with authorType agent answers 400 (only user and bot)', async () => {
    const { api, start } = await setUp();
    const id = await start();
    const answer = await api('POST', `/conversations/${id}/messages`, { text: 'x', authorType: 'agent' });
    expect(answer.json.errors).toEqual(['authorType: Must be one of user, bot.']);
  });

  test('the agent ending the interaction sends AGENT_LEFT', async () => {
    const { sim, start, act, types, events } = await setUp();
    const id = await start();
    await sim.control.advance('2s');
    await act(id, 'agent.leave');
    expect(types()).toEqual(['QUEUED', 'AGENT_JOINED', 'AGENT_LEFT']);
    expect(events('AGENT_LEFT')[0]).toMatchObject({
      agentId: 'agent-ana',
      agentName: 'Lopez,Ana',
      messageType: 'SYSTEM',
    });
  });

  test('DELETE participants/customer answers 204 and frees the agent with AGENT_LEFT', async () => {
    const { api, sim, start, types } = await setUp();
    const id = await start();
    await sim.control.advance('2s');
    const answer = await api('DELETE', `/conversations/${id}/participants/customer`);
    expect(answer.status).toBe(204);
    await sim.control.idle();
    expect(types()).toEqual(['QUEUED', 'AGENT_JOINED', 'AGENT_LEFT']);
    const conversation = await api('GET', `/conversations/${id}`);
    expect(conversation.json.interactions[0].endTime).toBe(new Date(T0 + 2000).toISOString());
  });

  test('after AGENT_LEFT a new message queues a new interaction in the last queue and the next agent sees the history', async () => {
    const { api, sim, start, act, events } = await setUp();
    const id = await start({ history: { messages: [{ text: 'old question' }] } });
    await sim.control.advance('2s');
    await act(id, 'agent.say', { text: 'first answer' });
    await act(id, 'agent.transfer', { queueId: '200' });
    await act(id, 'agent.leave');
    await api('POST', `/conversations/${id}/messages`, { text: 'one more thing' });
    await sim.control.idle();
    expect(events('QUEUED').at(-1)).toMatchObject({ queueId: '200', queueName: 'Billing' });
    await sim.control.advance('2s');
    await sim.control.idle();
    expect(events('AGENT_JOINED').at(-1)).toMatchObject({ agentId: 'agent-ben' });
    const conversation = await api('GET', `/conversations/${id}`);
    expect(conversation.json.interactions).toHaveLength(2);
    const messages = await api('GET', `/conversations/${id}/messages`);
    expect(messages.json.messages.map((m: { originalText: string }) => m.originalText)).toEqual([
      'old question',
      'first answer',
      'one more thing',
    ]);
    const second = conversation.json.interactions[1].id;
    const filtered = await api('GET', `/conversations/${id}/messages?interaction-id=${second}`);
    expect(filtered.json.messages.map((m: { originalText: string }) => m.originalText)).toEqual([
      'one more thing',
    ]);
  });

  test('a new message after the customer left also re-queues the conversation', async () => {
    const { api, sim, start, types } = await setUp();
    const id = await start();
    await sim.control.advance('2s');
    await api('DELETE', `/conversations/${id}/participants/customer`);
    await api('POST', `/conversations/${id}/messages`, { text: 'back again' });
    await sim.control.idle();
    expect(types()).toEqual(['QUEUED', 'AGENT_JOINED', 'AGENT_LEFT', 'QUEUED']);
  });

  test('transfer sends TRANSFER, then the old agent leaves and a new one joins', async () => {
    const { sim, start, act, sent, types } = await setUp();
    const id = await start();
    await sim.control.advance('2s');
    await act(id, 'agent.transfer', { queueId: '200' });
    expect(types()).toEqual(['QUEUED', 'AGENT_JOINED', 'TRANSFER', 'AGENT_LEFT', 'AGENT_JOINED']);
    expect(sent[2]!.body).toBe(
      `{"eventType":"TRANSFER","messageType":"SYSTEM","conversationId":"${id}","timestamp":${T0 + 2000}}`,
    );
    expect(JSON.parse(sent[3]!.body).agentId).toBe('agent-ana');
    expect(JSON.parse(sent[4]!.body).agentId).toBe('agent-ben');
  });

  test('agent.say without an agent in the conversation is refused and sends nothing', async () => {
    const { start, act, types } = await setUp();
    const id = await start();
    await expect(act(id, 'agent.say', { text: 'too early' })).rejects.toThrow(/No agent/);
    expect(types()).toEqual(['QUEUED']);
  });

  test('GET participants lists the customer and the current agent', async () => {
    const { api, sim, start } = await setUp();
    const id = await start({ customer: { name: 'J', customerId: 'cust-7' } });
    await sim.control.advance('2s');
    const answer = await api('GET', `/conversations/${id}/participants`);
    expect(answer.json).toEqual({
      participants: [
        { id: 'cust-7', type: 'user', language: 'en' },
        { id: 'agent-ana', type: 'agent', language: 'en' },
      ],
    });
  });
});

describe('8x8 Chat API v2 conversation errors and lists', () => {
  test('an unknown conversation answers 404 on get, messages, participants and customer leave', async () => {
    const { api } = await setUp();
    for (const [method, path] of [
      ['GET', '/conversations/nope'],
      ['GET', '/conversations/nope/messages'],
      ['POST', '/conversations/nope/messages'],
      ['GET', '/conversations/nope/participants'],
      ['DELETE', '/conversations/nope/participants/customer'],
    ] as const) {
      const answer = await api(method, path, method === 'POST' ? { text: 'x' } : undefined);
      expect(answer.status).toBe(404);
      expect(answer.json.message).toBe('Resource of type Conversation with id nope was not found.');
    }
  });

  test('create conversation on an unknown or deleted channel answers 400 and creates nothing', async () => {
    const { api, channelId } = await setUp();
    await api('DELETE', `/channels/${channelId}`);
    const answer = await api('POST', '/conversations', { channelId, customer: { name: 'x' } });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual([`channelId: Channel ID ${channelId} is invalid.`]);
    expect((await api('GET', '/conversations')).json.data).toEqual([]);
  });

  test('sending a message in a conversation whose channel was deleted answers 404 Channel', async () => {
    const { api, start, channelId } = await setUp();
    const id = await start();
    await api('DELETE', `/channels/${channelId}`);
    const answer = await api('POST', `/conversations/${id}/messages`, { text: 'x' });
    expect(answer.status).toBe(404);
    expect(answer.json.message).toBe(`Resource of type Channel with id ${channelId} was not found.`);
  });

  test('create conversation with an unlisted customer language answers 400', async () => {
    const { api, channelId } = await setUp();
    const answer = await api('POST', '/conversations', { channelId, customer: { language: 'xx' } });
    expect(answer.status).toBe(400);
    expect(answer.json.errors[0]).toMatch(/^customer.language: Must be one of en, ru/);
  });

  test('create conversation with more than 30 customer properties answers 400', async () => {
    const { api, channelId } = await setUp();
    const customer = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, 'v']));
    const answer = await api('POST', '/conversations', { channelId, customer });
    expect(answer.json.errors).toEqual(['customer: Must have at most 30 properties.']);
  });

  test('GET conversation returns id, channelId, startTime, customer (custom keys kept) and interactions', async () => {
    const { api, start, channelId } = await setUp();
    const id = await start({ customer: { name: 'J', cognigyUserId: 'u-1' } });
    const answer = await api('GET', `/conversations/${id}`);
    expect(answer.json).toEqual({
      id,
      channelId,
      startTime: new Date(T0).toISOString(),
      customer: { name: 'J', cognigyUserId: 'u-1' },
      interactions: [{ id: expect.stringMatching(/^int-/), startTime: new Date(T0).toISOString() }],
    });
  });

  test('GET conversations filters by status, channel-id and customer.<key>, orders and pages', async () => {
    const { api, sim, start, act, channelId } = await setUp({
      providerOptions: { '8x8': { autoAccept: false } },
    });
    const a = await start({ customer: { email: 'a@x.test', tier: 'gold' } });
    await sim.control.advance('1s');
    const b = await start({ customer: { email: 'b@x.test', tier: 'gold' } });
    await act(b, 'agent.join');
    const ids = async (query: string) =>
      (await api('GET', `/conversations${query}`)).json.data.map((c: { id: string }) => c.id);
    expect(await ids('')).toEqual([a, b]);
    expect(await ids('?order=desc')).toEqual([b, a]);
    expect(await ids('?status=pending')).toEqual([a]);
    expect(await ids('?status=handling')).toEqual([b]);
    expect(await ids('?customer.email=b@x.test')).toEqual([b]);
    expect(await ids('?customer.tier=gold&size=1&page=1&order=asc')).toEqual([b]);
    expect(await ids(`?channel-id=${channelId}`)).toEqual([a, b]);
  });

  test('GET conversations with an unknown status answers 400', async () => {
    const { api } = await setUp();
    const answer = await api('GET', '/conversations?status=open');
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual(['status: Must be one of all, created, pending, handling, deleted.']);
  });

  test('GET messages with an interaction-id of another conversation answers 404', async () => {
    const { api, start } = await setUp();
    const id = await start();
    const answer = await api('GET', `/conversations/${id}/messages?interaction-id=int-x`);
    expect(answer.status).toBe(404);
  });
});
