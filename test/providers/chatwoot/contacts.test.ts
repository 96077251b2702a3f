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
