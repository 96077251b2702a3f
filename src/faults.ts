import { z } from 'zod';
import { pathGlobSchema, toPathMatcher } from './glob.ts';
import type { Random } from './random.ts';

/** A fault rule as the admin API and the library take it. */
export const faultSpecSchema = z
  .object({
    provider: z.string().optional(),
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .optional(),
    path: pathGlobSchema.optional().describe('a path glob (src/glob.ts), e.g. **/conversation/start'),
    status: z.number().int().min(100).max(599).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    drop: z.boolean().optional(),
    times: z.number().int().positive().optional(),
    ratio: z.number().min(0).max(1).optional(),
  })
  .strict()
  .refine((f) => f.status !== undefined || f.latencyMs !== undefined || f.drop === true, {
    message: 'a fault needs at least one of status, latencyMs or drop: true',
  })
  .refine((f) => !(f.times !== undefined && f.ratio !== undefined), {
    message: 'times and ratio cannot be combined: use one',
  });

/** A fault rule as given. */
export type FaultSpec = z.input<typeof faultSpecSchema>;

/** An active fault rule. */
export type Fault = z.output<typeof faultSpecSchema> & { id: string; hits: number; remaining: number | null };

/** What a matching fault asks the simulator to do with one request. */
export type FaultEffect = { fault: Fault; status?: number; latencyMs?: number; drop: boolean };

/** The fault rules of one simulator. */
export type FaultTable = {
  add(spec: FaultSpec): Fault;
  list(): Fault[];
  remove(id: string): boolean;
  clear(): void;
  /** Picks the first rule matching the request, counting it; rules used up are removed. */
  match(request: { provider: string | null; method: string; path: string }): FaultEffect | null;
};

/** Creates an empty fault table; `random` decides ratio faults (seeded, so runs repeat). */
export function createFaultTable(random: Random): FaultTable {
  let faults: (Fault & { matches: (path: string) => boolean })[] = [];
  let seq = 0;
  const strip = ({ matches: _, ...fault }: Fault & { matches: unknown }): Fault => fault;
  return {
    add(spec) {
      const parsed = faultSpecSchema.parse(spec);
      const fault = {
        ...parsed,
        id: `fault-${++seq}`,
        hits: 0,
        remaining: parsed.times ?? null,
        matches: parsed.path ? toPathMatcher(parsed.path) : () => true,
      };
      faults.push(fault);
      return strip(fault);
    },
    list: () => faults.map(strip),
    remove(id) {
      const before = faults.length;
      faults = faults.filter((f) => f.id !== id);
      return faults.length !== before;
    },
    clear() {
      faults = [];
    },
    match(request) {
      for (const fault of faults) {
        if (fault.provider !== undefined && fault.provider !== request.provider) continue;
        if (fault.method !== undefined && fault.method !== request.method) continue;
        if (!fault.matches(request.path)) continue;
        if (fault.ratio !== undefined && random.next() >= fault.ratio) continue;
        fault.hits++;
        if (fault.remaining !== null) {
          fault.remaining--;
          if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
        }
        return {
          fault: strip(fault),
          status: fault.status,
          latencyMs: fault.latencyMs,
          drop: fault.drop === true,
        };
      }
      return null;
    },
  };
}
