import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { type Adapter, Low, Memory } from 'lowdb';
import { type CompactionJob, type CompactionStats, compact, compactInWorker } from './compaction.ts';
import { isRecord } from './own.ts';
import { readSnapshotFile } from './snapshot-read.ts';
import { applyOps, runTransaction, type StateOp } from './state-tx.ts';
import { listSegments, openWriteAheadLog, replaySegments, toLogLine, type WriteAheadLog } from './wal.ts';

/** What a store file holds besides the provider states. */
export type StoreMeta = {
  seed: number;
  /** How many times a simulator has opened this store; separates random streams across restarts. */
  boots: number;
  /** Virtual clock time, so that virtual time survives a restart. */
  clockNow: number | null;
};

/** The state document: provider states and meta. The journal and the delivery log live in files of their own. */
export type StoreData = {
  version: 2;
  /** The first write-ahead log segment this snapshot does not cover (replayed over it at start). */
  walFrom: number;
  meta: StoreMeta;
  providers: Record<string, unknown>;
};

/** The health of the store's files. */
export type StoreStatus = {
  ok: boolean;
  /** The last write error, while writes fail. */
  error: string | null;
  /** Writes that failed since start (each answered 503, nothing changed). */
  failures: number;
  /** Bytes in the write-ahead log since the last snapshot. */
  logBytes: number;
  snapshots: number;
  lastSnapshot: CompactionStats | null;
};

/** Raised when a change cannot be made durable: the change is rolled back, the request answered 503. */
export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError';
}

/** The embedded store: provider states changed atomically in place, each change logged before it is answered. */
export type Store = {
  readonly data: StoreData;
  readonly location: string;
  /** True when this store was read from an existing file (state survived a restart). */
  readonly restored: boolean;
  /**
   * Applies `recipe` to one provider's state atomically: on a throw nothing changes. The change is logged at the
   * end of the turn (see `written`); if that write fails, it is undone.
   */
  update<S, T>(provider: string, recipe: (draft: S) => T): T;
  /** Replaces one provider's state (reset). */
  replace(provider: string, state: unknown): void;
  /** Stamps the meta (`beforeWrite`) and logs it when it changed. */
  touch(): void;
  /**
   * Resolves once the changes made so far are in the write-ahead log; undefined when none waits (a memory store
   * never waits). The changes of a turn of the event loop are written together at its end; when that write fails
   * they are all undone and this rejects with a StoreWriteError. Answer a change only after this.
   */
  written(): Promise<void> | undefined;
  /** The path of a file beside the store (journal, delivery log), or null for a memory store. */
  sidecar(suffix: string): string | null;
  status(): StoreStatus;
  /**
   * Takes a snapshot now and drops the log it covers (also runs by itself as the log grows): the log is rotated, and
   * a worker thread folds the closed segments into the snapshot file (compaction.ts).
   */
  snapshot(): Promise<void>;
  /**
   * Writes the changes of this turn now (rejects with a StoreWriteError when that fails, the changes undone), and
   * resolves once no snapshot runs.
   */
  flush(): Promise<void>;
  /** Takes a last snapshot, releases the lock, and ignores every later change (the simulator is closing). */
  close(): Promise<void>;
  /** Number of log lines and snapshots written (for tests). */
  writes(): number;
};

/** Options of `createStore`. */
export type StoreOptions = {
  /** A file path, or 'memory'. */
  location: string;
  seed: number;
  /** Log size after which a background snapshot is taken (default 16 MiB, or half the last snapshot if larger). */
  snapshotBytes?: number;
  /** Called before meta is written (e.g. to stamp the virtual clock). */
  beforeWrite?(data: StoreData): void;
  /** Warnings while opening (a torn log line, an old store format). */
  onWarning?(message: string): void;
  /** Called when a background snapshot or a write fails. */
  onError?(error: unknown): void;
  /**
   * Derived top-level keys of each provider's state (`ProviderDefinition.derived`): never logged nor snapshotted,
   * and dropped after the store is read (the provider rebuilds them at start).
   */
  derived?: Readonly<Record<string, readonly string[]>>;
  /** Opens the write-ahead log (injected by tests to simulate a full disk). */
  openLog?(file: string, segment: number): WriteAheadLog;
};

/** Creates the initial, empty store document. */
export function createStoreData(seed: number): StoreData {
  return { version: 2, walFrom: 1, meta: { seed, boots: 0, clockNow: null }, providers: {} };
}

/** Opens (or creates) a store. A file that is not a convosim store, or one in use, is refused with a one-line reason. */
export async function createStore(options: StoreOptions): Promise<Store> {
  const { location, seed } = options;
  const memory = location === 'memory';
  const warn = options.onWarning ?? (() => {});
  const derived = new Map(
    Object.entries(options.derived ?? {})
      .filter(([, keys]) => keys.length > 0)
      .map(([provider, keys]) => [provider, new Set(keys)]),
  );
  let releaseLock = () => {};
  const derivedKeys = Object.fromEntries([...derived].map(([provider, keys]) => [provider, [...keys]]));
  let wal: WriteAheadLog | null = null;
  // Size of the newest snapshot on disk (read at start, then each one written): the next is due at half of it.
  let snapshotSize = 0;
  // lowdb reads the snapshot (its adapter reads the JSON file line by line, see snapshot-read.ts). Snapshots are
  // written by compaction, outside the event loop: the log folded into the last snapshot file (compaction.ts).
  const adapter: Adapter<StoreData> = memory
    ? new Memory<StoreData>()
    : {
        read: async () => {
          const read = await readSnapshot(location);
          snapshotSize = read?.bytes ?? 0;
          return read?.data ?? null;
        },
        write: () => Promise.reject(new Error('A snapshot is written by compaction (compaction.ts).')),
      };
  const db = new Low<StoreData>(adapter, createStoreData(seed));
  let restored = false;

  if (!memory) {
    mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    releaseLock = acquireLock(location);
    try {
      const initial = db.data;
      await db.read();
      const existed = db.data !== initial;
      db.data = toStoreData(db.data, location, warn);
      const root = db.data as unknown as Record<string, unknown>;
      const replayed = replaySegments(location, db.data.walFrom, warn, (ops) => applyOps(root, ops));
      // What an older version stored of the derived state is dropped: the providers rebuild it whole.
      for (const [provider, keys] of derived) {
        const state = db.data.providers[provider];
        if (isRecord(state)) for (const key of keys) delete state[key];
      }
      restored = existed || replayed > 0;
      const segments = listSegments(location);
      const next = Math.max(db.data.walFrom, (segments.at(-1)?.segment ?? 0) + 1);
      wal = (options.openLog ?? openWriteAheadLog)(location, next);
    } catch (error) {
      releaseLock();
      throw error;
    }
  }
  const data = db.data;

  let closed = false;
  let closing = false;
  let writes = 0;
  let failures = 0;
  let lastError: string | null = null;
  let snapshots = 0;
  let lastSnapshot: CompactionStats | null = null;
  let snapshotting: Promise<void> | null = null;
  let loggedMeta = JSON.stringify(data.meta);
  const snapshotBytes = options.snapshotBytes ?? 16 * 1024 * 1024;

  // The changes of this turn of the event loop: their log lines, written with one write(2) at the end of the turn
  // (group commit, see `written`), and how to undo each if that write fails.
  let lines: string[] = [];
  let undo: (() => void)[] = [];
  let batch: { promise: Promise<void>; resolve(): void; reject(error: unknown): void } | null = null;

  const queue = (ops: readonly StateOp[], rollback: () => void) => {
    if (!wal || closed) return;
    lines.push(toLogLine(ops));
    undo.push(rollback);
    if (batch) return;
    let resolve = () => {};
    let reject: (error: unknown) => void = () => {};
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A failure nobody waits for (a timer's change) is reported to onError, not as an unhandled rejection.
    promise.catch(() => {});
    batch = { promise, resolve, reject };
    setImmediate(endTurn);
  };

  /**
   * Writes the changes of the turn in one write. When it fails, every one of them is undone, newest first (the
   * state is as it was before the turn) and `written` rejects, so that their requests are answered 503.
   */
  const writeBatch = (): boolean => {
    const current = batch;
    if (!current || !wal) return true;
    const text = lines.join('');
    const count = lines.length;
    const undoing = undo;
    batch = null;
    lines = [];
    undo = [];
    try {
      wal.append(text);
    } catch (error) {
      for (let i = undoing.length - 1; i >= 0; i--) undoing[i]!();
      failures++;
      lastError = (error as Error).message;
      options.onError?.(error);
      current.reject(new StoreWriteError(`The store cannot be written: ${lastError}`));
      return false;
    }
    writes += count;
    lastError = null;
    current.resolve();
    return true;
  };

  /**
   * Starts a background snapshot when one is due: after the write at the end of a turn or a flush, never from
   * `writeBatch` itself. A snapshot writes the turn's lines first (`takeSnapshot`); when that write could start a
   * snapshot, it started a second one before the first was recorded as running, and the two compactions wrote the
   * same temporary file (a truncated snapshot, seen with a virtual clock, whose time the snapshot logs).
   */
  const snapshotWhenDue = () => {
    if (!wal || snapshotting) return;
    // A snapshot costs the size of the state: taken when the log has grown to half the last one (at least
    // `snapshotBytes`), each logged byte pays for two snapshot bytes, whatever the size of the store.
    const due = Math.max(snapshotBytes, snapshotSize * SNAPSHOT_LOG_RATIO);
    if (wal.bytes >= due) void store.snapshot().catch(() => {});
  };
  const endTurn = () => {
    if (writeBatch()) snapshotWhenDue();
  };

  /**
   * Closes the log's segment and folds it (with any earlier one a failed snapshot left) into the snapshot file: in a
   * worker thread while requests go on, in this one at close. The snapshot is then exactly the state at the
   * rotation; the changes made meanwhile are in the new segment.
   */
  const takeSnapshot = async () => {
    if (!wal) return;
    // The meta (the virtual clock's time) and the changes of this turn belong to the segment the snapshot closes.
    store.touch();
    writeBatch();
    const job: CompactionJob = {
      file: location,
      from: data.walFrom,
      to: wal.rotate(),
      base: createStoreData(seed),
      derived: derivedKeys,
    };
    const stats = closing ? compact(job) : await compactInWorker(job);
    data.walFrom = job.to;
    wal.dropBefore(job.to);
    writes++;
    snapshots++;
    lastSnapshot = stats;
    snapshotSize = stats.bytes;
  };

  const store: Store = {
    get data() {
      return data;
    },
    location,
    restored,
    update<S, T>(provider: string, recipe: (draft: S) => T): T {
      const tx = runTransaction(
        data.providers[provider] as S,
        ['providers', provider],
        recipe,
        !memory,
        derived.get(provider),
      );
      if (tx.ops.length > 0) queue(tx.ops, tx.rollback);
      return tx.result;
    },
    replace(provider, state) {
      const had = Object.hasOwn(data.providers, provider);
      const old = data.providers[provider];
      data.providers[provider] = state;
      queue([[['providers', provider], withoutKeys(state, derived.get(provider))]], () => {
        if (had) data.providers[provider] = old;
        else delete data.providers[provider];
      });
    },
    touch() {
      options.beforeWrite?.(data);
      const meta = JSON.stringify(data.meta);
      if (meta === loggedMeta) return;
      const previous = loggedMeta;
      loggedMeta = meta;
      queue([[['meta'], data.meta]], () => {
        loggedMeta = previous;
      });
    },
    written: () => batch?.promise,
    sidecar: (suffix) => (memory ? null : `${location}.${suffix}`),
    status: () => ({
      ok: lastError === null,
      error: lastError,
      failures,
      logBytes: wal?.bytes ?? 0,
      snapshots,
      lastSnapshot,
    }),
    snapshot() {
      if (!wal || closed) return Promise.resolve();
      snapshotting ??= takeSnapshot()
        .catch((error) => {
          failures++;
          lastError = `snapshot failed: ${(error as Error).message}`;
          options.onError?.(error);
          throw error;
        })
        .finally(() => {
          snapshotting = null;
        });
      return snapshotting;
    },
    async flush() {
      if (!writeBatch()) throw new StoreWriteError(`The store cannot be written: ${lastError}`);
      snapshotWhenDue();
      if (snapshotting) await snapshotting.catch(() => {});
    },
    async close() {
      if (closed) return;
      closing = true;
      try {
        writeBatch();
        if (snapshotting) await snapshotting.catch(() => {});
        store.touch();
        writeBatch();
        if (wal && wal.bytes > 0) await store.snapshot();
      } finally {
        closed = true;
        wal?.close();
        releaseLock();
      }
    },
    writes: () => writes,
  };
  if (restored) data.meta.boots++;
  loggedMeta = JSON.stringify(data.meta);
  queue([[['meta'], data.meta]], () => {});
  // A store that cannot write at all fails at once, loudly.
  if (!writeBatch()) {
    wal?.close();
    releaseLock();
    throw new StoreWriteError(`The store cannot be written: ${lastError}`);
  }
  return store;
}

async function readSnapshot(file: string): Promise<{ data: StoreData; bytes: number } | null> {
  const read = await readSnapshotFile(file);
  // A file holding `null` must be refused, not read as "no file": lowdb treats a null read as empty.
  return read && { data: (read.value ?? { notAStore: true }) as StoreData, bytes: read.bytes };
}

/** `state` without the keys of `keys` (a shallow copy), or `state` itself when it has none of them. */
function withoutKeys(state: unknown, keys: ReadonlySet<string> | undefined): unknown {
  if (!keys || !isRecord(state) || ![...keys].some((key) => Object.hasOwn(state, key))) return state;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(state)) if (!keys.has(key)) copy[key] = state[key];
  return copy;
}

/** The log grows to this share of the last snapshot's size before the next snapshot. */
const SNAPSHOT_LOG_RATIO = 0.5;

/** Checks what lowdb read: a version 2 snapshot, or a version 1 document (its journal is dropped). */
function toStoreData(read: unknown, file: string, warn: (message: string) => void): StoreData {
  const doc = read as (Partial<Omit<StoreData, 'version'>> & { version?: number }) | null;
  if (
    !isRecord(doc) ||
    (doc!.version !== 1 && doc!.version !== 2) ||
    !isRecord(doc!.providers) ||
    !isRecord(doc!.meta) ||
    typeof doc!.meta!.seed !== 'number' ||
    typeof doc!.meta!.boots !== 'number'
  ) {
    throw new Error(`${file} is not a convosim store. Please point --db at another file.`);
  }
  if (doc!.version === 1) {
    warn(
      `${file} is a version 1 store: its state is kept; its journal and delivery log are not carried over.`,
    );
  }
  const meta = doc!.meta!;
  return {
    version: 2,
    walFrom: typeof doc!.walFrom === 'number' ? doc!.walFrom : 1,
    meta: {
      seed: meta.seed,
      boots: meta.boots,
      clockNow: typeof meta.clockNow === 'number' ? meta.clockNow : null,
    },
    providers: doc!.providers!,
  };
}

/** One process per store file: a lock file holds the owner's pid; a lock whose process is gone is taken over. */
function acquireLock(file: string): () => void {
  const lock = `${file}.lock`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (Number.isInteger(owner) && isAlive(owner)) {
        throw new Error(
          `${file} is in use by process ${owner}. Please stop it, or point --db at another file.`,
        );
      }
      unlinkSync(lock);
    }
  }
  throw new Error(`Could not lock ${file}. Please delete ${lock} if no convosim uses it.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
