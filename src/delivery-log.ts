import { type NdjsonLog, openNdjsonLog } from './ndjson-log.ts';
import { type Delivery, type DeliveryAttempt, isSettled } from './provider/contract.ts';
import { createWindow, type RecordWindow, type RecordWindowStats } from './record-window.ts';

/** The number of a delivery id (`dlv-12` is 12): deliveries are numbered in the order they were created. */
export function toDeliverySeq(id: string): number {
  return Number(id.replace(/^\D+/, ''));
}

/** The fields deliveries are looked up by. */
export type DeliveryKeys = { provider?: string; type?: string; conversationId?: string; url?: string };

/**
 * The delivery log: every delivery and each change of it, appended to an NDJSON file beside the store (rotated by
 * size; deliveries still pending are carried into each new file), with the newest deliveries in a bounded
 * window in memory, indexed by provider, type, conversation and URL.
 */
export type DeliveryLog = {
  nextId(): string;
  /** The number of the newest delivery id handed out (0 before any): a log position for `after`. */
  lastSeq(): number;
  /** Records a new delivery. */
  record(delivery: Delivery): void;
  /** Records a change of a delivery (state, a new attempt). */
  changed(delivery: Delivery): void;
  /** Resolves once every record and change is in the file (undefined when none waits); `soon`: see NdjsonLog. */
  written(soon?: boolean): Promise<void> | undefined;
  /** Deliveries a previous process left pending, oldest first. */
  unsettled(): Delivery[];
  /** Deliveries in the window whose fields equal `keys`, oldest first. */
  candidates(keys: DeliveryKeys): Delivery[];
  stats(): RecordWindowStats & { pending: number };
  /** Empties the log; `restartIds` also starts delivery ids from 1 again (reset). */
  clear(restartIds?: boolean): void;
  close(): void;
};

type Line =
  | { t: 'c'; d: Delivery }
  | { t: 'u'; id: string; state: Delivery['state']; a?: Omit<DeliveryAttempt, 'body'> & { body?: string } };

type Held = {
  seq: number;
  delivery: Delivery;
  provider: string;
  type: string;
  conversationId: string | null;
  url: string;
};

const isPending = (d: Delivery) => !isSettled(d);
const FIELDS = ['provider', 'type', 'conversationId', 'url'] as const;

/** Opens the delivery log; a file log restores its window and its pending deliveries from the current file. */
export function createDeliveryLog(options: {
  file: string | null;
  limit?: number;
  maxFileBytes?: number;
  /** Called when the file cannot be written (the deliveries go on in memory). */
  onError?(error: unknown): void;
}): DeliveryLog {
  const limit = options.limit ?? 10_000;
  const pending = new Map<string, Delivery>();
  const attemptsLogged = new Map<string, number>();
  let window: RecordWindow<Held> = createWindow(limit, FIELDS);
  let seq = 0;
  const file: NdjsonLog | null = options.file
    ? openNdjsonLog(options.file, {
        maxBytes: options.maxFileBytes,
        onError: options.onError,
        onRotate: (append) => {
          for (const delivery of pending.values()) append({ t: 'c', d: delivery } satisfies Line);
        },
      })
    : null;

  let heldSeq = 0;
  const hold = (delivery: Delivery) => {
    const n = toDeliverySeq(delivery.id);
    if (Number.isFinite(n)) seq = Math.max(seq, n);
    window.add({
      seq: ++heldSeq,
      delivery,
      provider: delivery.provider,
      type: delivery.type,
      conversationId: delivery.conversationId,
      url: delivery.url,
    });
  };

  const restored = new Map<string, Delivery>();
  for (const line of (file?.readTail(Number.POSITIVE_INFINITY, 1) ?? []) as Line[]) {
    if (line.t === 'c') restored.set(line.d.id, line.d);
    else {
      const delivery = restored.get(line.id);
      if (!delivery) continue;
      delivery.state = line.state;
      if (line.a) delivery.attempts.push({ ...line.a, body: line.a.body ?? delivery.body });
    }
  }
  const left: Delivery[] = [];
  for (const delivery of restored.values()) {
    hold(delivery);
    if (isPending(delivery)) {
      left.push(delivery);
      pending.set(delivery.id, delivery);
      attemptsLogged.set(delivery.id, delivery.attempts.length);
    }
  }

  return {
    nextId: () => `dlv-${++seq}`,
    lastSeq: () => seq,
    record(delivery) {
      file?.queue({ t: 'c', d: delivery } satisfies Line);
      hold(delivery);
      if (isPending(delivery)) {
        pending.set(delivery.id, delivery);
        attemptsLogged.set(delivery.id, delivery.attempts.length);
      }
    },
    changed(delivery) {
      const logged = attemptsLogged.get(delivery.id) ?? 0;
      const newest = delivery.attempts.length > logged ? delivery.attempts.at(-1) : undefined;
      if (file) {
        const line: Line = { t: 'u', id: delivery.id, state: delivery.state };
        if (newest) line.a = { ...newest, body: newest.body === delivery.body ? undefined : newest.body };
        file.queue(line);
      }
      if (isPending(delivery)) {
        pending.set(delivery.id, delivery);
        attemptsLogged.set(delivery.id, delivery.attempts.length);
      } else {
        pending.delete(delivery.id);
        attemptsLogged.delete(delivery.id);
      }
    },
    written: (soon) => file?.written(soon),
    unsettled: () => left.splice(0).filter(isPending),
    candidates(keys) {
      const { list, from } = window.candidates(keys);
      const out: Delivery[] = [];
      for (let i = from; i < list.length; i++) out.push(list[i]!.delivery);
      return out;
    },
    stats: () => ({ ...window.stats(), pending: pending.size }),
    clear(restartIds = false) {
      file?.clear();
      window = createWindow(limit, FIELDS);
      pending.clear();
      attemptsLogged.clear();
      left.length = 0;
      if (restartIds) seq = 0;
    },
    close() {
      file?.close();
    },
  };
}
