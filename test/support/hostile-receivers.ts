import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { createActivityTracker } from '../../src/activity.ts';
import { createVirtualClock } from '../../src/clock.ts';
import {
  createDispatcher,
  createHttpSender,
  type DeliveryPolicy,
  type DispatchLimits,
  type Sender,
} from '../../src/dispatcher.ts';
import type { Delivery } from '../../src/provider/contract.ts';
import { createSignalBus } from '../../src/signals.ts';

/** A misbehaving webhook receiver on 127.0.0.1: it counts what it got and can be awaited, never slept on. */
export type HostileReceiver = {
  url: string;
  /** Requests received so far. */
  hits: number;
  /** Connections the client closed before this receiver was done with them. */
  closedByClient: number;
  /** Answer bytes written so far (endless and trickling receivers). */
  bytesWritten: number;
  /** Resolves once `count` requests have arrived. */
  waitForHits(count: number): Promise<void>;
  /** Resolves once `count` connections were closed by the client. */
  waitForClientCloses(count: number): Promise<void>;
  close(): Promise<void>;
};

/** What a misbehaving handler gets: its receiver (to count) and intervals that stop when it closes. */
type HandlerTools = { receiver: HostileReceiver; every(ms: number, task: () => void): () => void };
type Handler = (req: IncomingMessage, res: ServerResponse, tools: HandlerTools) => void;

const open: HostileReceiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

// Promises that resolve once a condition on the receiver's counters holds; checked after each change.
function createWaiters() {
  const waiters: { done(): boolean; resolve(): void }[] = [];
  return {
    check() {
      for (const waiter of [...waiters]) {
        if (!waiter.done()) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    until: (done: () => boolean) =>
      done() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ done, resolve })),
  };
}

async function startHostile(handler: Handler): Promise<HostileReceiver> {
  const waiters = createWaiters();
  const intervals = new Set<NodeJS.Timeout>();
  const every = (ms: number, task: () => void) => {
    const interval = setInterval(task, ms);
    intervals.add(interval);
    return () => {
      clearInterval(interval);
      intervals.delete(interval);
    };
  };
  const server = createServer((req, res) => {
    // The whole request body is read first, as a real receiver would, then the handler misbehaves.
    req.resume();
    req.on('end', () => {
      receiver.hits++;
      res.on('close', () => {
        if (!res.writableFinished) receiver.closedByClient++;
        waiters.check();
      });
      handler(req, res, { receiver, every });
      waiters.check();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const receiver: HostileReceiver = {
    url: `http://127.0.0.1:${port}/hook`,
    hits: 0,
    closedByClient: 0,
    bytesWritten: 0,
    waitForHits: (count) => waiters.until(() => receiver.hits >= count),
    waitForClientCloses: (count) => waiters.until(() => receiver.closedByClient >= count),
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const interval of intervals) clearInterval(interval);
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  open.push(receiver);
  return receiver;
}

/** Reads the request and never answers. */
export function startHangingReceiver(): Promise<HostileReceiver> {
  return startHostile(() => {});
}

/** Answers 200 at once, then sends its body one byte per `intervalMs`, for ever. */
export function startTricklingReceiver(intervalMs = 20): Promise<HostileReceiver> {
  return startHostile((_req, res, { receiver, every }) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.flushHeaders();
    const stop = every(intervalMs, () => {
      if (res.destroyed) return;
      res.write('.');
      receiver.bytesWritten++;
    });
    res.on('close', stop);
  });
}

/** Destroys the connection as soon as the request has arrived. */
export function startResettingReceiver(): Promise<HostileReceiver> {
  return startHostile((req) => {
    req.socket.destroy();
  });
}

/** Answers `status` with a Location header pointing to `location`. */
export function startRedirectingReceiver(location: string, status = 302): Promise<HostileReceiver> {
  return startHostile((_req, res) => {
    res.writeHead(status, { location });
    res.end('moved');
  });
}

/** Answers `status` with a small body. */
export function startStatusReceiver(status: number): Promise<HostileReceiver> {
  return startHostile((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`status ${status}`);
  });
}

/** Answers 200 and streams its body as fast as the client reads it, for ever. */
export function startEndlessReceiver(): Promise<HostileReceiver> {
  const chunk = Buffer.alloc(16 * 1024, 'x');
  return startHostile((_req, res, { receiver }) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const pump = () => {
      while (!res.destroyed) {
        receiver.bytesWritten += chunk.length;
        if (!res.write(chunk)) return;
      }
    };
    res.on('drain', pump);
    pump();
  });
}

/** Answers once `release()` is called, counting how many requests it holds at once. */
export type HeldReceiver = HostileReceiver & {
  /** Requests waiting for an answer now. */
  readonly holding: number;
  /** The most requests it ever held at once. */
  readonly mostHeld: number;
  /** Bodies of the requests, in arrival order. */
  readonly bodies: string[];
  /** Answers the `count` oldest held requests with `status`. */
  release(count?: number, status?: number): void;
};

/** A receiver that keeps every request open until the test releases it. */
export async function startHeldReceiver(): Promise<HeldReceiver> {
  const held: ServerResponse[] = [];
  const bodies: string[] = [];
  let mostHeld = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      held.push(res);
      mostHeld = Math.max(mostHeld, held.length);
      base.hits++;
      waiters.check();
    });
  });
  const waiters = createWaiters();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base: HeldReceiver = {
    url: `http://127.0.0.1:${port}/hook`,
    hits: 0,
    closedByClient: 0,
    bytesWritten: 0,
    bodies,
    get holding() {
      return held.length;
    },
    get mostHeld() {
      return mostHeld;
    },
    waitForHits: (count) => waiters.until(() => base.hits >= count),
    waitForClientCloses: () => Promise.resolve(),
    release(count = held.length, status = 200) {
      for (const res of held.splice(0, count)) res.writeHead(status).end('ok');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  open.push(base);
  return base;
}

/** A URL on 127.0.0.1 where nothing listens (a receiver that is down). */
export async function findClosedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

/** Options of a dispatcher built alone, over a virtual clock and the real HTTP sender. */
export type DispatchHarnessOptions = {
  policy?: Partial<DeliveryPolicy>;
  limits?: Partial<DispatchLimits>;
  send?: Sender;
  /** Deliveries a previous process left unsettled (for `resume`). */
  unsettled?: Delivery[];
  /** Called for every change to a delivery (the delivery log's `changed`). */
  changed?: (delivery: Delivery) => void;
};

const harnesses: { close(): void }[] = [];
afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.close();
});

/**
 * The dispatcher without a simulator around it: a virtual clock, the real HTTP sender, and an array as the
 * delivery log. The default policy retries after 1 s and 2 s, with a total deadline of 5 s per attempt (tests of the
 * deadline pass a short one).
 */
export function createDispatchHarness(options: DispatchHarnessOptions = {}) {
  const clock = createVirtualClock();
  const signals = createSignalBus((error) => {
    throw error;
  });
  const activity = createActivityTracker(clock, signals);
  const pooled = options.send ? null : createHttpSender();
  const log: Delivery[] = [];
  const messages: string[] = [];
  let deliverySeq = 0;
  let eventSeq = 0;
  const policy: DeliveryPolicy = { retryDelaysMs: [1000, 2000], timeoutMs: 5000, ...options.policy };
  const dispatcher = createDispatcher({
    clock,
    send: options.send ?? pooled!,
    activity,
    signals,
    record: (delivery) => log.push(delivery),
    changed: options.changed ?? (() => {}),
    unsettled: () => options.unsettled ?? [],
    nextDeliveryId: () => `dlv-${++deliverySeq}`,
    policyOf: () => policy,
    limits: options.limits,
    log: (level, message) => messages.push(`${level} ${message}`),
  });
  const harness = {
    clock,
    signals,
    activity,
    dispatcher,
    /** Every delivery recorded, oldest first (the delivery log). */
    log,
    /** Lines the dispatcher logged. */
    messages,
    /** Queues one event for `url`; its body names the conversation and a sequence number. */
    emit(url: string, conversationId?: string) {
      const n = ++eventSeq;
      return dispatcher.enqueue(
        'test',
        { type: 'message', url, conversationId, body: { conversationId, n } },
        `evt-${n}`,
      );
    },
    idle: () => activity.idle(10_000),
    /** Advances the virtual clock, waiting for the work each timer starts (like control.advance). */
    async advance(ms: number) {
      await activity.idle(10_000);
      await clock.advance(ms, () => activity.idle(10_000));
      await activity.idle(10_000);
    },
    close() {
      dispatcher.clear();
      pooled?.close();
    },
  };
  harnesses.push(harness);
  return harness;
}
