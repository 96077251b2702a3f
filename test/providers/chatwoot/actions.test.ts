import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ControlError } from '../../../src/errors.ts';
import type { ChatwootContext } from '../../../src/providers/chatwoot/events.ts';
import { chatwootProvider } from '../../../src/providers/chatwoot/index.ts';
import { startReceiver } from '../../support/receiver.ts';
import { createRecordingSender } from '../../support/recording-sender.ts';
import { createTestSimulator } from '../../support/simulator.ts';
import { call, createChatwootSim, createConversation, type Json } from './helpers.ts';

const API_INBOX_HOOK = 'http://sut.test/api-inbox';
const ACCOUNT_HOOK = 'http://sut.test/account';

/**
 * A simulator whose API inbox posts to API_INBOX_HOOK and whose account webhook (ACCOUNT_HOOK) subscribes to
 * `subscriptions`; conversation 1:1 is started and its start webhooks are cleared.
 */
async function setUpConversation(subscriptions: string[], inboxWebhook: string | null = API_INBOX_HOOK) {
  const { send, sent } = createRecordingSender();
  const sim = await createChatwootSim({
    fixtures: {
      inboxes: [
        {
          id: 1,
          account_id: 1,
          name: 'API Inbox',
          channel_type: 'Channel::Api',
          webhook_url: inboxWebhook,
          secret: 'api-inbox-secret',
          member_ids: [1, 2],
        },
      ],
    },
    send,
  });
  // Webhook#validate_webhook_subscriptions refuses a blank list: no subscriptions means no account webhook.
  let secret: string | undefined;
  if (subscriptions.length > 0) {
    const hook = await call(sim, 'POST', '/1/webhooks', { url: ACCOUNT_HOOK, subscriptions });
    expect(hook.status).toBe(200);
    secret = hook.json.payload.webhook.secret;
  }
  await createConversation(sim);
  await sim.control.idle();
  sent.length = 0;
  const act = async (action: string, args?: unknown) => {
    const result = await sim.control.act({ provider: 'chatwoot', conversationId: '1:1', action, args });
    await sim.control.idle();
    return result;
  };
  const bodies = () => sent.map((r) => ({ url: r.url, json: JSON.parse(r.body) as Json }));
  return { sim, sent, act, bodies, secret: secret as string };
}

const TYPING = ['conversation_typing_on', 'conversation_typing_off'];

describe('chatwoot actions', () => {
  test('a bot answers and resolves a conversation through the actions', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createChatwootSim();
      await call(sim, 'POST', '/1/webhooks', { url: `${receiver.url}/h` });
      await createConversation(sim);
      const id = '1:1';
      await sim.control.act({
        provider: 'chatwoot',
        conversationId: id,
        action: 'customer.typing',
        args: {},
      });
      await sim.control.act({
        provider: 'chatwoot',
        conversationId: id,
        action: 'customer.say',
        args: { text: 'help' },
      });
      await sim.control.act({
        provider: 'chatwoot',
        conversationId: id,
        action: 'agent.join',
        args: { agentId: '2' },
      });
      await sim.control.act({
        provider: 'chatwoot',
        conversationId: id,
        action: 'agent.typing',
        args: { typing: true },
      });
      await sim.control.act({
        provider: 'chatwoot',
        conversationId: id,
        action: 'agent.say',
        args: { text: 'sure' },
      });
      await sim.control.act({ provider: 'chatwoot', conversationId: id, action: 'agent.complete', args: {} });
      await sim.control.idle();
      expect(receiver.requests.map((r) => (r.json as { event: string }).event)).toEqual([
        'conversation_created',
        'message_created',
        'conversation_updated',
        'message_created',
        // The agent's first reply sets first_reply_created_at and clears waiting_since (conversation_updated).
        'conversation_updated',
        'conversation_status_changed',
        'conversation_updated',
      ]);
      const messages = (await call(sim, 'GET', '/1/conversations/1/messages')).json.payload;
      expect(
        messages.map((m: { content: string; sender?: { id: number } }) => [m.content, m.sender?.id]),
      ).toEqual([
        ['help', 1],
        // Joining and resolving write activity messages without a sender (AssignmentHandler,
        // ActivityMessageHandler#status_change_activity).
        ['Bob Agent self-assigned this conversation', undefined],
        ['sure', 2],
        ['Conversation was marked resolved by Bob Agent', undefined],
      ]);
      expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('resolved');
    } finally {
      await receiver.close();
    }
  });

  test('an action on an unknown conversation fails', async () => {
    const sim = await createChatwootSim();
    await expect(
      sim.control.act({
        provider: 'chatwoot',
        conversationId: '1:9',
        action: 'agent.say',
        args: { text: 'x' },
      }),
    ).rejects.toThrow(/no chatwoot conversation/);
  });

  test('a bare display id names the conversation', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    await sim.control.act({
      provider: 'chatwoot',
      conversationId: '1',
      action: 'customer.say',
      args: { text: 'hi' },
    });
    expect((await call(sim, 'GET', '/1/conversations/1/messages')).json.payload).toHaveLength(1);
  });

  test('the admin listing names conversations <account_id>:<display_id>', async () => {
    const sim = await createChatwootSim();
    await createConversation(sim);
    expect(sim.control.conversations({ provider: 'chatwoot' })).toMatchObject([
      { provider: 'chatwoot', id: '1:1', status: 'open' },
    ]);
  });

  test('agent.typing {typing: false} sends conversation_typing_off from the acting agent', async () => {
    const { act, bodies } = await setUpConversation(TYPING, null);
    await act('agent.typing', { typing: false, agentId: '2' });
    expect(bodies()).toEqual([
      {
        url: ACCOUNT_HOOK,
        json: expect.objectContaining({
          event: 'conversation_typing_off',
          user: expect.objectContaining({ id: 2 }),
        }),
      },
    ]);
  });

  test('agent.typing without arguments starts typing', async () => {
    const { act, bodies } = await setUpConversation(TYPING, null);
    await act('agent.typing', {});
    expect(bodies().map((b) => b.json.event)).toEqual(['conversation_typing_on']);
  });

  test('agent.typing still reads the old argument name on as typing', async () => {
    const { act, bodies } = await setUpConversation(TYPING, null);
    await act('agent.typing', { on: false });
    expect(bodies().map((b) => b.json.event)).toEqual(['conversation_typing_off']);
  });

  test('customer.typing {typing: false} sends conversation_typing_off from the contact', async () => {
    const { act, bodies } = await setUpConversation(TYPING, null);
    await act('customer.typing', { typing: false });
    expect(bodies()).toEqual([
      {
        url: ACCOUNT_HOOK,
        json: expect.objectContaining({
          event: 'conversation_typing_off',
          user: expect.objectContaining({ id: 1 }),
        }),
      },
    ]);
  });

  test('agent.join reads a string agentId as the numeric Chatwoot agent id', async () => {
    const { sim, act } = await setUpConversation([]);
    expect(await act('agent.join', { agentId: '2' })).toEqual({ assigneeId: 2 });
    expect((await call(sim, 'GET', '/1/conversations/1')).json.meta.assignee.id).toBe(2);
  });

  test('agent.join with an agentId that is not a number is refused with 400', async () => {
    const { act } = await setUpConversation([]);
    await expect(act('agent.join', { agentId: 'bob' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/agentId must be a Chatwoot agent id/),
    });
  });

  test('agent.join with an unknown agent answers 409 and lists the agents of the account', async () => {
    const { act } = await setUpConversation([]);
    await expect(act('agent.join', { agentId: '9' })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(
        /agent 9 is not an agent of account 1; its agents: 1 \(Alice Admin\), 2/,
      ),
    });
  });

  test('raw.event posts the body to the API inbox webhook_url and to account webhooks subscribed to its type, signed', async () => {
    const { act, sent, secret } = await setUpConversation(['message_updated']);
    const body = { event: 'message_updated', id: 99, content: 'edited' };
    await act('raw.event', { type: 'message_updated', body, headers: { 'x-test': 'yes' } });
    expect(sent.map((r) => r.url).sort()).toEqual([ACCOUNT_HOOK, API_INBOX_HOOK]);
    for (const request of sent) {
      expect(request.body).toBe(JSON.stringify(body));
      const ts = request.headers['X-Chatwoot-Timestamp']!;
      const key = request.url === ACCOUNT_HOOK ? secret : 'api-inbox-secret';
      const digest = createHmac('sha256', key).update(`${ts}.${request.body}`).digest('hex');
      expect(request.headers).toMatchObject({ 'x-test': 'yes', 'X-Chatwoot-Signature': `sha256=${digest}` });
    }
  });

  test('raw.event skips account webhooks not subscribed to its type', async () => {
    const { act, sent } = await setUpConversation(['message_created']);
    await act('raw.event', { type: 'custom_event', body: { event: 'custom_event' } });
    expect(sent.map((r) => r.url)).toEqual([API_INBOX_HOOK]);
  });

  test('raw.event that no webhook receives answers 409 with the reason', async () => {
    const { act } = await setUpConversation(['message_created'], null);
    await expect(act('raw.event', { type: 'custom_event', body: {} })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/no webhook receives 'custom_event' for chatwoot conversation 1:1/),
    });
  });

  test('raw.event on an unknown conversation answers 409', async () => {
    const sim = await createChatwootSim();
    await expect(
      sim.control.act({
        provider: 'chatwoot',
        conversationId: '1:9',
        action: 'raw.event',
        args: { type: 'x', body: {} },
      }),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/no chatwoot conversation '1:9'/),
    });
  });

  test('agent.say extends the neutral verb with agentId and private: a private note from that agent', async () => {
    const { sim, act, bodies } = await setUpConversation(['message_created'], null);
    const result = (await act('agent.say', { text: 'note', agentId: '2', private: true })) as Json;
    expect(bodies()).toEqual([
      {
        url: ACCOUNT_HOOK,
        json: expect.objectContaining({
          event: 'message_created',
          private: true,
          sender: expect.objectContaining({ id: 2 }),
        }),
      },
    ]);
    const messages = (await call(sim, 'GET', '/1/conversations/1/messages')).json.payload;
    expect(messages.at(-1)).toMatchObject({ id: result.messageId, content: 'note', private: true });
  });

  test('every chatwoot verb is a neutral verb built on the neutral argument schema, and unknown arguments are refused', async () => {
    const actions = chatwootProvider.actions ?? {};
    expect(Object.entries(actions).map(([name, action]) => [name, action.neutral])).toEqual(
      Object.keys(actions).map((name) => [name, name]),
    );
    const { act } = await setUpConversation([]);
    await expect(act('customer.say', { text: 'hi', agentId: '2' })).rejects.toMatchObject({ status: 400 });
    await expect(act('agent.typing', { typing: true, private: true })).rejects.toMatchObject({ status: 400 });
  });

  test('agent.join takes the neutral agentId and refuses one that is not a positive Chatwoot id with 400', async () => {
    const { act } = await setUpConversation([]);
    expect(await act('agent.join', { agentId: 2 })).toEqual({ assigneeId: 2 });
    for (const agentId of ['0', '-1', '2.5', 'constructor']) {
      const refused = act('agent.join', { agentId });
      await expect(refused).rejects.toBeInstanceOf(ControlError);
      await expect(refused).rejects.toMatchObject({ status: 400 });
    }
  });

  test('raw.event answers the conversation id and the ids of the events it queued, one per webhook', async () => {
    const { act, sent } = await setUpConversation(['message_updated']);
    const result = (await act('raw.event', { type: 'message_updated', body: { x: 1 } })) as Json;
    expect(result.conversationId).toBe('1:1');
    expect(result.eventIds).toHaveLength(2);
    expect(result.eventId).toBe(result.eventIds[0]);
    expect(sent).toHaveLength(2);
  });

  test('webhookTargets names the subscribed account webhooks and the API inbox, each with its secret and a delivery id', async () => {
    let ctx: ChatwootContext | undefined;
    const sim = await createTestSimulator({
      providers: [
        {
          ...chatwootProvider,
          createState: (fixtures, c) => {
            ctx = c;
            return chatwootProvider.createState(fixtures, c);
          },
        },
      ],
      defaultFixtures: true,
      fixtures: {
        chatwoot: {
          inboxes: [
            {
              id: 1,
              account_id: 1,
              name: 'API Inbox',
              channel_type: 'Channel::Api',
              webhook_url: API_INBOX_HOOK,
              secret: 'api-inbox-secret',
              member_ids: [1, 2],
            },
          ],
        },
      },
    });
    const hook = await call(sim, 'POST', '/1/webhooks', {
      url: ACCOUNT_HOOK,
      subscriptions: ['message_created'],
    });
    await createConversation(sim);
    const targets = chatwootProvider.webhookTargets!(ctx!, '1:1', { type: 'message_created', body: {} });
    expect(targets).toEqual({
      ok: true,
      value: [
        {
          url: ACCOUNT_HOOK,
          orderKey: 'conversation-1',
          conversationId: '1:1',
          meta: {
            secret: hook.json.payload.webhook.secret,
            destination: 'account',
            deliveryId: expect.any(String),
          },
        },
        {
          url: API_INBOX_HOOK,
          orderKey: 'conversation-1',
          conversationId: '1:1',
          meta: { secret: 'api-inbox-secret', destination: 'api_inbox', deliveryId: expect.any(String) },
        },
      ],
    });
    expect(chatwootProvider.webhookTargets!(ctx!, '1:9', { type: 'message_created', body: {} })).toEqual({
      ok: false,
      error: "no chatwoot conversation '1:9' (use <account_id>:<display_id>)",
    });
  });

  test('customer.say sends the same webhooks as an incoming message posted to the API', async () => {
    const viaAction = await setUpConversation(['message_created', 'conversation_updated']);
    await viaAction.act('customer.say', { text: 'same' });
    const viaRoute = await setUpConversation(['message_created', 'conversation_updated']);
    await call(viaRoute.sim, 'POST', '/1/conversations/1/messages', {
      content: 'same',
      message_type: 'incoming',
    });
    await viaRoute.sim.control.idle();
    const shape = (run: typeof viaAction) =>
      run
        .bodies()
        .map((b) => ({ url: b.url, event: b.json.event, content: b.json.content, sender: b.json.sender }));
    expect(shape(viaRoute)).toEqual(shape(viaAction));
    expect(shape(viaAction).map((b) => b.event)).toEqual(['message_created', 'message_created']);
  });
});
