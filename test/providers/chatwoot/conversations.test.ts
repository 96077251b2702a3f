import { describe, expect, test } from 'vitest';
import { call, createChatwootSim, createConversation, type Json } from './helpers.ts';

describe('chatwoot conversations, messages, status and assignments', () => {
  test('list conversations answers data.meta counts and data.payload, open conversations of every assignee by default', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim, { assignee_id: 1 });
    await createConversation(sim);
    await createConversation(sim, { status: 'resolved' });
    const mine = await call(sim, 'GET', '/1/conversations');
    expect(mine.status).toBe(200);
    expect(mine.json.data.meta).toEqual({
      mine_count: 1,
      assigned_count: 1,
      unassigned_count: 1,
      all_count: 2,
    });
    expect(mine.json.data.payload.map((c: { id: number }) => c.id)).toEqual([2, 1]);
    const onlyMine = await call(sim, 'GET', '/1/conversations?assignee_type=me');
    expect(onlyMine.json.data.payload.map((c: { id: number }) => c.id)).toEqual([1]);
    const all = await call(sim, 'GET', '/1/conversations?assignee_type=all&status=all');
    expect(all.json.data.payload.map((c: { id: number }) => c.id)).toEqual([3, 2, 1]);
  });

  test('an agent lists only conversations of inboxes they are a member of', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1 });
    const res = await call(sim, 'GET', '/1/conversations', undefined, {
      api_access_token: 'chatwoot-agent-token',
    });
    expect(res.json.data.payload.map((c: { inbox_id: number }) => c.inbox_id)).toEqual([1]);
  });

  test('q searches message content', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim, { message: { content: 'Refund please' } });
    await createConversation(sim, { message: { content: 'Hello' } });
    const res = await call(sim, 'GET', '/1/conversations?q=refund');
    expect(res.json.data.payload.map((c: { id: number }) => c.id)).toEqual([1]);
  });

  test('get conversation answers the conversation body and 404 for an unknown id', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    expect((await call(sim, 'GET', '/1/conversations/1')).json).toMatchObject({ id: 1, account_id: 1 });
    expect(await call(sim, 'GET', '/1/conversations/2')).toMatchObject({
      status: 404,
      json: { error: 'Resource could not be found' },
    });
    expect((await call(sim, 'GET', '/1/conversations/abc')).status).toBe(404);
  });

  test('filter conversations applies conditions joined by query_operator', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    await createConversation(sim, { status: 'pending' });
    await createConversation(sim, { status: 'resolved' });
    const res = await call(sim, 'POST', '/1/conversations/filter', {
      payload: [
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: 'OR' },
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['pending'], query_operator: null },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json.payload.map((c: { id: number }) => c.id)).toEqual([2, 1]);
    expect(res.json.meta.all_count).toBe(2);
  });

  test('filter with an unknown attribute key answers 422', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations/filter', {
      payload: [{ attribute_key: 'mood', filter_operator: 'equal_to', values: ['x'] }],
    });
    // FilterService's errors.custom_filters.invalid_attribute text, with the conversation keys of filter_keys.yml.
    expect(res.status).toBe(422);
    expect(res.json.error).toBe(
      'Invalid attribute key - [mood]. The key should be one of [status,assignee_id,inbox_id,team_id,contact_id,' +
        'priority,display_id,campaign_id,labels,browser_language,conversation_language,referer,created_at,' +
        'last_activity_at,mail_subject] or a custom attribute defined in the account.',
    );
  });

  test('toggle_status without a status toggles between open and resolved', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const first = await call(sim, 'POST', '/1/conversations/1/toggle_status', {});
    expect(first.json).toEqual({
      meta: {},
      payload: { success: true, conversation_id: 1, current_status: 'resolved', snoozed_until: null },
    });
    const second = await call(sim, 'POST', '/1/conversations/1/toggle_status');
    expect(second.json.payload.current_status).toBe('open');
  });

  test('toggle_status to snoozed keeps snoozed_until', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/toggle_status', {
      status: 'snoozed',
      snoozed_until: 1735776000,
    });
    expect(res.json.payload).toMatchObject({
      current_status: 'snoozed',
      snoozed_until: '2025-01-02T00:00:00.000Z',
    });
  });

  test('toggle_status with an invalid status answers 422 and changes nothing', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/toggle_status', { status: 'done' });
    expect(res).toMatchObject({ status: 422, json: { error: "'done' is not a valid status" } });
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('open');
  });

  test('toggle_typing_status with an invalid typing_status answers 422', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/toggle_typing_status', {
      typing_status: 'maybe',
    });
    expect(res.status).toBe(422);
  });

  test('assigning an agent answers the agent and unassigning answers null', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const assigned = await call(sim, 'POST', '/1/conversations/1/assignments', { assignee_id: 2 });
    expect(assigned.json).toMatchObject({ id: 2, name: 'Bob Agent', role: 'agent', account_id: 1 });
    const unassigned = await call(sim, 'POST', '/1/conversations/1/assignments', { assignee_id: null });
    expect(unassigned.text).toBe('null');
    expect((await call(sim, 'GET', '/1/conversations/1')).json.meta.assignee).toBeUndefined();
  });

  test('assigning a team answers the team', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/assignments', { team_id: 1 });
    expect(res.json).toMatchObject({ id: 1, name: 'support' });
    // meta.team is the api/v1/models/_team partial, with is_member for the caller (administrator 1 is a member).
    expect((await call(sim, 'GET', '/1/conversations/1')).json.meta.team).toEqual({
      id: 1,
      name: 'support',
      description: 'First-line support',
      allow_auto_assign: true,
      account_id: 1,
      is_member: true,
    });
  });

  test('assigning an unknown agent answers 404 and changes nothing', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim, { assignee_id: 1 });
    const res = await call(sim, 'POST', '/1/conversations/1/assignments', { assignee_id: 99 });
    expect(res.status).toBe(404);
    expect((await call(sim, 'GET', '/1/conversations/1')).json.meta.assignee.id).toBe(1);
  });

  test('create message answers the message partial with an integer message_type', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/messages', {
      content: 'Hi there',
      private: true,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: 1,
      content: 'Hi there',
      conversation_id: 1,
      message_type: 1,
      content_type: 'text',
      private: true,
      sender: { id: 1, type: 'user' },
    });
  });

  test('an incoming message in an API inbox comes from the contact and reopens a resolved conversation', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim, { status: 'resolved' });
    const res = await call(sim, 'POST', '/1/conversations/1/messages', {
      content: 'back',
      message_type: 'incoming',
    });
    expect(res.json).toMatchObject({ message_type: 0, sender: { id: 1, type: 'contact' } });
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('open');
  });

  test('an incoming message outside an API inbox answers 422 Incoming messages are only allowed in Api inboxes', async () => {
    const sim = await createChatwootSim();
    await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1 });
    const res = await call(sim, 'POST', '/1/conversations/1/messages', {
      content: 'x',
      message_type: 'incoming',
    });
    expect(res).toMatchObject({
      status: 422,
      json: { error: 'Incoming messages are only allowed in Api inboxes' },
    });
  });

  test('a message without content or attachments answers 422 and writes nothing', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/messages', { private: false });
    expect(res.status).toBe(422);
    expect((await call(sim, 'GET', '/1/conversations/1/messages')).json.payload).toEqual([]);
  });

  test('a message to an unknown conversation answers 404', async () => {
    const sim = await createChatwootSim();
    expect((await call(sim, 'POST', '/1/conversations/5/messages', { content: 'x' })).status).toBe(404);
  });

  test('multipart messages read booleans and JSON fields from form strings', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    const form = new FormData();
    form.append('content', 'with file');
    form.append('private', 'false');
    form.append('content_attributes', JSON.stringify({ k: 'v' }));
    form.append('attachments[]', new Blob(['abc'], { type: 'image/png' }), 'pic.png');
    const res = await sim.app.request('/api/v1/accounts/1/conversations/1/messages', {
      method: 'POST',
      headers: { api_access_token: 'chatwoot-token' },
      body: form,
    });
    const json = (await res.json()) as Json;
    expect(json).toMatchObject({ content: 'with file', private: false, content_attributes: { k: 'v' } });
    expect(json.attachments[0]).toMatchObject({ file_type: 'image', file_name: 'pic.png', file_size: 3 });
  });

  test('list messages answers meta and the payload in order', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim, { message: { content: 'one' } });
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'two', message_type: 'incoming' });
    const res = await call(sim, 'GET', '/1/conversations/1/messages');
    expect(res.json.meta).toMatchObject({ labels: [], contact: { id: 1 } });
    expect(res.json.payload.map((m: { content: string }) => m.content)).toEqual(['one', 'two']);
  });
});
