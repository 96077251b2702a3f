// The ECE admin API (docs/providers/ece.md "Admin API"): the paged conversation listing.
import { expect, test } from 'vitest';
import { createEceSim, eceAdmin, startOk } from './helpers.ts';

type Page = { conversations: Array<{ id: string }>; next: string | null };

test('GET /conversations pages through the conversations in creation order', async () => {
  const { sim } = await createEceSim();
  const started = [];
  for (let i = 0; i < 5; i++) started.push((await startOk(sim)).id);
  const first = (await (await eceAdmin(sim, 'GET', '/conversations?limit=2')).json()) as Page;
  expect(first.conversations.map((c) => c.id)).toEqual(started.slice(0, 2));
  const second = (await (
    await eceAdmin(sim, 'GET', `/conversations?limit=2&after=${first.next}`)
  ).json()) as Page;
  expect(second.conversations.map((c) => c.id)).toEqual(started.slice(2, 4));
  const last = (await (
    await eceAdmin(sim, 'GET', `/conversations?limit=2&after=${second.next}`)
  ).json()) as Page;
  expect(last).toEqual({ conversations: [expect.objectContaining({ id: started[4] })], next: null });
});

test('GET /conversations after an unknown id answers 404, and a bad limit 400', async () => {
  const { sim } = await createEceSim();
  await startOk(sim);
  expect((await eceAdmin(sim, 'GET', '/conversations?after=constructor')).status).toBe(404);
  expect((await eceAdmin(sim, 'GET', '/conversations?after=__proto__')).status).toBe(404);
  expect((await eceAdmin(sim, 'GET', '/conversations?limit=0')).status).toBe(400);
  expect((await eceAdmin(sim, 'GET', '/conversations?limit=501')).status).toBe(400);
});
