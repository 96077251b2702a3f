// Issue 9: on a file store Airkit's index (derived state) is never written; a restart rebuilds it from the records,
// whether the store was closed or the process was killed (its files copied while it runs).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { AirkitIndex, AirkitState } from '../../../src/providers/airkit/model.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { copyStoreFiles, tempStorePath, writeStoreFile } from '../../support/store-file.ts';
import {
  ANSWERED_HOOKS,
  call,
  createAirkitSim,
  type Json,
  SECOND_RESOURCE_FIXTURES,
  toObservable,
} from './helpers.ts';

const BASE = '/airkit/v1/conversations';
const hooks = ANSWERED_HOOKS;
const fixtures = SECOND_RESOURCE_FIXTURES;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempStore = () => tempStorePath(dirs, 'airkit-derived');

const copyStore = (file: string) => copyStoreFiles(dirs, file);

const walText = (file: string) =>
  readdirSync(path.dirname(file))
    .filter((name) => name.startsWith(`${path.basename(file)}.wal.`))
    .map((name) => readFileSync(path.join(path.dirname(file), name), 'utf8'))
    .join('');

const open = (store: string) => createAirkitSim({ store, retain: '1m', fixtures, ...hooks });

const indexOf = (sim: Simulator) =>
  JSON.parse(JSON.stringify((sim.control.state('airkit') as AirkitState).index)) as AirkitIndex;

/** Every page of every listing (public, per resource, messages, admin with its cursor), small pages. */
async function listAll(sim: Simulator): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const query of [
    '',
    '&conversationHubChannelResource=hub-default',
    '&conversationHubChannelResource=res-b',
  ]) {
    let token: string | null = '0';
    while (token !== null) {
      const res: Json = await call(sim, 'GET', `${BASE}?pageSize=2&pageToken=${token}${query}`);
      answers.push(res);
      token = res.json.nextPageToken;
    }
  }
  const all: Json = await call(sim, 'GET', `${BASE}?pageSize=1000`);
  for (const c of all.json.conversations) {
    answers.push(await call(sim, 'GET', `${BASE}/${c.id}/messages?pageSize=1`));
  }
  let after = '';
  for (;;) {
    const res = await sim.app.request(`/__admin/conversations?provider=airkit&limit=3${after}`);
    const body: Json = await res.json();
    answers.push(body);
    if (!body.next) break;
    after = `&after=${encodeURIComponent(body.next)}`;
  }
  return answers;
}

/** Starts, messages, ends, expiries, then more starts: every transition that changes the index. */
async function makeChanges(sim: Simulator): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const b = i % 3 === 0;
    const res = await call(sim, 'POST', BASE, {
      conversationHubChannelResource: b ? 'res-b' : 'hub-default',
      customerDestination: b ? { type: 'Phone', value: '+15550100' } : { type: 'Text', value: `s-${i}` },
      managedByThirdPartySystem: i % 4 !== 1,
    });
    expect(res.status).toBe(201);
    ids.push(res.json.id);
    await call(sim, 'POST', `${BASE}/${res.json.id}/messages`, { text: `hello ${i}` });
  }
  for (const i of [0, 3, 5, 11]) await call(sim, 'POST', `${BASE}/${ids[i]}/end`);
  await sim.control.advance('2m');
  await call(sim, 'GET', `${BASE}?pageSize=1`);
  await sim.control.idle();
  for (const i of [1, 2]) await call(sim, 'POST', `${BASE}/${ids[i]}/messages`, { text: 'again' });
  await call(sim, 'POST', BASE, {
    conversationHubChannelResource: 'res-b',
    customerDestination: { type: 'Phone', value: '+15550101' },
  });
  await sim.control.idle();
}

test('after a restart of an Airkit file store the index is rebuilt as it was live and every listing answers the same', async () => {
  const file = tempStore();
  const before = await open(file);
  await makeChanges(before);
  const live = indexOf(before);
  const answers = await listAll(before);
  await before.close();

  const after = await open(file);
  expect(toObservable(indexOf(after))).toEqual(toObservable(live));
  expect(await listAll(after)).toEqual(answers);
  // The next start is numbered after every earlier one, expired ones included.
  const state = after.control.state('airkit') as AirkitState;
  expect(state.nextConversationSeq).toBe(13);
  await after.close();
});

test('an Airkit file store copied from a running process (killed) rebuilds the index as it was live, and its log holds no index operation', async () => {
  const file = tempStore();
  const running = await open(file);
  await makeChanges(running);
  const live = indexOf(running);
  const answers = await listAll(running);
  const log = walText(file);
  expect(log).toContain('"conversations"');
  expect(log).not.toContain('"index"');
  const copy = copyStore(file);

  const restored = await open(copy);
  expect(toObservable(indexOf(restored))).toEqual(toObservable(live));
  expect(await listAll(restored)).toEqual(answers);
  await restored.close();
  await running.close();
});

test('an Airkit store of the previous version (index in the snapshot, no seq on records) lists in the stored order after a restart', async () => {
  const sim = await createAirkitSim({ fixtures, ...hooks });
  await makeChanges(sim);
  const answers = await listAll(sim);
  // As the previous version stored it: no start numbers nor message positions, no counter, an index.
  const state = JSON.parse(JSON.stringify(sim.control.state('airkit'))) as Json;
  delete state.nextConversationSeq;
  for (const c of Object.values(state.conversations) as Json[]) delete c.seq;
  for (const m of Object.values(state.messages) as Json[]) delete m.position;
  const file = writeStoreFile(dirs, 'airkit', state);

  const reopened = await createAirkitSim({ store: file, fixtures, ...hooks });
  expect(await listAll(reopened)).toEqual(answers);
  const started = await call(reopened, 'POST', BASE, {
    conversationHubChannelResource: 'hub-default',
    customerDestination: { type: 'Text', value: 'later' },
  });
  const listed: Json = await call(reopened, 'GET', `${BASE}?pageSize=1000`);
  expect(listed.json.conversations.at(-1).id).toBe(started.json.id);
  await reopened.close();
});
