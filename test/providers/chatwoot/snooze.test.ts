// Snoozing as Chatwoot 4.12 does it: conversations_controller.rb#toggle_status reads snoozed_until with
// DateTimeHelper#parse_date_time (DateTime.strptime(value, '%s'): epoch seconds), Conversation#ensure_snooze_until_reset
// drops it unless snoozed, and Conversations::ReopenSnoozedConversationsJob (every 5 minutes) opens due ones.
import { describe, expect, test } from 'vitest';
import { call, createConversation, createHookedSim } from './helpers.ts';

const START = Date.parse('2025-01-01T00:00:00.000Z') / 1000;

describe('chatwoot snooze', () => {
  test('snoozed_until is read as epoch seconds and answered as an ISO time', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/toggle_status', {
      status: 'snoozed',
      snoozed_until: String(START + 3600),
    });
    expect(res.json.payload).toMatchObject({
      current_status: 'snoozed',
      snoozed_until: '2025-01-01T01:00:00.000Z',
    });
  });

  test('an ISO snoozed_until is refused (strptime %s) and changes nothing', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/toggle_status', {
      status: 'snoozed',
      snoozed_until: '2025-01-02T00:00:00Z',
    });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ error: 'invalid date' });
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('open');
  });

  test('a snoozed conversation reopens at the first 5-minute run of the reopen job after snoozed_until', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/toggle_status', {
      status: 'snoozed',
      snoozed_until: START + 61,
    });
    await sim.control.advance('4m');
    await sim.control.idle();
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('snoozed');
    await sim.control.advance('1m');
    await sim.control.idle();
    const conv = (await call(sim, 'GET', '/1/conversations/1')).json;
    expect(conv.status).toBe('open');
    expect(conv.snoozed_until).toBeNull();
    const [reopened] = bodies('conversation_status_changed').slice(-1);
    expect(reopened.changed_attributes).toEqual([
      { status: { previous_value: 'snoozed', current_value: 'open' } },
    ]);
  });

  test('a conversation opened before its snooze ends is left alone by the reopen job', async () => {
    const { sim, bodies } = await createHookedSim();
    await createConversation(sim);
    await call(sim, 'POST', '/1/conversations/1/toggle_status', {
      status: 'snoozed',
      snoozed_until: START + 60,
    });
    await call(sim, 'POST', '/1/conversations/1/toggle_status', { status: 'resolved' });
    await sim.control.advance('10m');
    await sim.control.idle();
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('resolved');
    expect(bodies('conversation_status_changed')).toHaveLength(2);
  });

  test('snoozed_until given with another status is dropped (ensure_snooze_until_reset)', async () => {
    const { sim } = await createHookedSim();
    await createConversation(sim);
    const res = await call(sim, 'POST', '/1/conversations/1/toggle_status', {
      status: 'pending',
      snoozed_until: START + 60,
    });
    expect(res.json.payload.snoozed_until).toBeNull();
  });
});
