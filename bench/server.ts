// Server processes under test: spawn until the "listening" line, first health answer, RSS, and a stop that
// falls back to SIGKILL when SIGTERM is not honoured (a stalled simulator may ignore it).
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/** A running server process. */
export type Server = {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Spawn to the line that names the URL. */
  readyMs: number;
  /** The last lines the process wrote to stderr (errors only: servers run with --log-level error). */
  stderr: string[];
};

/** How a server stopped. */
export type Stopped = { signal: 'SIGTERM' | 'SIGKILL'; ms: number };

const CLI = path.resolve('bin/convosim.js');

/** The arguments of `convosim serve` for a store ('memory' or a file path). */
export function toServeArgs(store: string, extra: readonly string[] = []): string[] {
  return [CLI, 'serve', '--port', '0', '--db', store, '--log-level', 'error', ...extra];
}

/** Spawns `node <args>` and waits for the line with its loopback URL. */
export function startServer(args: readonly string[], timeoutMs: number): Promise<Server> {
  const began = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line.slice(0, 300));
    if (stderr.length > 20) stderr.shift();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no URL within ${timeoutMs} ms`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
      if (!url) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line: ${line}`));
        return;
      }
      lines.on('line', () => {}); // keep draining stdout
      resolve({ child, pid: child.pid!, url, readyMs: performance.now() - began, stderr });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready: ${stderr.join(' | ')}`));
    });
  });
}

/** Polls GET /__admin/health until it answers 200; returns the ms waited, or null past the timeout. */
export async function waitForHealth(url: string, timeoutMs: number): Promise<number | null> {
  const began = performance.now();
  while (performance.now() - began < timeoutMs) {
    try {
      const left = Math.max(1, Math.ceil(timeoutMs - (performance.now() - began)));
      const res = await fetch(`${url}/__admin/health`, { signal: AbortSignal.timeout(left) });
      await res.arrayBuffer();
      if (res.ok) return performance.now() - began;
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return null;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopServer(server: Server, graceMs = 5000): Promise<Stopped> {
  const began = performance.now();
  if (server.child.exitCode !== null || server.child.signalCode !== null) return { signal: 'SIGTERM', ms: 0 };
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.kill('SIGTERM');
  const graceful = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs)),
  ]);
  if (graceful) return { signal: 'SIGTERM', ms: performance.now() - began };
  server.child.kill('SIGKILL');
  await exited;
  return { signal: 'SIGKILL', ms: performance.now() - began };
}

/** Resident memory of a process in MB (now and peak), from /proc (Linux); null elsewhere. */
export function readMemory(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Bytes of every file under `dir` (the store file and whatever the store keeps beside it). */
export function measureDir(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? measureDir(full) : statSync(full).size;
  }
  return total;
}
