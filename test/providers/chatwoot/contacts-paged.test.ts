// An account's contacts are kept as paged ids (src/provider/paged-ids.ts): deleting one costs a bucket, not the
// contacts created after it; stores written before keep plain arrays and are converted at start.
import { rmSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { guardScans } from '../../support/scan-guard.ts';
import { writeStoreFile } from '../../support/store-file.ts';
import { call, createChatwootSim, type Json } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const idsOf = (res: { json: Json }) => res.json.payload.map((c: { id: number }) => c.id);

// The shapes earlier versions stored an account's contacts in: contact ids oldest first, or paged ids whose
// buckets were an array.
const earlierShapes = {
  'plain arrays': (ids: string[]) => ids.map(Number),
  'paged ids with array buckets': (ids: string[]) => ({
    size: ids.length,
    next: ids.length,
    slots: Object.fromEntries(ids.map((id, i) => [id, i])),
    buckets: [{ from: 0, live: ids.length, ids }],
  }),
};

test.each(Object.keys(earlierShapes) as (keyof typeof earlierShapes)[])(
  'a store keeping contacts as %s lists, searches and deletes them after a restart',
  async (shape) => {
    const before = await createChatwootSim();
    for (const name of ['Ann', 'Bob', 'Cid'])
      await call(before, 'POST', '/1/contacts', { name, email: `${name}@x.test` });
    const state = before.control.state('chatwoot') as Json;
    const paged = state.index.contactsOfAccount['1'];
    const ids = paged.order.flatMap((from: number) =>
      paged.buckets[String(from)].ids.filter((id: string | null) => id !== null),
    );
    expect(ids).toHaveLength(4);
    state.index.contactsOfAccount['1'] = earlierShapes[shape](ids);
    const file = writeStoreFile(dirs, 'chatwoot', state);

    const sim = await createChatwootSim({ store: file });
    const listed = await call(sim, 'GET', '/1/contacts');
    expect(listed.json.meta.count).toBe(4);
    expect(idsOf(listed)).toEqual([1, 2, 3, 4]);
    expect((await call(sim, 'DELETE', '/1/contacts/3')).status).toBe(200);
    const after = await call(sim, 'GET', '/1/contacts');
    expect(idsOf(after)).toEqual([1, 2, 4]);
    expect(after.json.meta.count).toBe(3);
    expect(idsOf(await call(sim, 'GET', '/1/contacts/search?q=cid'))).toEqual([4]);
    await sim.close();
  },
);

test('deleting an early contact of many reads no whole collection and keeps the pages in order', async () => {
  const sim = await createChatwootSim();
  for (let i = 0; i < 600; i++) await call(sim, 'POST', '/1/contacts', { name: `c${i}` });
  const deleted = await guardScans(200, () => call(sim, 'DELETE', '/1/contacts/2'));
  expect(deleted.result.status).toBe(200);
  expect(deleted.scans).toEqual([]);
  const page = await call(sim, 'GET', '/1/contacts?page=1');
  expect(idsOf(page).slice(0, 3)).toEqual([1, 3, 4]);
  expect(page.json.meta.count).toBe(600);
  // 600 contacts, 15 a page: the last page is the 40th.
  expect(idsOf(await call(sim, 'GET', '/1/contacts?page=40')).at(-1)).toBe(601);
  expect(idsOf(await call(sim, 'GET', '/1/contacts?page=41'))).toEqual([]);
});
