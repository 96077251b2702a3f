// The shipped ECE scenarios (fixtures/scenarios/ece-*.yaml), each played against an in-process client application.
import { expect, test } from 'vitest';
import { createEceSut } from './support/ece-sut.ts';

const file = (name: string) => `fixtures/scenarios/${name}.yaml`;

test('ece happy path: the agent greets, the client application answers, the chat completes', async () => {
  const sut = await createEceSut({
    reply: (text) => (text.startsWith('Hello') ? 'I would like a refund' : null),
  });
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('ece-happy-path')));
  expect((await sut.start(1001)).status).toBe(200);
  const report = await sut.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
  expect(sut.callbacks.map((c) => c.type.value)).toEqual([
    'assigned',
    'text/plain',
    'text/plain',
    'complete',
  ]);
  expect(sut.callbacks[1]!.content).toBe(
    `Hello, thank you for contacting us (chat ${report.conversationId}). How can I help?`,
  );
});

test('ece happy path fails when the client application never answers the greeting', async () => {
  const sut = await createEceSut();
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('ece-happy-path')));
  await sut.start(1001);
  const report = await sut.scenarios.drive(run);
  expect(report.status).toBe('failed');
  expect(report.steps[2]!.message).toMatch(
    /ece-happy-path\.yaml:\d+ steps\[2\] \(expect\.message\): expected a message matching/,
  );
});

test('ece no agent available: the start is refused and the client application sends nothing', async () => {
  const sut = await createEceSut();
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('ece-no-agent')));
  expect((await sut.start(1003)).status).toBe(400);
  const report = await sut.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
});

test('ece transfer: transfer then a new assignment, and the client application keeps answering', async () => {
  const sut = await createEceSut({
    reply: (text) => (text.startsWith('Hi, billing') ? 'A question about my invoice' : null),
  });
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('ece-transfer')));
  await sut.start(1001);
  const report = await sut.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
  expect(sut.callbacks.map((c) => c.type.value)).toEqual([
    'assigned',
    'text/plain',
    'transfer',
    'assigned',
    'text/plain',
    'complete',
  ]);
});

test('ece attachment flow: accept, reject and upload are all delivered and acknowledged', async () => {
  const sut = await createEceSut();
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('ece-attachment')));
  await sut.start(1001);
  const report = await sut.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
  expect(sut.callbacks.map((c) => c.type.value)).toContain('rejectAttachment');
});

test('ece callback failing: five failed callbacks deactivate the callback URL', async () => {
  const sut = await createEceSut({ status: 503 });
  const run = sut.scenarios.run(sut.scenarios.loadFile(file('ece-callback-failing')));
  await sut.start(1001);
  const report = await sut.scenarios.drive(run);
  expect(report.error).toBeNull();
  expect(report.status).toBe('passed');
  const apps = (await (
    await sut.sim.app.request('/__admin/providers/ece/client-applications')
  ).json()) as unknown;
  expect(JSON.stringify(apps)).toMatch(/"active":false/);
  expect((await sut.start(1001)).status).toBeGreaterThanOrEqual(400);
});
