// The Client (public) API for custom widgets: app/controllers/public/api/v1/inboxes/*_controller.rb and
// app/views/public/api/v1/models/_{contact,conversation,message}.json.jbuilder (Chatwoot 4.12). The API inbox's
// identifier is `inbox-1` (the inbox partial's inbox_identifier).
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Simulator } from '../../../src/simulator.ts';
import { call, createHookedSim, type Json } from './helpers.ts';

const BASE = '/public/api/v1/inboxes/inbox-1';

async function send(sim: Simulator, method: string, path: string, body?: unknown) {
  const res = await sim.app.request(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

describe('chatwoot client API', () => {
  test('a widget creates a contact, a conversation and a message, and reads them back', async () => {
    const { sim, bodies } = await createHookedSim();
    const contact = await send(sim, 'POST', `${BASE}/contacts`, { name: 'Visitor', email: 'v@x.test' });
    expect(contact.status).toBe(200);
    expect(contact.json).toMatchObject({ id: 2, name: 'Visitor', email: 'v@x.test' });
    const sourceId = contact.json.source_id as string;
    expect((await send(sim, 'GET', `${BASE}/contacts/${sourceId}`)).json.id).toBe(2);
    const conv = await send(sim, 'POST', `${BASE}/contacts/${sourceId}/conversations`, {});
    expect(conv.json).toMatchObject({ id: 1, inbox_id: 1, status: 'open', messages: [], contact: { id: 2 } });
    const msg = await send(sim, 'POST', `${BASE}/contacts/${sourceId}/conversations/1/messages`, {
      content: 'hi',
    });
    expect(msg.json).toMatchObject({
      content: 'hi',
      message_type: 0,
      conversation_id: 1,
      sender: { id: 2, type: 'contact' },
    });
    const list = await send(sim, 'GET', `${BASE}/contacts/${sourceId}/conversations/1/messages`);
    expect(list.json.map((m: { content: string }) => m.content)).toEqual(['hi']);
    expect((await send(sim, 'GET', `${BASE}/contacts/${sourceId}/conversations`)).json).toHaveLength(1);
    await sim.control.idle();
    expect(bodies().map((b) => b.event)).toEqual([
      'contact_created',
      'conversation_created',
      'message_created',
    ]);
  });

  test('an unknown inbox identifier, a non-API inbox, an unknown contact or conversation is 404', async () => {
    const { sim } = await createHookedSim();
    expect((await send(sim, 'GET', '/public/api/v1/inboxes/inbox-9/contacts/x')).status).toBe(404);
    expect((await send(sim, 'GET', '/public/api/v1/inboxes/inbox-2/contacts/x')).status).toBe(404);
    expect((await send(sim, 'GET', `${BASE}/contacts/__proto__`)).json).toEqual({
      error: 'Resource could not be found',
    });
    expect(
      (await send(sim, 'GET', `${BASE}/contacts/contact-source-1/conversations/7/messages`)).status,
    ).toBe(404);
  });

  test('a message without content is refused and not stored', async () => {
    const { sim } = await createHookedSim();
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations`, {});
    const res = await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations/1/messages`, {});
    expect(res.status).toBe(422);
    expect(
      (await send(sim, 'GET', `${BASE}/contacts/contact-source-1/conversations/1/messages`)).json,
    ).toEqual([]);
  });

  // Ported from spec/controllers/public/api/v1/inbox/contacts_controller_spec.rb.
  test('contact create answers the source id and pubsub token and persists the identifier', async () => {
    const { sim } = await createHookedSim();
    const res = await send(sim, 'POST', `${BASE}/contacts`, {});
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(
      expect.arrayContaining(['email', 'id', 'name', 'phone_number', 'pubsub_token', 'source_id']),
    );
    // Haikunator name when none is given.
    expect(res.json.name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
    await send(sim, 'POST', `${BASE}/contacts`, { identifier: 'contact-identifier' });
    expect((await call(sim, 'GET', '/1/contacts/search?q=contact-identifier')).json.payload).toHaveLength(1);
  });

  test('contact create merges into the contact with the same identifier, e-mail or phone number', async () => {
    const { sim, bodies } = await createHookedSim();
    const byIdentifier = await send(sim, 'POST', `${BASE}/contacts`, {
      identifier: 'jane-001',
      name: 'Other',
    });
    expect(byIdentifier.json).toMatchObject({ id: 1, name: 'Jane Customer' });
    expect(byIdentifier.json.source_id).not.toBe('contact-source-1');
    const byEmail = await send(sim, 'POST', `${BASE}/contacts`, { email: 'JANE@customer.test' });
    expect(byEmail.json.id).toBe(1);
    const byPhone = await send(sim, 'POST', `${BASE}/contacts`, { phone_number: '+15550100001' });
    expect(byPhone.json.id).toBe(1);
    await sim.control.idle();
    expect(bodies('contact_created')).toEqual([]);
  });

  test('contact create with a source_id already in the inbox answers that contact inbox', async () => {
    const { sim } = await createHookedSim();
    const res = await send(sim, 'POST', `${BASE}/contacts`, { source_id: 'contact-source-1', name: 'X' });
    expect(res.json).toMatchObject({ id: 1, source_id: 'contact-source-1', name: 'Jane Customer' });
  });

  test('contact create with an invalid e-mail is 422 and creates nothing', async () => {
    const { sim } = await createHookedSim();
    const before = JSON.stringify(sim.control.state('chatwoot'));
    const res = await send(sim, 'POST', `${BASE}/contacts`, { email: 'not-an-email' });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ message: 'Email Invalid email', attributes: ['email'] });
    expect(JSON.stringify(sim.control.state('chatwoot'))).toBe(before);
  });

  test('an inbox enforcing identity validation refuses a missing or wrong identifier_hash', async () => {
    const { sim } = await createHookedSim({
      fixtures: {
        inboxes: [
          {
            id: 1,
            account_id: 1,
            name: 'API Inbox',
            channel_type: 'Channel::Api',
            hmac_token: 'tok',
            hmac_mandatory: true,
          },
        ],
      },
    });
    const refused = { error: 'HMAC failed: Invalid Identifier Hash Provided' };
    const missing = await send(sim, 'POST', `${BASE}/contacts`, { identifier: 'u-1' });
    expect([missing.status, missing.json]).toEqual([401, refused]);
    const wrong = await send(sim, 'POST', `${BASE}/contacts`, { identifier: 'u-1', identifier_hash: 'abc' });
    expect([wrong.status, wrong.json]).toEqual([401, refused]);
    const hash = createHmac('sha256', 'tok').update('u-1').digest('hex');
    const ok = await send(sim, 'POST', `${BASE}/contacts`, { identifier: 'u-1', identifier_hash: hash });
    expect(ok.status).toBe(200);
    expect((await send(sim, 'GET', `${BASE}/contacts/contact-source-1`)).status).toBe(401);
  });

  test('a valid identifier_hash verifies the contact inbox, which then sees all the contact conversations', async () => {
    const { sim } = await createHookedSim({
      fixtures: {
        inboxes: [
          { id: 1, account_id: 1, name: 'API Inbox', channel_type: 'Channel::Api', hmac_token: 'tok' },
        ],
      },
    });
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations`, {});
    const other = (await send(sim, 'POST', `${BASE}/contacts`, { identifier: 'jane-001' })).json.source_id;
    expect((await send(sim, 'GET', `${BASE}/contacts/${other}/conversations`)).json).toEqual([]);
    expect((await send(sim, 'GET', `${BASE}/contacts/${other}/conversations/1/messages`)).status).toBe(200);
    const hash = createHmac('sha256', 'tok').update('jane-001').digest('hex');
    const verified = await send(
      sim,
      'GET',
      `${BASE}/contacts/${other}?identifier=jane-001&identifier_hash=${hash}`,
    );
    expect(verified.status).toBe(200);
    expect((await send(sim, 'GET', `${BASE}/contacts/${other}/conversations`)).json).toHaveLength(1);
    expect((await send(sim, 'GET', `${BASE}/contacts/${other}/conversations/1`)).json.id).toBe(1);
  });

  // Ported from contacts_controller_spec.rb 'PATCH': 'updates a contact when present', 'does not expose internal columns'.
  test('contact update changes the name and answers the public contact only', async () => {
    const { sim, bodies } = await createHookedSim();
    const res = await send(sim, 'PATCH', `${BASE}/contacts/contact-source-1`, {
      name: 'John Smith',
      identifier: 'ignored',
      custom_attributes: { tier: 'vip' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      source_id: 'contact-source-1',
      pubsub_token: expect.any(String),
      id: 1,
      name: 'John Smith',
      email: 'jane@customer.test',
      phone_number: '+15550100001',
    });
    const contact = (await call(sim, 'GET', '/1/contacts/1')).json.payload;
    expect(contact).toMatchObject({ identifier: 'jane-001', custom_attributes: { tier: 'vip' } });
    await sim.control.idle();
    expect(bodies('contact_updated')).toHaveLength(1);
  });

  test('contact update keeps blank values and another contact e-mail out, and refuses an invalid e-mail', async () => {
    const { sim } = await createHookedSim();
    await call(sim, 'POST', '/1/contacts', { name: 'Other', email: 'other@x.test' });
    const res = await send(sim, 'PATCH', `${BASE}/contacts/contact-source-1`, {
      name: '',
      email: 'other@x.test',
    });
    expect(res.json).toMatchObject({ name: 'Jane Customer', email: 'jane@customer.test' });
    const before = JSON.stringify(sim.control.state('chatwoot'));
    const bad = await send(sim, 'PATCH', `${BASE}/contacts/contact-source-1`, { email: 'nope' });
    expect([bad.status, bad.json]).toEqual([422, { message: 'Email Invalid email', attributes: ['email'] }]);
    expect(JSON.stringify(sim.control.state('chatwoot'))).toBe(before);
  });

  // Ported from conversations_controller_spec.rb.
  test('a created conversation keeps custom attributes but no additional attributes', async () => {
    const { sim } = await createHookedSim();
    const res = await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations`, {
      custom_attributes: { test: 'test' },
      additional_attributes: { test: 'test' },
    });
    expect(res.json.id).toBe(1);
    const conv = (await call(sim, 'GET', '/1/conversations/1')).json;
    expect(conv.custom_attributes).toEqual({ test: 'test' });
    expect(conv.additional_attributes).toEqual({});
  });

  test('the conversation list shows no private or activity message', async () => {
    const { sim } = await createHookedSim();
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations`, {});
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'message-1' });
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'private-message-1', private: true });
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations/1/toggle_status`, {});
    const list = (await send(sim, 'GET', `${BASE}/contacts/contact-source-1/conversations`)).json;
    expect(list[0].messages.map((m: Json) => m.content)).toEqual(['message-1']);
  });

  test('toggle_status resolves the conversation as the contact, with its webhooks and activity message', async () => {
    const { sim, bodies } = await createHookedSim();
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations`, {});
    const res = await send(
      sim,
      'POST',
      `${BASE}/contacts/contact-source-1/conversations/1/toggle_status`,
      {},
    );
    expect(res.json).toMatchObject({ id: 1, status: 'resolved' });
    const again = await send(
      sim,
      'POST',
      `${BASE}/contacts/contact-source-1/conversations/1/toggle_status`,
      {},
    );
    expect(again.json.status).toBe('resolved');
    await sim.control.idle();
    expect(bodies('conversation_status_changed')).toHaveLength(1);
    const messages = (await call(sim, 'GET', '/1/conversations/1/messages')).json.payload;
    // contact_resolved, with the name as Ruby's String#capitalize leaves it.
    expect(messages.map((m: Json) => [m.content, m.message_type])).toEqual([
      ['Conversation was resolved by Jane customer', 2],
    ]);
  });

  test('toggle_typing on and off sends the typing webhooks with the contact as user; other values nothing', async () => {
    const { sim, bodies } = await createHookedSim();
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations`, {});
    const path = `${BASE}/contacts/contact-source-1/conversations/1/toggle_typing`;
    expect(
      (await sim.app.request(path, { method: 'POST', body: new URLSearchParams({ typing_status: 'on' }) }))
        .status,
    ).toBe(200);
    for (const typing_status of ['recording', 'off']) {
      const res = await sim.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ typing_status }),
      });
      expect(res.status).toBe(200);
    }
    await sim.control.idle();
    expect(
      bodies()
        .map((b) => b.event)
        .filter((e) => e.startsWith('conversation_typing')),
    ).toEqual(['conversation_typing_on', 'conversation_typing_off']);
    expect(bodies('conversation_typing_on')[0]).toMatchObject({
      user: { id: 1, name: 'Jane Customer', account: { id: 1 } },
      is_private: false,
      conversation: { id: 1 },
    });
  });

  test('update_last_seen sets contact_last_seen_at and marks the agents messages read with message_updated', async () => {
    const { sim, bodies } = await createHookedSim();
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations`, {});
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations/1/messages`, { content: 'hi' });
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'hello' });
    await sim.control.advance('5s');
    const res = await sim.app.request(`${BASE}/contacts/contact-source-1/conversations/1/update_last_seen`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    const conv = (await send(sim, 'GET', `${BASE}/contacts/contact-source-1/conversations/1`)).json;
    expect(conv.contact_last_seen_at).toBeGreaterThan(0);
    const statuses = (await call(sim, 'GET', '/1/conversations/1/messages')).json.payload.map((m: Json) => [
      m.content,
      m.status,
    ]);
    expect(statuses).toEqual([
      ['hi', 'sent'],
      ['hello', 'read'],
    ]);
    await sim.control.idle();
    expect(bodies('message_updated').map((b) => [b.content, b.event])).toEqual([
      ['hello', 'message_updated'],
    ]);
  });

  // Ported from messages_controller_spec.rb 'updates a message in the conversation'.
  test('a message update stores the submitted values and sends message_updated', async () => {
    const { sim, bodies } = await createHookedSim();
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations`, {});
    const created = await call(sim, 'POST', '/1/conversations/1/messages', {
      content: 'Pick one',
      content_type: 'input_select',
      content_attributes: { items: [{ title: 'A', value: 'a' }] },
    });
    const path = `${BASE}/contacts/contact-source-1/conversations/1/messages/${created.json.id}`;
    const res = await send(sim, 'PATCH', path, {
      submitted_values: [{ title: 'test', value: 'a', extra: 1 }, 'x'],
    });
    expect(res.status).toBe(200);
    expect(res.json.content_attributes.submitted_values).toEqual([{ title: 'test', value: 'a' }]);
    expect(res.json.content_attributes.items).toEqual([{ title: 'A', value: 'a' }]);
    await send(sim, 'PATCH', path, { submitted_values: [{ title: 'test', value: 'a' }] });
    await sim.control.idle();
    expect(bodies('message_updated')).toHaveLength(1);
    expect(bodies('message_updated')[0].content_attributes.submitted_values).toEqual([
      { title: 'test', value: 'a' },
    ]);
  });

  test('a message update of another conversation message is 404 and one without submitted_values changes nothing', async () => {
    const { sim } = await createHookedSim();
    await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations`, {});
    const m = (
      await send(sim, 'POST', `${BASE}/contacts/contact-source-1/conversations/1/messages`, { content: 'a' })
    ).json;
    const before = JSON.stringify(sim.control.state('chatwoot'));
    const base = `${BASE}/contacts/contact-source-1/conversations/1/messages`;
    expect((await send(sim, 'PATCH', `${base}/999`, { submitted_values: [] })).json).toEqual({
      error: 'Resource could not be found',
    });
    expect((await send(sim, 'PATCH', `${base}/constructor`, { submitted_values: [] })).status).toBe(404);
    expect((await send(sim, 'PATCH', `${base}/${m.id}`, { submitted_values: 'x' })).status).toBe(200);
    expect(JSON.stringify(sim.control.state('chatwoot'))).toBe(before);
  });
});
