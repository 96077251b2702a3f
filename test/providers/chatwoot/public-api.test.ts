// The Client (public) API for custom widgets: app/controllers/public/api/v1/inboxes/*_controller.rb and
// app/views/public/api/v1/models/_{contact,conversation,message}.json.jbuilder (Chatwoot 4.12). The API inbox's
// identifier is `inbox-1` (the inbox partial's inbox_identifier).
import { describe, expect, test } from 'vitest';
import type { Simulator } from '../../../src/simulator.ts';
import { createHookedSim, type Json } from './helpers.ts';

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
});
