// The messages API of Chatwoot 4.12: app/finders/message_finder.rb (after, before, filter_internal_messages),
// conversations/messages_controller.rb (update via Messages::StatusUpdateService on API inboxes, destroy) and
// spec/controllers/api/v1/accounts/conversations/messages_controller_spec.rb.
import { describe, expect, test } from 'vitest';
import { call, createConversation, createHookedSim, type Json } from './helpers.ts';

async function withMessages(n: number) {
  const hooked = await createHookedSim();
  await createConversation(hooked.sim);
  for (let i = 1; i <= n; i++)
    await call(hooked.sim, 'POST', '/1/conversations/1/messages', { content: `m${i}` });
  return hooked;
}

const ids = (res: { json: Json }) => res.json.payload.map((m: Json) => m.id);

describe('chatwoot messages', () => {
  test('without params the latest 20 messages are listed, oldest first', async () => {
    const { sim } = await withMessages(25);
    const res = await call(sim, 'GET', '/1/conversations/1/messages');
    expect(ids(res)).toEqual(Array.from({ length: 20 }, (_, i) => i + 6));
  });

  test('after lists up to 100 messages newer than the id, for polling', async () => {
    const { sim } = await withMessages(25);
    expect(ids(await call(sim, 'GET', '/1/conversations/1/messages?after=22'))).toEqual([23, 24, 25]);
    expect(ids(await call(sim, 'GET', '/1/conversations/1/messages?after=25'))).toEqual([]);
  });

  test('before lists the 20 messages before the id, and after with before the ids from after up to before', async () => {
    const { sim } = await withMessages(25);
    expect(ids(await call(sim, 'GET', '/1/conversations/1/messages?before=5'))).toEqual([1, 2, 3, 4]);
    expect(ids(await call(sim, 'GET', '/1/conversations/1/messages?after=3&before=6'))).toEqual([3, 4, 5]);
  });

  test('filter_internal_messages leaves out private notes', async () => {
    const { sim } = await withMessages(2);
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'secret', private: true });
    const res = await call(sim, 'GET', '/1/conversations/1/messages?filter_internal_messages=true');
    expect(res.json.payload.map((m: Json) => m.content)).toEqual(['m1', 'm2']);
  });

  // messages_controller_spec.rb: 'updates the message status' (API inbox)
  test('a status update on an API inbox message answers the message and sends message_updated', async () => {
    const { sim, bodies } = await withMessages(1);
    const res = await call(sim, 'PATCH', '/1/conversations/1/messages/1', { status: 'read' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: 1, status: 'read' });
    await sim.control.idle();
    expect(bodies('message_updated')).toHaveLength(1);
  });

  test('failed stores external_error in content_attributes, and read never goes back to delivered', async () => {
    const { sim } = await withMessages(1);
    const failed = await call(sim, 'PATCH', '/1/conversations/1/messages/1', {
      status: 'failed',
      external_error: 'upstream down',
    });
    expect(failed.json).toMatchObject({
      status: 'failed',
      content_attributes: { external_error: 'upstream down' },
    });
    await call(sim, 'PATCH', '/1/conversations/1/messages/1', { status: 'read' });
    const back = await call(sim, 'PATCH', '/1/conversations/1/messages/1', { status: 'delivered' });
    expect(back.json.status).toBe('read');
    expect(back.json.content_attributes).toEqual({});
  });

  test('an unknown status changes nothing and sends no webhook', async () => {
    const { sim, bodies } = await withMessages(1);
    const res = await call(sim, 'PATCH', '/1/conversations/1/messages/1', { status: 'bogus' });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('sent');
    await sim.control.idle();
    expect(bodies('message_updated')).toEqual([]);
  });

  // messages_controller_spec.rb: 'returns forbidden for non-API inboxes'
  test('a status update outside an API inbox is 403 before the message is looked up', async () => {
    const { sim } = await createHookedSim();
    await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1, message: { content: 'x' } });
    const res = await call(sim, 'PATCH', '/1/conversations/1/messages/999', { status: 'read' });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ error: 'Message status update is only allowed for API inboxes' });
  });

  // messages_controller_spec.rb: 'deletes the message' (content replaced, deleted: true)
  test('deleting a message keeps it as This message was deleted with deleted true', async () => {
    const { sim, bodies } = await withMessages(1);
    const res = await call(sim, 'DELETE', '/1/conversations/1/messages/1');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: 1,
      content: 'This message was deleted',
      content_type: 'text',
      content_attributes: { deleted: true },
    });
    await sim.control.idle();
    expect(bodies('message_updated')[0]).toMatchObject({ content: 'This message was deleted' });
  });

  test('a message of another conversation is 404 on update and delete', async () => {
    const { sim } = await withMessages(1);
    await call(sim, 'POST', '/1/conversations', { source_id: 'contact-source-1', message: { content: 'y' } });
    expect((await call(sim, 'PATCH', '/1/conversations/2/messages/1', { status: 'read' })).status).toBe(404);
    expect((await call(sim, 'DELETE', '/1/conversations/2/messages/constructor')).status).toBe(404);
  });
});

// app/validators/content_attribute_validator.rb; messages_controller_spec.rb 'creates an input_select message'.
describe('chatwoot interactive messages', () => {
  test('an input_select with items is stored with its content_attributes', async () => {
    const { sim } = await withMessages(0);
    const res = await call(sim, 'POST', '/1/conversations/1/messages', {
      content: 'Pick one',
      content_type: 'input_select',
      content_attributes: { items: [{ title: 'Yes', value: 'yes' }] },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      content_type: 'input_select',
      content_attributes: { items: [{ title: 'Yes' }] },
    });
  });

  test('an interactive message without items is refused and not stored', async () => {
    const { sim } = await withMessages(0);
    const res = await call(sim, 'POST', '/1/conversations/1/messages', {
      content: 'x',
      content_type: 'form',
    });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      error: 'Validation failed: Content attributes At least one item is required.',
    });
    expect((await call(sim, 'GET', '/1/conversations/1/messages')).json.payload).toEqual([]);
  });

  test('unknown item keys and cards without actions are refused with the validator texts', async () => {
    const { sim } = await withMessages(0);
    const bad = await call(sim, 'POST', '/1/conversations/1/messages', {
      content: 'x',
      content_type: 'article',
      content_attributes: { items: [{ title: 't', colour: 'red' }] },
    });
    expect(bad.json.error).toBe(
      'Validation failed: Content attributes contains invalid keys for items : [:colour]',
    );
    const cards = await call(sim, 'POST', '/1/conversations/1/messages', {
      content: 'x',
      content_type: 'cards',
      content_attributes: { items: [{ title: 't' }] },
    });
    expect(cards.json.error).toBe('Validation failed: Content attributes contains items missing actions');
  });
});
