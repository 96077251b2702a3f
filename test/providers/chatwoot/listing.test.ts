import { describe, expect, test } from 'vitest';
import { call, createChatwootSim, createConversation, type Json } from './helpers.ts';

const ids = (res: { json: Json }) => res.json.data.payload.map((c: { id: number }) => c.id);

describe('chatwoot conversation listing order, pages and search bounds', () => {
  test('a new message moves its conversation to the top of the list', async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 3; i++) await createConversation(sim);
    expect(ids(await call(sim, 'GET', '/1/conversations'))).toEqual([3, 2, 1]);
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'bump' });
    expect(ids(await call(sim, 'GET', '/1/conversations'))).toEqual([1, 3, 2]);
  });

  test('a status change or an assignment counts as activity, as the activity message Chatwoot writes for it', async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 3; i++) await createConversation(sim);
    await sim.control.advance('1m');
    const before = (await call(sim, 'GET', '/1/conversations/1')).json.last_activity_at;
    await call(sim, 'POST', '/1/conversations/1/assignments', { assignee_id: 2 });
    const after = await call(sim, 'GET', '/1/conversations/1');
    expect(after.json.last_activity_at).toBe(before + 60);
    expect(ids(await call(sim, 'GET', '/1/conversations'))).toEqual([1, 3, 2]);
    await call(sim, 'POST', '/1/conversations/2/toggle_status', { status: 'pending' });
    expect(ids(await call(sim, 'GET', '/1/conversations?status=all'))).toEqual([2, 1, 3]);
  });

  test('pages follow each other without gaps or repeats, pageSize per page', async () => {
    const sim = await createChatwootSim({ providerOptions: { chatwoot: { pageSize: 2 } } });
    for (let i = 0; i < 5; i++) await createConversation(sim, i % 2 === 0 ? { assignee_id: 2 } : {});
    const pages = [];
    for (let page = 1; page <= 4; page++)
      pages.push(ids(await call(sim, 'GET', `/1/conversations?page=${page}`)));
    expect(pages).toEqual([[5, 4], [3, 2], [1], []]);
    expect(ids(await call(sim, 'GET', '/1/conversations?page=999999999999999'))).toEqual([]);
    const assigned = await call(sim, 'GET', '/1/conversations?assignee_type=assigned&page=2');
    expect(ids(assigned)).toEqual([1]);
    expect(assigned.json.data.meta).toEqual({
      mine_count: 0,
      assigned_count: 3,
      unassigned_count: 2,
      all_count: 5,
    });
  });

  test('counts follow status and assignee changes', async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 3; i++) await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/assignments', { assignee_id: 1 });
    await call(sim, 'POST', '/1/conversations/2/toggle_status', { status: 'resolved' });
    const open = await call(sim, 'GET', '/1/conversations/meta');
    expect(open.json.meta).toEqual({ mine_count: 1, assigned_count: 1, unassigned_count: 1, all_count: 2 });
    await call(sim, 'POST', '/1/conversations/1/assignments', { assignee_id: null });
    const resolved = await call(sim, 'GET', '/1/conversations/meta?status=resolved');
    expect(resolved.json.meta).toEqual({
      mine_count: 0,
      assigned_count: 0,
      unassigned_count: 1,
      all_count: 1,
    });
    const all = await call(sim, 'GET', '/1/conversations/meta?status=all');
    expect(all.json.meta).toEqual({ mine_count: 0, assigned_count: 0, unassigned_count: 3, all_count: 3 });
  });

  test('q reads at most searchLimit conversations and messages, newest first (simulator choice)', async () => {
    const sim = await createChatwootSim({ providerOptions: { chatwoot: { searchLimit: 4 } } });
    await createConversation(sim, { message: { content: 'Refund please' } });
    for (let i = 0; i < 2; i++) await createConversation(sim, { message: { content: 'Hello' } });
    // Two newer conversations with one message each use the budget of 4 before the oldest is read.
    const res = await call(sim, 'GET', '/1/conversations?q=refund');
    expect(res.json.data).toEqual({
      meta: { mine_count: 0, assigned_count: 0, unassigned_count: 0, all_count: 0 },
      payload: [],
    });
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'still there?' });
    expect(ids(await call(sim, 'GET', '/1/conversations?q=refund'))).toEqual([1]);
  });

  test('contact search reads at most searchLimit contacts, newest first (simulator choice)', async () => {
    const sim = await createChatwootSim({ providerOptions: { chatwoot: { searchLimit: 2 } } });
    for (const name of ['Ann One', 'Ann Two', 'Ann Three']) await call(sim, 'POST', '/1/contacts', { name });
    const res = await call(sim, 'GET', '/1/contacts/search?q=ann');
    expect(res.json.meta.count).toBe(2);
    expect(res.json.payload.map((c: { name: string }) => c.name)).toEqual(['Ann Three', 'Ann Two']);
  });

  test('list messages answers the last 20 before the given id', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    for (let i = 1; i <= 30; i++)
      await call(sim, 'POST', '/1/conversations/1/messages', { content: `m${i}` });
    const last = await call(sim, 'GET', '/1/conversations/1/messages');
    expect(last.json.payload.map((m: { content: string }) => m.content)).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${i + 11}`),
    );
    const before = await call(sim, 'GET', `/1/conversations/1/messages?before=${last.json.payload[0].id}`);
    expect(before.json.payload.map((m: { content: string }) => m.content)).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i + 1}`),
    );
  });
});

// FilterService (app/services/filter_service.rb) with lib/filters/filter_keys.yml and errors.custom_filters texts.
describe('chatwoot conversation filter', () => {
  test('an operator the key does not allow is refused with the allowed operators', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations/filter', {
      payload: [{ attribute_key: 'status', filter_operator: 'contains', values: ['open'] }],
    });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      error: 'Invalid operator. The allowed operators for status are [equal_to,not_equal_to].',
    });
  });

  test('a query operator other than AND or OR is refused', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/conversations/filter', {
      payload: [
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: 'xor' },
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'] },
      ],
    });
    expect(res.json).toEqual({ error: 'Query operator must be either "AND" or "OR".' });
  });

  test('additional attribute keys and created_at filter conversations; agents get only their inboxes', async () => {
    const sim = await createChatwootSim();
    await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      additional_attributes: { browser_language: 'pt' },
    });
    await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1 });
    const byLanguage = await call(sim, 'POST', '/1/conversations/filter', {
      payload: [{ attribute_key: 'browser_language', filter_operator: 'equal_to', values: ['pt'] }],
    });
    expect(byLanguage.json.payload.map((c: Json) => c.id)).toEqual([1]);
    const recent = await call(sim, 'POST', '/1/conversations/filter', {
      payload: [{ attribute_key: 'created_at', filter_operator: 'is_greater_than', values: ['2024-12-31'] }],
    });
    expect(recent.json.meta.all_count).toBe(2);
    const agent = await call(
      sim,
      'POST',
      '/1/conversations/filter',
      { payload: [{ attribute_key: 'status', filter_operator: 'equal_to', values: ['open'] }] },
      { api_access_token: 'chatwoot-agent-token' },
    );
    expect(agent.json.payload.map((c: Json) => c.id)).toEqual([1]);
  });
});

// ConversationFinder (app/finders/conversation_finder.rb): sort_by (SortHandler) and conversation_type.
describe('chatwoot listing parameters', () => {
  test('sort_by created_at_asc and created_at_desc order by creation, not activity', async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 3; i++) await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'bump' });
    expect(ids(await call(sim, 'GET', '/1/conversations'))).toEqual([1, 3, 2]);
    expect(ids(await call(sim, 'GET', '/1/conversations?sort_by=created_at_asc'))).toEqual([1, 2, 3]);
    expect(ids(await call(sim, 'GET', '/1/conversations?sort_by=created_at_desc'))).toEqual([3, 2, 1]);
  });

  test('conversation_type unattended lists conversations without a first reply or waiting for one', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'answered' });
    const res = await call(sim, 'GET', '/1/conversations?conversation_type=unattended');
    expect(ids(res)).toEqual([2]);
    expect(res.json.data.meta.all_count).toBe(1);
  });
});

// ConversationFinder::SORT_OPTIONS (app/finders/conversation_finder.rb) and the SortHandler scopes
// (app/models/concerns/sort_handler.rb); source_id and updated_within ported from spec/finders/conversation_finder_spec.rb.
describe('chatwoot listing sort_by, source_id and updated_within', () => {
  const setPriority = (sim: Awaited<ReturnType<typeof createChatwootSim>>, id: number, priority: string) =>
    call(sim, 'PATCH', `/1/conversations/${id}`, { priority });

  test('sort_by priority_desc lists urgent to low, then conversations without priority, latest activity first within a priority', async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 5; i++) await createConversation(sim);
    await setPriority(sim, 2, 'urgent');
    await setPriority(sim, 5, 'urgent');
    await setPriority(sim, 1, 'low');
    await setPriority(sim, 4, 'high');
    expect(ids(await call(sim, 'GET', '/1/conversations?sort_by=priority_desc'))).toEqual([5, 2, 4, 1, 3]);
    expect(ids(await call(sim, 'GET', '/1/conversations?sort_by=sort_on_priority'))).toEqual([5, 2, 4, 1, 3]);
  });

  test('sort_by priority_asc lists low to urgent and still puts conversations without priority last', async () => {
    const sim = await createChatwootSim({ providerOptions: { chatwoot: { pageSize: 2 } } });
    for (let i = 0; i < 5; i++) await createConversation(sim);
    await setPriority(sim, 2, 'urgent');
    await setPriority(sim, 5, 'urgent');
    await setPriority(sim, 1, 'low');
    await setPriority(sim, 4, 'high');
    const pages = [];
    for (let page = 1; page <= 3; page++)
      pages.push(ids(await call(sim, 'GET', `/1/conversations?sort_by=priority_asc&page=${page}`)));
    expect(pages).toEqual([[1, 4], [5, 2], [3]]);
  });

  test('a priority change is activity: the conversation moves to the top of the latest-activity list', async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 3; i++) await createConversation(sim);
    await sim.control.advance('1m');
    const before = (await call(sim, 'GET', '/1/conversations/1')).json.last_activity_at;
    await setPriority(sim, 1, 'high');
    expect((await call(sim, 'GET', '/1/conversations/1')).json.last_activity_at).toBe(before + 60);
    expect(ids(await call(sim, 'GET', '/1/conversations'))).toEqual([1, 3, 2]);
    // Clearing the priority moves it back among the conversations without one.
    await setPriority(sim, 1, '');
    expect(ids(await call(sim, 'GET', '/1/conversations?sort_by=priority_desc'))).toEqual([1, 3, 2]);
  });

  test('sort_by waiting_since_asc lists the longest waiting first and conversations not waiting last', async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 3; i++) {
      await createConversation(sim);
      await sim.control.advance('1m');
    }
    await call(sim, 'POST', '/1/conversations/2/messages', { content: 'answered' });
    expect(ids(await call(sim, 'GET', '/1/conversations?sort_by=waiting_since_asc'))).toEqual([1, 3, 2]);
    expect(ids(await call(sim, 'GET', '/1/conversations?sort_by=sort_on_waiting_since'))).toEqual([1, 3, 2]);
    expect(ids(await call(sim, 'GET', '/1/conversations?sort_by=waiting_since_desc'))).toEqual([3, 1, 2]);
  });

  test('sort_by last_activity_at_asc lists the oldest activity first, page by page', async () => {
    const sim = await createChatwootSim({ providerOptions: { chatwoot: { pageSize: 2 } } });
    for (let i = 0; i < 4; i++) await createConversation(sim, i % 2 === 0 ? { assignee_id: 2 } : {});
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'bump' });
    const q = '/1/conversations?sort_by=last_activity_at_asc';
    expect(ids(await call(sim, 'GET', `${q}&page=1`))).toEqual([2, 3]);
    expect(ids(await call(sim, 'GET', `${q}&page=2`))).toEqual([4, 1]);
    expect(ids(await call(sim, 'GET', `${q}&page=3`))).toEqual([]);
    expect(ids(await call(sim, 'GET', '/1/conversations?sort_by=last_activity_at_desc'))).toEqual([1, 4]);
  });

  test('an unknown sort_by, last_user_message_at_asc included, keeps the latest-activity order', async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 3; i++) await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/2/messages', { content: 'bump' });
    for (const sort of ['last_user_message_at_asc', 'nonsense', 'constructor'])
      expect(ids(await call(sim, 'GET', `/1/conversations?sort_by=${sort}`))).toEqual([2, 3, 1]);
  });

  test('source_id lists only the conversations of the contact inboxes with that source id', async () => {
    // conversation_finder_spec.rb 'with source_id': 'filter conversations by source id'.
    const sim = await createChatwootSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1 });
    await createConversation(sim, { status: 'resolved' });
    const res = await call(sim, 'GET', '/1/conversations?source_id=contact-source-1');
    expect(ids(res)).toEqual([1]);
    expect(res.json.data.meta).toEqual({
      mine_count: 0,
      assigned_count: 0,
      unassigned_count: 1,
      all_count: 1,
    });
    expect(ids(await call(sim, 'GET', '/1/conversations?source_id=contact-source-1&status=all'))).toEqual([
      3, 1,
    ]);
    expect(ids(await call(sim, 'GET', '/1/conversations?source_id=nobody'))).toEqual([]);
    expect(ids(await call(sim, 'GET', '/1/conversations?source_id=__proto__'))).toEqual([]);
  });

  test('updated_within lists every conversation updated within that many seconds, unpaged, in the sort_by order', async () => {
    // conversation_finder_spec.rb 'with updated_within': filters and sort apply, pagination does not.
    const sim = await createChatwootSim({ providerOptions: { chatwoot: { pageSize: 2 } } });
    for (let i = 0; i < 6; i++) await createConversation(sim, i === 5 ? { assignee_id: 2 } : {});
    await sim.control.advance('30s');
    for (const id of [4, 1, 3, 6])
      await call(sim, 'POST', `/1/conversations/${id}/custom_attributes`, {
        custom_attributes: { touched: true },
      });
    await sim.control.advance('10s');
    const res = await call(
      sim,
      'GET',
      '/1/conversations?updated_within=20&assignee_type=unassigned&sort_by=created_at_asc',
    );
    expect(ids(res)).toEqual([1, 3, 4]);
    // The counts are those of the filters before updated_within (ConversationFinder#perform).
    expect(res.json.data.meta).toEqual({
      mine_count: 0,
      assigned_count: 1,
      unassigned_count: 5,
      all_count: 6,
    });
    expect(ids(await call(sim, 'GET', '/1/conversations?updated_within=20'))).toEqual([6, 4, 3, 1]);
    expect(ids(await call(sim, 'GET', '/1/conversations?updated_within=5'))).toEqual([]);
  });
});

// ConversationFinder#set_up (app/finders/conversation_finder.rb): `filter_by_status unless params[:q]` and
// `tagged_with(params[:labels], any: true)`.
describe('chatwoot listing q and labels as ConversationFinder reads them', () => {
  test('q searches conversations of every status, whatever status asks', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim, { message: { content: 'needle one' } });
    await createConversation(sim, { message: { content: 'needle two' } });
    await call(sim, 'POST', '/1/conversations/1/toggle_status', { status: 'resolved' });
    const res = await call(sim, 'GET', '/1/conversations?q=needle');
    expect(ids(res)).toEqual([1, 2]);
    expect(res.json.data.meta.all_count).toBe(2);
    expect(ids(await call(sim, 'GET', '/1/conversations?q=needle&status=pending'))).toEqual([1, 2]);
  });

  test('labels[] lists the conversations having any of the labels', async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 3; i++) await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/labels', { labels: ['vip'] });
    await call(sim, 'POST', '/1/conversations/2/labels', { labels: ['billing', 'vip'] });
    await call(sim, 'POST', '/1/conversations/3/labels', { labels: ['billing'] });
    expect(ids(await call(sim, 'GET', '/1/conversations?labels[]=vip'))).toEqual([2, 1]);
    expect(ids(await call(sim, 'GET', '/1/conversations?labels[]=vip&labels[]=billing'))).toEqual([3, 2, 1]);
  });

  // ConversationFinder#set_team: `current_account.teams.find(params[:team_id])` raises RecordNotFound
  test('a team_id that is no team of the account answers 404 with the record-miss body, on the list and the counts', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/assignments', { team_id: 1 });
    expect(ids(await call(sim, 'GET', '/1/conversations?team_id=1'))).toEqual([1]);
    for (const path of [
      '/1/conversations?team_id=99',
      '/1/conversations?team_id=abc',
      '/1/conversations/meta?team_id=7',
    ]) {
      const res = await call(sim, 'GET', path);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: 'Resource could not be found' });
    }
  });
});
