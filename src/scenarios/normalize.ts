import type { z } from 'zod';
import type { DeliveryFaultKind } from '../delivery-faults.ts';
import {
  ACTION_VERBS,
  type Delay,
  type RequestMatch,
  type Scenario,
  STEP_VERBS,
  type Step,
  type scenarioFileSchema,
  VERB_ALIASES,
} from './schema.ts';

// Turns a validated scenario file into the normalized `Scenario` the engine plays.

/** The default time limit of an expectation. */
export const DEFAULT_WITHIN_MS = 30_000;

type ScenarioFile = z.output<typeof scenarioFileSchema>;
type RawStep = ScenarioFile['steps'][number];

/** Turns a validated file into a scenario; `lines[i]` is the line of step i. */
export function toScenario(
  parsed: ScenarioFile,
  file: string,
  source: string | null,
  lines: (number | null)[],
): Scenario {
  return {
    name: parsed.name,
    description: parsed.description ?? null,
    provider: parsed.provider,
    seed: parsed.seed ?? null,
    trigger: parsed.trigger,
    within: parsed.within ?? DEFAULT_WITHIN_MS,
    ignore: parsed.ignore ?? [],
    steps: parsed.steps.map((raw, index) => toStep(raw, index, lines[index] ?? null)),
    file,
    source,
  };
}

function toStep(raw: RawStep, index: number, line: number | null): Step {
  const record = raw as Record<string, unknown>;
  const verb = STEP_VERBS.find((v) => v in record)!;
  const value = record[verb];
  const base = { index, line, verb, after: raw.after ?? null, at: raw.at ?? null };
  const label = (detail: string) => raw.name ?? (detail ? `${verb} ${detail}` : verb);
  if ((ACTION_VERBS as readonly string[]).includes(verb)) {
    const args =
      value === null || value === undefined ? {} : typeof value === 'string' ? { text: value } : value;
    return {
      ...base,
      kind: 'act',
      action: VERB_ALIASES[verb] ?? verb,
      args,
      label: label(typeof value === 'string' ? JSON.stringify(value) : ''),
    };
  }
  if (verb.startsWith('chaos.')) {
    const spec = (value ?? {}) as Record<string, unknown>;
    const fault = verb.slice('chaos.'.length) as DeliveryFaultKind;
    return { ...base, kind: 'chaos', fault, spec, label: label(describeChaos(spec)) };
  }
  switch (verb) {
    case 'act': {
      const act = raw.act!;
      return {
        ...base,
        kind: 'act',
        action: act.action,
        args: act.args ?? {},
        label: raw.name ?? act.action,
      };
    }
    case 'raw': {
      const event = raw.raw!;
      return { ...base, kind: 'act', action: 'raw.event', args: event, label: label(event.type) };
    }
    case 'wait':
      return { ...base, kind: 'wait', delay: raw.wait!, label: label(describeDelay(raw.wait!)) };
    case 'expect.message': {
      const spec = raw['expect.message']!;
      const { pattern, within, count, ...match } = typeof spec === 'string' ? { pattern: spec } : spec;
      return {
        ...base,
        kind: 'expect.message',
        pattern,
        match,
        within: within ?? null,
        count: count ?? null,
        label: label(count === undefined ? pattern : `${pattern} exactly ${count} time(s)`),
      };
    }
    case 'expect.order': {
      const spec = raw['expect.order']!;
      const { patterns, within, ...match } = Array.isArray(spec) ? { patterns: spec } : spec;
      return {
        ...base,
        kind: 'expect.order',
        patterns,
        match,
        within: within ?? null,
        label: label(patterns.join(' then ')),
      };
    }
    case 'expect.request': {
      const { within, ...match } = raw['expect.request']!;
      return {
        ...base,
        kind: 'expect.request',
        match,
        within: within ?? null,
        label: label(describeMatch(match)),
      };
    }
    case 'expect.noRequest': {
      const { during, ...match } = raw['expect.noRequest']!;
      return { ...base, kind: 'expect.noRequest', match, during, label: label(describeMatch(match)) };
    }
    case 'expect.acks':
      return { ...base, kind: 'expect.acks', within: raw['expect.acks']?.within ?? null, label: label('') };
    case 'expect.delivery': {
      const { within, ...rest } = raw['expect.delivery']!;
      return {
        ...base,
        kind: 'expect.delivery',
        ...rest,
        within: within ?? null,
        label: label(rest.type ?? ''),
      };
    }
    default:
      return { ...base, kind: 'expect.ended', within: raw['expect.ended']?.within ?? null, label: label('') };
  }
}

/** Describes a request matcher in one line, e.g. `POST **\/messages`. */
export function describeMatch(match: RequestMatch): string {
  return [
    match.method?.toUpperCase() ?? 'any method',
    match.path ?? 'any path',
    match.status ? `-> ${match.status}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Describes a chaos step's fault in one line, e.g. `type=TEXT times=1`. */
function describeChaos(spec: Record<string, unknown>): string {
  return Object.entries(spec)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

/** Describes a delay, e.g. `2000ms` or `1000..5000ms`. */
export function describeDelay(delay: Delay): string {
  return delay.min === delay.max ? `${delay.min}ms` : `${delay.min}..${delay.max}ms`;
}
