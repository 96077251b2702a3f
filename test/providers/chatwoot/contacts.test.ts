// Contact updates as Chatwoot 4.12 answers them: contacts_controller.rb#update (merged attributes, Contact
// validations), WebhookListener#contact_updated, contacts/conversations_controller.rb,
// contacts/contact_inboxes_controller.rb and spec/controllers/api/v1/accounts/contacts_controller_spec.rb.
import { describe, expect, test } from 'vitest';
import { call, createConversation, createHookedSim } from './helpers.ts';

describe('chatwoot contacts', () => {
  // contacts_controller_spec.rb: 'updates the contact'
  test('an update merges custom attributes, answers the contact and sends contact_updated with the changes', async () => {
    const { sim, bodies } = await createHookedSim();
    await call(sim, 'PATCH', '/1/contacts/1', { custom_attributes: { plan: 'gold' } });
    const res = await call(sim, 'PUT', '/1/contacts/1', { name: 'Jane C.', custom_attributes: { tier: 2 } });
    expect(res.status).toBe(200);
    expect(res.json.payload).toMatchObject({ name: 'Jane C.', custom_attributes: { plan: 'gold', tier: 2 } });
    await sim.control.idle();
    const [, second] = bodies('contact_updated');
    expect(second.changed_attributes.map((c: object) => Object.keys(c)[0])).toEqual([
      'name',
      'custom_attributes',
      'updated_at',
    ]);
    expect(second).toMatchObject({ event: 'contact_updated', id: 1, name: 'Jane C.' });
  });

  // contacts_controller_spec.rb: 'prevents the update of contact of email if already exists'
  test('an e-mail another contact has is refused with 422 and changes nothing', async () => {
    const { sim, bodies } = await createHookedSim();
    await call(sim, 'POST', '/1/contacts', { name: 'Other', email: 'other@x.test' });
    const res = await call(sim, 'PATCH', '/1/contacts/1', { email: 'OTHER@x.test', name: 'Changed' });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ message: 'Email has already been taken', attributes: ['email'] });
    expect((await call(sim, 'GET', '/1/contacts/1')).json.payload.name).toBe('Jane Customer');
    await sim.control.idle();
    expect(bodies('contact_updated')).toEqual([]);
  });

  test('an update that changes nothing sends no contact_updated', async () => {
    const { sim, bodies } = await createHookedSim();
    await call(sim, 'PATCH', '/1/contacts/1', { name: 'Jane Customer' });
    await sim.control.idle();
    expect(bodies('contact_updated')).toEqual([]);
  });

  test("a contact's conversations are listed newest first; an unknown contact is 404", async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1 });
    const res = await call(sim, 'GET', '/1/contacts/1/conversations');
    expect(res.json.payload.map((c: { id: number }) => c.id)).toEqual([2, 1]);
    const agent = await call(sim, 'GET', '/1/contacts/1/conversations', undefined, {
      api_access_token: 'chatwoot-agent-token',
    });
    expect(agent.json.payload.map((c: { id: number }) => c.id)).toEqual([1]);
    expect((await call(sim, 'GET', '/1/contacts/toString/conversations')).status).toBe(404);
  });

  test('a contact inbox is created with the given source id or a new one, and a taken source id is 422', async () => {
    const { sim } = await createHookedSim();
    const created = await call(sim, 'POST', '/1/contacts/1/contact_inboxes', {
      inbox_id: 2,
      source_id: 'web-1',
    });
    expect(created.json).toMatchObject({ source_id: 'web-1', inbox: { id: 2, name: 'Website' } });
    await call(sim, 'POST', '/1/contacts', { name: 'Other' });
    const taken = await call(sim, 'POST', '/1/contacts/2/contact_inboxes', {
      inbox_id: 2,
      source_id: 'web-1',
    });
    expect(taken.status).toBe(422);
    expect(taken.json).toEqual({ error: 'source_id should be unique' });
    expect((await call(sim, 'POST', '/1/contacts/1/contact_inboxes', { inbox_id: 99 })).status).toBe(404);
  });
});

// contacts_controller.rb#destroy, ContactPolicy#destroy?, Contact `dependent: :destroy_async`;
// spec/controllers/api/v1/accounts/contacts_controller_spec.rb 'DELETE /api/v1/accounts/{account.id}/contacts/:id'.
describe('chatwoot contact delete', () => {
  const AGENT = { api_access_token: 'chatwoot-agent-token' };
  const BOT = { api_access_token: 'chatwoot-bot-token' };

  test('an administrator deletes a contact with its conversations, messages and contact inboxes, and no webhook is sent', async () => {
    // 'deletes the contact for administrator user'
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'hello' });
    const other = await call(sim, 'POST', '/1/contacts', { name: 'Other', email: 'o@x.test', inbox_id: 1 });
    const before = bodies().length;
    const res = await call(sim, 'DELETE', '/1/contacts/1');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await sim.control.idle();
    expect(bodies().length).toBe(before);
    expect((await call(sim, 'GET', '/1/contacts/1')).status).toBe(404);
    expect((await call(sim, 'GET', '/1/conversations/1')).status).toBe(404);
    expect((await call(sim, 'GET', '/1/conversations?status=all')).json.data.meta.all_count).toBe(0);
    expect((await call(sim, 'GET', '/1/conversations?source_id=contact-source-1')).json.data.payload).toEqual(
      [],
    );
    const list = await call(sim, 'GET', '/1/contacts');
    expect(list.json.meta.count).toBe(1);
    expect(list.json.payload.map((c: { id: number }) => c.id)).toEqual([other.json.payload.contact.id]);
    // The e-mail and source id are free again.
    const again = await call(sim, 'POST', '/1/contacts', {
      name: 'Jane again',
      email: 'jane@customer.test',
      inbox_id: 1,
      source_id: 'contact-source-1',
    });
    expect(again.status).toBe(200);
    expect((await createConversation(sim)).id).toBe(2);
  });

  test('an agent or a bot deleting a contact gets 401 and nothing changes', async () => {
    // 'returns unauthorized for agent user'; the policy is checked before the contact is looked up.
    const sim = (await createHookedSim()).sim;
    for (const headers of [AGENT, BOT]) {
      for (const id of ['1', '999', 'constructor']) {
        const res = await call(sim, 'DELETE', `/1/contacts/${id}`, undefined, headers);
        expect(res.status).toBe(401);
      }
    }
    expect((await call(sim, 'GET', '/1/contacts/1')).status).toBe(200);
    expect((await call(sim, 'DELETE', '/1/contacts/1', undefined, {})).status).toBe(401);
  });

  test('deleting an unknown contact answers 404 Resource could not be found', async () => {
    const sim = (await createHookedSim()).sim;
    for (const id of ['999', '__proto__', 'toString', 'abc']) {
      const res = await call(sim, 'DELETE', `/1/contacts/${id}`);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: 'Resource could not be found' });
    }
    expect((await call(sim, 'GET', '/1/contacts/1')).status).toBe(200);
  });
});
