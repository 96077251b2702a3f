// The chatwoot index is derived state: on a file store it is neither logged nor snapshotted, and a restart (closed,
// or killed: the files copied while the simulator runs) rebuilds it from the records exactly, so that every listing,
// page and search answers as before, and later changes go on as they would have without the restart.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, expect, test } from 'vitest';
import type { ChatwootState } from '../../../src/providers/chatwoot/model.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { createRecordingSender } from '../../support/recording-sender.ts';
import { copyStoreFiles, tempStorePath } from '../../support/store-file.ts';
import {
  createMade,
  type Made,
  runStep,
  type Step,
  stepArb,
  toLiveAndRebuilt,
  toObservedIndex,
} from './derived.ts';
import { call, createChatwootSim } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const createStoreFile = () => tempStorePath(dirs, 'chatwoot-derived');

const copyStore = (file: string) => copyStoreFiles(dirs, file);

/** Every write-ahead log file of a store, as text. */
function readLogs(file: string): string {
  const dir = path.dirname(file);
  return readdirSync(dir)
    .filter((name) => name.includes('.wal.'))
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('');
}

const open = (store: string) => createChatwootSim({ store, send: createRecordingSender().send });

const indexOf = (sim: Simulator) => {
  const s = sim.control.state('chatwoot') as ChatwootState;
  return JSON.parse(JSON.stringify(toObservedIndex(s.index, s))) as unknown;
};

/** The answers of the listings, pages, counts and searches the index serves. */
async function readAll(sim: Simulator): Promise<unknown[]> {
  const paths = [
    '/1/conversations?status=all',
    '/1/conversations?status=all&page=2',
    '/1/conversations?status=open&assignee_type=unassigned',
    '/1/conversations?status=all&assignee_type=me',
    '/1/conversations?status=all&sort_by=priority_desc',
    '/1/conversations?status=all&sort_by=last_activity_at_asc',
    '/1/conversations?status=pending&team_id=1',
    '/1/conversations?status=snoozed',
    '/1/conversations?status=all&q=m1',
    '/1/conversations/meta?status=all',
    '/1/contacts',
    '/1/contacts/search?q=derived',
    '/1/webhooks',
    '/1/canned_responses',
    '/1/conversations/1',
    '/1/conversations/1/messages',
    '/1/contacts/2/conversations',
  ];
  const answers: unknown[] = [];
  for (const p of paths) {
    const res = await call(sim, 'GET', p);
    answers.push([p, res.status, res.json]);
  }
  return answers;
}

/** Answers without the values drawn from the seeded random stream (`uuid`, `secret`). */
const withoutDrawn = (answers: unknown[]): unknown =>
  JSON.parse(
    JSON.stringify(answers, (key, value) => (key === 'uuid' || key === 'secret' ? '(drawn)' : value)),
  );

/** Two conversations in one bucket and one millisecond, the older one active last: only ranks order them. */
const TIE: Step[] = [
  { op: 'conversation', contact: 0, assignee: null, team: false, pending: false },
  { op: 'conversation', contact: 0, assignee: null, team: false, pending: false },
  { op: 'message', conv: 0, type: 'incoming', private: false },
];

/**
 * `TIE`, then `n` random steps; contact deletes (which take conversations with them, and are covered by the
 * exactness test) are left out, so that the store keeps many conversations.
 */
const steps = (seed: number, n: number): Step[] => [
  ...TIE,
  ...fc.sample(stepArb, { numRuns: n, seed }).filter((step) => step.op !== 'deleteContact'),
];

/** Runs `list` on `sim`; `made` carries on from earlier runs. */
async function run(sim: Simulator, made: Made, list: readonly Step[], from: number): Promise<void> {
  for (const [i, step] of list.entries()) await runStep(sim, made, step, from + i);
}

test('a chatwoot file store logs no index operation, and reopened (closed, or copied as a killed process leaves it) rebuilds the same index and answers every listing, page and search as before', async () => {
  const file = createStoreFile();
  const before = await open(file);
  const made = createMade();
  await run(before, made, steps(5, 150), 0);
  const { live, rebuilt } = toLiveAndRebuilt(before);
  expect(rebuilt).toEqual(live);
  const index = indexOf(before);
  const answers = await readAll(before);
  const killed = copyStore(file);
  expect(readLogs(file)).toContain('"providers","chatwoot","conversations"');
  expect(readLogs(file)).not.toContain('"chatwoot","index"');
  await before.close();
  expect(JSON.parse(readFileSync(file, 'utf8')).providers.chatwoot.index).toBeUndefined();

  for (const store of [file, killed]) {
    const after = await open(store);
    expect(indexOf(after)).toEqual(index);
    expect(await readAll(after)).toEqual(answers);
    await after.close();
  }
});

test('changes made after a chatwoot restart give the same ids, orders and answers as without the restart', async () => {
  const file = createStoreFile();
  const first = await open(file);
  const twin = await open(createStoreFile());
  const made = createMade();
  const twinMade = createMade();
  const head = steps(11, 80);
  await run(first, made, head, 0);
  await run(twin, twinMade, head, 0);
  await first.close();

  const restarted = await open(file);
  const tail = steps(12, 80);
  await run(restarted, made, tail, head.length);
  await run(twin, twinMade, tail, head.length);
  expect(made.convs).toEqual(twinMade.convs);
  expect(indexOf(restarted)).toEqual(indexOf(twin));
  // The seeded random stream starts again at a restart (the core does not store it), so the values drawn after it
  // (conversation uuids, webhook secrets) differ; nothing the index keeps depends on them.
  expect(withoutDrawn(await readAll(restarted))).toEqual(withoutDrawn(await readAll(twin)));
  expect(readLogs(file)).not.toContain('"chatwoot","index"');
  await restarted.close();
  await twin.close();
});
