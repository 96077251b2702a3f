// The search routes as Chatwoot 4.12 answers them: search_controller.rb, SearchService and the views of
// app/views/api/v1/accounts/search/; examples ported from spec/controllers/api/v1/accounts/search_controller_spec.rb.
import { describe, expect, test } from 'vitest';
import { call, createChatwootSim, type Json } from './helpers.ts';

const AGENT = { api_access_token: 'chatwoot-agent-token' };
const BOT = { api_access_token: 'chatwoot-bot-token' };

/** search_controller_spec.rb's set-up: a contact with a conversation holding two messages (here probe@example.com, probe1 and probe2: the
 * default fixtures' addresses end in .test). */
async function createSim() {
  const sim = await createChatwootSim();
  const contact = await call(sim, 'POST', '/1/contacts', {
    name: 'Searchable',
    email: 'probe@example.com',
    inbox_id: 1,
    source_id: 'search-source',
  });
  const conv = await call(sim, 'POST', '/1/conversations', { source_id: 'search-source', inbox_id: 1 });
  await call(sim, 'POST', `/1/conversations/${conv.json.id}/messages`, { content: 'probe1' });
  await sim.control.advance('1s');
  await call(sim, 'POST', `/1/conversations/${conv.json.id}/messages`, { content: 'probe2' });
  return { sim, contactId: contact.json.payload.contact.id as number, displayId: conv.json.id as number };
}

describe('chatwoot search', () => {
  test('GET /search answers the conversations, contacts and messages matching q, newest message first', async () => {
    // 'returns all conversations with messages containing the search query'
    const { sim, contactId, displayId } = await createSim();
    const res = await call(sim, 'GET', '/1/search?q=probe', undefined, AGENT);
    expect(res.status).toBe(200);
    expect(Object.keys(res.json.payload).sort()).toEqual(['contacts', 'conversations', 'messages']);
    expect(res.json.payload.messages.map((m: Json) => m.content)).toEqual(['probe2', 'probe1']);
    expect(res.json.payload.conversations.map((c: Json) => c.id)).toEqual([displayId]);
    expect(res.json.payload.contacts.map((c: Json) => c.id)).toEqual([contactId]);
  });

  test('GET /search/conversations, /search/contacts and /search/messages answer their part only', async () => {
    const { sim } = await createSim();
    for (const [part, length] of [
      ['conversations', 1],
      ['contacts', 1],
      ['messages', 2],
    ] as const) {
      const res = await call(sim, 'GET', `/1/search/${part}?q=probe`, undefined, AGENT);
      expect(Object.keys(res.json.payload)).toEqual([part]);
      expect(res.json.payload[part]).toHaveLength(length);
    }
  });

  test('search results have the shapes of the search partials', async () => {
    const { sim, contactId, displayId } = await createSim();
    await call(sim, 'POST', `/1/conversations/${displayId}/assignments`, { assignee_id: 2 });
    const conv = (await call(sim, 'GET', '/1/search/conversations?q=example')).json.payload.conversations[0];
    expect(Object.keys(conv)).toEqual([
      'id',
      'account_id',
      'created_at',
      'message',
      'contact',
      'inbox',
      'agent',
      'additional_attributes',
    ]);
    expect(conv.contact).toEqual({
      email: 'probe@example.com',
      id: contactId,
      name: 'Searchable',
      phone_number: null,
      identifier: null,
      additional_attributes: {},
      last_activity_at: null,
    });
    expect(conv.inbox).toEqual({
      id: 1,
      channel_id: 1,
      name: expect.any(String),
      channel_type: 'Channel::Api',
    });
    expect(conv.agent).toMatchObject({ id: 2, role: 'agent' });
    expect(conv.message).toMatchObject({ content: 'probe1', message_type: 1, conversation_id: displayId });
    const message = (await call(sim, 'GET', '/1/search/messages?q=probe2')).json.payload.messages[0];
    expect(Object.keys(message)).toEqual([
      'id',
      'content',
      'message_type',
      'content_type',
      'source_id',
      'inbox_id',
      'conversation_id',
      'created_at',
      'sender',
      'inbox',
    ]);
    expect(message.sender).toMatchObject({ id: 1, type: 'user' });
  });

  test('agents find only what their inboxes hold; bots and callers without a token get 401', async () => {
    const { sim } = await createSim();
    await call(sim, 'POST', '/1/conversations', {
      inbox_id: 2,
      contact_id: 1,
      message: { content: 'probe other' },
    });
    const admin = await call(sim, 'GET', '/1/search/messages?q=probe');
    expect(admin.json.payload.messages.map((m: Json) => m.content)).toEqual([
      'probe other',
      'probe2',
      'probe1',
    ]);
    const agent = await call(sim, 'GET', '/1/search/messages?q=probe', undefined, AGENT);
    expect(agent.json.payload.messages.map((m: Json) => m.content)).toEqual(['probe2', 'probe1']);
    for (const path of ['/1/search', '/1/search/contacts', '/1/search/conversations', '/1/search/messages']) {
      expect((await call(sim, 'GET', `${path}?q=probe`, undefined, BOT)).status).toBe(401);
      expect((await call(sim, 'GET', `${path}?q=probe`, undefined, {})).status).toBe(401);
    }
  });

  test('searches answer 15 per page, messages reach back three months, and contacts need an e-mail, phone or identifier', async () => {
    const sim = await createChatwootSim();
    await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      message: { content: 'old note' },
    });
    await sim.control.advance('91d');
    for (let i = 0; i < 17; i++)
      await call(sim, 'POST', '/1/conversations/1/messages', { content: `note ${i}` });
    const page1 = await call(sim, 'GET', '/1/search/messages?q=NOTE');
    expect(page1.json.payload.messages).toHaveLength(15);
    expect(page1.json.payload.messages[0].content).toBe('note 16');
    const page2 = await call(sim, 'GET', '/1/search/messages?q=note&page=2');
    expect(page2.json.payload.messages.map((m: Json) => m.content)).toEqual(['note 1', 'note 0']);
    await call(sim, 'POST', '/1/contacts', { name: 'Nameonly' });
    expect((await call(sim, 'GET', '/1/search/contacts?q=nameonly')).json.payload.contacts).toEqual([]);
    expect((await call(sim, 'GET', '/1/search/contacts?q=%20jane%20')).json.payload.contacts).toHaveLength(1);
  });
});
