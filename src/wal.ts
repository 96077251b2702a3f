import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
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
 * Reads the committed changes of the segments numbered `from` or above, in order. A torn last line (the process
 * died while writing it) is skipped with a warning; a damaged line before the end is refused.
 */
export function readSegments(file: string, from: number, warn: (message: string) => void): StateOp[][] {
  const changes: StateOp[][] = [];
  for (const { segment, file: segmentFile } of listSegments(file)) {
    if (segment < from) continue;
    const lines = readFileSync(segmentFile, 'utf8').split('\n');
    const last = lines.pop();
    if (last) lines.push(last);
    for (let i = 0; i < lines.length; i++) {
      try {
        changes.push(JSON.parse(lines[i]!) as StateOp[]);
      } catch {
        if (i === lines.length - 1 && last) {
          warn(`${segmentFile}: ignoring a torn last line (the process stopped while writing it).`);
          continue;
        }
        throw new Error(
          `${segmentFile}:${i + 1} is not a valid log line. Please restore the store from a backup or delete it.`,
        );
      }
    }
  }
  return changes;
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
      fsyncSync(fd);
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
