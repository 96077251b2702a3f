import type { ActivityTracker } from './activity.ts';
import {
  createDeliveryFaultTable,
  type DeliveryFault,
  type DeliveryFaultTable,
  type DeliveryPlan,
} from './delivery-faults.ts';
import type { Delivery, DeliveryChaos, SignInput } from './provider/contract.ts';

// Applies delivery fault plans (delivery-faults.ts) in the dispatcher: the one place where a delivery is dropped,
// copied, held back or signed wrongly on purpose. Holds are timers on the simulator clock, so a virtual clock
// replays the same chaos for the same seed.

/** What the chaos runner needs from the dispatcher. */
export type ChaosHost = {
  activity: ActivityTracker;
  nextDeliveryId(): string;
  /** Records a new delivery and announces it. */
  announce(delivery: Delivery): void;
  /** Puts a recorded delivery in its destination's queue (dropped there when the queue is full). */
  admit(delivery: Delivery): void;
  /** Counts and announces a recorded delivery a fault dropped (its state is already 'dropped'). */
  discard(delivery: Delivery): void;
};

/** The delivery fault table and what applies it. */
export type DeliveryChaosRunner = {
  readonly table: DeliveryFaultTable;
  /**
   * Takes over a new, not yet recorded delivery when a fault matches it or a hold (delay, reorder, burst) holds
   * its conversation or destination; false when the dispatcher should queue it as usual.
   */
  take(delivery: Delivery): boolean;
  /** The signing headers of one attempt: the provider's, unless a fault on the delivery changes them. */
  sign(
    delivery: Delivery,
    input: SignInput,
    sign: ((input: SignInput) => Promise<Record<string, string>> | Record<string, string>) | undefined,
  ): Promise<Record<string, string>>;
  /** Forgets faults, holds and their timers (reset, close). */
  clear(): void;
};

type Timer = { cancel(): void };
type Gate = { items: Delivery[]; due: number; timer: Timer };
type Held = { delivery: Delivery; remaining: number; timer: Timer };
type Signing = { kind: string; skew: number };

/** Creates the chaos runner of one dispatcher; its timers run on `clock`. */
export function createDeliveryChaos(host: ChaosHost, clock: { now(): number }): DeliveryChaosRunner {
  const table = createDeliveryFaultTable();
  // Outages per destination (burst), delays per conversation lane, deliveries held back per lane (reorder).
  const bursts = new Map<string, Gate>();
  const lanes = new Map<string, Gate>();
  const reorders = new Map<string, Held[]>();
  const timers = new Set<Timer>();
  // Copies replay the headers of the delivery they copy; signing faults keep their skew. In memory only: after a
  // restart a copy is signed afresh.
  const copyOf = new WeakMap<Delivery, Delivery>();
  const signingOf = new WeakMap<Delivery, Signing>();

  const schedule = (ms: number, task: () => void): Timer => {
    const handle = host.activity.schedule(ms, () => {
      timers.delete(handle);
      task();
    });
    timers.add(handle);
    return handle;
  };
  const cancel = (timer: Timer) => {
    timer.cancel();
    timers.delete(timer);
  };

  const afterAdmit = (lane: string) => {
    const held = reorders.get(lane);
    if (!held) return;
    for (const entry of [...held]) {
      if (--entry.remaining > 0) continue;
      release(lane, entry);
    }
  };
  const release = (lane: string, entry: Held) => {
    cancel(entry.timer);
    const held = reorders.get(lane) ?? [];
    held.splice(held.indexOf(entry), 1);
    if (held.length === 0) reorders.delete(lane);
    route(entry.delivery, false);
  };

  // Sends a recorded delivery on, unless an outage of its destination or a delay of its lane holds it.
  const route = (delivery: Delivery, counts = true) => {
    const burst = bursts.get(toDestination(delivery.url));
    if (burst) return void burst.items.push(delivery);
    const lane = toLane(delivery);
    const gate = lanes.get(lane);
    if (gate) return void gate.items.push(delivery);
    host.admit(delivery);
    if (counts) afterAdmit(lane);
  };

  // Closes a gate (or keeps it closed longer): what routes through it waits until it opens.
  const close = (gates: Map<string, Gate>, key: string, ms: number): Gate => {
    const due = clock.now() + ms;
    const gate = gates.get(key);
    if (!gate) {
      const created: Gate = { items: [], due, timer: schedule(ms, () => open(gates, key)) };
      gates.set(key, created);
      return created;
    }
    if (gate.due < due) {
      cancel(gate.timer);
      gate.due = due;
      gate.timer = schedule(ms, () => open(gates, key));
    }
    return gate;
  };
  const open = (gates: Map<string, Gate>, key: string) => {
    const gate = gates.get(key);
    gates.delete(key);
    for (const delivery of gate?.items ?? []) route(delivery);
  };

  const apply = (delivery: Delivery, plan: DeliveryPlan) => {
    if (plan.drop) {
      delivery.state = 'dropped';
      delivery.note = `dropped by delivery fault ${plan.drop.id}: never sent`;
      delivery.chaos = [note(plan.drop, 'dropped: never sent')];
      host.announce(delivery);
      host.discard(delivery);
      return;
    }
    const chaos: DeliveryChaos[] = [];
    const before: Delivery[] = [];
    const copies: Delivery[] = [];
    if (plan.signing) {
      const { kind, skew } = plan.signing;
      signingOf.set(delivery, { kind, skew });
      chaos.push(note(plan.signing, SIGNING_DETAIL[kind]?.(skew) ?? kind));
    }
    if (plan.unknownEvent) {
      const { as, name } = plan.unknownEvent;
      if (as === 'field') {
        const body = toBodyWithField(delivery.body, name);
        chaos.push(
          note(
            plan.unknownEvent,
            body === null
              ? `no field added: the body is not a JSON object`
              : `field ${JSON.stringify(name)} added to the body`,
          ),
        );
        if (body !== null) delivery.body = body;
      } else {
        before.push(toUnknownEvent(delivery, plan.unknownEvent, host.nextDeliveryId()));
        chaos.push(note(plan.unknownEvent, `preceded by ${before[0]!.id}, an event of unknown type ${name}`));
      }
    }
    if (plan.duplicate) {
      const { copies: k, after } = plan.duplicate;
      for (let i = 0; i < k; i++) {
        const copy = toCopy(delivery, plan.duplicate, host.nextDeliveryId(), after);
        copyOf.set(copy, delivery);
        copies.push(copy);
      }
      chaos.push(
        note(
          plan.duplicate,
          `delivered ${k + 1} times: copies ${copies.map((c) => c.id).join(', ')}${after ? ` ${after} ms later` : ''}`,
        ),
      );
    }
    if (plan.delay) chaos.push(note(plan.delay, `held ${plan.delay.by} ms before it was queued`));
    if (plan.reorder) {
      const { events, maxHold } = plan.reorder;
      chaos.push(
        note(
          plan.reorder,
          `held back until ${events} later event(s) of its conversation were queued (at most ${maxHold} ms)`,
        ),
      );
    }
    if (plan.burst) {
      chaos.push(
        note(
          plan.burst,
          `its destination went down for ${plan.burst.during} ms; queued deliveries sent at once after`,
        ),
      );
    }
    delivery.chaos = chaos;
    for (const extra of [...before, delivery, ...copies]) host.announce(extra);
    if (plan.burst) close(bursts, toDestination(delivery.url), plan.burst.during);
    for (const extra of before) route(extra);
    const lane = toLane(delivery);
    if (plan.delay && !plan.burst) {
      close(lanes, lane, plan.delay.by).items.push(delivery);
    } else if (plan.reorder && !plan.burst) {
      const entry: Held = {
        delivery,
        remaining: plan.reorder.events,
        timer: schedule(plan.reorder.maxHold, () => release(lane, entry)),
      };
      reorders.set(lane, [...(reorders.get(lane) ?? []), entry]);
    } else {
      route(delivery);
    }
    const after = plan.duplicate?.after ?? 0;
    for (const copy of copies) {
      if (after > 0) schedule(after, () => route(copy, false));
      else route(copy, false);
    }
  };

  return {
    table,
    take(delivery) {
      const plan = table.plan(delivery);
      if (plan) {
        apply(delivery, plan);
        return true;
      }
      if (bursts.size === 0 && lanes.size === 0 && reorders.size === 0) return false;
      host.announce(delivery);
      route(delivery);
      return true;
    },
    async sign(delivery, input, sign) {
      const original = copyOf.get(delivery);
      const replayed = original?.attempts.at(-1)?.headers;
      if (replayed) return { ...replayed };
      const signing = signingOf.get(delivery);
      if (!sign || signing?.kind === 'unsignedDelivery') return {};
      if (signing?.kind === 'corruptSignature') return await sign({ ...input, body: `${input.body} ` });
      if (signing?.kind === 'staleTimestamp')
        return await sign({ ...input, time: input.time - signing.skew });
      return await sign(input);
    },
    clear() {
      table.clear(true);
      for (const timer of timers) timer.cancel();
      timers.clear();
      bursts.clear();
      lanes.clear();
      reorders.clear();
    },
  };
}

const SIGNING_DETAIL: Record<string, (skew: number) => string> = {
  corruptSignature: () =>
    'signed over a different body: every header is there, but the signature does not verify',
  staleTimestamp: (skew) => `signed with a transmission time ${skew} ms in the past`,
  unsignedDelivery: () => 'sent without any signing header',
};

function note(fault: DeliveryFault, detail: string, of?: string): DeliveryChaos {
  return { fault: fault.id, kind: fault.kind, detail, ...(of === undefined ? {} : { of }) };
}

function toCopy(delivery: Delivery, fault: DeliveryFault, id: string, after: number): Delivery {
  return {
    ...delivery,
    id,
    attempts: [],
    state: 'queued',
    chaos: [
      note(
        fault,
        `a copy of ${delivery.id}${after ? ` sent ${after} ms later` : ''}: same event id, body and signature headers`,
        delivery.id,
      ),
    ],
  };
}

function toUnknownEvent(delivery: Delivery, fault: DeliveryFault & { name: string }, id: string): Delivery {
  const body = renameType(delivery.body, delivery.type, fault.name);
  const event = delivery.meta.event as Record<string, unknown> | undefined;
  return {
    ...delivery,
    id,
    eventId: `${delivery.eventId}u`,
    type: fault.name,
    body,
    attempts: [],
    state: 'queued',
    meta: { ...delivery.meta, ...(event ? { event: { ...event, type: fault.name } } : {}) },
    chaos: [
      note(
        fault,
        body === delivery.body
          ? `an event of unknown type ${fault.name} (the body does not name its type: sent as it is)`
          : `an event of unknown type ${fault.name}, shaped like ${delivery.type}`,
        delivery.id,
      ),
    ],
  };
}

// The body with the first value equal to the event type (breadth first) renamed; for text, the first occurrence.
function renameType(body: string, from: string, to: string): string {
  const json = parseJson(body);
  if (json === undefined || typeof json !== 'object' || json === null) return body.replace(from, () => to);
  const queue: unknown[] = [json];
  while (queue.length > 0) {
    const node = queue.shift() as Record<string, unknown>;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (value === from) {
        node[key] = to;
        return JSON.stringify(json);
      }
      if (typeof value === 'object' && value !== null) queue.push(value);
    }
  }
  return body;
}

function toBodyWithField(body: string, name: string): string | null {
  const json = parseJson(body);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  return JSON.stringify({ ...json, [name]: { addedBy: 'convosim', reason: 'a field the provider may add' } });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toDestination(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function toLane(delivery: Delivery): string {
  return `${toDestination(delivery.url)} ${delivery.orderKey ?? `delivery:${delivery.id}`}`;
}
