import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';

/** An append-only file of JSON lines, rotated by size (`file`, `file.1`, ... `file.<keep>`). */
export type NdjsonLog = {
  /** Appends one record now (write(2) before returning). Throws when the file cannot be written. */
  append(record: unknown): void;
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
};

/** Opens (or creates) a rotated NDJSON log. */
export function openNdjsonLog(file: string, options: NdjsonLogOptions = {}): NdjsonLog {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const keep = options.keep ?? 3;
  let fd = openSync(file, 'a');
  let bytes = existsSync(file) ? statSync(file).size : 0;
  let rotating = false;

  const write = (record: unknown) => {
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    let written = 0;
    while (written < line.length) written += writeSync(fd, line, written);
    bytes += line.length;
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
    try {
      options.onRotate?.(write);
    } finally {
      rotating = false;
    }
  };

  const files = () => [file, ...Array.from({ length: keep }, (_, i) => `${file}.${i + 1}`)];

  return {
    append(record) {
      write(record);
      if (bytes >= maxBytes && !rotating) rotate();
    },
    readTail(count, maxFiles = keep + 1) {
      const tail: unknown[] = [];
      for (const name of files().slice(0, maxFiles)) {
        if (tail.length >= count || !existsSync(name)) break;
        const lines = readFileSync(name, 'utf8').split('\n');
        // From the newest line back, parsing only the lines that are kept.
        const parsed: unknown[] = [];
        for (let i = lines.length - 1; i >= 0 && tail.length + parsed.length < count; i--) {
          if (!lines[i]) continue;
          try {
            parsed.push(JSON.parse(lines[i]!));
          } catch {
            // A torn line (the process died while writing it) holds nothing that was acknowledged.
          }
        }
        tail.unshift(...parsed.reverse());
      }
      return tail;
    },
    clear() {
      closeSync(fd);
      for (const name of files()) if (existsSync(name)) unlinkSync(name);
      fd = openSync(file, 'a');
      bytes = 0;
    },
    close() {
      closeSync(fd);
    },
  };
}
