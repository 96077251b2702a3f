import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Adapter, Low, Memory } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { create } from 'mutative';
import type { JournalEntry } from './journal.ts';
import type { Delivery } from './provider.ts';

/** Everything the simulator persists, in one JSON document. */
export type StoreData = {
  version: 1;
  meta: {
    seed: number;
    /** How many times a simulator has opened this store; separates random streams across restarts. */
    boots: number;
    /** Virtual clock time at the last write, so that virtual time survives a restart. */
    clockNow: number | null;
    requestSeq: number;
    deliverySeq: number;
  };
  providers: Record<string, unknown>;
  journal: JournalEntry[];
  deliveries: Delivery[];
};

/** The embedded store: lowdb over a JSON file or memory, with atomic provider updates and coalesced writes. */
export type Store = {
  readonly data: StoreData;
  readonly location: string;
  /** True when this store was read from an existing file (state survived a restart). */
  readonly restored: boolean;
  /** Applies a draft recipe (mutative) to one provider's state; on a throw nothing changes. */
  update<S, T>(provider: string, recipe: (draft: S) => T): T;
  /** Replaces one provider's state (reset). */
  replace(provider: string, state: unknown): void;
  /** Notes that `data` changed in place (journal, deliveries) and schedules a coalesced write. */
  touch(): void;
  /** Writes now if anything changed; resolves when the file is on disk. */
  flush(): Promise<void>;
  /** Writes what is pending, then ignores every later change (the simulator is closing). */
  close(): Promise<void>;
  /** Number of writes the adapter has performed (for tests of coalescing). */
  writes(): number;
};

/** Options of `createStore`. */
export type StoreOptions = {
  /** A file path, or 'memory'. */
  location: string;
  seed: number;
  /** How long to gather changes before one write, in real ms. */
  flushDelayMs?: number;
  /** Called with data before every write (e.g. to stamp the virtual clock). */
  beforeWrite?(data: StoreData): void;
  /** Called when a background write fails. */
  onError?(error: unknown): void;
};

/** Creates the initial, empty store document. */
export function createStoreData(seed: number): StoreData {
  return {
    version: 1,
    meta: { seed, boots: 0, clockNow: null, requestSeq: 0, deliverySeq: 0 },
    providers: {},
    journal: [],
    deliveries: [],
  };
}

/** Opens (or creates) a store. A file that is not a convosim store is refused with a one-line reason. */
export async function createStore(options: StoreOptions): Promise<Store> {
  const { location, seed, flushDelayMs = 20 } = options;
  const adapter = countWrites(location === 'memory' ? new Memory<StoreData>() : createFileAdapter(location));
  const initial = createStoreData(seed);
  const db = new Low<StoreData>(adapter, initial);
  await db.read();
  const restored = db.data !== initial;
  if (db.data.version !== 1 || typeof db.data.providers !== 'object' || !Array.isArray(db.data.journal)) {
    throw new Error(`${location} is not a convosim store (version 1). Please point --db at another file.`);
  }
  if (restored) db.data.meta.boots++;

  let dirty = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> | null = null;
  // How long the last write blocked the event loop (serializing the whole document is synchronous).
  let lastWriteMs = 0;

  const write = async (): Promise<void> => {
    if (writing) await writing;
    if (!dirty) return;
    dirty = false;
    options.beforeWrite?.(db.data);
    const started = performance.now();
    writing = db.write().finally(() => {
      writing = null;
    });
    lastWriteMs = performance.now() - started;
    await writing;
  };

  const store: Store = {
    get data() {
      return db.data;
    },
    location,
    restored,
    update<S, T>(provider: string, recipe: (draft: S) => T): T {
      let result: T | undefined;
      const next = create(db.data.providers[provider] as S & object, (draft) => {
        result = recipe(draft as S);
      });
      db.data.providers[provider] = next;
      store.touch();
      return result as T;
    },
    replace(provider, state) {
      db.data.providers[provider] = state;
      store.touch();
    },
    touch() {
      if (closed) return;
      dirty = true;
      if (timer || location === 'memory') return;
      // A large store takes long to serialize: wait ten times as long as the last write took, so that
      // writing never takes more than about a tenth of the time however much traffic there is.
      timer = setTimeout(
        () => {
          timer = null;
          write().catch((error) => options.onError?.(error));
        },
        Math.max(flushDelayMs, lastWriteMs * 10),
      );
      timer.unref();
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (location === 'memory') dirty = false;
      await write();
    },
    async close() {
      await store.flush();
      closed = true;
    },
    writes: () => adapter.count,
  };
  store.touch();
  return store;
}

function createFileAdapter(file: string): Adapter<StoreData> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // steno (under lowdb's DataFile) writes a temp file and renames it: a killed process leaves the old or the new file.
  return new DataFile<StoreData>(file, {
    parse: (text) => {
      try {
        return JSON.parse(text) as StoreData;
      } catch {
        throw new Error(`${file} is not valid JSON. Please delete it or point --db at another file.`);
      }
    },
    stringify: (data) => JSON.stringify(data),
  });
}

function countWrites<T>(adapter: Adapter<T>): Adapter<T> & { count: number } {
  const counted = {
    count: 0,
    read: () => adapter.read(),
    write: (data: T) => {
      counted.count++;
      return adapter.write(data);
    },
  };
  return counted;
}
