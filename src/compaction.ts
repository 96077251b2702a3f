// Compaction: the next snapshot is the last one with the log segments it does not cover folded in, written by
// streaming the old snapshot's lines (an entry no logged change touches is copied as it is, never parsed), so that
// it runs outside the event loop (a worker thread, see compaction-worker.ts) and holds in memory only the changes
// of the log. Its result is exact: the state at the moment the log was rotated.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { toJsonPieces } from './snapshot.ts';
import {
  expectEnd,
  isClosing,
  NotInLines,
  nextLine,
  nextWrittenLine,
  opened,
  readContainer,
  type SnapshotLines,
  splitEntry,
  withoutComma,
} from './snapshot-read.ts';
import { applyOps, assign, type StateOp } from './state-tx.ts';
import { linesOf, listSegments, replaySegments } from './wal.ts';

/** What to fold: segments [from, to) of `file`'s log into its snapshot (or into `base` when there is none). */
export type CompactionJob = {
  file: string;
  from: number;
  to: number;
  /** The document a store without a snapshot file starts from. */
  base: unknown;
  /** Derived top-level keys of each provider's state: left out of the snapshot. */
  derived: Readonly<Record<string, readonly string[]>>;
  /** Size of a subtree written in one piece (tests; default that of `toJsonPieces`). */
  pieceNodes?: number;
};

/** How a compaction went. */
export type CompactionStats = {
  bytes: number;
  ms: number;
  changes: number;
  /** How the old snapshot was read: line by line (copying what no change touches), or whole (not in lines). */
  read: 'lines' | 'whole' | 'none';
  /** The nice value of the worker thread that ran it (19 on Linux: see compaction-worker.ts); absent in this thread. */
  nice?: number | null;
};

/**
 * The logged changes under one key, merged. `touch`: changes below it only (`children` by key; `ordered`, in log
 * order, once an array's `length` was set: index and length changes do not commute); `set`: assigned whole (its
 * JSON, and the changes below it since, in order); `delete`: removed. `moved`: an object key removed and assigned
 * again, which puts it at the end of its object.
 */
type Change = {
  kind: 'touch' | 'set' | 'delete';
  moved: boolean;
  text: string | null;
  after: StateOp[] | null;
  children: Map<string, Change> | null;
  ordered: StateOp[] | null;
  /** Written out already (an entry of the old snapshot it changed). */
  done: boolean;
};

const change = (kind: Change['kind'], text: string | null = null, moved = false): Change => ({
  kind,
  moved,
  text,
  after: null,
  children: null,
  ordered: null,
  done: false,
});

/** Adds one logged operation to the merged changes under `root`. */
function addChange(root: Change, op: StateOp): void {
  const path = op[0];
  let node = root;
  for (let i = 0; i < path.length; i++) {
    // A change below a removed key is skipped, as a replay skips it (its parent is missing).
    if (node.kind === 'delete') return;
    if (node.kind === 'set' || node.ordered) {
      const rest: StateOp = op.length === 1 ? [path.slice(i)] : [path.slice(i), op[1]];
      if (node.kind === 'set') {
        node.after ??= [];
        node.after.push(rest);
      } else node.ordered!.push(rest);
      return;
    }
    const key = String(path[i]);
    if (i < path.length - 1) {
      node.children ??= new Map();
      let child = node.children.get(key);
      if (!child) {
        child = change('touch');
        node.children.set(key, child);
      }
      node = child;
    } else if (key === 'length') {
      node.ordered = [op.length === 1 ? [[key]] : [[key], op[1]]];
    } else setChild(node, key, op);
  }
}

function setChild(node: Change, key: string, op: StateOp): void {
  node.children ??= new Map();
  const children = node.children;
  const previous = children.get(key);
  if (op.length === 1) {
    // Re-inserted: a key assigned after its removal goes to the end of its object.
    children.delete(key);
    children.set(key, change('delete'));
    return;
  }
  const text = JSON.stringify(op[1]) ?? 'null';
  if (previous?.kind === 'delete') {
    children.delete(key);
    children.set(key, change('set', text, true));
  } else if (previous) {
    previous.kind = 'set';
    previous.text = text;
    previous.after = previous.children = previous.ordered = null;
  } else children.set(key, change('set', text));
}

/** The value a `set` change assigns, with the changes made below it since. */
function assignedValue(node: Change): unknown {
  const value: unknown = JSON.parse(node.text!);
  if (node.after && value !== null && typeof value === 'object') {
    applyOps(value as Record<string, unknown>, node.after);
  }
  return value;
}

/** Applies the changes of a `touch` node to a parsed value, as replaying them in log order would. */
function applyChange(target: unknown, node: Change): void {
  if (target === null || typeof target !== 'object') return;
  const record = target as Record<string, unknown>;
  const array = Array.isArray(target);
  for (const [key, child] of node.children ?? []) {
    if (child.kind === 'delete') {
      // A logged removal of an index leaves a hole where the array had (or had been given) that index.
      if (array) record[key] = undefined;
      delete record[key];
    } else if (child.kind === 'set') {
      if (child.moved && !array) delete record[key];
      assign(record, key, assignedValue(child));
    } else if (Object.hasOwn(record, key)) applyChange(record[key], child);
  }
  if (node.ordered) applyOps(record, node.ordered);
}

const ROOT_KEYS = new Set(['version', 'walFrom', 'meta', 'providers']);

/**
 * Writes text to a file a megabyte at a time, through one buffer it reuses: a new buffer per megabyte is memory
 * outside the heap that the collector frees late (it added tens of megabytes to the process while a worker copied
 * a 54 MB snapshot).
 */
class Output {
  private readonly buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  bytes = 0;
  private readonly fd: number;
  constructor(fd: number) {
    this.fd = fd;
  }
  write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (text.length * 3 > this.buffer.length - this.used) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        this.writeAll(Buffer.from(text));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }
  flush(): void {
    this.writeAll(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
  private writeAll(bytes: Buffer): void {
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    this.bytes += bytes.length;
  }
}

const opensContainer = (line: string) => {
  const last = line.charCodeAt(line.length - 1);
  return last === 123 || last === 91;
};

/**
 * Reads the lines of a container opened by the line before, up to its closing bracket, and copies them to `out`
 * when given (without the CRs of a file with CRLF line ends), else skips them.
 */
function passContainer(lines: SnapshotLines, out?: Output): void {
  for (let depth = 1; depth > 0; ) {
    const line = nextWrittenLine(lines);
    const bare = withoutComma(line);
    if (isClosing(bare)) depth--;
    else if (opensContainer(bare)) depth++;
    out?.write(`\n${line}`);
  }
}

/**
 * Writes a container of the old snapshot (its opening line already read) with `node`'s changes: entries no change
 * touches are copied line for line; a changed entry is parsed and written again; entries added are written at the
 * end, in the order they were added. An array with changes is read whole (index changes depend on each other).
 */
function mergeContainer(
  lines: SnapshotLines,
  out: Output,
  node: Change | undefined,
  array: boolean,
  depth: number,
  pieceNodes: number | undefined,
): void {
  if (array && node) {
    const value = readContainer(lines, []);
    applyChange(value, node);
    writePieces(out, value, pieceNodes);
    return;
  }
  out.write(array ? '[' : '{');
  let first = true;
  const entry = (keyText: string) => {
    out.write(first ? `\n${keyText}` : `\n,${keyText}`);
    first = false;
  };
  for (let line = nextLine(lines); !isClosing(line); line = nextLine(lines)) {
    if (array) {
      entry('');
      out.write(line);
      if (opensContainer(line)) passContainer(lines, out);
      continue;
    }
    const { keyText, key, rest } = splitEntry(line);
    const child = node?.children?.get(key);
    const nested = rest === '{' || rest === '[';
    if (depth === 0 && !ROOT_KEYS.has(key)) {
      if (nested) passContainer(lines);
    } else if (!child) {
      entry(keyText);
      out.write(`:${rest}`);
      if (nested) passContainer(lines, out);
    } else if (child.kind !== 'touch') {
      if (nested) passContainer(lines);
      if (child.kind === 'set' && !child.moved) {
        entry(keyText);
        out.write(':');
        writeSet(out, child, pieceNodes);
        child.done = true;
      }
    } else if (nested && !child.ordered) {
      entry(keyText);
      out.write(':');
      mergeContainer(lines, out, child, rest === '[', depth + 1, pieceNodes);
    } else {
      const value = nested ? readContainer(lines, opened(rest)!) : JSON.parse(rest);
      applyChange(value, child);
      entry(keyText);
      out.write(':');
      writePieces(out, value, pieceNodes);
    }
  }
  for (const [key, child] of node?.children ?? []) {
    if (child.kind !== 'set' || child.done) continue;
    entry(JSON.stringify(key));
    out.write(':');
    writeSet(out, child, pieceNodes);
  }
  out.write(array ? '\n]' : '\n}');
}

/** A value assigned whole: its logged JSON as it is (one line), or parsed again when changes were made below it. */
function writeSet(out: Output, node: Change, pieceNodes: number | undefined): void {
  if (node.after) writePieces(out, assignedValue(node), pieceNodes);
  else out.write(node.text!);
}

function writePieces(out: Output, value: unknown, pieceNodes: number | undefined): void {
  for (const piece of toJsonPieces(value, true, pieceNodes)) out.write(piece);
}

/** The merged changes of segments [from, to), with the job's own: format version, `walFrom`, derived keys left out. */
function changesOf(job: CompactionJob): { root: Change; count: number } {
  const root = change('touch');
  for (const [provider, keys] of Object.entries(job.derived)) {
    for (const key of keys) addChange(root, [['providers', provider, key]]);
  }
  addChange(root, [['version'], 2]);
  const count = replaySegments(
    job.file,
    job.from,
    () => {},
    (ops) => {
      for (const op of ops) addChange(root, op);
    },
    job.to,
  );
  addChange(root, [['walFrom'], job.to]);
  return { root, count };
}

/** Only the keys a snapshot holds at its root (a version 1 document also held its journal). */
function rootOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const root: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (ROOT_KEYS.has(key)) root[key] = (value as Record<string, unknown>)[key];
  }
  return root;
}

/**
 * Folds the job's log segments into a new snapshot, written to a temporary file, fsynced and renamed over the old
 * one. The segments are fsynced first (they are deleted once the snapshot is on disk). Synchronous: run it in a
 * worker (`compactInWorker`) while the event loop serves requests, or in place when nothing else runs (close).
 */
export function compact(job: CompactionJob): CompactionStats {
  const began = performance.now();
  for (const { segment, file } of listSegments(job.file)) {
    if (segment < job.from || segment >= job.to) continue;
    const fd = openSync(file, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  const { root, count } = changesOf(job);
  const temporary = `${job.file}.tmp`;
  const write = (body: (out: Output) => void) => {
    const fd = openSync(temporary, 'w');
    try {
      const out = new Output(fd);
      body(out);
      out.flush();
      fsyncSync(fd);
      return out.bytes;
    } finally {
      closeSync(fd);
    }
  };
  const whole = (value: unknown) => (out: Output) => {
    applyChange(value, root);
    writePieces(out, rootOf(value), job.pieceNodes);
  };
  let bytes: number;
  let read: CompactionStats['read'] = 'lines';
  if (!existsSync(job.file)) {
    read = 'none';
    bytes = write(whole(structuredClone(job.base)));
  } else {
    try {
      bytes = write((out) => mergeSnapshot(job.file, out, root, job.pieceNodes));
    } catch (error) {
      if (!(error instanceof NotInLines) && !(error instanceof SyntaxError)) throw error;
      // Not in lines (an older version, a file edited by hand, a one-line store): read whole, once; the next one
      // is in lines.
      for (const node of walk(root)) node.done = false;
      read = 'whole';
      bytes = write(whole(JSON.parse(readFileSync(job.file, 'utf8'))));
    }
  }
  renameSync(temporary, job.file);
  return { bytes, ms: performance.now() - began, changes: count, read };
}

/** Every merged change (to reset what a failed attempt marked written). */
function* walk(node: Change): Generator<Change> {
  yield node;
  for (const child of node.children?.values() ?? []) yield* walk(child);
}

function mergeSnapshot(file: string, out: Output, root: Change, pieceNodes: number | undefined): void {
  const lines = linesOf(file);
  try {
    // A small store is one line, the whole document: read whole, as a file not in lines is.
    if (nextLine(lines) !== '{') throw new NotInLines('the document is one line');
    mergeContainer(lines, out, root, false, 0, pieceNodes);
    expectEnd(lines);
  } finally {
    lines.return(undefined);
  }
}

/**
 * Runs `compact(job)` in a worker thread, so that the event loop goes on serving requests. Run from the TypeScript
 * sources (tsx, vitest), the worker registers tsx before it loads the worker module.
 */
export function compactInWorker(job: CompactionJob): Promise<CompactionStats> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './compaction-worker.ts' : './compaction-worker.js', import.meta.url);
  const worker = fromSource
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`,
        { eval: true, workerData: job },
      )
    : new Worker(entry, { workerData: job });
  return new Promise((resolve, reject) => {
    let answered = false;
    worker.once('message', (message: { stats?: CompactionStats; error?: string }) => {
      answered = true;
      if (message.stats) resolve(message.stats);
      else reject(new Error(message.error));
    });
    worker.once('error', (error) => {
      answered = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the compaction worker stopped (exit code ${code})`));
    });
  });
}
