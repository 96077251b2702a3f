import { describe, expect, test } from 'vitest';
import type { SimulatorOptions } from '../../../src/simulator.ts';
import { call, createEightByEightSim, GW, gatewayClient, setUpGatewayChannel } from './helpers.ts';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const USER = { name: 'James Jones', userId: 'u-42', email: 'user@example.com', language: 'en' };

async function setUp(options: SimulatorOptions = {}, queueId = '100') {
  const env = await createEightByEightSim(options);
  const api = gatewayClient(env.sim);
  const channelId = await setUpGatewayChannel(api, queueId);
  const start = async (body: Record<string, unknown> = {}) => {
    const answer = await api('POST', '/conversations', { channelId, user: USER, ...body });
    expect(answer.status).toBe(202);
    await env.sim.control.idle();
    return answer.json.conversationId as string;
  };
  const act = async (conversationId: string, action: string, args?: unknown) => {
    await env.sim.control.act({ provider: '8x8', conversationId, action, args });
    await env.sim.control.idle();
  };
  const accept = async () => {
    await env.sim.control.advance('2s');
    await env.sim.control.idle();
  };
  const types = () =>
    env.events().map((e) => {
      const data = e.data as Record<string, unknown> | undefined;
      if (e.eventType === 'CONVERSATION_UPDATE') return `CONVERSATION_UPDATE ${data?.state}`;
      if (e.eventType === 'MEMBERS_CHANGED') return `MEMBERS_CHANGED ${data?.memberType} ${data?.change}`;
      return String(e.eventType);
    });
  return { ...env, api, channelId, start, act, accept, types };
}

describe('8x8 Chat Gateway conversation lifecycle', () => {
  test('create conversation answers 202 {conversationId, createdAt} in hal+json', async () => {
    const { api, channelId } = await setUp();
    const answer = await api('POST', '/conversations', { channelId, user: USER });
    expect(answer.status).toBe(202);
    expect(answer.headers.get('content-type')).toBe('application/hal+json');
    expect(answer.json).toEqual({
      conversationId: expect.any(String),
      createdAt: '2025-01-01T00:00:00.000Z',
    });
  });

  test('create sends CONVERSATION_UPDATE created, CONVERSATION_UPDATE active and QUEUED with the exact payloads', async () => {
    const { start, sent } = await setUp();
    const id = await start();
    const user = JSON.stringify(USER);
    expect(sent.map((s) => s.body)).toEqual([
      `{"eventType":"CONVERSATION_UPDATE","conversationId":"${id}","timestamp":${T0},"data":{"state":"created","assignment":{"type":"queue","id":"100"},"user":${user},"channel":"ChatAPI"}}`,
      `{"eventType":"CONVERSATION_UPDATE","conversationId":"${id}","timestamp":${T0},"data":{"state":"active","assignment":{"type":"queue","id":"100"},"user":${user},"channel":"ChatAPI"}}`,
      `{"eventType":"QUEUED","conversationId":"${id}","timestamp":${T0},"data":{"queueId":"100","queueName":"Support"}}`,
    ]);
  });

  test('an agent accepting sends MEMBERS_CHANGED joined and CONVERSATION_UPDATE active with an agent assignment', async () => {
    const { start, accept, sent, api } = await setUp();
    const id = await start();
    await accept();
    expect(sent.slice(3).map((s) => s.body)).toEqual([
      `{"eventType":"MEMBERS_CHANGED","conversationId":"${id}","timestamp":${T0 + 2000},"data":{"memberType":"agent","change":"joined","id":"agent-ana"}}`,
      `{"eventType":"CONVERSATION_UPDATE","conversationId":"${id}","timestamp":${T0 + 2000},"data":{"state":"active","assignment":{"type":"agent","id":"agent-ana"},"user":${JSON.stringify(USER)},"channel":"ChatAPI"}}`,
    ]);
    const conversation = await api('GET', `/conversations/${id}`);
    expect(conversation.json).toMatchObject({
      state: 'active',
      assignment: { type: 'agent', id: 'agent-ana' },
    });
  });

  test('an agent message sends MESSAGE with isEcho false, sender and text', async () => {
    const { start, accept, act, sent } = await setUp();
    const id = await start();
    await accept();
    await act(id, 'agent.say', { text: 'Hello James' });
    expect(sent.at(-1)!.body).toBe(
      `{"eventType":"MESSAGE","conversationId":"${id}","timestamp":${T0 + 2000},"data":{"isEcho":false,"sender":{"id":"agent-ana","type":"agent"},"text":"Hello James"}}`,
    );
  });

  test('agent.typing sends ACTIVITY typing with the agent, and an empty list when typing stops', async () => {
    const { start, accept, act, events } = await setUp();
    const id = await start();
    await accept();
    await act(id, 'agent.typing', { typing: true });
    await act(id, 'agent.typing', { typing: false });
    expect(events('ACTIVITY').map((e) => e.data)).toEqual([
      { name: 'typing', value: { users: [{ type: 'agent', id: 'agent-ana' }] } },
      { name: 'typing', value: { users: [] } },
    ]);
  });

  test('transfer sends TRANSFER (no data), then MEMBERS_CHANGED left and joined', async () => {
    const { start, accept, act, types, events } = await setUp();
    const id = await start();
    await accept();
    await act(id, 'agent.transfer', { agentId: 'agent-cleo' });
    expect(types().slice(5)).toEqual([
      'TRANSFER',
      'MEMBERS_CHANGED agent left',
      'MEMBERS_CHANGED agent joined',
      'CONVERSATION_UPDATE active',
    ]);
    expect(events('TRANSFER')[0]).toEqual({
      eventType: 'TRANSFER',
      conversationId: id,
      timestamp: T0 + 2000,
    });
  });

  test('the agent leaving sends MEMBERS_CHANGED agent left and CONVERSATION_UPDATE idle', async () => {
    const { start, accept, act, types, api } = await setUp();
    const id = await start();
    await accept();
    await act(id, 'agent.leave');
    expect(types().slice(5)).toEqual(['MEMBERS_CHANGED agent left', 'CONVERSATION_UPDATE idle']);
    expect((await api('GET', `/conversations/${id}`)).json.state).toBe('idle');
  });

  test('PATCH participants/user {removed: true} answers 204: user left, agent left, idle', async () => {
    const { start, accept, types, api, sim } = await setUp();
    const id = await start();
    await accept();
    const answer = await api('PATCH', `/conversations/${id}/participants/user`, { removed: true });
    expect(answer.status).toBe(204);
    await sim.control.idle();
    expect(types().slice(5)).toEqual([
      'MEMBERS_CHANGED user left',
      'MEMBERS_CHANGED agent left',
      'CONVERSATION_UPDATE idle',
    ]);
    const participants = await api('GET', `/conversations/${id}/participants`);
    expect(participants.json._embedded.participants).toEqual([
      { id: 'u-42', removed: true, type: 'user', language: 'en' },
      { id: 'agent-ana', removed: true, type: 'agent', language: 'en' },
    ]);
  });

  test('PATCH participants/user with removed false answers 400 and changes nothing', async () => {
    const { start, api, types } = await setUp();
    const id = await start();
    const answer = await api('PATCH', `/conversations/${id}/participants/user`, { removed: false });
    expect(answer.status).toBe(400);
    expect(types()).toHaveLength(3);
    expect((await api('GET', `/conversations/${id}`)).json.state).toBe('active');
  });

  test('after the agent left a user message re-queues a new interaction and the next agent sees all messages', async () => {
    const { start, accept, act, api, types, sim } = await setUp();
    const id = await start({ history: { messages: [{ authorType: 'bot', text: 'Hi, I am the bot' }] } });
    await accept();
    await act(id, 'agent.say', { text: 'agent answer' });
    await act(id, 'agent.leave');
    await api('POST', `/conversations/${id}/messages`, { authorType: 'user', text: 'still there?' });
    await sim.control.idle();
    expect(types().slice(-2)).toEqual(['CONVERSATION_UPDATE active', 'QUEUED']);
    await accept();
    const interactions = await api('GET', `/conversations/${id}/interactions`);
    expect(interactions.json._embedded.interactions).toHaveLength(2);
    expect(interactions.json._embedded.interactions[0].endTime).toBeDefined();
    const messages = await api('GET', `/conversations/${id}/messages?sort=createdAt:asc`);
    expect(messages.json._embedded.messages.map((m: { text: string }) => m.text)).toEqual([
      'Hi, I am the bot',
      'agent answer',
      'still there?',
    ]);
  });

  test('PATCH conversation with a new queue assignment re-queues the interaction in that queue', async () => {
    const { start, api, types, events, sim } = await setUp();
    const id = await start();
    const answer = await api('PATCH', `/conversations/${id}`, { assignment: { type: 'queue', id: '200' } });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ id, assignment: { type: 'queue', id: '200' }, state: 'active' });
    await sim.control.idle();
    expect(types().slice(3)).toEqual(['CONVERSATION_UPDATE active', 'QUEUED']);
    expect(events('QUEUED').at(-1)!.data).toEqual({ queueId: '200', queueName: 'Billing' });
    await sim.control.advance('2s');
    await sim.control.idle();
    expect(events('MEMBERS_CHANGED').at(-1)!.data).toMatchObject({ id: 'agent-ben', change: 'joined' });
  });

  test('PUT conversation replaces the user and sends CONVERSATION_UPDATE with the new user', async () => {
    const { start, api, events, sim, channelId } = await setUp();
    const id = await start();
    const answer = await api('PUT', `/conversations/${id}`, { channelId, user: { name: 'New Name' } });
    expect(answer.status).toBe(202);
    await sim.control.idle();
    expect((events('CONVERSATION_UPDATE').at(-1)!.data as { user: unknown }).user).toEqual({
      name: 'New Name',
    });
  });

  test('PATCH conversation with neither assignment nor user answers 400', async () => {
    const { start, api } = await setUp();
    const id = await start();
    const answer = await api('PATCH', `/conversations/${id}`, { foo: 1 });
    expect(answer.status).toBe(400);
    expect(answer.json.errors[0].message).toBe('body: Must contain assignment or user.');
  });

  test('create conversation with an assignment to queue 200 queues there instead of the channel queue', async () => {
    const { start, events } = await setUp();
    await start({ assignment: { type: 'queue', id: '200' } });
    expect(events('QUEUED')[0]!.data).toEqual({ queueId: '200', queueName: 'Billing' });
  });
});

describe('8x8 Chat Gateway messages, indicators and attachments', () => {
  test('send message answers 202 and GET messages lists it newest first with author', async () => {
    const { start, api } = await setUp();
    const id = await start();
    await api('POST', `/conversations/${id}/messages`, { authorType: 'user', text: 'one' });
    const answer = await api('POST', `/conversations/${id}/messages`, { authorType: 'bot', text: 'two' });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('');
    const list = await api('GET', `/conversations/${id}/messages`);
    expect(list.json._embedded.messages.map((m: { text: string }) => m.text)).toEqual(['two', 'one']);
    expect(list.json._embedded.messages[1]).toEqual({
      id: expect.any(String),
      text: 'one',
      createdAt: '2025-01-01T00:00:00.000Z',
      author: { id: 'u-42', removed: false, type: 'user', language: 'en' },
      attachments: [],
      cards: [],
    });
  });

  test('send message with an invalid authorType answers 400 BadRequestProblem with errors as an object', async () => {
    const { start, api } = await setUp();
    const id = await start();
    const answer = await api('POST', `/conversations/${id}/messages`, { authorType: 'ghfgh', text: 'x' });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      message: 'Invalid authorType=ghfgh, has to be one of user, bot',
      errors: {
        code: 'invalid_json_object',
        message: 'Invalid authorType=ghfgh, has to be one of user, bot',
      },
      referenceId: expect.stringMatching(/^[0-9a-f]{15}$/),
    });
  });

  test('send message with both text and externalProvider answers 400', async () => {
    const { start, api } = await setUp();
    const id = await start();
    const answer = await api('POST', `/conversations/${id}/messages`, {
      authorType: 'user',
      text: 'x',
      externalProvider: { name: 'X', externalMessageId: '1' },
    });
    expect(answer.status).toBe(400);
  });

  test('send message with an unknown card contentType answers 400 and stores nothing', async () => {
    const { start, api } = await setUp();
    const id = await start();
    const answer = await api('POST', `/conversations/${id}/messages`, {
      authorType: 'bot',
      cards: [{ contentType: 'text/plain', content: {} }],
    });
    expect(answer.status).toBe(400);
    expect((await api('GET', `/conversations/${id}/messages`)).json._embedded.messages).toEqual([]);
  });

  test('cards get ids and are listed under messages/{id}/cards', async () => {
    const { start, api } = await setUp();
    const id = await start();
    const card = {
      contentType: 'application/8x8.quick.replies',
      content: { options: [{ title: 'option one', data: { postback: '1' } }] },
    };
    await api('POST', `/conversations/${id}/messages`, { authorType: 'bot', text: 'pick', cards: [card] });
    const messages = await api('GET', `/conversations/${id}/messages`);
    const message = messages.json._embedded.messages[0];
    expect(message.cards[0]).toMatchObject({ ...card, actionSubmitted: false, actionExecuted: false });
    const cards = await api('GET', `/conversations/${id}/messages/${message.id}/cards`);
    expect(cards.json._embedded.cards).toEqual([message.cards[0]]);
    expect((await api('GET', `/conversations/${id}/messages/${message.id}`)).json).toEqual(message);
  });

  test('typing, thinking and read-receipt answer 204 for valid bodies', async () => {
    const { start, api } = await setUp();
    const id = await start();
    expect((await api('POST', `/conversations/${id}/typing`, { authorType: 'bot' })).status).toBe(204);
    expect((await api('POST', `/conversations/${id}/thinking`)).status).toBe(204);
    expect((await api('POST', `/conversations/${id}/thinking`, { maxThinkingTimeSeconds: 30 })).status).toBe(
      204,
    );
    expect(
      (await api('POST', `/conversations/${id}/read-receipt`, { authorType: 'user', readAt: T0 })).status,
    ).toBe(204);
  });

  test('typing with an invalid authorType answers 400 InvalidParameterExceptionPayload', async () => {
    const { start, api } = await setUp();
    const id = await start();
    const answer = await api('POST', `/conversations/${id}/typing`, { authorType: 'agent' });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      message: 'authorType: Must be one of bot, user.',
      errors: [{ code: 'invalid_parameter', message: 'authorType: Must be one of bot, user.' }],
      referenceId: expect.any(String),
    });
  });

  test('thinking longer than 600 seconds answers 400', async () => {
    const { start, api } = await setUp();
    const id = await start();
    expect((await api('POST', `/conversations/${id}/thinking`, { maxThinkingTimeSeconds: 601 })).status).toBe(
      400,
    );
  });

  test('typing in an unknown conversation answers 404 ResourceNotFoundExceptionPayload', async () => {
    const { api } = await setUp();
    const answer = await api('POST', '/conversations/aaa/typing', { authorType: 'bot' });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({
      message: 'Resource not found',
      errors: [
        { code: 'resource_not_found', message: 'Entity of type Conversation with id aaa was not found.' },
      ],
    });
  });

  test('an unknown conversation answers 404 on get, put, patch, interactions and messages', async () => {
    const { api } = await setUp();
    expect((await api('GET', '/conversations/zzz')).status).toBe(404);
    expect((await api('PATCH', '/conversations/zzz', { user: { name: 'x' } })).status).toBe(404);
    expect((await api('GET', '/conversations/zzz/interactions')).status).toBe(404);
    expect((await api('POST', '/conversations/zzz/messages', { authorType: 'user', text: 'x' })).status).toBe(
      404,
    );
    expect((await api('PATCH', '/conversations/zzz/participants/user', { removed: true })).status).toBe(404);
  });

  test('where the spec documents no 404 (participants, message lists, cards) it answers 404 in the default GenericExceptionPayload', async () => {
    const { api, start } = await setUp();
    for (const path of ['/conversations/zzz/participants', '/conversations/zzz/messages']) {
      const answer = await api('GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.json, path).toEqual({
        message: 'Resource of type Conversation with id zzz was not found.',
        errors: [
          { code: 'resource_not_found', message: 'Resource of type Conversation with id zzz was not found.' },
        ],
      });
    }
    const id = await start();
    expect((await api('GET', `/conversations/${id}/messages/nope/cards`)).json.errors[0].code).toBe(
      'resource_not_found',
    );
  });

  test('create conversation without user answers 400 and creates nothing', async () => {
    const { api, channelId } = await setUp();
    const answer = await api('POST', '/conversations', { channelId });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual([{ code: 'invalid_parameter', message: 'user: May not be empty.' }]);
    expect((await api('GET', '/conversations')).json._embedded.conversations).toEqual([]);
  });

  test('create conversation with an assignment type other than queue or script answers 400', async () => {
    const { api, channelId } = await setUp();
    const answer = await api('POST', '/conversations', {
      channelId,
      user: USER,
      assignment: { type: 'agent', id: '1' },
    });
    expect(answer.json.errors[0].message).toBe('assignment.type: Must be one of queue, script.');
  });

  test('create conversation with more than 30 additionalProperties answers 400', async () => {
    const { api, channelId } = await setUp();
    const additionalProperties = Array.from({ length: 31 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const answer = await api('POST', '/conversations', {
      channelId,
      user: { name: 'x', additionalProperties },
    });
    expect(answer.json.errors[0].message).toBe('user.additionalProperties: Must have at most 30 items.');
  });

  test('GET conversations filters with FIQL on state and pages', async () => {
    const { start, act, api } = await setUp();
    const a = await start();
    const b = await start();
    await act(a, 'customer.leave');
    const idle = await api('GET', '/conversations?filter=state==idle');
    expect(idle.json._embedded.conversations.map((c: { id: string }) => c.id)).toEqual([a]);
    const all = await api('GET', '/conversations?sort=createdAt:desc&size=1');
    expect(all.json.page).toEqual({ size: 1, number: 0, totalElements: 2, totalPages: 2 });
    expect(all.json._embedded.conversations[0].id).toBe(b);
  });

  test('an uploaded attachment is listed, served, and sent in a message', async () => {
    const { start, accept, api, sim } = await setUp();
    const id = await start();
    await accept();
    const form = new FormData();
    form.append('attachment', new File([Buffer.from('hello file')], 'note.txt', { type: 'text/plain' }));
    form.append('authorType', 'user');
    const upload = await call(sim, 'POST', `${GW}/conversations/${id}/attachments`, {
      headers: { 'x-api-key': '8x8-gateway-key' },
      body: form,
    });
    expect(upload.status).toBe(200);
    expect(upload.json).toEqual({
      id: expect.any(String),
      filename: 'note.txt',
      sizeInBytes: 10,
      createdAt: new Date(T0 + 2000).toISOString(),
    });
    const listed = await api('GET', `/conversations/${id}/attachments`);
    expect(listed.json._embedded.attachments).toEqual([upload.json]);
    const content = await call(
      sim,
      'GET',
      `${GW}/conversations/${id}/attachments/${upload.json.id}/content`,
      {
        headers: { 'x-api-key': '8x8-gateway-key' },
      },
    );
    expect(content.text).toBe('hello file');
    expect(content.headers.get('content-disposition')).toBe('attachment; filename="note.txt"');
    const sent = await api('POST', `/conversations/${id}/messages`, {
      authorType: 'user',
      attachments: [{ id: upload.json.id }],
    });
    expect(sent.status).toBe(202);
  });

  test('a message naming an attachment of no upload answers 400 invalid_attachment', async () => {
    const { start, api } = await setUp();
    const id = await start();
    const answer = await api('POST', `/conversations/${id}/messages`, {
      authorType: 'user',
      attachments: [{ id: 'x' }],
    });
    expect(answer.status).toBe(400);
    expect(answer.json.errors.code).toBe('invalid_attachment');
  });

  test('an attachment upload without a file answers 400', async () => {
    const { start, sim } = await setUp();
    const id = await start();
    const form = new FormData();
    form.append('authorType', 'user');
    const answer = await call(sim, 'POST', `${GW}/conversations/${id}/attachments`, {
      headers: { 'x-api-key': '8x8-gateway-key' },
      body: form,
    });
    expect(answer.status).toBe(400);
  });
});
