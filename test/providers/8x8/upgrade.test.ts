// A store written before 8x8 keyed its collections by id (arrays, no indexes) is upgraded at start.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import {
  createEightByEightSim,
  gatewayClient,
  getToken,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Keyed = Record<string, Record<string, unknown>>;

/** Rewrites a current 8x8 state into the first format: arrays, no indexes, no sequence or attachment ids. */
function toArrayFormat(state: Record<string, unknown>): Record<string, unknown> {
  const values = (key: string) => Object.values(state[key] as Keyed);
  const { index: _index, tokenQueue: _queue, agentOrder: _order, ...rest } = state;
  return {
    ...rest,
    queues: values('queues'),
    agents: values('agents'),
    webhooks: values('webhooks'),
    channels: values('channels'),
    attachments: values('attachments'),
    conversations: values('conversations').map(({ seq: _seq, attachmentIds: _ids, ...c }) => c),
    seq: { webhook: (state.seq as Keyed['x'])!.webhook, channel: (state.seq as Keyed['x'])!.channel },
  };
}

test('a store of the array format is upgraded at start: conversations, tokens, lists and auto-accept work', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'convosim-8x8-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.json');
  const first = await createEightByEightSim({ store: file });
  const token = await getToken(first.sim);
  const v2 = v2Client(first.sim, token);
  const gw = gatewayClient(first.sim);
  const accepted = (await v2('POST', '/conversations', { channelId: await setUpV2Channel(v2) })).json
    .conversationId;
  await first.sim.control.advance('2s');
  const waiting = (await gw('POST', '/conversations', { channelId: await setUpGatewayChannel(gw), user: {} }))
    .json.conversationId;
  await first.sim.close();
  const stored = JSON.parse(readFileSync(file, 'utf8'));
  stored.providers['8x8'] = toArrayFormat(stored.providers['8x8']);
  writeFileSync(file, JSON.stringify(stored));

  const second = await createEightByEightSim({ store: file });
  const v2Again = v2Client(second.sim, token);
  const gwAgain = gatewayClient(second.sim);
  expect((await v2Again('GET', `/conversations/${accepted}`)).status).toBe(200);
  expect(
    (await v2Again('GET', '/conversations?status=handling')).json.data.map((c: { id: string }) => c.id),
  ).toEqual([accepted]);
  expect(
    (await gwAgain('GET', `/conversations/${waiting}/participants`)).json._embedded.participants,
  ).toHaveLength(1);
  await second.sim.control.advance('2s');
  const participants = await gwAgain('GET', `/conversations/${waiting}/participants`);
  expect(participants.json._embedded.participants.map((p: { id: string }) => p.id)).toContain('agent-ana');
  expect((await gwAgain('GET', '/conversations?filter=state==active')).json.page.totalElements).toBe(1);
  expect((await getToken(second.sim)).length).toBe(28);
  await second.sim.close();
});

/**
 * Rewrites the current sorted indexes (nested arrays) into an earlier format: `arrays`, buckets in one array;
 * `keyed`, one array of bucket keys; `paged`, bucket keys in pages by key.
 */
function toOldIndexes(value: unknown, format: 'arrays' | 'keyed' | 'paged'): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.size === 'number' && Array.isArray(record.pages)) {
    const nested = record.pages as string[][][];
    const lists = nested.flat();
    const buckets = Object.fromEntries(lists.map((bucket, i) => [`b${i}`, bucket]));
    if (format === 'arrays') return { size: record.size, buckets: lists };
    if (format === 'keyed')
      return { size: record.size, order: Object.keys(buckets), buckets, next: lists.length };
    let b = 0;
    const pages = Object.fromEntries(
      nested.map((page, p) => [`p${lists.length + p}`, page.map(() => `b${b++}`)]),
    );
    return {
      size: record.size,
      order: Object.keys(pages),
      pages,
      buckets,
      next: lists.length + nested.length,
    };
  }
  return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, toOldIndexes(child, format)]));
}

test.each([
  ['keep buckets in arrays', 'arrays'],
  ['keep their bucket keys in one array', 'keyed'],
  ['keep their bucket keys in pages by key', 'paged'],
] as const)(
  'a store of an older version whose indexes %s is re-indexed at start and lists as before',
  async (_, format) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convosim-8x8-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.json');
    const first = await createEightByEightSim({ store: file });
    const gw = gatewayClient(first.sim);
    const channelId = await setUpGatewayChannel(gw);
    const ids: string[] = [];
    for (let i = 0; i < 80; i++)
      ids.push((await gw('POST', '/conversations', { channelId, user: {} })).json.conversationId);
    const listed = (await gw('GET', '/conversations?sort=id&size=100')).json;
    const live = structuredClone((first.sim.control.state('8x8') as { index: unknown }).index);
    await first.sim.close();
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    const state = stored.providers['8x8'];
    // The index is derived state, no longer stored: put it back as an older version stored it.
    expect(state.index).toBeUndefined();
    state.index = toOldIndexes(live, format);
    expect(Array.isArray(state.index.gateway.id.pages)).toBe(false);
    writeFileSync(file, JSON.stringify(stored));

    const second = await createEightByEightSim({ store: file });
    const again = (await gatewayClient(second.sim)('GET', '/conversations?sort=id&size=100')).json;
    expect(again).toEqual(listed);
    expect(again.page.totalElements).toBe(80);
    const index = (second.sim.control.state('8x8') as { index: { gateway: { id: { pages: string[][][] } } } })
      .index;
    expect(index.gateway.id.pages.flat().length).toBeGreaterThan(1);
    await second.sim.close();
  },
);
