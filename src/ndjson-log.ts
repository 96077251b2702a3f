import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';

// Reads from the end and writes carried records a megabyte at a time.
const TAIL_CHUNK = 1 << 20;
const CARRY_CHUNK = 1 << 20;

/** An append-only file of JSON lines, rotated by size (`file`, `file.1`, ... `file.<keep>`). */
export type NdjsonLog = {
  /**
   * Appends one record at the end of this turn of the event loop, in one write(2) with every other record queued
   * in the turn (group commit). A failed write is reported to `onError`.
   */
  queue(record: unknown): void;
  /**
   * Resolves once every queued record is written (undefined when none waits). With `soon`, they are written once the
   * promise reactions now running have run (`process.nextTick`), not at the end of the turn: records queued by the
   * reactions to the end of a turn (answers that waited for the store's write) would otherwise wait a whole turn more.
   */
  written(soon?: boolean): Promise<void> | undefined;
  /**
   * The newest `count` records, oldest first, across the current file and up to `files - 1` rotated ones.
   * A torn line (the process died while writing it) is skipped.
   */
  readTail(count: number, files?: number): unknown[];
  /** Deletes every file and starts empty. */
  clear(): void;
  close(): void;
};

/** Options of `openNdjsonLog`. */
export type NdjsonLogOptions = {
  /** Size after which the file is rotated (default 32 MiB). */
  maxBytes?: number;
  /** Rotated files kept (default 3). */
  keep?: number;
  /** Called right after a rotation, to carry records forward into the new file (e.g. deliveries still pending). */
  onRotate?(append: (record: unknown) => void): void;
  /** Called when a queued write fails (its records are dropped from the file; the caller keeps them in memory). */
  onError?(error: unknown): void;
};

/** Opens (or creates) a rotated NDJSON log. */
export function openNdjsonLog(file: string, options: NdjsonLogOptions = {}): NdjsonLog {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const keep = options.keep ?? 3;
  let fd = openSync(file, 'a');
  let bytes = existsSync(file) ? statSync(file).size : 0;
  // Bytes carried into the current file at its rotation: the next rotation waits for `maxBytes` of new records, so
  // a carry larger than `maxBytes` (a long backlog of pending deliveries) cannot make every write rotate again.
  let carried = 0;
  let rotating = false;

  const writeAll = (text: string) => {
    const buffer = Buffer.from(text);
    let written = 0;
    while (written < buffer.length) written += writeSync(fd, buffer, written);
    bytes += buffer.length;
  };

  const rotate = () => {
    closeSync(fd);
    for (let i = keep; i >= 1; i--) {
      const from = i === 1 ? file : `${file}.${i - 1}`;
      if (existsSync(from)) renameSync(from, `${file}.${i}`);
    }
    fd = openSync(file, 'a');
    bytes = 0;
    rotating = true;
    // The records carried forward are written a megabyte at a time, not one write per record.
    let lines: string[] = [];
    let size = 0;
    const flush = () => {
      if (lines.length > 0) writeAll(lines.join(''));
      lines = [];
      size = 0;
    };
    try {
      options.onRotate?.((record) => {
        const line = `${JSON.stringify(record)}\n`;
        lines.push(line);
        size += line.length;
        if (size >= CARRY_CHUNK) flush();
      });
    } finally {
      flush();
      carried = bytes;
      rotating = false;
    }
  };

  // Records queued in this turn, and the promise of their write.
  let queued: string[] = [];
  let batch: { promise: Promise<void>; resolve: () => void; soon: boolean } | null = null;
  const writeQueued = () => {
    if (!batch) return;
    const done = batch;
    const text = queued.join('');
    batch = null;
    queued = [];
    try {
      writeAll(text);
      if (bytes - carried >= maxBytes && !rotating) rotate();
    } catch (error) {
      options.onError?.(error);
    } finally {
      done.resolve();
    }
  };

  const files = () => [file, ...Array.from({ length: keep }, (_, i) => `${file}.${i + 1}`)];

  return {
    queue(record) {
      queued.push(`${JSON.stringify(record)}\n`);
      if (batch) return;
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      batch = { promise, resolve, soon: false };
      setImmediate(writeQueued);
    },
    written(soon = false) {
      if (!batch) return undefined;
      // A tick queued by a promise reaction runs after every reaction queued so far: one write for all of them. The
      // immediate scheduled with the batch then finds nothing to write (or a later batch, written early).
      if (soon && !batch.soon) {
        batch.soon = true;
        process.nextTick(writeQueued);
      }
      return batch.promise;
    },
    readTail(count, maxFiles = keep + 1) {
      writeQueued();
      const tail: unknown[] = [];
      for (const name of files().slice(0, maxFiles)) {
        if (tail.length >= count || !existsSync(name)) break;
        // From the newest line back, reading and parsing only the lines that are kept.
        const parsed: unknown[] = [];
        for (const line of linesFromEnd(name)) {
          if (tail.length + parsed.length >= count) break;
          try {
            parsed.push(JSON.parse(line));
          } catch {
            // A torn line (the process died while writing it) holds nothing that was acknowledged.
          }
        }
        tail.unshift(...parsed.reverse());
      }
      return tail;
    },
    clear() {
      writeQueued();
      closeSync(fd);
      for (const name of files()) if (existsSync(name)) unlinkSync(name);
      fd = openSync(file, 'a');
      bytes = 0;
      carried = 0;
    },
    close() {
      writeQueued();
      closeSync(fd);
    },
  };
}

/**
 * The non-empty lines of a file, the last one first, read backwards a chunk at a time: reading the newest lines
 * of a 32 MiB journal file holds about the lines kept, not the whole file and its split (which grew the heap of a
 * restart by about a hundred megabytes that the process then kept).
 */
export function* linesFromEnd(name: string): Generator<string> {
  const fd = openSync(name, 'r');
  try {
    let position = fstatSync(fd).size;
    let carry = Buffer.alloc(0);
    while (position > 0) {
      const size = Math.min(TAIL_CHUNK, position);
      position -= size;
      const chunk = Buffer.allocUnsafe(size);
      for (let read = 0; read < size; ) read += readSync(fd, chunk, read, size - read, position + read);
      const buffer = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let end = buffer.length;
      for (let i = buffer.length - 1; i >= 0; i--) {
        if (buffer[i] !== 0x0a) continue;
        if (end > i + 1) yield buffer.toString('utf8', i + 1, end);
        end = i;
      }
      // The start of the chunk's first line: completed by the chunk before it.
      carry = Buffer.from(buffer.subarray(0, end));
    }
    if (carry.length > 0) yield carry.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
