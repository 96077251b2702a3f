import { closeSync, fsyncSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { StateOp } from './state-tx.ts';

/**
 * The write-ahead log: numbered segment files beside the snapshot (`db.json.wal.<n>`), one line per committed
 * change (a JSON array of state operations). The lines of a turn of the event loop are written with one write(2)
 * before their changes are answered, so a killed process loses nothing it acknowledged; a new process always
 * starts a new segment.
 */
export type WriteAheadLog = {
  /** Appends lines of committed changes (`toLogLine` each). Throws when the file cannot be written. */
  append(lines: string): void;
  /** Bytes appended since the last rotation. */
  readonly bytes: number;
  /** Closes the current segment and starts the next one; returns the new segment's number. */
  rotate(): number;
  /** Deletes every segment numbered below `segment`. */
  dropBefore(segment: number): void;
  close(): void;
};

/** The log line of one committed change. */
export const toLogLine = (ops: readonly StateOp[]) => `${JSON.stringify(ops)}\n`;

/** Segment files of a store, oldest first. */
export function listSegments(file: string): { segment: number; file: string }[] {
  const dir = path.dirname(path.resolve(file));
  const prefix = `${path.basename(file)}.wal.`;
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => ({ segment: Number(name.slice(prefix.length)), file: path.join(dir, name) }))
    .sort((a, b) => a.segment - b.segment);
}

/**
 * Applies the committed changes of the segments numbered `from` or above (and below `to`), in order, each as soon
 * as its line is read: the log is never in memory whole (replaying a 54 MB log read whole took a restart of a
 * 100k-conversation store from 279 to 407 MB of RSS). A torn last line (the process died while writing it) is
 * skipped with a warning; a damaged line before the end is refused. Answers how many changes it applied.
 */
export function replaySegments(
  file: string,
  from: number,
  warn: (message: string) => void,
  apply: (ops: StateOp[]) => void,
  to = Number.POSITIVE_INFINITY,
): number {
  let count = 0;
  for (const { segment, file: segmentFile } of listSegments(file)) {
    if (segment < from) continue;
    if (segment >= to) break;
    let number = 0;
    for (const { line, unterminated } of linesOf(segmentFile)) {
      number++;
      let ops: StateOp[];
      try {
        ops = JSON.parse(line) as StateOp[];
      } catch {
        if (unterminated) {
          warn(`${segmentFile}: ignoring a torn last line (the process stopped while writing it).`);
          continue;
        }
        throw new Error(
          `${segmentFile}:${number} is not a valid log line. Please restore the store from a backup or delete it.`,
        );
      }
      apply(ops);
      count++;
    }
  }
  return count;
}

const READ_BYTES = 1 << 20;

/**
 * The lines of a file, read a megabyte at a time; the last one is `unterminated` when the file does not end with a
 * newline (an empty last piece is no line). A line longer than a read is joined once.
 */
export function* linesOf(file: string): Generator<{ line: string; unterminated: boolean }> {
  const fd = openSync(file, 'r');
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let pending: string[] = [];
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
      const text = decoder.write(buffer.subarray(0, read));
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        const piece = text.slice(start, end);
        yield { line: pending.length > 0 ? pending.join('') + piece : piece, unterminated: false };
        pending = [];
        start = end + 1;
      }
      if (start < text.length) pending.push(text.slice(start));
    }
    const rest = pending.join('') + decoder.end();
    if (rest !== '') yield { line: rest, unterminated: true };
  } finally {
    closeSync(fd);
  }
}

/** Opens a new segment numbered `segment` for appending. */
export function openWriteAheadLog(file: string, segment: number): WriteAheadLog {
  let current = segment;
  let fd = openSync(`${file}.wal.${current}`, 'a');
  let bytes = 0;
  return {
    append(lines) {
      const buffer = Buffer.from(lines);
      let written = 0;
      while (written < buffer.length) written += writeSync(fd, buffer, written);
      bytes += buffer.length;
    },
    get bytes() {
      return bytes;
    },
    rotate() {
      // Not fsynced here: the compaction that folds the segment fsyncs it first (compaction.ts).
      closeSync(fd);
      current++;
      fd = openSync(`${file}.wal.${current}`, 'a');
      bytes = 0;
      return current;
    },
    dropBefore(limit) {
      for (const { segment: n, file: segmentFile } of listSegments(file)) {
        if (n < limit) unlinkSync(segmentFile);
      }
    },
    close() {
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
