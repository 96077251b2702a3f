import { describe, expect, test } from 'vitest';
import { call, createChatwootSim, createConversation, type Json } from './helpers.ts';

describe('chatwoot POST /api/v1/accounts/{account_id}/conversations', () => {
  test('create conversation by source_id answers 200 with the full conversation body and the seed output fields', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', { source_id: 'contact-source-1' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: 1,
      account_id: 1,
      inbox_id: 1,
      status: 'open',
      messages: [],
      // meta.sender is the api/v1/models/_contact partial (no `type`), as _conversation.json.jbuilder renders it.
      meta: { sender: { id: 1, name: 'Jane Customer' }, channel: 'Channel::Api', hmac_verified: false },
      can_reply: true,
      labels: [],
      snoozed_until: null,
      created_at: 1735689600,
      timestamp: 1735689600,
    });
    expect(res.json.meta.assignee).toBeUndefined();
    expect(res.json.meta.team).toBeUndefined();
  });

  test('create conversation accepts every seed property and echoes them', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', {
      source_id: 'new-source',
      inbox_id: 1,
      contact_id: 1,
      additional_attributes: { browser: 'Firefox' },
      custom_attributes: { priority_conversation_number: 3 },
      status: 'pending',
      assignee_id: 2,
      team_id: 1,
      message: { content: 'Hello from the API' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      inbox_id: 1,
      status: 'pending',
      additional_attributes: { browser: 'Firefox' },
      custom_attributes: { priority_conversation_number: 3 },
      // meta.assignee is the _agent partial and meta.team the _team partial (_conversation.json.jbuilder).
      meta: {
        assignee: { id: 2, role: 'agent', account_id: 1 },
        team: { id: 1, name: 'support', is_member: true },
      },
      messages: [{ content: 'Hello from the API', message_type: 1, conversation_id: 1 }],
    });
    const contact = await call(sim, 'GET', '/1/contacts/1');
    expect(contact.json.payload.contact_inboxes.map((ci: Json) => ci.source_id)).toContain('new-source');
  });

  test('the create answer also carries the seed 001 output fields at the top level', async () => {
    const sim = await createChatwootSim();
    const body = await createConversation(sim, { assignee_id: 1, team_id: 1, message: { content: 'first' } });
    expect(body).toMatchObject({
      id: 1,
      account_id: 1,
      source_id: 'contact-source-1',
      inbox_id: 1,
      contact_id: 1,
      status: 'open',
      assignee_id: 1,
      team_id: 1,
      message: { content: 'first', message_type: 1 },
      created_at: 1735689600,
    });
  });

  test('seedOutputFields false answers the bare Chatwoot conversation partial', async () => {
    const sim = await createChatwootSim({ providerOptions: { chatwoot: { seedOutputFields: false } } });
    const body = await createConversation(sim);
    expect(body.contact_id).toBeUndefined();
    expect(body.source_id).toBeUndefined();
    expect(body.meta.sender.id).toBe(1);
  });

  test('timestamps are integer epoch seconds', async () => {
    const sim = await createChatwootSim();
    await sim.control.advance(1500);
    const body = await createConversation(sim, { message: { content: 'x' } });
    expect(body.created_at).toBe(1735689601);
    expect(Number.isInteger(body.messages[0].created_at)).toBe(true);
  });

  test('snoozed_until is accepted with status snoozed', async () => {
    const sim = await createChatwootSim();
    const body = await createConversation(sim, { status: 'snoozed', snoozed_until: '2025-01-02T00:00:00Z' });
    expect(body.status).toBe('snoozed');
    expect(body.snoozed_until).toBe('2025-01-02T00:00:00.000Z');
  });

  test('contact and inbox without a source_id create a new contact inbox with a generated source_id', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1 });
    expect(res.status).toBe(200);
    expect(res.json.inbox_id).toBe(2);
    const contact = await call(sim, 'GET', '/1/contacts/1');
    const websiteLink = contact.json.payload.contact_inboxes.find((ci: Json) => ci.inbox.id === 2);
    expect(websiteLink.source_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('conversation ids are display ids numbered per account', async () => {
    const sim = await createChatwootSim({
      fixtures: {
        accounts: [{ id: 2, name: 'Other' }],
        agents: [
          {
            id: 1,
            account_ids: [1, 2],
            name: 'Alice Admin',
            email: 'a@a.test',
            role: 'administrator',
            access_token: 'chatwoot-token',
          },
        ],
        inboxes: [{ id: 9, account_id: 2, name: 'Other API', channel_type: 'Channel::Api' }],
        contacts: [{ id: 9, account_id: 2, name: 'Zed' }],
        contact_inboxes: [{ id: 9, contact_id: 9, inbox_id: 9, source_id: 'zed' }],
      },
    });
    expect((await createConversation(sim)).id).toBe(1);
    expect((await createConversation(sim)).id).toBe(2);
    const other = await call(sim, 'POST', '/2/conversations', { source_id: 'zed' });
    expect(other.json).toMatchObject({ id: 1, account_id: 2 });
  });

  test('an inbox locked to a single conversation returns the existing conversation', async () => {
    const sim = await createChatwootSim({
      fixtures: {
        inboxes: [
          {
            id: 1,
            account_id: 1,
            name: 'API',
            channel_type: 'Channel::Api',
            lock_to_single_conversation: true,
            member_ids: [1],
          },
        ],
      },
    });
    const first = await createConversation(sim);
    const second = await createConversation(sim, { message: { content: 'again' } });
    expect(second.id).toBe(first.id);
    expect(second.messages[0].content).toBe('again');
    expect(sim.control.deliveries({ type: 'conversation_created' })).toHaveLength(0);
  });

  test('status defaults to open', async () => {
    const sim = await createChatwootSim();
    expect((await createConversation(sim)).status).toBe('open');
  });

  test('an inbox with an active bot starts conversations pending', async () => {
    const sim = await createChatwootSim({
      fixtures: {
        inboxes: [
          {
            id: 1,
            account_id: 1,
            name: 'API',
            channel_type: 'Channel::Api',
            agent_bot_id: 1,
            member_ids: [1],
          },
        ],
      },
    });
    expect((await createConversation(sim)).status).toBe('pending');
  });

  test('a blocked contact gets a resolved conversation', async () => {
    const sim = await createChatwootSim({
      fixtures: { contacts: [{ id: 1, account_id: 1, name: 'Jane', blocked: true }] },
    });
    expect((await createConversation(sim, { status: 'open' })).status).toBe('resolved');
  });

  test('an unknown source_id answers 404 Resource could not be found', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', { source_id: 'nobody' });
    expect(res).toMatchObject({ status: 404, json: { error: 'Resource could not be found' } });
  });

  test('a missing source_id without contact and inbox answers 404', async () => {
    const sim = await createChatwootSim();
    expect((await call(sim, 'POST', '/1/conversations', {})).status).toBe(404);
  });

  test('an unknown inbox_id answers 404 and creates nothing', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', { inbox_id: 99, contact_id: 1, source_id: 's' });
    expect(res).toMatchObject({ status: 404, json: { error: 'Resource could not be found' } });
    expect(sim.control.conversations({ provider: 'chatwoot' })).toEqual([]);
  });

  test('an unknown contact_id answers 404', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', { inbox_id: 1, contact_id: 99 });
    expect(res.status).toBe(404);
  });

  test('a source_id owned by another contact in the inbox answers 422 source_id should be unique', async () => {
    const sim = await createChatwootSim({
      fixtures: { contacts: [{ id: 2, account_id: 1, name: 'Other' }] },
    });
    const res = await call(sim, 'POST', '/1/conversations', {
      inbox_id: 1,
      contact_id: 2,
      source_id: 'contact-source-1',
    });
    expect(res).toMatchObject({ status: 422, json: { error: 'source_id should be unique' } });
  });

  test('an unknown assignee answers 422 with message and attributes and creates nothing', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      assignee_id: 77,
      team_id: 88,
    });
    expect(res).toMatchObject({
      status: 422,
      json: { message: 'Assignee must exist, Team must exist', attributes: ['assignee', 'team'] },
    });
    const list = await call(sim, 'GET', '/1/conversations?status=all&assignee_type=all');
    expect(list.json.data.meta.all_count).toBe(0);
  });

  test('an invalid status answers 422', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      status: 'closed',
    });
    expect(res).toMatchObject({ status: 422, json: { error: "'closed' is not a valid status" } });
  });

  test('custom_attributes that are not an object answer 422', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      custom_attributes: [1],
    });
    expect(res).toMatchObject({ status: 422, json: { attributes: ['custom_attributes'] } });
  });

  test('a message without content answers 422 and creates no conversation', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      message: { foo: 1 },
    });
    expect(res).toMatchObject({
      status: 422,
      json: { message: "Content can't be blank", attributes: ['content'] },
    });
    const list = await call(sim, 'GET', '/1/conversations?status=all&assignee_type=all');
    expect(list.json.data.meta.all_count).toBe(0);
  });

  test('ids sent as strings are accepted as the published client types them', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', {
      inbox_id: '1',
      contact_id: '1',
      source_id: 'contact-source-1',
    });
    expect(res.status).toBe(200);
  });

  test('malformed JSON answers 400 Bad Request', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations', '{"source_id":');
    expect(res).toMatchObject({ status: 400, json: { status: 400, error: 'Bad Request' } });
  });

  test('same seed and same requests give identical bodies', async () => {
    const a = await createChatwootSim();
    const b = await createChatwootSim();
    const ra = await call(a, 'POST', '/1/conversations', {
      inbox_id: 1,
      contact_id: 1,
      message: { content: 'x' },
    });
    const rb = await call(b, 'POST', '/1/conversations', {
      inbox_id: 1,
      contact_id: 1,
      message: { content: 'x' },
    });
    expect(ra.text).toBe(rb.text);
  });
});
