import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createStoreData } from '../../../src/store.ts';
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
    const dir = mkdtempSync(path.join(tmpdir(), 'convosim-chatwoot-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.json');
    const data = createStoreData(1);
    data.providers.chatwoot = toListState(before.control.state('chatwoot'));
    writeFileSync(file, JSON.stringify(data));

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
