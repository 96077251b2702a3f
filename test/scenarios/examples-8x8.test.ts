// The shipped 8x8 scenarios (fixtures/scenarios/8x8-*.yaml), each played against an in-process integration.
import { expect, test } from 'vitest';
import { createEightByEightSut } from './support/eight-by-eight-sut.ts';

const file = (name: string) => `fixtures/scenarios/${name}.yaml`;

test('8x8 happy path: an agent joins, greets, gets the question, answers and leaves', async () => {
  const sut = await createEightByEightSut({
    reply: (text) => (text.startsWith('Hi') ? 'Where is my order?' : null),
  });
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('8x8-happy-path')));
  const id = await sut.start();
  const report = await sut.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report).toMatchObject({ status: 'passed', conversationId: id });
  expect(sut.events.filter((e) => e.eventType === 'MESSAGE').map((e) => e.data?.text)).toEqual([
    'Hi, this is Ana from Support. How can I help?',
    'Your order ships tomorrow.',
  ]);
});

test('8x8 happy path fails when the integration does not relay the question', async () => {
  const sut = await createEightByEightSut();
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('8x8-happy-path')));
  await sut.start();
  const report = await sut.scenarios.drive(run);
  expect(report.status).toBe('failed');
  expect(report.steps.find((s) => s.status === 'failed')?.verb).toBe('expect.message');
});

test('8x8 customer leaves and returns: the new message re-queues and an agent joins again', async () => {
  const sut = await createEightByEightSut({
    reply: (text) => (text.startsWith('Welcome back') ? 'We were talking about my order' : null),
  });
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('8x8-customer-returns')));
  await sut.start();
  const report = await sut.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
  expect(sut.events.filter((e) => e.eventType === 'QUEUED')).toHaveLength(2);
});

test('8x8 transfer: TRANSFER, the old agent leaves, a billing agent joins', async () => {
  const sut = await createEightByEightSut({
    reply: (text) => (text.startsWith('Billing here') ? 'My invoice is wrong' : null),
  });
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('8x8-transfer')));
  await sut.start();
  const report = await sut.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
  expect(sut.events.map((e) => e.eventType)).toContain('TRANSFER');
});
