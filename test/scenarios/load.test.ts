import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { loadScenarioFile, parseScenario } from '../../src/scenarios/index.ts';

const providers = [{ name: 'chat', actions: ['agent.say', 'agent.join', 'customer.say'] }];

const load = (text: string) => () => parseScenario(text, { file: 'x.yaml', providers });

const withSteps = (steps: string) => `name: t\nprovider: chat\nsteps:\n${steps}`;

test('a bad duration fails at load with file, line, path and a fix', () => {
  expect(load(withSteps('  - agent.say: hi\n  - after: soon\n    agent.say: later\n'))).toThrow(
    'Failed to load scenario x.yaml:5: steps[1].after must be a duration like 2s, or a seeded random range like 1s..5s. Please write milliseconds or strings like 500ms, 2s, 1m.',
  );
});

test('a bad expectation window names its path', () => {
  expect(load(withSteps('  - expect.message: { pattern: hi, within: later }\n'))).toThrow(
    'Failed to load scenario x.yaml:4: steps[0].expect.message.within must be a duration like 2s. Please write milliseconds or a string like 500ms, 2s, 1m.',
  );
});

test('an unknown verb is refused with the nearest known verb', () => {
  expect(load(withSteps('  - agent.sya: hi\n'))).toThrow(
    /^Failed to load scenario x\.yaml:4: steps\[0\] has an unknown key 'agent\.sya'\. Please use one of: .*\(did you mean 'agent\.say'\?\)\.$/,
  );
});

test('a step with two verbs is refused', () => {
  expect(load(withSteps('  - agent.say: hi\n    customer.say: hello\n'))).toThrow(
    'Failed to load scenario x.yaml:4: steps[0] has 2 verbs (agent.say, customer.say). Please split it into one step per verb.',
  );
});

test('a step with no verb is refused', () => {
  expect(load(withSteps('  - after: 2s\n'))).toThrow(
    /x\.yaml:4: steps\[0\] has no verb\. Please give it exactly one of/,
  );
});

test('a YAML syntax error names the line', () => {
  expect(load('name: t\nprovider: chat\nsteps:\n  - agent.say: "unterminated\n')).toThrow(
    'Failed to load scenario x.yaml:5: Missing closing "quote. Please fix the YAML/JSON syntax.',
  );
});

test('a missing field says which one is required', () => {
  expect(load('name: t\nsteps:\n  - agent.say: hi\n')).toThrow(
    'Failed to load scenario x.yaml:1: provider is required. Please add it (see docs/scenarios.md).',
  );
});

test('an invalid regular expression is refused at load', () => {
  expect(load(withSteps('  - expect.message: "/([a-z/"\n'))).toThrow(
    /x\.yaml:4: steps\[0\]\.expect\.message is not a valid regular expression .*Please fix it/,
  );
});

test('a random range with min above max is refused', () => {
  expect(load(withSteps('  - wait: 5s..1s\n'))).toThrow(
    'Failed to load scenario x.yaml:4: steps[0].wait has a min above its max. Please write the range as min..max, e.g. 1s..5s.',
  );
});

test('an unknown provider is refused with the providers served', () => {
  expect(load('name: t\nprovider: nope\nsteps:\n  - agent.say: hi\n')).toThrow(
    "Failed to load scenario x.yaml: provider 'nope' is not served here. Please use one of: chat.",
  );
});

test('a verb the provider does not implement is refused at load with its line', () => {
  expect(load(withSteps('  - agent.say: hi\n  - agent.transfer: { queue: billing }\n'))).toThrow(
    "Failed to load scenario x.yaml:5: steps[1]: chat has no action 'agent.transfer'. Please use one of its actions: agent.say, agent.join, customer.say.",
  );
});

test('a raw step on a provider without raw.event is refused at load', () => {
  expect(load(withSteps('  - raw: { type: x, body: {} }\n'))).toThrow(
    /x\.yaml:4: steps\[0\]: chat does not implement 'raw\.event', so raw steps cannot run on it/,
  );
});

test('a JSON scenario file loads like YAML, with step lines', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'convosim-scenario-'));
  const file = path.join(dir, 'happy.json');
  writeFileSync(
    file,
    JSON.stringify(
      { name: 'j', provider: 'chat', steps: [{ 'agent.say': 'hi' }, { wait: '1s..3s' }] },
      null,
      2,
    ),
  );
  const scenario = loadScenarioFile(file, providers);
  expect(scenario.steps.map((s) => [s.kind, s.line])).toEqual([
    ['act', 5],
    ['wait', 8],
  ]);
  expect(scenario.steps[1]).toMatchObject({ delay: { min: 1000, max: 3000 } });
});

test('a missing file is refused with its path', () => {
  expect(() => loadScenarioFile('/nowhere/x.yaml')).toThrow(
    'Failed to load scenario /nowhere/x.yaml: ENOENT. Please check the path.',
  );
});

test('text shorthands become action arguments', () => {
  const scenario = parseScenario(withSteps('  - agent.say: hi\n  - agent.join:\n'), { providers });
  expect(scenario.steps.map((s) => (s.kind === 'act' ? s.args : null))).toEqual([{ text: 'hi' }, {}]);
});

test('a scenario with trigger now refuses steps that need a conversation', () => {
  expect(
    load('name: t\nprovider: chat\ntrigger: { on: now }\nsteps:\n  - wait: 1s\n  - agent.say: hi\n'),
  ).toThrow(
    "Failed to load scenario x.yaml:6: steps[1] (agent.say) needs a conversation, but the trigger is 'now'. Please use trigger conversation.started or manual, or only waits and request expectations.",
  );
});

test('agent.accept is another name of agent.join', () => {
  const scenario = parseScenario(withSteps('  - agent.accept:\n'), { providers });
  expect(scenario.steps[0]).toMatchObject({ kind: 'act', action: 'agent.join', verb: 'agent.accept' });
});
