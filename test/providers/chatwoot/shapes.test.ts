// Field-by-field shapes of REST answers and webhook bodies against Chatwoot 4.12's views and models:
// app/views/api/v1/conversations/partials/_conversation.json.jbuilder, app/views/api/v1/models/_contact.json.jbuilder,
// _agent.json.jbuilder, _team.json.jbuilder, _message.json.jbuilder, messages/index.json.jbuilder,
// app/presenters/conversations/event_data_presenter.rb and Message#push_event_data / #webhook_data.
import { describe, expect, test } from 'vitest';
import { call, createConversation, createHookedSim, type Json } from './helpers.ts';

describe('chatwoot shapes', () => {
  test('a conversation answer leaves meta.assignee and meta.team out while unset, and meta.sender is the contact partial', async () => {
    const { sim } = await createHookedSim();
    const conv = await createConversation(sim);
    expect(Object.keys(conv.meta)).toEqual(['sender', 'channel', 'hmac_verified']);
    expect(conv.meta.sender).toEqual({
      additional_attributes: {},
      availability_status: 'offline',
      email: 'jane@customer.test',
      id: 1,
      name: 'Jane Customer',
      phone_number: '+15550100001',
      blocked: false,
      identifier: 'jane-001',
      thumbnail: '',
      custom_attributes: {},
      created_at: 1735689600,
    });
  });

  test('a contact without activity has no last_activity_at key, not a null one', async () => {
    const { sim } = await createHookedSim();
    const res = await call(sim, 'GET', '/1/contacts/1');
    expect(res.json.payload).not.toHaveProperty('last_activity_at');
  });

  test('webhook conversation meta always has assignee, assignee_type and team, null while unset', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await sim.control.idle();
    const [created] = bodies('conversation_created');
    expect(created.meta).toEqual({
      sender: expect.objectContaining({ id: 1, type: 'contact' }),
      assignee: null,
      assignee_type: null,
      team: null,
      hmac_verified: false,
    });
  });

  test('webhook conversation meta names an assigned agent with assignee_type User and the team by id and name', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim, { assignee_id: 2, team_id: 1 });
    await sim.control.idle();
    const [created] = bodies('conversation_created');
    expect(created.meta.assignee).toMatchObject({ id: 2, name: 'Bob Agent', type: 'user' });
    expect(created.meta.assignee_type).toBe('User');
    expect(created.meta.team).toEqual({ id: 1, name: 'support' });
  });

  test('a message webhook without files has no attachments key', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim, { message: { content: 'hi' } });
    await sim.control.idle();
    const [message] = bodies('message_created');
    expect(message).not.toHaveProperty('attachments');
    expect(message.sender).toMatchObject({ id: 1, email: 'alice@acme.test', type: 'user' });
  });

  test('a private note shows in the REST messages[] but not in the webhook messages[] (messages.chat)', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'note', private: true });
    await call(sim, 'POST', '/1/conversations/1/toggle_status', { status: 'resolved' });
    await sim.control.idle();
    const rest = await call(sim, 'GET', '/1/conversations/1');
    // The REST partial shows the last message of any kind: the activity message of resolving.
    expect(rest.json.messages.map((m: Json) => m.content)).toEqual([
      'Conversation was marked resolved by Alice Admin',
    ]);
    expect(rest.json.last_non_activity_message.content).toBe('note');
    const [changed] = bodies('conversation_status_changed');
    expect(changed.messages).toEqual([]);
  });

  test('unread_count stops at 10, as unread_incoming_messages loads the last 10', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    for (let i = 0; i < 12; i++)
      await call(sim, 'POST', '/1/conversations/1/messages', { content: `m${i}`, message_type: 'incoming' });
    expect((await call(sim, 'GET', '/1/conversations/1')).json.unread_count).toBe(10);
  });

  test('the messages listing meta has the last-seen times as null datetimes while unset', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    const res = await call(sim, 'GET', '/1/conversations/1/messages');
    expect(res.json.meta).toEqual({
      labels: [],
      additional_attributes: {},
      contact: expect.objectContaining({ id: 1, type: 'contact' }),
      agent_last_seen_at: null,
      assignee_last_seen_at: null,
    });
  });

  test('an echo_id given with a message is in the answer and in the conversation messages[] push data', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/messages', { content: 'x', echo_id: 'e-1' });
    expect(Object.keys(res.json).slice(0, 4)).toEqual(['id', 'content', 'inbox_id', 'echo_id']);
    expect((await call(sim, 'GET', '/1/conversations/1')).json.messages[0].echo_id).toBe('e-1');
  });

  test('the agent partial has Devise provider email', async () => {
    const { sim } = await createHookedSim();
    const res = await call(sim, 'GET', '/1/agents');
    expect(res.json[0]).toMatchObject({ id: 1, provider: 'email', role: 'administrator', confirmed: true });
  });
});
