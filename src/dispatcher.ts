import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { ActivityTracker } from './activity.ts';
import type { Clock } from './clock.ts';
import { errorText } from './http.ts';
import type { Delivery, DeliveryAttempt, SignInput, WebhookEvent, WebhookPolicy } from './provider.ts';
import type { SignalBus } from './signals.ts';

/** One outbound HTTP request of the dispatcher. */
export type OutboundRequest = {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
};

/** The receiver's answer to an outbound request. */
export type OutboundResponse = { status: number; body: string };

/** Sends one outbound request; throws on a connection error or timeout. Injected so tests can replace it. */
export type Sender = (request: OutboundRequest) => Promise<OutboundResponse>;

/** A sender with its own keep-alive connection pools; `close` frees them. */
export type PooledSender = Sender & { close(): void };

/**
 * The default sender: Node's http/https clients over keep-alive agents of this simulator's own.
 * Measured cheaper per webhook than global fetch (undici), which matters under load.
 */
export function createHttpSender(): PooledSender {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  const send: Sender = (request) =>
    new Promise((resolve, reject) => {
      const url = new URL(request.url);
      const client = url.protocol === 'https:' ? https : http;
      const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
      const outgoing = client.request(
        url,
        {
          method: request.method,
          agent,
          headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      outgoing.setTimeout(request.timeoutMs, () => {
        const timeout = new Error(`timeout after ${request.timeoutMs} ms`);
        timeout.name = 'TimeoutError';
        outgoing.destroy(timeout);
      });
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  return Object.assign(send, {
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

/** What the dispatcher needs from a provider for one delivery. */
export type DeliveryPolicy = Pick<WebhookPolicy, 'retryDelaysMs' | 'timeoutMs'> & {
  sign?(input: SignInput): Promise<Record<string, string>> | Record<string, string>;
  onSettled?(delivery: Delivery): void;
};

/** The webhook dispatcher shared by all providers. */
export type Dispatcher = {
  /** Queues an event; returns its delivery. Never waits for the receiver. */
  enqueue(provider: string, event: WebhookEvent, eventId: string): Delivery;
  /** Sends an event once now and returns the attempt (recorded as a delivery without retries). */
  deliverNow(provider: string, event: WebhookEvent, eventId: string): Promise<DeliveryAttempt>;
  /** Re-queues deliveries left unsettled by a previous process. */
  resume(): void;
  /** Forgets queues and cancels retry timers (reset). */
  clear(): void;
};

/** Dependencies of the dispatcher. */
export type DispatcherDeps = {
  clock: Clock;
  send: Sender;
  activity: ActivityTracker;
  signals: SignalBus;
  /** Records a new delivery (the delivery log owns it from here). */
  record(delivery: Delivery): void;
  /** Deliveries left unsettled by a previous process, oldest first (for `resume`). */
  unsettled(): Iterable<Delivery>;
  nextDeliveryId(): string;
  /** The provider's policy; the default is used when the provider has none. */
  policyOf(provider: string): DeliveryPolicy;
  /** Called after every change to a delivery record. */
  changed(delivery: Delivery): void;
};

/** Serializes an event body: strings are sent as is, anything else as JSON. */
export function toBodyText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Creates the dispatcher. Deliveries with the same order key go one at a time, in order. */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const queues = new Map<string, Delivery[]>();
  const timers = new Set<{ cancel(): void }>();
  let generation = 0;

  // An attempt that ends after clear() (reset or close) is not recorded: the delivery stays unsettled in the
  // store and is sent again at the next start, so it is delivered at least once, never lost.
  const attemptOnce = async (delivery: Delivery, event: WebhookEvent, policy: DeliveryPolicy) => {
    const gen = generation;
    const attemptNo = delivery.attempts.length;
    const time = deps.clock.now();
    const signed = policy.sign
      ? await policy.sign({ eventId: delivery.eventId, event, body: delivery.body, attempt: attemptNo, time })
      : {};
    const headers = { 'content-type': event.contentType ?? 'application/json', ...event.headers, ...signed };
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    let responseBody: string | null = null;
    try {
      const response = await deps.send({
        url: delivery.url,
        method: 'POST',
        headers,
        body: delivery.body,
        timeoutMs: policy.timeoutMs,
      });
      status = response.status;
      responseBody = response.body.slice(0, 4096);
    } catch (cause) {
      error = isTimeout(cause) ? `timeout after ${policy.timeoutMs} ms` : describeNetworkError(cause);
    }
    const attempt: DeliveryAttempt = {
      attempt: attemptNo,
      time,
      url: delivery.url,
      headers,
      body: delivery.body,
      status,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      error,
      responseBody,
      ok: status !== null && status >= 200 && status < 300,
    };
    if (gen !== generation) return attempt;
    delivery.attempts.push(attempt);
    deps.changed(delivery);
    deps.signals.emit('delivery.attempt', { delivery, attempt });
    return attempt;
  };

  const settle = (delivery: Delivery, state: 'delivered' | 'failed', policy: DeliveryPolicy) => {
    delivery.state = state;
    deps.changed(delivery);
    deps.signals.emit('delivery.settled', delivery);
    policy.onSettled?.(delivery);
  };

  const eventOf = (delivery: Delivery): WebhookEvent => (delivery.meta.event as WebhookEvent) ?? delivery;

  // Works through one queue: the head is attempted until delivered or out of retries, then the next one.
  const pump = async (key: string, gen: number): Promise<void> => {
    const queue = queues.get(key);
    const delivery = queue?.[0];
    if (!queue || !delivery || gen !== generation) return;
    const end = deps.activity.begin();
    try {
      const policy = deps.policyOf(delivery.provider);
      delivery.state = 'in-flight';
      const attempt = await attemptOnce(delivery, eventOf(delivery), policy);
      if (gen !== generation) return;
      const retriesUsed = delivery.attempts.length - 1;
      if (attempt.ok || retriesUsed >= policy.retryDelaysMs.length) {
        settle(delivery, attempt.ok ? 'delivered' : 'failed', policy);
        queue.shift();
        if (queue.length === 0) queues.delete(key);
        else void pump(key, gen);
        return;
      }
      delivery.state = 'retrying';
      deps.changed(delivery);
      const delay = policy.retryDelaysMs[retriesUsed] ?? 0;
      const timer = deps.activity.schedule(delay, () => {
        timers.delete(timer);
        return pump(key, gen);
      });
      timers.add(timer);
    } finally {
      end();
    }
  };

  const push = (delivery: Delivery) => {
    const key = delivery.orderKey ?? `delivery:${delivery.id}`;
    const queue = queues.get(key);
    if (queue) {
      queue.push(delivery);
      return;
    }
    queues.set(key, [delivery]);
    void pump(key, generation);
  };

  const record = (provider: string, event: WebhookEvent, eventId: string): Delivery => {
    const delivery: Delivery = {
      id: deps.nextDeliveryId(),
      eventId,
      provider,
      type: event.type,
      url: event.url,
      conversationId: event.conversationId ?? null,
      orderKey: event.orderKey ?? event.conversationId ?? null,
      state: 'queued',
      createdAt: deps.clock.now(),
      body: toBodyText(event.body),
      attempts: [],
      meta: { ...event.meta, event: { ...event, body: undefined } },
    };
    deps.record(delivery);
    deps.signals.emit('delivery.created', delivery);
    return delivery;
  };

  return {
    enqueue(provider, event, eventId) {
      const delivery = record(provider, event, eventId);
      push(delivery);
      return delivery;
    },
    async deliverNow(provider, event, eventId) {
      const delivery = record(provider, event, eventId);
      const end = deps.activity.begin();
      try {
        const policy = deps.policyOf(provider);
        const attempt = await attemptOnce(delivery, { ...event }, policy);
        if (delivery.attempts.length > 0) {
          settle(delivery, attempt.ok ? 'delivered' : 'failed', { ...policy, onSettled: undefined });
        }
        return attempt;
      } finally {
        end();
      }
    },
    resume() {
      for (const delivery of deps.unsettled()) {
        if (delivery.state === 'delivered' || delivery.state === 'failed') continue;
        delivery.state = 'queued';
        push(delivery);
      }
    },
    clear() {
      generation++;
      for (const timer of timers) timer.cancel();
      timers.clear();
      queues.clear();
    },
  };
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describeNetworkError(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return `${cause.code}: ${cause.message ?? errorText(error)}`;
  return errorText(error);
}
