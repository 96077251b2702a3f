// What the inspector's browser tests and the screenshot script share without vitest: where Chromium is, the
// flags it runs with, and a webhook receiver on 127.0.0.1.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].filter((p): p is string => p !== undefined && p !== '');

/** The Chromium to drive, or null when none is installed. */
export const chromiumPath = CANDIDATES.find((p) => existsSync(p)) ?? null;

/** Why the browser tests are skipped, or null when they run. */
export const skipReason =
  chromiumPath === null
    ? `no Chromium found (looked at ${CANDIDATES.join(', ')}): install it with \`apt-get install chromium\` to run the inspector's browser tests`
    : null;

/** Chromium's flags: headless, and nothing that reaches the network by itself. */
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One request a receiver got. */
export type Received = { method: string; url: string; headers: IncomingMessage['headers']; body: string };

/** A webhook receiver on 127.0.0.1 port 0: `next()` resolves with the next request it gets. */
export async function startReceiver() {
  const received: Received[] = [];
  // Statuses to answer with, in order; then 200.
  const statuses: number[] = [];
  const waiting: { index: number; resolve: (r: Received) => void }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' }).end('{"ok":true}');
      for (const waiter of waiting.splice(0)) {
        const hit = received[waiter.index];
        if (hit) waiter.resolve(hit);
        else waiting.push(waiter);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let taken = 0;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Answers the next requests with these statuses (then 200 again). */
    answerWith(...next: number[]) {
      statuses.push(...next);
    },
    /** The next request (as `next`) whose body contains `text`. */
    async nextContaining(text: string): Promise<Received> {
      for (;;) {
        const request = await this.next();
        if (request.body.includes(text)) return request;
      }
    },
    /** The next request not yet taken by `next` (one already received, or the next to arrive). */
    next(): Promise<Received> {
      const index = taken++;
      const ready = received[index];
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => waiting.push({ index, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
