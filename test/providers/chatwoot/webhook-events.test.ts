// Which webhooks Chatwoot 4.12 sends for each change, with which changed_attributes, where, and how it retries:
// app/models/conversation.rb (execute_after_update_commit_callbacks, notify_status_change, list_of_keys),
// app/models/message.rb (dispatch_create_events, update_waiting_since), app/listeners/webhook_listener.rb,
// app/jobs/webhook_job.rb (retry_on ... attempts: 5), lib/webhooks/trigger.rb (X-Chatwoot-Delivery) and
// app/models/webhook.rb (validate_webhook_subscriptions); spec/controllers/api/v1/accounts/webhooks_controller_spec.rb.
import { describe, expect, test } from 'vitest';
import { call, createConversation, createHookedSim, HOOK_URL } from './helpers.ts';

describe('chatwoot webhook events', () => {
  test('resolving sends conversation_status_changed with only status, then conversation_updated with status and updated_at', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await sim.control.advance('1s');
    await call(sim, 'POST', '/1/conversations/1/toggle_status', { status: 'resolved' });
    await sim.control.idle();
    const [changed] = bodies('conversation_status_changed');
    expect(changed.changed_attributes).toEqual([
      { status: { previous_value: 'open', current_value: 'resolved' } },
    ]);
    const [updated] = bodies('conversation_updated');
    expect(updated.changed_attributes).toEqual([
      { status: { previous_value: 'open', current_value: 'resolved' } },
      {
        updated_at: { previous_value: '2025-01-01T00:00:00.000Z', current_value: '2025-01-01T00:00:01.000Z' },
      },
    ]);
  });

  test("an agent's first reply sends conversation_updated with first_reply_created_at and waiting_since", async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await sim.control.advance('5s');
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'hello' });
    await sim.control.idle();
    const [updated] = bodies('conversation_updated');
    expect(updated.changed_attributes).toEqual([
      { first_reply_created_at: { previous_value: null, current_value: '2025-01-01T00:00:05.000Z' } },
      { waiting_since: { previous_value: '2025-01-01T00:00:00.000Z', current_value: null } },
      {
        updated_at: { previous_value: '2025-01-01T00:00:05.000Z', current_value: '2025-01-01T00:00:05.000Z' },
      },
    ]);
    expect(updated.first_reply_created_at).toBe('2025-01-01T00:00:05.000Z');
    expect(updated.waiting_since).toBe(0);
  });

  test('an incoming message after a reply sets waiting_since again, and a private note changes nothing', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'reply' });
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'note', private: true });
    await sim.control.advance('7s');
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'more', message_type: 'incoming' });
    await sim.control.idle();
    const updates = bodies('conversation_updated');
    expect(updates).toHaveLength(2);
    expect(updates[1].changed_attributes[0]).toEqual({
      waiting_since: { previous_value: null, current_value: '2025-01-01T00:00:07.000Z' },
    });
  });

  test('assigning an agent sends conversation_updated with assignee_id and updated_at, and no status change', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/assignments', { assignee_id: 2 });
    await sim.control.idle();
    expect(bodies('conversation_status_changed')).toEqual([]);
    const [updated] = bodies('conversation_updated');
    expect(updated.changed_attributes.map((c: object) => Object.keys(c)[0])).toEqual([
      'assignee_id',
      'updated_at',
    ]);
    expect(updated.meta.assignee_type).toBe('User');
  });

  test('a failing webhook is retried 4 times after 3, 18, 83 and 258 s with the same X-Chatwoot-Delivery', async () => {
    const { sim, recorder } = await createHookedSim({ subscriptions: ['conversation_created'] });
    recorder.respondWith(500);
    await createConversation(sim);
    await sim.control.idle();
    await sim.control.advance('10m');
    await sim.control.idle();
    const [delivery] = sim.control.deliveries({ type: 'conversation_created' });
    expect(delivery!.state).toBe('failed');
    const times = delivery!.attempts.map((a) => (a.time - delivery!.attempts[0]!.time) / 1000);
    expect(times).toEqual([0, 3, 21, 104, 362]);
    const ids = new Set(delivery!.attempts.map((a) => a.headers['X-Chatwoot-Delivery']));
    expect(ids.size).toBe(1);
    expect(recorder.sent.filter((r) => r.url === HOOK_URL)).toHaveLength(5);
  });

  test('a webhook that succeeds on a retry is delivered once more with the same delivery id and a new timestamp', async () => {
    const { sim, recorder } = await createHookedSim({ subscriptions: ['conversation_created'] });
    let calls = 0;
    recorder.respondWith(() => (++calls === 1 ? 503 : 200));
    await createConversation(sim);
    await sim.control.idle();
    await sim.control.advance('5s');
    await sim.control.idle();
    const [first, second] = recorder.sent;
    expect(second!.headers['X-Chatwoot-Delivery']).toBe(first!.headers['X-Chatwoot-Delivery']);
    expect(Number(second!.headers['X-Chatwoot-Timestamp'])).toBe(
      Number(first!.headers['X-Chatwoot-Timestamp']) + 3,
    );
    expect(sim.control.deliveries({ type: 'conversation_created' })[0]!.state).toBe('delivered');
  });

  // spec/controllers/api/v1/accounts/webhooks_controller_spec.rb: 'throws error if subscription events are invalid'
  test('a webhook with an empty subscriptions list is refused with Subscriptions Invalid events and not created', async () => {
    const { sim } = await createHookedSim();
    const res = await call(sim, 'POST', '/1/webhooks', { url: 'https://example.test/h', subscriptions: [] });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ message: 'Subscriptions Invalid events', attributes: ['subscriptions'] });
    expect((await call(sim, 'GET', '/1/webhooks')).json.payload).toHaveLength(1);
  });

  // webhooks_controller_spec.rb: 'throws error when invalid url provided' / 'throws error if subscription events are invalid'
  test('a webhook with an unknown event is refused and one without subscriptions gets the eight default events', async () => {
    const { sim } = await createHookedSim();
    const bad = await call(sim, 'POST', '/1/webhooks', {
      webhook: { url: 'https://example.test/h', subscriptions: ['conversation_random_event'] },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.message).toBe('Subscriptions Invalid events');
    const ok = await call(sim, 'POST', '/1/webhooks', { webhook: { url: 'https://example.test/h' } });
    expect(ok.json.payload.webhook.subscriptions).toEqual([
      'conversation_status_changed',
      'conversation_updated',
      'conversation_created',
      'contact_created',
      'contact_updated',
      'message_created',
      'message_updated',
      'webwidget_triggered',
    ]);
  });

  // app/models/contact.rb: webhook_data has no `type` (push_event_data has `type: 'contact'`).
  test('contact webhook data carries no type, unlike the contact push data in conversation meta', async () => {
    const { sim, bodies } = await createHookedSim();
    await call(sim, 'POST', '/1/contacts', { name: 'New' });
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'hi', message_type: 'incoming' });
    await sim.control.idle();
    expect(bodies('contact_created')[0]).not.toHaveProperty('type');
    const [message] = bodies('message_created');
    expect(message.sender).toMatchObject({ id: 1, name: 'Jane Customer' });
    expect(message.sender).not.toHaveProperty('type');
    expect(message.conversation.meta.sender.type).toBe('contact');
  });
});
