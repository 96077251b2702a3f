import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { startReceiver } from '../../support/receiver.ts';
import { call, createChatwootSim, createConversation, type Json } from './helpers.ts';

async function setup(options: { subscriptions?: string[]; providerOptions?: Record<string, unknown> } = {}) {
  const receiver = await startReceiver();
  const sim = await createChatwootSim(
    options.providerOptions ? { providerOptions: { chatwoot: options.providerOptions } } : {},
  );
  const created = await call(sim, 'POST', '/1/webhooks', {
    url: `${receiver.url}/hook`,
    subscriptions: options.subscriptions ?? [
      'conversation_created',
      'conversation_status_changed',
      'conversation_updated',
      'message_created',
      'conversation_typing_on',
      'conversation_typing_off',
      'contact_created',
    ],
  });
  expect(created.status).toBe(200);
  return { sim, receiver, webhook: created.json.payload.webhook, close: () => receiver.close() };
}

const events = (r: { requests: Array<{ json: unknown }> }) =>
  r.requests.map((q) => (q.json as { event: string }).event);

describe('chatwoot webhooks', () => {
  test('conversation_created is posted to subscribed account webhooks with the conversation payload', async () => {
    const { sim, receiver, close } = await setup();
    try {
      await createConversation(sim);
      await sim.control.idle();
      const req = receiver.requests.find((r) => (r.json as Json).event === 'conversation_created')!;
      expect(req.headers['content-type']).toContain('application/json');
      expect(req.json).toMatchObject({
        event: 'conversation_created',
        id: 1,
        inbox_id: 1,
        channel: 'Channel::Api',
        status: 'open',
        contact_inbox: { source_id: 'contact-source-1', contact_id: 1, inbox_id: 1 },
        meta: { sender: { id: 1, type: 'contact' } },
        messages: [],
      });
    } finally {
      await close();
    }
  });

  test('message_created carries a string message_type, an ISO created_at, sender, inbox, account and conversation', async () => {
    const { sim, receiver, close } = await setup();
    try {
      await createConversation(sim, { message: { content: 'hello' } });
      await sim.control.idle();
      const msg = receiver.requests.find((r) => (r.json as Json).event === 'message_created')!.json as Json;
      expect(msg).toMatchObject({
        event: 'message_created',
        content: 'hello',
        message_type: 'outgoing',
        created_at: '2025-01-01T00:00:00.000Z',
        private: false,
        sender: { id: 1, name: 'Alice Admin', email: 'alice@acme.test', type: 'user' },
        inbox: { id: 1, name: 'API Inbox' },
        account: { id: 1, name: 'Acme Inc' },
        conversation: { id: 1, messages: [{ message_type: 1, content: 'hello' }] },
      });
      // The initial message is the agent's first reply: conversation_updated reports first_reply_created_at.
      expect(events(receiver)).toEqual(['conversation_created', 'message_created', 'conversation_updated']);
    } finally {
      await close();
    }
  });

  test('toggle_status sends conversation_status_changed then conversation_updated with changed_attributes', async () => {
    const { sim, receiver, close } = await setup();
    try {
      await createConversation(sim);
      await call(sim, 'POST', '/1/conversations/1/toggle_status', { status: 'resolved' });
      await sim.control.idle();
      expect(events(receiver)).toEqual([
        'conversation_created',
        'conversation_status_changed',
        'conversation_updated',
      ]);
      expect(receiver.requests[1]!.json).toMatchObject({
        status: 'resolved',
        changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }],
      });
    } finally {
      await close();
    }
  });

  test('assignment sends conversation_updated with the assignee_id change', async () => {
    const { sim, receiver, close } = await setup();
    try {
      await createConversation(sim);
      await call(sim, 'POST', '/1/conversations/1/assignments', { assignee_id: 2 });
      await sim.control.idle();
      const upd = receiver.requests.find((r) => (r.json as Json).event === 'conversation_updated')!
        .json as Json;
      // previous_changes also holds updated_at (BaseListener#extract_changed_attributes maps every change).
      expect(upd.changed_attributes[0]).toEqual({ assignee_id: { previous_value: null, current_value: 2 } });
      expect(Object.keys(upd.changed_attributes[1])).toEqual(['updated_at']);
      expect(upd.meta.assignee).toMatchObject({ id: 2, type: 'user' });
    } finally {
      await close();
    }
  });

  test('toggle_typing_status sends conversation_typing_on and conversation_typing_off', async () => {
    const { sim, receiver, close } = await setup();
    try {
      await createConversation(sim);
      expect(
        (await call(sim, 'POST', '/1/conversations/1/toggle_typing_status', { typing_status: 'on' })).status,
      ).toBe(200);
      await call(sim, 'POST', '/1/conversations/1/toggle_typing_status', { typing_status: 'off' });
      await sim.control.idle();
      expect(events(receiver)).toEqual([
        'conversation_created',
        'conversation_typing_on',
        'conversation_typing_off',
      ]);
      expect(receiver.requests[1]!.json).toMatchObject({
        user: { id: 1, type: 'user' },
        conversation: { id: 1 },
        is_private: false,
      });
    } finally {
      await close();
    }
  });

  test('a webhook receives only the events it subscribes to', async () => {
    const { sim, receiver, close } = await setup({ subscriptions: ['message_created'] });
    try {
      await createConversation(sim, { message: { content: 'x' } });
      await sim.control.idle();
      expect(events(receiver)).toEqual(['message_created']);
    } finally {
      await close();
    }
  });

  test('deliveries are signed with X-Chatwoot-Signature over timestamp.body with the webhook secret', async () => {
    const { sim, receiver, webhook, close } = await setup();
    try {
      await createConversation(sim);
      await sim.control.idle();
      const req = receiver.requests[0]!;
      const ts = req.headers['x-chatwoot-timestamp']!;
      expect(ts).toBe('1735689600');
      const expected = createHmac('sha256', webhook.secret).update(`${ts}.${req.body}`).digest('hex');
      expect(req.headers['x-chatwoot-signature']).toBe(`sha256=${expected}`);
      expect(req.headers['x-chatwoot-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await close();
    }
  });

  test('signWebhooks false sends no signature headers as older Chatwoot releases', async () => {
    const { sim, receiver, close } = await setup({ providerOptions: { signWebhooks: false } });
    try {
      await createConversation(sim);
      await sim.control.idle();
      expect(receiver.requests[0]!.headers['x-chatwoot-signature']).toBeUndefined();
      expect(receiver.requests[0]!.headers['x-chatwoot-delivery']).toBeUndefined();
    } finally {
      await close();
    }
  });

  test('an API inbox webhook_url receives every event of its inbox, signed with the inbox secret', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createChatwootSim({
        fixtures: {
          inboxes: [
            {
              id: 1,
              account_id: 1,
              name: 'API Inbox',
              channel_type: 'Channel::Api',
              webhook_url: `${receiver.url}/inbox`,
              secret: 'inbox-secret',
              member_ids: [1, 2],
            },
          ],
        },
      });
      await createConversation(sim, { message: { content: 'hi' } });
      await call(sim, 'POST', '/1/conversations/1/toggle_status', {});
      await sim.control.idle();
      expect(events(receiver)).toEqual([
        'conversation_created',
        'message_created',
        'conversation_updated',
        'conversation_status_changed',
        'conversation_updated',
      ]);
      const req = receiver.requests[0]!;
      const ts = req.headers['x-chatwoot-timestamp'];
      const expected = createHmac('sha256', 'inbox-secret').update(`${ts}.${req.body}`).digest('hex');
      expect(req.headers['x-chatwoot-signature']).toBe(`sha256=${expected}`);
    } finally {
      await receiver.close();
    }
  });

  test('a website inbox has no webhook_url deliveries', async () => {
    const { sim, receiver, close } = await setup({ subscriptions: ['conversation_created'] });
    try {
      await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1 });
      await sim.control.idle();
      expect(receiver.requests.map((r) => r.path)).toEqual(['/hook']);
    } finally {
      await close();
    }
  });

  test('a failed message_created to an API inbox webhook marks the message failed and sends message_updated', async () => {
    const receiver = await startReceiver({ respond: 500 });
    try {
      const sim = await createChatwootSim({
        fixtures: {
          inboxes: [
            {
              id: 1,
              account_id: 1,
              name: 'API Inbox',
              channel_type: 'Channel::Api',
              webhook_url: `${receiver.url}/inbox`,
              member_ids: [1],
            },
          ],
        },
      });
      await createConversation(sim, { message: { content: 'hi' } });
      await sim.control.idle();
      // WebhookJob retries 4 times (3 s, 18 s, 83 s, 258 s) before Webhooks::ErrorHandler marks the message failed;
      // the conversation's earlier events to the same URL are retried first (one lane per conversation).
      expect((await call(sim, 'GET', '/1/conversations/1/messages')).json.payload[0].status).toBe('sent');
      await sim.control.advance('30m');
      await sim.control.idle();
      const list = await call(sim, 'GET', '/1/conversations/1/messages');
      expect(list.json.payload[0].status).toBe('failed');
      const updated = sim.control.deliveries({ type: 'message_updated' });
      expect(updated).toHaveLength(1);
      expect(JSON.parse(updated[0]!.body)).toMatchObject({ event: 'message_updated', id: 1 });
    } finally {
      await receiver.close();
    }
  });

  test('contact_created goes to account webhooks', async () => {
    const { sim, receiver, close } = await setup();
    try {
      await call(sim, 'POST', '/1/contacts', { name: 'New Person', inbox_id: 1 });
      await sim.control.idle();
      expect(receiver.requests[0]!.json).toMatchObject({ event: 'contact_created', name: 'New Person' });
    } finally {
      await close();
    }
  });
  // WebhookListener#deliver_account_webhooks walks `account.webhooks.account_type`; the webhooks controller never
  // sets webhook_type, so a webhook created with an inbox_id is account_type and receives every inbox's events.
  test('a webhook created with an inbox_id still receives the events of every inbox of the account', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createChatwootSim();
      const created = await call(sim, 'POST', '/1/webhooks', {
        url: `${receiver.url}/scoped`,
        subscriptions: ['conversation_created'],
        inbox_id: 2,
      });
      expect(created.json.payload.webhook.inbox).toEqual({ id: 2, name: 'Website' });
      await createConversation(sim);
      await call(sim, 'POST', '/1/conversations', { inbox_id: 2, contact_id: 1 });
      await sim.control.idle();
      expect(receiver.requests.map((r) => (r.json as Json).inbox_id)).toEqual([1, 2]);
    } finally {
      await receiver.close();
    }
  });
});
