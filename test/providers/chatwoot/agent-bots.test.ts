// Agent bots as Chatwoot 4.12 runs them: app/listeners/agent_bot_listener.rb (conversation_opened/resolved,
// message_created/updated to the bot's outgoing_url), access_token_auth_helper.rb (bot tokens),
// Conversation#determine_conversation_status (pending with an active bot), Message#reopen_resolved_conversation,
// conversations_controller.rb#toggle_status (bot handoff) and Webhooks::ErrorHandler (pending -> open on failure).
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { call, createHookedSim, type Json } from './helpers.ts';

const BOT_URL = 'http://bot.test/hook';
const BOT = { api_access_token: 'chatwoot-bot-token' };

/** The default fixtures with bot 1 attached to the API inbox, posting to BOT_URL with secret 'bot-secret'. */
function withBot() {
  return createHookedSim({
    fixtures: {
      agent_bots: [
        {
          id: 1,
          account_id: 1,
          name: 'Helper Bot',
          access_token: 'chatwoot-bot-token',
          outgoing_url: BOT_URL,
          secret: 'bot-secret',
        },
      ],
      inboxes: [
        {
          id: 1,
          account_id: 1,
          name: 'API Inbox',
          channel_type: 'Channel::Api',
          secret: 'api-inbox-secret',
          member_ids: [1, 2],
          agent_bot_id: 1,
        },
      ],
    },
  });
}

const events = (bodies: Json[]) => bodies.map((b) => b.event);

describe('chatwoot agent bots', () => {
  test('a conversation in an inbox with a bot starts pending, and the bot receives the customer message', async () => {
    const { sim, bodies } = await withBot();
    const res = await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      message: { content: 'hello bot', message_type: 'incoming' },
    });
    expect(res.json.status).toBe('pending');
    await sim.control.idle();
    const toBot = bodies(undefined, BOT_URL);
    expect(events(toBot)).toEqual(['message_created']);
    expect(toBot[0]).toMatchObject({
      content: 'hello bot',
      message_type: 'incoming',
      conversation: { status: 'pending' },
    });
  });

  test("the bot's webhooks are signed with the bot's secret", async () => {
    const { sim, recorder } = await withBot();
    await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      message: { content: 'hi', message_type: 'incoming' },
    });
    await sim.control.idle();
    const req = recorder.sent.find((r) => r.url === BOT_URL)!;
    const ts = req.headers['X-Chatwoot-Timestamp'];
    const digest = createHmac('sha256', 'bot-secret').update(`${ts}.${req.body}`).digest('hex');
    expect(req.headers['X-Chatwoot-Signature']).toBe(`sha256=${digest}`);
  });

  test('the bot answers with its token, then hands off with status open: the bot gets conversation_opened', async () => {
    const { sim, bodies } = await withBot();
    await call(sim, 'POST', '/1/conversations', { source_id: 'contact-source-1' });
    const reply = await call(sim, 'POST', '/1/conversations/1/messages', { content: 'I am a bot' }, BOT);
    expect(reply.json.sender).toMatchObject({ id: 1, name: 'Helper Bot', type: 'agent_bot' });
    const handoff = await call(sim, 'POST', '/1/conversations/1/toggle_status', { status: 'open' }, BOT);
    expect(handoff.json.payload).toMatchObject({ success: true, current_status: 'open' });
    await sim.control.idle();
    expect(events(bodies(undefined, BOT_URL))).toEqual(['message_created', 'conversation_opened']);
    expect(bodies('conversation_status_changed')[0].changed_attributes).toEqual([
      { status: { previous_value: 'pending', current_value: 'open' } },
    ]);
  });

  test('resolving sends conversation_resolved to the bot, and a new customer message makes it pending again', async () => {
    const { sim, bodies } = await withBot();
    await call(sim, 'POST', '/1/conversations', { source_id: 'contact-source-1' });
    await call(sim, 'POST', '/1/conversations/1/toggle_status', { status: 'resolved' });
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'again', message_type: 'incoming' });
    await sim.control.idle();
    expect(events(bodies(undefined, BOT_URL))).toEqual(['conversation_resolved', 'message_created']);
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('pending');
  });

  test('a bot that never takes a message webhook hands the pending conversation to humans once retries are spent', async () => {
    const { sim, recorder } = await withBot();
    recorder.respondWith((r) => (r.url === BOT_URL ? 500 : 200));
    await call(sim, 'POST', '/1/conversations', {
      source_id: 'contact-source-1',
      message: { content: 'anyone?', message_type: 'incoming' },
    });
    await sim.control.idle();
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('pending');
    await sim.control.advance('10m');
    await sim.control.idle();
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('open');
  });

  test('an inbox whose bot has no outgoing_url sends the bot nothing and still starts conversations pending', async () => {
    const { sim, recorder } = await createHookedSim({
      fixtures: {
        inboxes: [
          {
            id: 1,
            account_id: 1,
            name: 'API Inbox',
            channel_type: 'Channel::Api',
            member_ids: [1],
            agent_bot_id: 1,
          },
        ],
      },
    });
    const res = await call(sim, 'POST', '/1/conversations', { source_id: 'contact-source-1' });
    expect(res.json.status).toBe('pending');
    await sim.control.idle();
    expect(recorder.sent.filter((r) => r.url === BOT_URL)).toEqual([]);
  });
});
