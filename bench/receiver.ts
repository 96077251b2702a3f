// The loopback webhook receiver of the benchmark: answers 200 at once and records when each delivery arrived,
// by the first path segment (/8x8, /gateway, /ece, ...), so fan-out can be read per second.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A running receiver. */
export type Receiver = {
  url: string;
  /** Deliveries to `/<key>...` since the receiver started. */
  count(key: string): number;
  /** Arrival times (performance.now()) of deliveries to `/<key>` at or after `since`. */
  arrivals(key: string, since: number): number[];
  close(): Promise<void>;
};

/** Starts a receiver on a free loopback port. */
export async function startReceiver(): Promise<Receiver> {
  const times = new Map<string, number[]>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = (req.url ?? '/').split('/')[1] ?? '';
      let list = times.get(key);
      if (!list) {
        list = [];
        times.set(key, list);
      }
      list.push(performance.now());
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    count: (key) => times.get(key)?.length ?? 0,
    arrivals: (key, since) => (times.get(key) ?? []).filter((t) => t >= since),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Counts arrival times into per-second buckets from `start`. */
export function toSeries(arrivals: readonly number[], start: number, seconds: number): number[] {
  const series = Array.from({ length: Math.max(0, Math.ceil(seconds)) }, () => 0);
  for (const t of arrivals) {
    const i = Math.floor((t - start) / 1000);
    if (i >= 0 && i < series.length) series[i] = (series[i] ?? 0) + 1;
  }
  return series;
}
