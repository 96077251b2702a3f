import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { createStore, StoreWriteError } from '../../src/store.ts';
import { listSegments, type WriteAheadLog } from '../../src/wal.ts';
import { startReceiver } from '../support/receiver.ts';
import { startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';
import { copyStoreFiles } from '../support/store-file.ts';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'convosim-store-')), 'nested', 'db.json');

/** A store's files (not its lock) copied to a new folder, as a killed process would leave them. */
const copyStore = (file: string) => copyStoreFiles([], file);

test('state, journal and virtual time survive a restart on the same store file', async () => {
  const file = tempFile();
  const first = await createTestSimulator({ store: file });
  const { id } = (await (await startEcho(first)).json()) as { id: string };
  await first.control.advance('90s');
  await first.close();

  const second = await createTestSimulator({ store: file });
  expect((await second.app.request(`/echo/v1/conversations/${id}`)).status).toBe(200);
  expect(second.control.requests()).toHaveLength(2);
  expect(second.control.now()).toBe(first.control.now());
  const { id: next } = (await (await startEcho(second)).json()) as { id: string };
  expect(next).not.toBe(id);
  expect(second.control.requests().at(-1)?.id).toBe('req-3');
});

test('every change is in the log once written() resolves, without a flush or a snapshot', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1 });
  store.replace('p', { n: 0 });
  for (let i = 0; i < 500; i++)
    store.update<{ n: number }, void>('p', (d) => {
      d.n += 1;
    });
  await store.written();
  expect(store.written()).toBeUndefined();
  // As if the process were killed now: another process opens a copy of the files (not the lock).
  const copy = copyStore(file);
  const reopened = await createStore({ location: copy, seed: 1 });
  expect(reopened.data.providers.p).toEqual({ n: 500 });
  expect(reopened.restored).toBe(true);
  await reopened.close();
  await store.close();
});

test('a snapshot replaces the log it covers, and a restart reads the snapshot then the newer log', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1 });
  store.replace('p', { items: [] as number[] });
  for (let i = 0; i < 50; i++)
    store.update<{ items: number[] }, void>('p', (d) => {
      d.items.push(i);
    });
  await store.snapshot();
  const segments = readdirSync(path.dirname(file)).filter((f) => f.includes('.wal.'));
  expect(segments).toHaveLength(1);
  expect(JSON.parse(readFileSync(file, 'utf8')).providers.p.items).toHaveLength(50);
  store.update<{ items: number[] }, void>('p', (d) => {
    d.items.shift();
  });
  await store.written();
  const reopened = await createStore({ location: copyStore(file), seed: 1 });
  expect((reopened.data.providers.p as { items: number[] }).items).toEqual(
    Array.from({ length: 49 }, (_, i) => i + 1),
  );
  await reopened.close();
  await store.close();
});

test('a torn last line of the log is ignored with a warning', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1 });
  store.replace('p', { n: 1 });
  await store.written();
  const copy = copyStore(file);
  const segment = readdirSync(path.dirname(copy)).find((f) => f.includes('.wal.'))!;
  appendFileSync(path.join(path.dirname(copy), segment), '[[["providers","p","n"],2');
  const warnings: string[] = [];
  const reopened = await createStore({ location: copy, seed: 1, onWarning: (m) => warnings.push(m) });
  expect(reopened.data.providers.p).toEqual({ n: 1 });
  expect(warnings.join('\n')).toMatch(/ignoring a torn last line/);
  await reopened.close();
  await store.close();
});

test('a damaged line before the end of the log is refused with a one-line reason', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1 });
  store.replace('p', { n: 1 });
  await store.written();
  const copy = copyStore(file);
  const segment = path.join(
    path.dirname(copy),
    readdirSync(path.dirname(copy)).find((f) => f.includes('.wal.'))!,
  );
  writeFileSync(segment, `garbage\n${readFileSync(segment, 'utf8')}`);
  await expect(createStore({ location: copy, seed: 1 })).rejects.toThrow(/:1 is not a valid log line/);
  await store.close();
});

test('a second simulator on the same store file is refused, naming the process that holds it', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1 });
  await expect(createStore({ location: file, seed: 1 })).rejects.toThrow(
    new RegExp(`is in use by process ${process.pid}\\. Please stop it`),
  );
  await store.close();
  const again = await createStore({ location: file, seed: 1 });
  await again.close();
});

test('a lock left by a process that is gone is taken over', async () => {
  const file = tempFile();
  await (await createStore({ location: file, seed: 1 })).close();
  writeFileSync(`${file}.lock`, '999999999\n');
  const store = await createStore({ location: file, seed: 1 });
  expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(process.pid));
  await store.close();
});

test('a change that cannot be written is rolled back and answered 503 in the provider envelope', async () => {
  const failing: WriteAheadLog = {
    append() {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
    bytes: 0,
    rotate: () => 2,
    dropBefore() {},
    close() {},
  };
  const store = await createStore({ location: tempFile(), seed: 1, openLog: () => failing }).catch((e) => e);
  // Opening logs the meta: a store that cannot write at all fails at once, loudly.
  expect(store).toBeInstanceOf(StoreWriteError);

  let full = false;
  const sometimes: WriteAheadLog = {
    ...failing,
    append: (lines) => {
      if (full) failing.append(lines);
    },
  };
  const opened = await createStore({ location: tempFile(), seed: 1, openLog: () => sometimes });
  const sim = await createTestSimulator({ store: opened });
  const before = sim.control.state('echo');
  full = true;
  const res = await startEcho(sim);
  expect(res.status).toBe(503);
  expect(await res.json()).toMatchObject({
    fault: { status: 503, message: expect.stringMatching(/cannot be written: ENOSPC/) },
  });
  expect(sim.control.state('echo')).toEqual(before);
  expect(sim.control.health().storage).toMatchObject({ ok: false, failures: 1 });
  full = false;
  expect((await startEcho(sim)).status).toBe(201);
  expect(sim.control.health().storage.ok).toBe(true);
});

test('the changes of one turn are written with one write, and a failed write undoes them all', async () => {
  const writes: string[] = [];
  let full = false;
  const log: WriteAheadLog = {
    append(lines) {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      writes.push(lines);
    },
    bytes: 0,
    rotate: () => 2,
    dropBefore() {},
    close() {},
  };
  const store = await createStore({ location: tempFile(), seed: 1, openLog: () => log });
  writes.length = 0;
  store.replace('p', { n: 0, items: [] as number[] });
  for (let i = 1; i <= 3; i++)
    store.update<{ n: number; items: number[] }, void>('p', (d) => {
      d.n = i;
      d.items.push(i);
    });
  await store.written();
  expect(writes).toHaveLength(1);
  expect(writes[0]!.trim().split('\n')).toHaveLength(4);

  full = true;
  store.update<{ n: number; items: number[]; extra?: string }, void>('p', (d) => {
    d.n = 10;
    d.extra = 'x';
  });
  store.update<{ n: number; items: number[] }, void>('p', (d) => {
    d.items.splice(0, 2);
    d.n += 1;
  });
  expect(store.data.providers.p).toEqual({ n: 11, items: [3], extra: 'x' });
  await expect(store.written()).rejects.toBeInstanceOf(StoreWriteError);
  expect(store.data.providers.p).toEqual({ n: 3, items: [1, 2, 3] });
  expect(store.status()).toMatchObject({ ok: false, failures: 1 });
  full = false;
  await store.close();
});

test('every answer of a turn whose changes cannot be written is a 503, and no webhook of it is sent', async () => {
  let full = false;
  const log: WriteAheadLog = {
    append() {
      if (full) throw Object.assign(new Error('EFBIG: file too large, write'), { code: 'EFBIG' });
    },
    bytes: 0,
    rotate: () => 2,
    dropBefore() {},
    close() {},
  };
  const receiver = await startReceiver();
  const sim = await createTestSimulator({
    store: await createStore({ location: tempFile(), seed: 1, openLog: () => log }),
    fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: receiver.url } },
  });
  const before = sim.control.state('echo');
  full = true;
  const answers = await Promise.all([startEcho(sim, 'one'), startEcho(sim, 'two')]);
  expect(answers.map((res) => res.status)).toEqual([503, 503]);
  expect(sim.control.state('echo')).toEqual(before);
  await sim.control.idle();
  expect(receiver.requests).toEqual([]);
  const [first] = sim.control.deliveries();
  expect(first?.attempts[0]?.error).toMatch(/could not be written to the store, and was undone/);

  full = false;
  expect((await startEcho(sim, 'three')).status).toBe(201);
  await sim.control.idle();
  expect(receiver.requests.map((r) => (r.json as { messages: string[] }).messages[0])).toEqual(['three']);
  await sim.close();
  await receiver.close();
});

test('the journal keeps a bounded window in memory and says how much it evicted', async () => {
  const sim = await createTestSimulator({ journalLimit: 10 });
  for (let i = 0; i < 25; i++) await startEcho(sim);
  const requests = sim.control.requests();
  expect(requests).toHaveLength(10);
  expect(requests.at(-1)?.id).toBe('req-25');
  expect(sim.control.health().journal).toMatchObject({ size: 10, limit: 10, evicted: 15 });
  expect(sim.control.requests({ provider: 'echo', limit: 3 }).map((r) => r.id)).toEqual([
    'req-23',
    'req-24',
    'req-25',
  ]);
  // Entries past the limit wait for a batch eviction: a query reads from the oldest kept one, with or without `after`.
  expect(sim.control.requests({ limit: 1 }).map((r) => r.id)).toEqual(['req-25']);
  expect(sim.control.requests({ after: 22 }).map((r) => r.id)).toEqual(['req-23', 'req-24', 'req-25']);
  expect(sim.control.requests({ provider: 'echo', after: 3 }).map((r) => r.id)).toEqual(
    requests.map((r) => r.id),
  );
  expect(sim.control.countRequests({ provider: 'echo' })).toBe(10);
});

test('requests are journaled to a file beside the store, one line each', async () => {
  const file = tempFile();
  const sim = await createTestSimulator({ store: file });
  await Promise.all(Array.from({ length: 100 }, () => startEcho(sim)));
  const lines = readFileSync(`${file}.requests.ndjson`, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(100);
  expect(JSON.parse(lines[99]!)).toMatchObject({ provider: 'echo', status: 201 });
  await sim.close();
  expect(JSON.parse(readFileSync(file, 'utf8'))).not.toHaveProperty('journal');
});

test('a request is signalled once its journal entry is in the file, so idle() counts it until then', async () => {
  const file = tempFile();
  const sim = await createTestSimulator({ store: file });
  const inFile: boolean[] = [];
  sim.signals.on('request', (entry) => {
    inFile.push(readFileSync(`${file}.requests.ndjson`, 'utf8').includes(`"id":"${entry.id}"`));
  });
  await Promise.all([startEcho(sim), startEcho(sim), startEcho(sim)]);
  expect(inFile).toEqual([true, true, true]);
  await sim.close();
});

test('an update that throws changes nothing', async () => {
  const store = await createStore({ location: 'memory', seed: 1 });
  store.replace('p', { items: [1, 2], name: 'a' });
  expect(() =>
    store.update<{ items: number[]; name: string }, void>('p', (d) => {
      d.items.push(3);
      d.name = 'b';
      throw new Error('half way');
    }),
  ).toThrow('half way');
  expect(store.data.providers.p).toEqual({ items: [1, 2], name: 'a' });
});

test('a store file that is not JSON is refused with a one-line reason', async () => {
  const file = tempFile();
  await (await createStore({ location: file, seed: 1 })).close();
  writeFileSync(file, '{ not json');
  await expect(createStore({ location: file, seed: 1 })).rejects.toThrow(
    /is not valid JSON\. Please delete it/,
  );
});

test('a JSON file that is not a convosim store is refused', async () => {
  for (const text of [
    '{"hello":"world"}',
    'null',
    '[]',
    '{"version":2,"meta":{"seed":1,"boots":0},"providers":null}',
  ]) {
    const file = tempFile();
    await (await createStore({ location: file, seed: 1 })).close();
    writeFileSync(file, text);
    await expect(createStore({ location: file, seed: 1 })).rejects.toThrow(/is not a convosim store/);
  }
});

test('reset restores the fixtures and clears journal, deliveries and faults', async () => {
  const receiver = await startReceiver();
  const sim = await createTestSimulator({
    fixtures: { echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: receiver.url } },
  });
  const initial = structuredClone(sim.control.conversations());
  const firstBody = await (await startEcho(sim)).text();
  await sim.control.idle();
  sim.control.addFault({ provider: 'echo', path: '/nothing', status: 500 });
  expect(sim.control.conversations()).toHaveLength(1);

  await sim.control.reset();
  expect(sim.control.conversations()).toEqual(initial);
  expect(sim.control.requests()).toEqual([]);
  expect(sim.control.deliveries()).toEqual([]);
  expect(sim.control.faults()).toEqual([]);
  expect(await (await startEcho(sim)).text()).toBe(firstBody);
  await receiver.close();
});

test('deliveries left unsettled by a stopped process are resumed at the next start', async () => {
  const file = tempFile();
  const receiver = await startReceiver({ respond: 503 });
  const fixtures = { echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: receiver.url } };
  const first = await createTestSimulator({ store: file, fixtures });
  await startEcho(first);
  await first.control.idle();
  expect(first.control.deliveries()[0]?.state).toBe('retrying');
  await first.close();

  receiver.respondWith(200);
  const second = await createTestSimulator({ store: file, fixtures });
  await second.control.idle();
  const [delivery] = second.control.deliveries();
  expect(delivery?.state).toBe('delivered');
  expect(delivery?.attempts.map((a) => a.status)).toEqual([503, 200]);
  expect(receiver.requests).toHaveLength(2);
  await receiver.close();
});

test('a delivery in flight when the simulator closes is sent again at the next start, not lost', async () => {
  const file = tempFile();
  const fixtures = {
    echo: { tokens: [{ id: 'good-token', tenant: 't' }], webhookUrl: 'http://hooks.test/echo' },
  };
  let release: (status: number) => void = () => {};
  const first = await createTestSimulator({
    store: file,
    fixtures,
    send: () => new Promise((resolve) => (release = (status) => resolve({ status, body: '' }))),
  });
  await startEcho(first);
  expect(first.control.deliveries()[0]?.state).toBe('in-flight');
  await first.close();
  release(200);
  await first.close();

  const sent: string[] = [];
  const second = await createTestSimulator({
    store: file,
    fixtures,
    send: async (request) => {
      sent.push(request.body);
      return { status: 200, body: '' };
    },
  });
  await second.control.idle();
  expect(sent).toHaveLength(1);
  expect(second.control.deliveries()[0]).toMatchObject({ state: 'delivered', attempts: [{ status: 200 }] });
});

test('the admin listings of requests and deliveries say how much of the history was evicted', async () => {
  const sim = await createTestSimulator({ journalLimit: 5 });
  for (let i = 0; i < 8; i++) await startEcho(sim);
  const res = (await (await sim.app.request('/__admin/requests')).json()) as {
    requests: unknown[];
    window: { size: number; evicted: number; limit: number };
  };
  expect(res.requests).toHaveLength(5);
  expect(res.window).toMatchObject({ size: 5, limit: 5, evicted: 3 });
  const deliveries = (await (await sim.app.request('/__admin/deliveries')).json()) as { window: object };
  expect(deliveries.window).toMatchObject({ size: 0, limit: 5, evicted: 0 });
});

test('the admin listings answer the newest 1,000 entries unless a limit is given', async () => {
  const sim = await createTestSimulator({ journalLimit: 2000 });
  for (let i = 0; i < 1005; i++) await startEcho(sim);
  const all = (await (await sim.app.request('/__admin/requests')).json()) as { requests: { id: string }[] };
  expect(all.requests).toHaveLength(1000);
  expect(all.requests[0]?.id).toBe('req-6');
  const few = (await (await sim.app.request('/__admin/requests?limit=3')).json()) as {
    requests: { id: string }[];
  };
  expect(few.requests.map((r) => r.id)).toEqual(['req-1003', 'req-1004', 'req-1005']);
  expect(sim.control.requests()).toHaveLength(1005);
});

test('a background snapshot waits until the log has grown to half the size of the last snapshot', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1, snapshotBytes: 1 });
  store.replace('p', { big: 'x'.repeat(200_000), n: 0 });
  await store.flush();
  await store.snapshot();
  const first = store.status();
  expect(first.logBytes).toBe(0);
  expect(first.snapshots).toBeGreaterThan(0);
  expect(first.lastSnapshot!.bytes).toBeGreaterThan(200_000);
  // Each change logs a few dozen bytes: no snapshot until about 100 kB of log, whatever the 1-byte floor says.
  for (let i = 1; i <= 500; i++) {
    store.update<{ n: number }, void>('p', (d) => {
      d.n = i;
    });
  }
  await store.flush();
  expect(store.status().snapshots).toBe(first.snapshots);
  expect(store.status().logBytes).toBeGreaterThan(0);
  const filler = 'y'.repeat(1000);
  for (let i = 0; i < 120 && store.status().snapshots === first.snapshots; i++) {
    store.update<{ pad?: string }, void>('p', (d) => {
      d.pad = `${filler}${i}`;
    });
    await store.flush();
  }
  expect(store.status().snapshots).toBe(first.snapshots + 1);
  await store.close();
});

test('after a restart the next snapshot waits for half the size of the snapshot on disk', async () => {
  const file = tempFile();
  const first = await createStore({ location: file, seed: 1, snapshotBytes: 1 });
  first.replace('p', { big: 'x'.repeat(200_000), n: 0 });
  await first.close();
  const store = await createStore({ location: file, seed: 1, snapshotBytes: 1 });
  const before = store.status().snapshots;
  for (let i = 1; i <= 300; i++) {
    store.update<{ n: number }, void>('p', (d) => {
      d.n = i;
    });
  }
  await store.flush();
  expect(store.status().snapshots).toBe(before);
  expect(store.status().logBytes).toBeGreaterThan(1000);
  await store.close();
});

test('a snapshot whose own write logs a new meta starts no second snapshot (two compactions truncated the file)', async () => {
  const file = tempFile();
  let now = 0;
  // As with a virtual clock: its time is stamped in the meta when the store logs it, a snapshot included.
  const store = await createStore({
    location: file,
    seed: 1,
    snapshotBytes: 1,
    beforeWrite: (data) => {
      data.meta.clockNow = now;
    },
  });
  await store.flush();
  const newest = () => Math.max(...listSegments(file).map((s) => s.segment));
  const before = newest();
  const taken = store.status().snapshots;
  // The clock moved (timers ran), and their change is logged: the meta differs from the logged one.
  now = 3000;
  store.replace('p', { n: 1, pad: 'x'.repeat(10_000) });
  // The turn's write makes a snapshot due: it starts at once, and closes the log's segment once.
  await store.written();
  expect(newest()).toBe(before + 1);
  await store.flush();
  expect(store.status()).toMatchObject({ failures: 0, snapshots: taken + 1, error: null });
  await store.close();
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { providers: { p: { n: number } } };
  expect(saved.providers.p.n).toBe(1);
});
