import { z } from 'zod';
import { parseDuration } from './duration.ts';
import type { Delivery } from './provider/contract.ts';
import { createRandom, type Random } from './random.ts';

// Delivery faults (issue 14): rules matched against each new webhook delivery, and the plan of what to do to it.
// Pure: no timers, no I/O. delivery-chaos.ts applies the plan in the dispatcher.

/** The kinds of delivery fault. */
export const DELIVERY_FAULT_KINDS = [
  'duplicate',
  'reorder',
  'delay',
  'drop',
  'corruptSignature',
  'staleTimestamp',
  'unsignedDelivery',
  'burst',
  'unknownEvent',
] as const;

/** One kind of delivery fault. */
export type DeliveryFaultKind = (typeof DELIVERY_FAULT_KINDS)[number];

const duration = (hint: string) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a duration like 2s (${hint})` });
      return z.NEVER;
    }
  });

// The options each kind takes; any other option is refused, so a typo is not silently ignored.
const OPTIONS_OF: Record<DeliveryFaultKind, readonly string[]> = {
  duplicate: ['copies', 'after'],
  reorder: ['events', 'maxHold'],
  delay: ['by'],
  drop: [],
  corruptSignature: [],
  staleTimestamp: ['skew'],
  unsignedDelivery: [],
  burst: ['during'],
  unknownEvent: ['as', 'name'],
};
const OPTION_NAMES = [...new Set(Object.values(OPTIONS_OF).flat())];

/** A delivery fault as the admin API, the library and scenario files take it. */
export const deliveryFaultSpecSchema = z
  .object({
    kind: z.enum(DELIVERY_FAULT_KINDS),
    provider: z.string().min(1).max(100).optional(),
    // Short: a /regex/ runs on every new delivery, so its size (and its backtracking) stays bounded.
    type: z.string().min(1).max(200).optional().describe('the event type: exact, or /regex/'),
    conversationId: z.string().min(1).max(1000).optional(),
    destination: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('the start of the receiver URL, e.g. http://127.0.0.1:4000'),
    times: z.number().int().positive().optional().describe('apply to the next N matching events'),
    ratio: z.number().min(0).max(1).optional().describe('apply to this share of matching events (seeded)'),
    copies: z.number().int().min(1).max(20).optional().describe('duplicate: extra deliveries (default 1)'),
    after: duration('duplicate: the copies follow this late').optional(),
    events: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('reorder: released after this many later events of its conversation (default 1)'),
    maxHold: duration('reorder: released anyway after this long (default 60s)').optional(),
    by: duration('delay: how long').optional(),
    skew: duration('staleTimestamp: how far in the past (default 1h)').optional(),
    during: duration('burst: how long the destination is down (default 30s)').optional(),
    as: z.enum(['type', 'field']).optional().describe('unknownEvent: a new event type, or a new field'),
    name: z.string().min(1).max(100).optional().describe('unknownEvent: the unknown type or field name'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.times !== undefined && spec.ratio !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'times and ratio cannot be combined: use one' });
    }
    const allowed = OPTIONS_OF[spec.kind];
    for (const option of OPTION_NAMES) {
      if ((spec as Record<string, unknown>)[option] === undefined || allowed.includes(option)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [option],
        message: `is not an option of ${spec.kind}${allowed.length ? ` (it takes ${allowed.join(', ')})` : ' (it takes none)'}`,
      });
    }
    const regex = spec.type === undefined ? null : /^\/(.*)\/([a-z]*)$/s.exec(spec.type);
    if (regex) {
      try {
        new RegExp(regex[1] ?? '', regex[2]);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: `is not a valid /regex/: ${(error as Error).message}`,
        });
      }
    }
    if (spec.kind === 'delay' && spec.by === undefined) {
      ctx.addIssue({ code: 'custom', path: ['by'], message: 'a delay needs `by`, e.g. by: 10s' });
    }
  });

/** A delivery fault as given. */
export type DeliveryFaultSpec = z.input<typeof deliveryFaultSpecSchema>;

/** An active delivery fault. */
export type DeliveryFault = z.output<typeof deliveryFaultSpecSchema> & {
  id: string;
  hits: number;
  remaining: number | null;
};

/** What to do to one delivery: each field is set by the first matching fault of its kind. */
export type DeliveryPlan = {
  /** Matching faults, in the order they were added. */
  faults: DeliveryFault[];
  drop?: DeliveryFault;
  duplicate?: DeliveryFault & { copies: number; after: number };
  delay?: DeliveryFault & { by: number };
  reorder?: DeliveryFault & { events: number; maxHold: number };
  burst?: DeliveryFault & { during: number };
  /** How its signature is made wrong, if it is. */
  signing?: DeliveryFault & { skew: number };
  unknownEvent?: DeliveryFault & { as: 'type' | 'field'; name: string };
};

/** The delivery faults of one simulator. */
export type DeliveryFaultTable = {
  /** Adds a fault; its `ratio` draws come from its own generator seeded by `seed` and its number. */
  add(spec: DeliveryFaultSpec, seed: number): DeliveryFault;
  list(): DeliveryFault[];
  remove(id: string): boolean;
  /** Removes every fault; `restartIds` also numbers the next one 1 again (reset: the same steps, the same draws). */
  clear(restartIds?: boolean): void;
  readonly size: number;
  /** Matches a new delivery against every fault, counting the hits; null when none matches. */
  plan(delivery: Pick<Delivery, 'provider' | 'type' | 'conversationId' | 'url'>): DeliveryPlan | null;
};

type Entry = DeliveryFault & { random: Random; typeMatches: (type: string) => boolean };

/** Creates an empty delivery fault table. */
export function createDeliveryFaultTable(): DeliveryFaultTable {
  let entries: Entry[] = [];
  let seq = 0;
  return {
    add(spec, seed) {
      const parsed = deliveryFaultSpecSchema.parse(spec);
      const n = ++seq;
      const entry: Entry = {
        ...parsed,
        id: `dfault-${n}`,
        hits: 0,
        remaining: parsed.times ?? null,
        random: createRandom(seed, 1000 + n),
        typeMatches: toTypeMatcher(parsed.type),
      };
      entries.push(entry);
      return strip(entry);
    },
    list: () => entries.map(strip),
    remove(id) {
      const before = entries.length;
      entries = entries.filter((e) => e.id !== id);
      return entries.length !== before;
    },
    clear(restartIds = false) {
      entries = [];
      if (restartIds) seq = 0;
    },
    get size() {
      return entries.length;
    },
    plan(delivery) {
      if (entries.length === 0) return null;
      let plan: DeliveryPlan | null = null;
      for (const entry of [...entries]) {
        if (!isMatch(entry, delivery)) continue;
        if (entry.ratio !== undefined && entry.random.next() >= entry.ratio) continue;
        plan ??= { faults: [] };
        if (!addToPlan(plan, entry)) continue;
        entry.hits++;
        if (entry.remaining !== null && --entry.remaining <= 0) entries = entries.filter((e) => e !== entry);
      }
      return plan && plan.faults.length > 0 ? plan : null;
    },
  };
}

function isMatch(entry: Entry, d: Pick<Delivery, 'provider' | 'type' | 'conversationId' | 'url'>): boolean {
  return (
    (entry.provider === undefined || entry.provider === d.provider) &&
    (entry.conversationId === undefined || entry.conversationId === d.conversationId) &&
    (entry.destination === undefined || d.url.startsWith(entry.destination)) &&
    entry.typeMatches(d.type)
  );
}

// Puts a fault in the plan unless one of its kind is there already (the first added wins); false when not used.
function addToPlan(plan: DeliveryPlan, f: Entry): boolean {
  const fault = strip(f);
  switch (f.kind) {
    case 'drop':
      if (plan.drop) return false;
      plan.drop = fault;
      break;
    case 'duplicate':
      if (plan.duplicate) return false;
      plan.duplicate = { ...fault, copies: f.copies ?? 1, after: f.after ?? 0 };
      break;
    case 'delay':
      if (plan.delay) return false;
      plan.delay = { ...fault, by: f.by ?? 0 };
      break;
    case 'reorder':
      if (plan.reorder) return false;
      plan.reorder = { ...fault, events: f.events ?? 1, maxHold: f.maxHold ?? 60_000 };
      break;
    case 'burst':
      if (plan.burst) return false;
      plan.burst = { ...fault, during: f.during ?? 30_000 };
      break;
    case 'unknownEvent':
      if (plan.unknownEvent) return false;
      plan.unknownEvent = {
        ...fault,
        as: f.as ?? 'type',
        name: f.name ?? (f.as === 'field' ? 'convosimFutureField' : 'CONVOSIM_UNKNOWN_EVENT'),
      };
      break;
    default:
      if (plan.signing) return false;
      plan.signing = { ...fault, skew: f.skew ?? 3_600_000 };
  }
  plan.faults.push(fault);
  return true;
}

function strip({ random: _r, typeMatches: _t, ...fault }: Entry): DeliveryFault {
  return { ...fault };
}

function toTypeMatcher(type: string | undefined): (type: string) => boolean {
  if (type === undefined) return () => true;
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(type);
  if (!regex) return (actual) => actual === type;
  const re = new RegExp(regex[1] ?? '', regex[2]);
  return (actual) => re.test(actual);
}
