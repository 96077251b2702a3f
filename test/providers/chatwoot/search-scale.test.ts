// The searches, filters, sorts and contact delete stay within a page of reads with many records stored
// (test/support/scan-guard.ts): the companion of scale.test.ts for the routes of issue 15's listing items.
import { expect, test } from 'vitest';
import type { Simulator } from '../../../src/simulator.ts';
import { guardScans } from '../../support/scan-guard.ts';
import { fillConversations, textMessage } from './fill.ts';
import { call, createChatwootSimWithContext, type Json } from './helpers.ts';

const STORED = 1500;
const THRESHOLD = 1000;

/** STORED contacts, each with a conversation (custom attribute `n`) and a message, written in one update. */
async function createFilledSim(): Promise<Simulator> {
  const { sim, ctx } = await createChatwootSimWithContext();
  const now = ctx.clock.now();
  ctx.update((s) =>
    fillConversations(s, now, {
      count: STORED,
      attributesOf: (i) => ({ n: i }),
      messagesOf: (i, contactId) => [textMessage(`filler ${i}`, 'incoming', contactId)],
    }),
  );
  return sim;
}

async function expectNoScan(
  sim: Simulator,
  method: string,
  path: string,
  body: unknown,
  status = 200,
): Promise<Json> {
  let answered = 0;
  let json: Json;
  const { scans } = await guardScans(THRESHOLD, async () => {
    const res = await call(sim, method, path, body);
    answered = res.status;
    json = res.json;
    await sim.control.idle();
  });
  expect(answered, `${method} ${path}`).toBe(status);
  expect(scans, `${method} ${path}`).toEqual([]);
  return json;
}

test('with 1,500 conversations and contacts stored, sorts, filters, searches and contact delete read no whole collection', async () => {
  const sim = await createFilledSim();
  await call(sim, 'PATCH', '/1/conversations/700', { priority: 'urgent' });
  await sim.control.advance('1h');
  await call(sim, 'PATCH', '/1/conversations/5', { priority: 'low' });
  const byPriority = await expectNoScan(
    sim,
    'GET',
    '/1/conversations?sort_by=priority_desc&status=all',
    undefined,
  );
  expect(byPriority.data.payload.slice(0, 2).map((c: { id: number }) => c.id)).toEqual([700, 5]);
  await expectNoScan(sim, 'GET', '/1/conversations?sort_by=priority_asc&page=3', undefined);
  await expectNoScan(sim, 'GET', '/1/conversations?sort_by=last_activity_at_asc&page=2', undefined);
  await expectNoScan(sim, 'GET', '/1/conversations?sort_by=waiting_since_asc', undefined);
  await expectNoScan(sim, 'GET', '/1/conversations?sort_by=created_at_desc&page=4', undefined);
  const bySource = await expectNoScan(sim, 'GET', '/1/conversations?source_id=fill-9&status=all', undefined);
  expect(bySource.data.payload.map((c: { id: number }) => c.id)).toEqual([9]);
  const recent = await expectNoScan(sim, 'GET', '/1/conversations?updated_within=60&status=all', undefined);
  expect(recent.data.payload.map((c: { id: number }) => c.id)).toEqual([5]);
  const custom = await expectNoScan(sim, 'POST', '/1/conversations/filter', {
    payload: [{ attribute_key: 'n', filter_operator: 'is_greater_than', values: [1495] }],
  });
  expect(custom.meta.all_count).toBe(5);
  const contacts = await expectNoScan(sim, 'POST', '/1/contacts/filter', {
    payload: [{ attribute_key: 'email', filter_operator: 'contains', values: ['person14'] }],
  });
  expect(contacts.meta.count).toBe(111);
  await expectNoScan(sim, 'GET', '/1/search?q=person14', undefined);
  await expectNoScan(sim, 'GET', '/1/search/messages?q=filler&page=2', undefined);
  await expectNoScan(sim, 'GET', '/1/search/conversations?q=140', undefined);
  await expectNoScan(sim, 'GET', '/1/search/contacts?q=nobody-has-this', undefined);
  await expectNoScan(sim, 'DELETE', '/1/contacts/1400', undefined);
  expect((await call(sim, 'GET', '/1/contacts/1400')).status).toBe(404);
}, 60_000);
