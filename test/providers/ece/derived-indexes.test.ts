// Issue 9 (file-store speed): the ECE indexes are derived state. A file store neither logs nor snapshots them, and
// performStart rebuilds them from the records (createIndexes) exactly as the transitions keep them.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, expect, test } from 'vitest';
import { createIndexes } from '../../../src/providers/ece/model-indexes.ts';
import type { EceState } from '../../../src/providers/ece/model-state.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { copyStoreFiles, tempStorePath } from '../../support/store-file.ts';
import {
  CALLBACK_URL,
  createEceSim,
  customer,
  type EceSim,
  eceAdmin,
  getToken,
  startBody,
  startOk,
} from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempStore = () => tempStorePath(dirs, 'ece-derived');

const copyStore = (file: string) => copyStoreFiles(dirs, file);

/** The text of every write-ahead log segment of a store. */
const logText = (file: string) =>
  readdirSync(path.dirname(file))
    .filter((name) => name.includes('.wal.'))
    .map((name) => readFileSync(path.join(path.dirname(file), name), 'utf8'))
    .join('');

const state = (sim: Simulator) => sim.control.state('ece') as EceState;
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The live indexes, and the ones rebuilt from a copy of the records (the state without its derived key). */
function liveAndRebuilt(sim: Simulator) {
  const { indexes, ...records } = plain(state(sim));
  return { live: indexes, rebuilt: plain(createIndexes(records)) };
}

const act = (sim: Simulator, conversationId: string, action: string, args: unknown = {}) =>
  sim.control.act({ provider: 'ece', conversationId, action, args });

/** An action the state machine may refuse (a refusal changes nothing): its refusal is part of the sequence. */
const tryAct = (sim: Simulator, conversationId: string, action: string, args: unknown = {}) =>
  act(sim, conversationId, action, args).catch(() => undefined);

/** A start, anonymous or searching a customer by e-mail (a few addresses, so customers are found again). */
async function startChat(sim: Simulator, email: number | null): Promise<string | null> {
  const token = await getToken(sim);
  const res = await sim.app.request(
    `/system/ws/v19/clientapplications/messaging/conversation/start?${email === null ? 'anonymousCustomer=yes' : 'searchContactOnAttribute=email.emailAddress'}`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(
        startBody(
          email === null
            ? undefined
            : {
                customer: customer({
                  firstName: 'C',
                  lastName: `N${email}`,
                  email: [{ emailAddress: `C${email}@Example.com` }],
                }),
              },
        ),
      ),
    },
  );
  return res.status === 200 ? ((await res.json()) as { id: string }).id : null;
}

const file = { fileName: 'photo.jpg', contentType: 'image/jpeg', size: 10 };

const stepArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      email: fc.option(fc.integer({ min: 0, max: 3 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('token' as const), forceLogin: fc.boolean() }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'join' as const,
        'complete' as const,
        'leave' as const,
        'toQueue' as const,
        'toAgent' as const,
        'agentUpload' as const,
        'customerUpload' as const,
        'accept' as const,
      ),
      pick: fc.nat(),
      agent: fc.constantFrom('1', '2', '3'),
      queue: fc.constantFrom('q-sales', 'q-support', 'q-after-hours'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('agent' as const),
      agent: fc.constantFrom('1', '2', '3'),
      available: fc.boolean(),
      maxChats: fc.integer({ min: 0, max: 3 }),
    }),
  },
  // A failing receiver keeps callback requests in the dispatcher's hands (retries), then deactivates the URL.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('receiver' as const), ok: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.constantFrom(0, 400, 1000, 5000, 3_600_000, 90_000_000),
    }),
  },
);
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

/** Plays one step through the app and the control API. */
async function play(eceSim: EceSim, ids: string[], step: Step): Promise<void> {
  const { sim } = eceSim;
  const id = 'pick' in step ? ids[step.pick % Math.max(1, ids.length)] : undefined;
  switch (step.kind) {
    case 'start': {
      const started = await startChat(sim, step.email);
      if (started) ids.push(started);
      return;
    }
    case 'token':
      await sim.app.request(
        `/system/ws/v19/clientapplications/authentication/oauth2/token${step.forceLogin ? '?forceLogin=yes' : ''}`,
        {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        },
      );
      return;
    case 'agent':
      await eceAdmin(sim, 'PUT', `/agents/${step.agent}`, {
        available: step.available,
        maxChats: step.maxChats,
      });
      return;
    case 'advance':
      await sim.control.advance(step.ms);
      return;
    case 'receiver':
      eceSim.respondWith(step.ok ? 200 : 500);
      return;
  }
  if (id === undefined) return;
  if (step.kind === 'join') await tryAct(sim, id, 'agent.join', { agentId: step.agent });
  if (step.kind === 'complete') await tryAct(sim, id, 'agent.complete');
  if (step.kind === 'leave') await tryAct(sim, id, 'customer.leave');
  if (step.kind === 'toQueue') await tryAct(sim, id, 'agent.transfer', { queueId: step.queue });
  if (step.kind === 'toAgent') await tryAct(sim, id, 'agent.transfer', { agentId: step.agent });
  if (step.kind === 'agentUpload') await tryAct(sim, id, 'agent.attachment.upload', file);
  if (step.kind === 'customerUpload') await tryAct(sim, id, 'customer.attachment.upload', file);
  if (step.kind === 'accept') await tryAct(sim, id, 'agent.attachment.accept');
}

test('after any sequence of starts, tokens, assignments, transfers, uploads, completions, expiries and agent changes the indexes rebuilt from the records deep-equal the live ones', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 20, maxLength: 80 }), async (steps) => {
      const eceSim = await createEceSim({ retain: '1h' });
      const { sim } = eceSim;
      try {
        const ids: string[] = [];
        for (const step of steps) {
          await play(eceSim, ids, step);
          // Compared after every step, deliveries possibly still in flight (callbacksSending).
          const { live, rebuilt } = liveAndRebuilt(sim);
          expect(rebuilt).toEqual(live);
        }
      } finally {
        await sim.close();
      }
    }),
    { numRuns: 30, seed: 9 },
  );
});

test('a customer list of one contact value is sorted by id, whatever the order customers were added in, so a rebuild gives the same list', async () => {
  // Departmentalization: the fixture customer of department 1000 is not found from entry point 1001 (999), so a
  // start creates another customer with the same address. It is added after 'zeta' but sorts before it.
  const { sim } = await createEceSim({
    fixtures: {
      ece: {
        settings: { customerDepartmentalization: true },
        customers: [
          { id: 'zeta', departmentId: '1000', contacts: [{ id: 'c1', email: ['shared@example.com'] }] },
        ],
      },
    },
  });
  const search = {
    query: 'searchContactOnAttribute=email.emailAddress',
    body: startBody({
      customer: customer({ firstName: 'S', email: [{ emailAddress: 'Shared@example.com' }] }),
    }),
  };
  const created = await startOk(sim, search);
  const found = await startOk(sim, search);
  expect(found.customer?.id).toBe(created.customer?.id);
  expect(state(sim).indexes.customersByContact['email.emailAddress']?.['shared@example.com']).toEqual([
    created.customer?.id,
    'zeta',
  ]);
  const { live, rebuilt } = liveAndRebuilt(sim);
  expect(rebuilt).toEqual(live);
});

/** Every page of the admin conversation listing, two at a time, and the summaries of the control API. */
async function listings(sim: Simulator) {
  const pages: unknown[] = [];
  let after: string | null = null;
  do {
    const res = await eceAdmin(
      sim,
      'GET',
      `/conversations?limit=2${after === null ? '' : `&after=${after}`}`,
    );
    const body = (await res.json()) as { next: string | null };
    pages.push(body);
    after = body.next;
  } while (after !== null);
  return { pages, summaries: sim.control.conversations({ provider: 'ece' }) };
}

/** A mix of changes on a file store: starts (anonymous and with customers), assignments, a transfer, uploads. */
async function fillStore(sim: Simulator): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const id = await startChat(sim, i % 3 === 0 ? null : i % 2);
    if (id) ids.push(id);
    await sim.control.advance(300);
  }
  await sim.control.advance('1s');
  await sim.control.idle();
  await tryAct(sim, ids[0]!, 'customer.attachment.upload', file);
  await tryAct(sim, ids[1]!, 'agent.attachment.upload', file);
  await tryAct(sim, ids[0]!, 'agent.transfer', { queueId: 'q-support' });
  await tryAct(sim, ids[2]!, 'agent.complete');
  await sim.control.idle();
  return ids;
}

test('on a file store the indexes are never logged nor snapshotted, and a restart after close rebuilds them equal with identical listings', async () => {
  const store = tempStore();
  const first = await createEceSim({ store });
  await fillStore(first.sim);
  const before = { indexes: plain(state(first.sim).indexes), ...(await listings(first.sim)) };
  expect(before.indexes.waiting['q-support']?.size).toBe(1);
  expect(logText(store)).toContain('"providers","ece","conversations"');
  expect(logText(store)).not.toContain('"ece","indexes"');
  await first.sim.close();
  expect(JSON.parse(readFileSync(store, 'utf8')).providers.ece).not.toHaveProperty('indexes');

  const second = await createEceSim({ store });
  try {
    expect(plain(state(second.sim).indexes)).toEqual(before.indexes);
    expect(await listings(second.sim)).toEqual({ pages: before.pages, summaries: before.summaries });
  } finally {
    await second.sim.close();
  }
});

test('a store copied from a running process (killed, never closed) opens with the indexes rebuilt equal and identical listings', async () => {
  const store = tempStore();
  const first = await createEceSim({ store });
  try {
    await fillStore(first.sim);
    const before = { indexes: plain(state(first.sim).indexes), ...(await listings(first.sim)) };
    const copy = copyStore(store);
    expect(logText(copy)).not.toContain('"ece","indexes"');
    const second = await createEceSim({ store: copy });
    try {
      expect(plain(state(second.sim).indexes)).toEqual(before.indexes);
      expect(await listings(second.sim)).toEqual({ pages: before.pages, summaries: before.summaries });
    } finally {
      await second.sim.close();
    }
  } finally {
    await first.sim.close();
  }
});

test('a store of the previous version (no arrival numbers) gives its waiting chats arrivals in the order they entered their queue', async () => {
  const store = tempStore();
  const options = {
    store,
    fixtures: {
      ece: {
        agents: [
          { id: '1', name: 'alice', screenName: 'Alice', queues: ['q-sales'], maxChats: 0 },
          { id: '2', name: 'bob', screenName: 'Bob', queues: ['q-sales'], maxChats: 0 },
        ],
      },
    },
    providerOptions: { ece: { callbackUrl: CALLBACK_URL, autoAssign: false } },
  };
  const first = await createEceSim(options);
  const a = await startOk(first.sim);
  await first.sim.control.advance('1s');
  const b = await startOk(first.sim);
  await act(first.sim, a.id, 'agent.join', { agentId: '1' });
  await first.sim.control.advance('1s');
  await act(first.sim, a.id, 'agent.transfer', { queueId: 'q-sales' });
  await first.sim.control.advance('1s');
  const c = await startOk(first.sim);
  await first.sim.close();
  // What the previous version wrote: no arrival on the records, no arrival counter (its counter was an index).
  const data = JSON.parse(readFileSync(store, 'utf8'));
  for (const conversation of Object.values(data.providers.ece.conversations) as Array<{ arrival?: number }>)
    delete conversation.arrival;
  delete data.providers.ece.counters.arrival;
  writeFileSync(store, JSON.stringify(data));

  const second = await createEceSim(options);
  try {
    expect(state(second.sim).counters.arrival).toBe(3);
    const assigned: string[] = [];
    for (const maxChats of [1, 2, 3]) {
      await eceAdmin(second.sim, 'PUT', '/agents/2', { maxChats });
      const open = toWaitingIds(second.sim);
      assigned.push(...[b.id, a.id, c.id].filter((id) => !open.includes(id) && !assigned.includes(id)));
    }
    expect(assigned).toEqual([b.id, a.id, c.id]);
    const { live, rebuilt } = liveAndRebuilt(second.sim);
    expect(rebuilt).toEqual(live);
  } finally {
    await second.sim.close();
  }
});

/** Ids of the conversations still waiting. */
function toWaitingIds(sim: Simulator): string[] {
  return Object.values(state(sim).conversations)
    .filter((conversation) => conversation.status === 'waiting')
    .map((conversation) => conversation.id);
}
