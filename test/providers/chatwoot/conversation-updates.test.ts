// Conversation updates as Chatwoot 4.12 answers them: conversations_controller.rb (update, destroy, toggle_priority,
// custom_attributes, mute, unmute, update_last_seen, unread, transcript), conversations/labels_controller.rb,
// ConversationMuteHelpers and spec/controllers/api/v1/accounts/conversations_controller_spec.rb.
import { describe, expect, test } from 'vitest';
import { call, createConversation, createHookedSim } from './helpers.ts';

const AGENT = { api_access_token: 'chatwoot-agent-token' };
const BOT = { api_access_token: 'chatwoot-bot-token' };

describe('chatwoot conversation updates', () => {
  // conversations_controller_spec.rb: 'updates the conversation priority'
  test('PATCH sets the priority, answers the conversation and sends conversation_updated with priority', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    const res = await call(sim, 'PATCH', '/1/conversations/1', { priority: 'high' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: 1, priority: 'high' });
    await sim.control.idle();
    expect(bodies('conversation_updated')[0].changed_attributes[0]).toEqual({
      priority: { previous_value: null, current_value: 'high' },
    });
  });

  test('an unknown priority is refused with 422 and changes nothing', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/toggle_priority', { priority: 'asap' });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ error: "'asap' is not a valid priority" });
    expect((await call(sim, 'GET', '/1/conversations/1')).json.priority).toBeNull();
  });

  test('toggle_priority is open to bot tokens and a blank priority clears it', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    expect(
      (await call(sim, 'POST', '/1/conversations/1/toggle_priority', { priority: 'urgent' }, BOT)).status,
    ).toBe(200);
    await call(sim, 'POST', '/1/conversations/1/toggle_priority', { priority: '' });
    expect((await call(sim, 'GET', '/1/conversations/1')).json.priority).toBeNull();
  });

  test('custom_attributes replaces the conversation custom attributes and answers them', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim, { custom_attributes: { a: 1 } });
    const res = await call(sim, 'POST', '/1/conversations/1/custom_attributes', {
      custom_attributes: { b: 2 },
    });
    expect(res.json).toEqual({ custom_attributes: { b: 2 } });
    await sim.control.idle();
    expect(bodies('conversation_updated')[0].changed_attributes[0]).toEqual({
      custom_attributes: { previous_value: { a: 1 }, current_value: { b: 2 } },
    });
  });

  // labels_controller_spec.rb: 'creates labels for the conversation'
  test('labels are set and listed, and the change is reported as label_list', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/labels', { labels: ['billing', 'vip', 'vip'] });
    expect(res.json).toEqual({ payload: ['billing', 'vip'] });
    expect((await call(sim, 'GET', '/1/conversations/1/labels')).json).toEqual({
      payload: ['billing', 'vip'],
    });
    await sim.control.idle();
    expect(bodies('conversation_updated')[0].changed_attributes[0]).toEqual({
      label_list: { previous_value: [], current_value: ['billing', 'vip'] },
    });
  });

  test('mute resolves the conversation and blocks the contact; unmute unblocks it (contact_updated)', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    expect((await call(sim, 'POST', '/1/conversations/1/mute')).status).toBe(200);
    const muted = (await call(sim, 'GET', '/1/conversations/1')).json;
    expect(muted).toMatchObject({ status: 'resolved', muted: true });
    // A muted conversation stays resolved when the contact writes (Message#reopen_conversation).
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'hey', message_type: 'incoming' });
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('resolved');
    await call(sim, 'POST', '/1/conversations/1/unmute');
    expect((await call(sim, 'GET', '/1/conversations/1')).json.muted).toBe(false);
    await sim.control.idle();
    const updates = bodies('contact_updated');
    expect(updates.map((u) => u.changed_attributes[0].blocked.current_value)).toEqual([true, false]);
  });

  test('update_last_seen sets agent_last_seen_at and unread counts the last incoming message again', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/messages', { content: 'q', message_type: 'incoming' });
    await sim.control.advance('10s');
    const seen = await call(sim, 'POST', '/1/conversations/1/update_last_seen');
    expect(seen.json).toMatchObject({ agent_last_seen_at: 1735689610, unread_count: 0 });
    const unread = await call(sim, 'POST', '/1/conversations/1/unread');
    expect(unread.json).toMatchObject({ agent_last_seen_at: 1735689599, unread_count: 1 });
  });

  test('transcript without an email is 422 email param missing', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/transcript', {});
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ error: 'email param missing' });
    expect((await call(sim, 'POST', '/1/conversations/1/transcript', { email: 'a@b.test' })).status).toBe(
      200,
    );
  });

  // conversations_controller_spec.rb: 'deletes the conversation' / 'returns unauthorized for agent'
  test('an administrator deletes a conversation; an agent gets 401', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    expect((await call(sim, 'DELETE', '/1/conversations/1', undefined, AGENT)).status).toBe(401);
    expect((await call(sim, 'DELETE', '/1/conversations/1')).status).toBe(200);
    expect((await call(sim, 'GET', '/1/conversations/1')).status).toBe(404);
  });
});
