// Automatic assignment (docs/providers/ece.md "Assignment"): one coalesced pass, queues in arrival order, restarts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { createEceSim, eceAdmin, settle, startOk } from './helpers.ts';

test('starts while an assignment pass is pending arm no second timer, and the one pass assigns them all', async () => {
  const { sim, messages } = await createEceSim();
  const first = await startOk(sim);
  await sim.control.advance('400ms');
  const second = await startOk(sim);
  const third = await startOk(sim);
  expect(sim.control.health().pending.timers).toBe(1);
  await settle(sim, '600ms');
  expect(messages().map((m) => [(m.conversation as { id: string }).id, m.type.value])).toEqual([
    [first.id, 'assigned'],
    [second.id, 'assigned'],
    [third.id, 'assigned'],
  ]);
  expect(sim.control.health().pending.timers).toBe(0);
});

test('a change after the pass has run arms the next pass', async () => {
  const { sim, messages } = await createEceSim();
  for (let i = 0; i < 5; i++) await startOk(sim);
  await settle(sim);
  const [first] = sim.control.conversations({ provider: 'ece' });
  await sim.control.act({ provider: 'ece', conversationId: first!.id, action: 'agent.complete' });
  expect(sim.control.health().pending.timers).toBe(1);
  await settle(sim);
  expect(messages().filter((m) => m.type.value === 'assigned')).toHaveLength(5);
});

test('a chat transferred to a queue waits behind the chats already in that queue', async () => {
  const agents = [
    { id: '1', name: 'alice', screenName: 'Alice', queues: ['q-sales', 'q-support'], maxChats: 1 },
    { id: '2', name: 'bob', loggedIn: false },
  ];
  const { sim } = await createEceSim({
    fixtures: { ece: { agents } },
    providerOptions: { ece: { callbackUrl: 'http://callback.test/ece', autoAssign: false } },
  });
  const transferred = await startOk(sim);
  await sim.control.act({
    provider: 'ece',
    conversationId: transferred.id,
    action: 'agent.join',
    args: { agentId: '1' },
  });
  const queued = await startOk(sim);
  await sim.control.act({
    provider: 'ece',
    conversationId: transferred.id,
    action: 'agent.transfer',
    args: { queueId: 'q-support' },
  });
  await eceAdmin(sim, 'PUT', '/agents/1', { available: true });
  const status = Object.fromEntries(
    sim.control.conversations({ provider: 'ece' }).map((c) => [c.id, c.status]),
  );
  expect(status).toEqual({ [transferred.id]: 'waiting', [queued.id]: 'assigned' });
});

test('a store written before the indexes existed is indexed at start and its waiting chat is assigned', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'convosim-ece-'));
  try {
    const store = path.join(dir, 'store.json');
    const first = await createEceSim({ store });
    const conversation = await startOk(first.sim);
    await first.sim.close();
    const data = JSON.parse(readFileSync(store, 'utf8'));
    delete data.providers.ece.indexes;
    delete data.providers.ece.assignment;
    writeFileSync(store, JSON.stringify(data));
    const second = await createEceSim({ store });
    await settle(second.sim);
    expect(second.messages()).toEqual([
      expect.objectContaining({ conversation: { id: conversation.id }, type: { value: 'assigned' } }),
    ]);
    const state = second.sim.control.state('ece') as { indexes: { activeChats: Record<string, number> } };
    expect(Object.values(state.indexes.activeChats)).toEqual([1]);
    await second.sim.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
