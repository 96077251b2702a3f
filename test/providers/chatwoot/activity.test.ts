// Activity messages (app/models/concerns/activity_message_handler.rb, AssignmentHandler, ConversationMuteHelpers;
// texts of config/locales/en.yml conversations.activity.*, Chatwoot 4.12).
import { describe, expect, test } from 'vitest';
import type { ChatwootState, Conversation, Sender } from '../../../src/providers/chatwoot/model.ts';
import { listActivityTexts, toMuteText } from '../../../src/providers/chatwoot/model-activity.ts';
import type { ChangedAttribute } from '../../../src/providers/chatwoot/model-outcomes.ts';
import { call, createConversation, createHookedSim, type Json } from './helpers.ts';

const ALICE: Sender = { type: 'User', id: 1 };
const BOB: Sender = { type: 'User', id: 2 };

/** The default fixtures' state with one conversation, for the pure text rules. */
async function createState(): Promise<{ s: ChatwootState; conv: Conversation }> {
  const { sim } = await createHookedSim();
  await createConversation(sim);
  const s = sim.control.state('chatwoot') as ChatwootState;
  return { s, conv: Object.values(s.conversations)[0]! };
}

const change = (name: string, previous: unknown, current: unknown): ChangedAttribute => ({
  name,
  previous,
  current,
});

describe('chatwoot activity messages', () => {
  test('agent.complete writes "Conversation was marked resolved by <user>" and sends no webhook for it', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await sim.control.act({
      provider: 'chatwoot',
      conversationId: '1:1',
      action: 'agent.complete',
      args: {},
    });
    await sim.control.idle();
    const messages = (await call(sim, 'GET', '/1/conversations/1/messages')).json.payload;
    expect(messages.map((m: Json) => [m.content, m.message_type, m.sender])).toEqual([
      ['Conversation was marked resolved by Alice Admin', 2, undefined],
    ]);
    // Message#webhook_sendable? is false for activity messages.
    expect(bodies('message_created')).toEqual([]);
    // The REST partial shows the last message of any kind; webhook data only chat messages.
    expect((await call(sim, 'GET', '/1/conversations/1')).json.messages[0].content).toBe(
      'Conversation was marked resolved by Alice Admin',
    );
    expect(bodies('conversation_status_changed')[0].messages).toEqual([]);
  });

  test('agent.join writes "<user> self-assigned this conversation"', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    await sim.control.act({
      provider: 'chatwoot',
      conversationId: '1:1',
      action: 'agent.join',
      args: { agentId: 2 },
    });
    const messages = (await call(sim, 'GET', '/1/conversations/1/messages')).json.payload;
    expect(messages.map((m: Json) => m.content)).toEqual(['Bob Agent self-assigned this conversation']);
  });

  test('a status change names the status: reopened, pending, snoozed', async () => {
    const { s, conv } = await createState();
    for (const [status, text] of [
      ['open', 'Conversation was reopened by Alice Admin'],
      ['pending', 'Conversation was marked as pending by Alice Admin'],
      ['snoozed', 'Conversation was snoozed by Alice Admin'],
    ] as const) {
      const c = { ...conv, status };
      expect(listActivityTexts(s, c, [change('status', 'resolved', status)], ALICE)).toEqual([text]);
    }
  });

  test('a change made by nobody (the snooze job) writes no activity message', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/toggle_status', {
      status: 'snoozed',
      snoozed_until: Math.floor(sim.control.now() / 1000) + 60,
    });
    await sim.control.advance('10m');
    const conv = (await call(sim, 'GET', '/1/conversations/1')).json;
    expect(conv.status).toBe('open');
    const messages = (await call(sim, 'GET', '/1/conversations/1/messages')).json.payload;
    expect(messages.map((m: Json) => m.content)).not.toContain('Conversation was reopened by Alice Admin');
    const { s, conv: c } = await createState();
    expect(
      listActivityTexts(s, { ...c, status: 'open' }, [change('status', 'snoozed', 'open')], undefined),
    ).toEqual([]);
  });

  test('priority changes are added, changed or removed', async () => {
    const { s, conv } = await createState();
    expect(listActivityTexts(s, conv, [change('priority', null, 'high')], ALICE)).toEqual([
      'Alice Admin set the priority to high',
    ]);
    expect(listActivityTexts(s, conv, [change('priority', 'high', 'low')], ALICE)).toEqual([
      'Alice Admin changed the priority from high to low',
    ]);
    expect(listActivityTexts(s, conv, [change('priority', 'low', null)], ALICE)).toEqual([
      'Alice Admin removed the priority',
    ]);
  });

  test('label changes write one message for the added and one for the removed labels', async () => {
    const { s, conv } = await createState();
    expect(listActivityTexts(s, conv, [change('label_list', ['a', 'b'], ['b', 'c', 'd'])], BOB)).toEqual([
      'Bob Agent added c, d',
      'Bob Agent removed a',
    ]);
  });

  test('assignee changes: assigned to someone, self-assigned, unassigned', async () => {
    const { s, conv } = await createState();
    expect(
      listActivityTexts(s, { ...conv, assignee_id: 2 }, [change('assignee_id', null, 2)], ALICE),
    ).toEqual(['Assigned to Bob Agent by Alice Admin']);
    expect(
      listActivityTexts(s, { ...conv, assignee_id: 1 }, [change('assignee_id', null, 1)], ALICE),
    ).toEqual(['Alice Admin self-assigned this conversation']);
    expect(
      listActivityTexts(s, { ...conv, assignee_id: null }, [change('assignee_id', 1, null)], ALICE),
    ).toEqual(['Conversation unassigned by Alice Admin']);
  });

  test('team changes: assigned, assigned with the assignee, unassigned from the previous team', async () => {
    const { s, conv } = await createState();
    expect(listActivityTexts(s, { ...conv, team_id: 1 }, [change('team_id', null, 1)], ALICE)).toEqual([
      'Assigned to support by Alice Admin',
    ]);
    expect(
      listActivityTexts(
        s,
        { ...conv, team_id: 1, assignee_id: 2 },
        [change('assignee_id', null, 2), change('team_id', null, 1)],
        ALICE,
      ),
    ).toEqual(['Assigned to Bob Agent via support by Alice Admin']);
    expect(listActivityTexts(s, { ...conv, team_id: null }, [change('team_id', 1, null)], ALICE)).toEqual([
      'Unassigned from support by Alice Admin',
    ]);
  });

  test('mute and unmute are written for a user only', async () => {
    const { s } = await createState();
    expect(toMuteText(s, true, ALICE)).toBe('Alice Admin has muted the conversation');
    expect(toMuteText(s, false, ALICE)).toBe('Alice Admin has unmuted the conversation');
    expect(toMuteText(s, true, undefined)).toBeUndefined();
  });

  test('last_non_activity_message skips the activity messages at the end of the conversation', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim, { message: { content: 'hello' } });
    await sim.control.act({
      provider: 'chatwoot',
      conversationId: '1:1',
      action: 'agent.complete',
      args: {},
    });
    const conv = (await call(sim, 'GET', '/1/conversations/1')).json;
    expect(conv.messages.map((m: Json) => m.content)).toEqual([
      'Conversation was marked resolved by Alice Admin',
    ]);
    expect(conv.last_non_activity_message.content).toBe('hello');
  });

  test('the HTTP routes write the activity messages of their caller: status, assignment, priority, labels, mute', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    const conv = '/1/conversations/1';
    await call(sim, 'POST', `${conv}/toggle_status`, { status: 'resolved' });
    await call(sim, 'POST', `${conv}/assignments`, { assignee_id: 2 });
    await call(sim, 'POST', `${conv}/assignments`, { team_id: 1 });
    await call(sim, 'PATCH', conv, { priority: 'high' });
    await call(sim, 'POST', `${conv}/toggle_priority`, { priority: 'low' });
    await call(sim, 'POST', `${conv}/labels`, { labels: ['vip'] });
    await call(sim, 'POST', `${conv}/unmute`, {});
    const messages = (await call(sim, 'GET', `${conv}/messages`)).json.payload;
    expect(messages.map((m: Json) => m.content)).toEqual([
      'Conversation was marked resolved by Alice Admin',
      'Assigned to Bob Agent by Alice Admin',
      'Assigned to support by Alice Admin',
      'Alice Admin set the priority to high',
      'Alice Admin changed the priority from high to low',
      'Alice Admin added vip',
      'Alice Admin has unmuted the conversation',
    ]);
  });
});
