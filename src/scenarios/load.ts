import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closest } from 'fastest-levenshtein';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatPath, toIssuePath } from '../issue-path.ts';
import { lineOf } from '../yaml-lines.ts';
import { toScenario } from './normalize.ts';
import { type Scenario, STEP_VERBS, scenarioFileSchema } from './schema.ts';

/** A scenario that could not be loaded: the message names the file, line, path and a fix. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** What a provider offers, for checking a scenario against a known simulator. */
export type KnownProvider = { name: string; actions: readonly string[] };

/** Loads and validates a scenario file (YAML or JSON). */
export function loadScenarioFile(file: string, providers?: readonly KnownProvider[]): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(
      `Failed to load scenario ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Please check the path.`,
    );
  }
  return parseScenario(text, { file, providers });
}

/** Parses and validates scenario text (YAML or JSON), or a scenario given as a plain object. */
export function parseScenario(
  source: string | object,
  options: { file?: string; providers?: readonly KnownProvider[] } = {},
): Scenario {
  const file = options.file ?? '(inline)';
  const name = file === '(inline)' ? file : path.basename(file);
  const text = typeof source === 'string' ? source : JSON.stringify(source, null, 2);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const { line } = counter.linePos(syntax.pos[0]);
    throw new ScenarioError(
      `Failed to load scenario ${name}:${line}: ${syntax.message.split('\n')[0]}. Please fix the YAML/JSON syntax.`,
    );
  }
  const value = doc.toJS() as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScenarioError(
      `Failed to load scenario ${name}: the file must hold one mapping with name, provider and steps. Please see docs/scenarios.md.`,
    );
  }
  const result = scenarioFileSchema.safeParse(value);
  if (!result.success) throw toScenarioError(result.error, doc, counter, name);
  const lines = result.data.steps.map((_, i) => lineOf(doc, counter, ['steps', i]));
  const scenario = toScenario(result.data, file, typeof source === 'string' ? source : null, lines);
  checkConversationSteps(scenario, name);
  if (options.providers) checkAgainstProviders(scenario, options.providers, name);
  return scenario;
}

const CONVERSATION_KINDS = ['act', 'expect.acks', 'expect.delivery', 'expect.ended'];

/** A scenario with trigger 'now' has no conversation: steps that need one are refused. */
function checkConversationSteps(scenario: Scenario, name: string) {
  if (scenario.trigger.on !== 'now') return;
  const step = scenario.steps.find((s) => CONVERSATION_KINDS.includes(s.kind));
  if (!step) return;
  throw new ScenarioError(
    `Failed to load scenario ${name}${step.line ? `:${step.line}` : ''}: steps[${step.index}] (${step.verb}) needs a conversation, but the trigger is 'now'. ` +
      'Please use trigger conversation.started or manual, or only waits and request expectations.',
  );
}

/** Checks the provider name and every action step against the simulator's providers. */
export function checkAgainstProviders(
  scenario: Scenario,
  providers: readonly KnownProvider[],
  name = scenario.file,
) {
  const provider = providers.find((p) => p.name === scenario.provider);
  if (!provider) {
    throw new ScenarioError(
      `Failed to load scenario ${name}: provider '${scenario.provider}' is not served here. ` +
        `Please use one of: ${providers.map((p) => p.name).join(', ') || '(none)'}.`,
    );
  }
  for (const step of scenario.steps) {
    if (step.kind !== 'act' || provider.actions.includes(step.action)) continue;
    const where = `${name}${step.line ? `:${step.line}` : ''}`;
    const hint =
      step.action === 'raw.event'
        ? `${provider.name} does not implement 'raw.event', so raw steps cannot run on it`
        : `${provider.name} has no action '${step.action}'`;
    throw new ScenarioError(
      `Failed to load scenario ${where}: steps[${step.index}]: ${hint}. ` +
        `Please use one of its actions: ${provider.actions.join(', ') || '(none)'}.`,
    );
  }
}

function toScenarioError(
  error: z.ZodError,
  doc: Document,
  counter: LineCounter,
  name: string,
): ScenarioError {
  const issue = pickIssue(error.issues[0]!);
  const at = toIssuePath(issue);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const line = lineOf(doc, counter, [...at, key], true);
    const isStep = at.length === 2 && at[0] === 'steps';
    const known = isStep ? [...STEP_VERBS, 'name', 'after', 'at'] : knownKeys(at);
    const guess = known.length > 0 ? closest(key, known) : null;
    return new ScenarioError(
      `Failed to load scenario ${name}${line ? `:${line}` : ''}: ${formatPath(at) || '(root)'} has an unknown key '${key}'. ` +
        `Please use one of: ${known.join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''}.`,
    );
  }
  const line = lineOf(doc, counter, at);
  const where = formatPath(at) || '(root)';
  const message = issue.message.includes('Please')
    ? `${where} ${issue.message}.`
    : issue.code === 'invalid_type' && issue.input === undefined
      ? `${where} is required. Please add it (see docs/scenarios.md).`
      : `${where}: ${issue.message}. Please fix this field (see docs/scenarios.md).`;
  return new ScenarioError(`Failed to load scenario ${name}${line ? `:${line}` : ''}: ${message}`);
}

type Issue = z.core.$ZodIssue;

// Of a union's failed branches, the issue that says most: not a plain type mismatch, and the deepest.
function pickIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const candidates = issue.errors.flat().map((inner) => pickIssue(inner));
  const score = (i: Issue) => (i.code === 'invalid_type' ? 0 : 100) + i.path.length;
  const best = candidates.reduce((a, b) => (score(b) > score(a) ? b : a));
  return { ...best, path: [...issue.path, ...best.path] } as Issue;
}

function knownKeys(at: (string | number)[]): string[] {
  if (at.length === 0) return Object.keys(scenarioFileSchema.shape);
  if (at[0] === 'trigger') return ['on', 'match'];
  return [];
}

/** The line of the deepest node on `at` that the document has; for a key, the line of the key itself. */
