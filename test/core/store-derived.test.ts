// Derived state (a provider's indexes): kept live, rolled back with its transaction, never written to the log or
// a snapshot, and dropped when a store is read back (the provider rebuilds it at start).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { createStore } from '../../src/store.ts';

type State = { records: Record<string, number>; index: Record<string, string[]> };

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'convosim-derived-')), 'db.json');
const derived = { demo: ['index'] };
const logText = (file: string) =>
  readdirSync(path.dirname(file))
    .filter((name) => name.includes('.wal.'))
    .map((name) => readFileSync(path.join(path.dirname(file), name), 'utf8'))
    .join('');

const add = (draft: State, id: string, value: number) => {
  draft.records[id] = value;
  const key = String(value % 2);
  draft.index[key] ??= [];
  draft.index[key].push(id);
};

test('changes under a derived key are made live but never written to the log', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1, derived });
  store.replace('demo', { records: {}, index: {} });
  store.update<State, void>('demo', (draft) => add(draft, 'a', 1));
  store.update<State, void>('demo', (draft) => add(draft, 'b', 3));
  await store.written();

  expect(store.data.providers.demo).toEqual({ records: { a: 1, b: 3 }, index: { 1: ['a', 'b'] } });
  const log = logText(file);
  expect(log).toContain('"records","b"');
  expect(log).not.toContain('index');
  await store.close();
});

test('a snapshot leaves derived keys out, and a store read back has none', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1, derived });
  store.replace('demo', { records: {}, index: {} });
  store.update<State, void>('demo', (draft) => add(draft, 'a', 2));
  await store.close();
  expect(JSON.parse(readFileSync(file, 'utf8')).providers.demo).toEqual({ records: { a: 2 } });

  const again = await createStore({ location: file, seed: 1, derived });
  expect(again.data.providers.demo).toEqual({ records: { a: 2 } });
  await again.close();
});

test('derived state written by an older version (in the snapshot and the log) is dropped at open', async () => {
  const file = tempFile();
  const old = await createStore({ location: file, seed: 1 });
  old.replace('demo', { records: {}, index: {} });
  old.update<State, void>('demo', (draft) => add(draft, 'a', 1));
  await old.snapshot();
  old.update<State, void>('demo', (draft) => add(draft, 'b', 2));
  await old.close();
  expect(logText(file) + readFileSync(file, 'utf8')).toContain('index');

  const store = await createStore({ location: file, seed: 1, derived });
  expect(store.data.providers.demo).toEqual({ records: { a: 1, b: 2 } });
  await store.close();
});

test('a derived change is rolled back with its transaction', async () => {
  const store = await createStore({ location: tempFile(), seed: 1, derived });
  store.replace('demo', { records: {}, index: {} });
  store.update<State, void>('demo', (draft) => add(draft, 'a', 1));
  expect(() =>
    store.update<State, void>('demo', (draft) => {
      add(draft, 'b', 3);
      throw new Error('refused');
    }),
  ).toThrow('refused');
  expect(store.data.providers.demo).toEqual({ records: { a: 1 }, index: { 1: ['a'] } });
  await store.close();
});

test('a replaced state keeps its derived keys live and logs the rest', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1, derived });
  store.replace('demo', { records: { x: 5 }, index: { 1: ['x'] } });
  await store.written();
  expect(store.data.providers.demo).toEqual({ records: { x: 5 }, index: { 1: ['x'] } });
  expect(logText(file)).toContain('{"records":{"x":5}}');
  expect(logText(file)).not.toContain('index');
  await store.close();
});

test('other providers and other keys are logged as before', async () => {
  const file = tempFile();
  const store = await createStore({ location: file, seed: 1, derived });
  store.replace('other', { index: {} });
  store.update<{ index: Record<string, number> }, void>('other', (draft) => {
    draft.index.k = 1;
  });
  await store.written();
  expect(logText(file)).toContain('[["providers","other","index","k"],1]');
  await store.close();
});
