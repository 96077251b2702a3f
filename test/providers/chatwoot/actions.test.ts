import { describe, expect, test } from 'vitest';
import { startReceiver } from '../../support/receiver.ts';
import { call, createChatwootSim, createConversation } from './helpers.ts';

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
        args: { agentId: 2 },
      });
      await sim.control.act({
        provider: 'chatwoot',
        conversationId: id,
        action: 'agent.typing',
        args: { on: true },
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
        'conversation_status_changed',
        'conversation_updated',
      ]);
      const messages = (await call(sim, 'GET', '/1/conversations/1/messages')).json.payload;
      expect(
        messages.map((m: { content: string; sender: { id: number } }) => [m.content, m.sender.id]),
      ).toEqual([
        ['help', 1],
        ['sure', 2],
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
});
