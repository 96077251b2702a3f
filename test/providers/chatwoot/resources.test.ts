import { describe, expect, test } from 'vitest';
import { call, createChatwootSim } from './helpers.ts';

describe('chatwoot contacts, inboxes, teams, agents and webhooks', () => {
  test('create contact answers payload.contact and payload.contact_inbox with a generated source_id', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/contacts', {
      inbox_id: 1,
      name: 'Sam',
      email: 'sam@x.test',
      phone_number: '+15550100002',
      custom_attributes: { tier: 'gold' },
    });
    expect(res.status).toBe(200);
    expect(res.json.payload.contact).toMatchObject({
      id: 2,
      name: 'Sam',
      custom_attributes: { tier: 'gold' },
    });
    expect(res.json.payload.contact_inbox.inbox).toMatchObject({ id: 1, channel_type: 'Channel::Api' });
    expect(res.json.payload.contact_inbox.source_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a duplicate email answers 422 Email has already been taken and creates nothing', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/contacts', { name: 'X', email: 'JANE@customer.test' });
    expect(res).toMatchObject({
      status: 422,
      json: { message: 'Email has already been taken', attributes: ['email'] },
    });
    expect((await call(sim, 'GET', '/1/contacts')).json.meta.count).toBe(1);
  });

  test('a phone number outside E.164 answers 422', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/contacts', { name: 'X', phone_number: '555-0100' });
    expect(res).toMatchObject({ status: 422, json: { message: 'Phone number should be in e164 format' } });
  });

  test('create contact with an unknown inbox answers 404', async () => {
    const sim = await createChatwootSim();
    expect((await call(sim, 'POST', '/1/contacts', { name: 'X', inbox_id: 9 })).status).toBe(404);
  });

  test('get contact answers payload with contact_inboxes and 404 when unknown', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'GET', '/1/contacts/1');
    expect(res.json.payload).toMatchObject({
      id: 1,
      name: 'Jane Customer',
      contact_inboxes: [{ source_id: 'contact-source-1', inbox: { id: 1 } }],
    });
    expect((await call(sim, 'GET', '/1/contacts/9')).status).toBe(404);
  });

  // contacts_controller.rb set_current_page: `@current_page = params[:page] || 1` (Kaminari reads it with to_i)
  test("a contact listing's current_page echoes the page parameter as given, or 1 without one", async () => {
    const sim = await createChatwootSim();
    for (let i = 0; i < 16; i++) await call(sim, 'POST', '/1/contacts', { name: `c${i}` });
    expect((await call(sim, 'GET', '/1/contacts')).json.meta).toEqual({ count: 17, current_page: 1 });
    const second = await call(sim, 'GET', '/1/contacts?page=2');
    expect(second.json.meta).toEqual({ count: 17, current_page: '2' });
    expect(second.json.payload.map((c: { id: number }) => c.id)).toEqual([16, 17]);
    const odd = await call(sim, 'GET', '/1/contacts?page=abc');
    expect(odd.json.meta.current_page).toBe('abc');
    expect(odd.json.payload).toHaveLength(15);
    expect((await call(sim, 'GET', '/1/contacts/search?q=c1&page=1')).json.meta.current_page).toBe('1');
  });

  test('search contacts matches name, email, phone and identifier', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'GET', '/1/contacts/search?q=jane-0');
    expect(res.json).toMatchObject({ meta: { count: 1, current_page: 1 }, payload: [{ id: 1 }] });
    expect((await call(sim, 'GET', '/1/contacts/search?q=nobody')).json.payload).toEqual([]);
  });

  test('search contacts without q answers 422 Specify search string with parameter q', async () => {
    const sim = await createChatwootSim();
    expect(await call(sim, 'GET', '/1/contacts/search')).toMatchObject({
      status: 422,
      json: { error: 'Specify search string with parameter q' },
    });
  });

  test('list inboxes answers payload with the API and website inboxes', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'GET', '/1/inboxes');
    expect(res.json.payload.map((i: { channel_type: string }) => i.channel_type)).toEqual([
      'Channel::Api',
      'Channel::WebWidget',
    ]);
  });

  test('an agent sees only the inboxes they are a member of', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'GET', '/1/inboxes', undefined, { api_access_token: 'chatwoot-agent-token' });
    expect(res.json.payload.map((i: { id: number }) => i.id)).toEqual([1]);
  });

  test('list teams and agents answer arrays', async () => {
    const sim = await createChatwootSim();
    expect((await call(sim, 'GET', '/1/teams')).json).toEqual([
      {
        id: 1,
        name: 'support',
        description: 'First-line support',
        allow_auto_assign: true,
        account_id: 1,
        is_member: true,
      },
    ]);
    const agents = await call(sim, 'GET', '/1/agents');
    expect(agents.json.map((a: { role: string }) => a.role)).toEqual(['administrator', 'agent']);
  });

  test('webhooks can be created, listed, updated and deleted', async () => {
    const sim = await createChatwootSim();
    const created = await call(sim, 'POST', '/1/webhooks', { url: 'https://hooks.test/a' });
    expect(created.json.payload.webhook).toMatchObject({
      id: 1,
      url: 'https://hooks.test/a',
      account_id: 1,
      subscriptions: expect.arrayContaining(['conversation_created', 'message_created']),
      secret: expect.any(String),
    });
    const updated = await call(sim, 'PATCH', '/1/webhooks/1', {
      webhook: { subscriptions: ['message_created'] },
    });
    expect(updated.json.payload.webhook).toMatchObject({
      url: 'https://hooks.test/a',
      subscriptions: ['message_created'],
    });
    expect((await call(sim, 'GET', '/1/webhooks')).json.payload).toHaveLength(1);
    expect((await call(sim, 'DELETE', '/1/webhooks/1')).status).toBe(200);
    expect((await call(sim, 'GET', '/1/webhooks')).json.payload).toEqual([]);
    expect((await call(sim, 'DELETE', '/1/webhooks/1')).status).toBe(404);
  });

  test('a webhook with an invalid url or unknown events answers 422 and is not created', async () => {
    const sim = await createChatwootSim();
    const res = await call(sim, 'POST', '/1/webhooks', { url: 'not a url', subscriptions: ['everything'] });
    expect(res).toMatchObject({
      status: 422,
      json: { message: 'Url is invalid, Subscriptions Invalid events', attributes: ['url', 'subscriptions'] },
    });
    expect((await call(sim, 'GET', '/1/webhooks')).json.payload).toEqual([]);
  });

  test('a second webhook with the same url answers 422 Url has already been taken', async () => {
    const sim = await createChatwootSim();
    await call(sim, 'POST', '/1/webhooks', { url: 'https://hooks.test/a' });
    const res = await call(sim, 'POST', '/1/webhooks', { url: 'https://hooks.test/a' });
    expect(res).toMatchObject({ status: 422, json: { message: 'Url has already been taken' } });
  });

  test('reset restores the fixtures', async () => {
    const sim = await createChatwootSim();
    await call(sim, 'POST', '/1/contacts', { name: 'Temp' });
    await sim.control.reset();
    expect((await call(sim, 'GET', '/1/contacts')).json.meta.count).toBe(1);
  });
});
