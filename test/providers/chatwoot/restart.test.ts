import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createStoreData } from '../../../src/store.ts';
import { writeStoreFile } from '../../support/store-file.ts';
import { call, createChatwootSim, createConversation, type Json } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The chatwoot state as stores written before indexing held it: every collection a list, no index. */
function toListState(state: Json): Json {
  const lists: Json = {};
  for (const [key, value] of Object.entries(state)) {
    if (key === 'index') continue;
    lists[key] = key === 'seq' ? { ...(value as object), rank: undefined } : Object.values(value as object);
  }
  delete lists.seq.rank;
  return lists;
}

describe('chatwoot state stored by an earlier version', () => {
  test('a store whose collections are lists is indexed at start and keeps its conversations, order and ids', async () => {
    const before = await createChatwootSim();
    await createConversation(before, { message: { content: 'first' } });
    await createConversation(before, { message: { content: 'second' }, assignee_id: 1 });
    await before.control.advance('1m');
    await call(before, 'POST', '/1/conversations/1/messages', { content: 'bump', message_type: 'incoming' });
    const file = writeStoreFile(dirs, 'chatwoot', toListState(before.control.state('chatwoot')));

    const sim = await createChatwootSim({ store: file });
    const list = await call(sim, 'GET', '/1/conversations');
    expect(list.json.data.payload.map((c: { id: number }) => c.id)).toEqual([1, 2]);
    expect(list.json.data.meta).toEqual({
      mine_count: 1,
      assigned_count: 1,
      unassigned_count: 1,
      all_count: 2,
    });
    expect(list.json.data.payload[0]).toMatchObject({ unread_count: 1, messages: [{ content: 'bump' }] });
    const messages = await call(sim, 'GET', '/1/conversations/1/messages');
    expect(messages.json.payload.map((m: { content: string }) => m.content)).toEqual(['first', 'bump']);
    const third = await createConversation(sim);
    expect(third.id).toBe(3);
    expect((await call(sim, 'GET', '/1/conversations?q=second')).json.data.payload).toHaveLength(1);
    await sim.close();
  });
});

describe('chatwoot snooze timers after a restart', () => {
  /** A file store in a fresh temporary directory. */
  function createStoreFile(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'convosim-chatwoot-'));
    dirs.push(dir);
    return path.join(dir, 'db.json');
  }

  /** Snoozes conversation 1 for ten minutes on a simulator over `file`, then closes it. */
  async function snoozeAndClose(file: string): Promise<void> {
    const before = await createChatwootSim({ store: file });
    await createConversation(before);
    const until = Math.floor(before.control.now() / 1000) + 600;
    const res = await call(before, 'POST', '/1/conversations/1/toggle_status', {
      status: 'snoozed',
      snoozed_until: until,
    });
    expect(res.json.payload.current_status).toBe('snoozed');
    await before.close();
  }

  // ReopenSnoozedConversationsJob runs from cron, whatever restarts the server: a snoozed conversation still reopens.
  test('a conversation snoozed before a restart of a file store reopens when its time comes', async () => {
    const file = createStoreFile();
    await snoozeAndClose(file);
    const sim = await createChatwootSim({ store: file });
    await sim.control.advance('5m');
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('snoozed');
    await sim.control.advance('10m');
    expect((await call(sim, 'GET', '/1/conversations/1')).json).toMatchObject({
      status: 'open',
      snoozed_until: null,
    });
    await sim.close();
  });

  test('a snoozed conversation that is deleted leaves no reopening to re-arm at the next start', async () => {
    const file = createStoreFile();
    await snoozeAndClose(file);
    const sim = await createChatwootSim({ store: file });
    expect(Object.keys((sim.control.state('chatwoot') as Json).index.snoozed)).toEqual(['1']);
    expect((await call(sim, 'DELETE', '/1/conversations/1')).status).toBe(200);
    expect((sim.control.state('chatwoot') as Json).index.snoozed).toEqual({});
    await sim.close();
  });

  test('a store written before the snoozed index existed is indexed at start and its snoozes re-armed', async () => {
    const file = createStoreFile();
    await snoozeAndClose(file);
    const sim0 = await createChatwootSim({ store: file });
    const data = createStoreData(1);
    const state = sim0.control.state('chatwoot') as Json;
    const now = sim0.control.now();
    await sim0.close();
    delete state.index.snoozed;
    data.providers.chatwoot = state;
    data.meta.clockNow = now;
    writeFileSync(file, JSON.stringify(data));
    const sim = await createChatwootSim({ store: file });
    await sim.control.advance('15m');
    expect((await call(sim, 'GET', '/1/conversations/1')).json.status).toBe('open');
    await sim.close();
  });
});
