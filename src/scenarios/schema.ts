import { z } from 'zod';
import { DELIVERY_FAULT_KINDS, type DeliveryFaultKind, deliveryFaultSpecSchema } from '../delivery-faults.ts';
import { parseDuration } from '../duration.ts';

// The one schema of scenario files. The YAML/JSON text is validated here, then normalized into `Scenario`.

/**
 * A verb a step can use to act on the conversation: the neutral verbs of the provider kit (but `raw.event`, which
 * is `raw`), and the verbs one provider knows that scenarios name (ECE's page push and attachments).
 */
export const ACTION_VERBS = [
  'agent.join',
  'agent.say',
  'agent.typing',
  'agent.pagePush',
  'agent.transfer',
  'agent.attachment.upload',
  'agent.attachment.accept',
  'agent.attachment.reject',
  'agent.leave',
  'agent.complete',
  'customer.say',
  'customer.typing',
  'customer.leave',
  'agent.accept',
] as const;

/** Verbs that are other names of a neutral action. */
export const VERB_ALIASES: Readonly<Record<string, string>> = { 'agent.accept': 'agent.join' };

/** Verbs that add a delivery fault (docs/faults.md) for the run's conversation: `chaos.duplicate: { type: TEXT }`. */
export const CHAOS_VERBS = DELIVERY_FAULT_KINDS.map((kind) => `chaos.${kind}` as const);

/** Verbs that wait for the system under test. */
export const EXPECT_VERBS = [
  'expect.message',
  'expect.order',
  'expect.request',
  'expect.noRequest',
  'expect.acks',
  'expect.delivery',
  'expect.ended',
] as const;

/** Every verb a step may use (exactly one per step). */
export const STEP_VERBS = [...ACTION_VERBS, 'act', 'raw', 'wait', ...CHAOS_VERBS, ...EXPECT_VERBS] as const;

const DURATION_HINT = 'must be a duration like 2s. Please write milliseconds or a string like 500ms, 2s, 1m';

const durationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: DURATION_HINT });
    return z.NEVER;
  }
});

/** A delay: fixed (`2s`), or random but seeded between two bounds (`1s..5s` or `{ min: 1s, max: 5s }`). */
const delaySchema = z
  .union([z.number(), z.string(), z.object({ min: z.unknown(), max: z.unknown() }).strict()])
  .transform((value, ctx): Delay => {
    try {
      if (typeof value === 'object') return toDelay(value.min as string, value.max as string);
      if (typeof value === 'string' && value.includes('..')) {
        const [min, max] = value.split('..');
        return toDelay(min ?? '', max ?? '');
      }
      const ms = parseDuration(value);
      return { min: ms, max: ms };
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message:
          error instanceof RangeError && String(error.message).includes('min')
            ? error.message
            : 'must be a duration like 2s, or a seeded random range like 1s..5s. Please write milliseconds or strings like 500ms, 2s, 1m',
      });
      return z.NEVER;
    }
  });

function toDelay(min: string | number, max: string | number): Delay {
  const delay = { min: parseDuration(min), max: parseDuration(max) };
  if (delay.min > delay.max) {
    throw new RangeError('has a min above its max. Please write the range as min..max, e.g. 1s..5s');
  }
  return delay;
}

/** A text pattern: `/regex/flags`, or a plain substring. */
const patternSchema = z.string().superRefine((value, ctx) => {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(value);
  if (!regex) return;
  try {
    new RegExp(regex[1] ?? '', regex[2]);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `is not a valid regular expression (${(error as Error).message}). Please fix it, or write plain text to match a substring`,
    });
  }
});

/** What a request body must look like: a text pattern, or a JSON subset. */
const bodyMatchSchema = z.union([patternSchema, z.object({ json: z.unknown() }).strict()]);

const requestMatchShape = {
  method: z.string().optional(),
  path: z
    .string()
    .optional()
    .describe('a glob on the URL path; templates allowed, e.g. **/{{conversationId}}/**'),
  status: z.number().int().min(100).max(599).optional(),
  body: bodyMatchSchema.optional(),
};

const argsSchema = z.union([z.null(), z.string(), z.record(z.string(), z.unknown())]);

const stepShape = {
  name: z.string().optional(),
  after: delaySchema.optional(),
  at: durationSchema.optional(),
  ...Object.fromEntries(ACTION_VERBS.map((verb) => [verb, argsSchema.optional()])),
  act: z
    .object({ action: z.string().min(1), args: z.unknown().optional() })
    .strict()
    .optional(),
  raw: z
    .object({ type: z.string().min(1), body: z.unknown() })
    .catchall(z.unknown())
    .optional(),
  wait: delaySchema.optional(),
  // Checked against the delivery fault schema in the step's refinement (the kind comes from the verb).
  ...Object.fromEntries(
    CHAOS_VERBS.map((verb) => [verb, z.union([z.null(), z.record(z.string(), z.unknown())]).optional()]),
  ),
  'expect.message': z
    .union([
      patternSchema,
      z
        .object({
          pattern: patternSchema,
          within: durationSchema.optional(),
          count: z.number().int().min(0).optional().describe('exactly this many within the window'),
        })
        .extend(requestMatchShape)
        .strict(),
    ])
    .optional(),
  'expect.order': z
    .union([
      z.array(patternSchema).min(2),
      z
        .object({ patterns: z.array(patternSchema).min(2), within: durationSchema.optional() })
        .extend(requestMatchShape)
        .strict(),
    ])
    .optional(),
  'expect.request': z
    .object({ ...requestMatchShape, within: durationSchema.optional() })
    .strict()
    .optional(),
  'expect.noRequest': z
    .object({ ...requestMatchShape, during: durationSchema })
    .strict()
    .optional(),
  'expect.acks': z.union([z.null(), z.object({ within: durationSchema.optional() }).strict()]).optional(),
  'expect.delivery': z
    .object({
      type: patternSchema.optional(),
      state: z.enum(['delivered', 'failed', 'dropped']).optional(),
      body: patternSchema.optional(),
      status: z.number().int().min(100).max(599).optional().describe('an attempt answered with this status'),
      chaos: z.enum(DELIVERY_FAULT_KINDS).optional().describe('a delivery this fault kind changed'),
      within: durationSchema.optional(),
    })
    .strict()
    .optional(),
  'expect.ended': z.union([z.null(), z.object({ within: durationSchema.optional() }).strict()]).optional(),
} as const;

const stepSchema = z
  .object(stepShape)
  .strict()
  .superRefine((step, ctx) => {
    const verbs = STEP_VERBS.filter((verb) => verb in step);
    if (verbs.length === 1) {
      checkChaosStep(step as Record<string, unknown>, verbs[0]!, ctx);
      return;
    }
    ctx.addIssue({
      code: 'custom',
      message:
        verbs.length === 0
          ? 'has no verb. Please give it exactly one of agent.say, customer.say, wait, expect.message... (see docs/scenarios.md)'
          : `has ${verbs.length} verbs (${verbs.join(', ')}). Please split it into one step per verb`,
    });
  });

// A chaos step's value is a delivery fault without its kind (the verb names it).
function checkChaosStep(step: Record<string, unknown>, verb: string, ctx: z.RefinementCtx) {
  if (!verb.startsWith('chaos.')) return;
  const value = step[verb] ?? {};
  if ('kind' in (value as object)) {
    ctx.addIssue({ code: 'custom', path: [verb, 'kind'], message: 'is given by the verb. Please remove it' });
    return;
  }
  const parsed = deliveryFaultSpecSchema.safeParse({
    ...(value as object),
    kind: verb.slice('chaos.'.length),
  });
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    ctx.addIssue({ code: 'custom', path: [verb, ...issue.path.map(String)], message: issue.message });
  }
}

const matchValueSchema = z.union([z.string(), z.number(), z.boolean()]);

const triggerSchema = z.discriminatedUnion('on', [
  z
    .object({
      on: z.literal('conversation.started'),
      match: z.record(z.string(), matchValueSchema).optional(),
    })
    .strict(),
  z.object({ on: z.literal('manual') }).strict(),
  z.object({ on: z.literal('now') }).strict(),
]);

/** The schema of a scenario file. */
export const scenarioFileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    provider: z.string().min(1),
    seed: z.number().int().optional(),
    trigger: triggerSchema.default({ on: 'conversation.started' }),
    within: durationSchema.optional().describe('default time limit of expectations (default 30s)'),
    ignore: z.array(z.string()).optional().describe('volatile JSON keys that body.json matches skip'),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

/** A delay in ms: `min === max` when fixed, else drawn from the run's seeded generator. */
export type Delay = { min: number; max: number };

/** A request matcher of `expect.request`, `expect.noRequest` and `expect.message`. */
export type RequestMatch = {
  method?: string;
  path?: string;
  status?: number;
  body?: string | { json: unknown };
};

/** One normalized step. */
export type Step = {
  index: number;
  /** Line in the scenario file, when loaded from text. */
  line: number | null;
  /** The verb as written (`agent.say`, `expect.request`...). */
  verb: string;
  /** The step's `name`, or a description made from its verb and arguments. */
  label: string;
  after: Delay | null;
  /** Offset from the start of the run (takes the place of `after`). */
  at: number | null;
} & (
  | { kind: 'act'; action: string; args: unknown }
  | { kind: 'wait'; delay: Delay }
  | { kind: 'chaos'; fault: DeliveryFaultKind; spec: Record<string, unknown> }
  | {
      kind: 'expect.message';
      pattern: string;
      match: RequestMatch;
      within: number | null;
      /** Exactly this many matching messages within the window (null: the first one passes). */
      count: number | null;
    }
  | { kind: 'expect.order'; patterns: string[]; match: RequestMatch; within: number | null }
  | { kind: 'expect.request'; match: RequestMatch; within: number | null }
  | { kind: 'expect.noRequest'; match: RequestMatch; during: number }
  | { kind: 'expect.acks'; within: number | null }
  | {
      kind: 'expect.delivery';
      type?: string;
      state?: 'delivered' | 'failed' | 'dropped';
      body?: string;
      status?: number;
      chaos?: DeliveryFaultKind;
      within: number | null;
    }
  | { kind: 'expect.ended'; within: number | null }
);

/** A trigger: a matching conversation start, or an explicit start against an existing conversation. */
export type Trigger =
  | { on: 'conversation.started'; match?: Record<string, string | number | boolean> }
  | { on: 'manual' }
  /** Starts as soon as it is run, with no conversation: for scenarios that only watch the system under test. */
  | { on: 'now' };

/** A validated scenario. */
export type Scenario = {
  name: string;
  description: string | null;
  provider: string;
  seed: number | null;
  trigger: Trigger;
  /** Default time limit of expectations, in ms. */
  within: number;
  ignore: string[];
  steps: Step[];
  /** Where it was loaded from (a file name, or '(inline)'). */
  file: string;
  /** The text it was loaded from, when there was one (sent to the server by the CLI). */
  source: string | null;
};
