import { expect, test } from 'vitest';
import { fromTranscript, parseScenario } from '../../src/scenarios/index.ts';
import { toPathGlob } from '../../src/scenarios/replay.ts';
import { createScenarioSimulator, startChat } from './support/simulator.ts';

const script = `
name: recorded
provider: chat
steps:
  - agent.join:
  - after: 2s
    customer.say: where is my parcel?
  - after: 3s
    customer.say: bye
`;

async function record() {
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(scenarios.load(script));
  const id = await startChat(sim, { customer: 'Ada' });
  expect((await scenarios.drive(run)).status).toBe('passed');
  return { transcript: scenarios.transcript('chat', id), id };
}

test('a transcript holds requests, actions and events with relative timing and the SUT answers', async () => {
  const { transcript, id } = await record();
  expect(transcript).toMatchObject({
    version: 1,
    provider: 'chat',
    conversationId: id,
    data: { customer: { name: 'Ada' } },
  });
  expect(
    transcript.entries.map(
      (e) =>
        `${e.at} ${e.kind} ${e.kind === 'request' ? `${e.method} ${e.path}` : e.kind === 'action' ? e.action : e.type}`,
    ),
  ).toEqual([
    '0 request POST /chat/v1/conversations',
    '0 event conversation.created',
    '0 action agent.join',
    '0 event agent.joined',
    `0 request POST /chat/v1/conversations/${id}/messages`,
    '2000 action customer.say',
    '2000 event customer.message',
    `2000 request POST /chat/v1/conversations/${id}/messages`,
    '5000 action customer.say',
    '5000 event customer.message',
    `5000 request POST /chat/v1/conversations/${id}/end`,
  ]);
  const event = transcript.entries.find((e) => e.kind === 'event');
  expect(event).toMatchObject({ responses: [{ at: 0, status: 200, error: null }] });
});

test('a transcript becomes a scenario with the same actions and one expectation per SUT call', async () => {
  const { transcript } = await record();
  const { scenario, text } = fromTranscript(transcript);
  expect(scenario.steps).toEqual([
    { at: '0ms', act: { action: 'agent.join', args: {} } },
    {
      'expect.request': {
        method: 'POST',
        path: '/chat/v1/conversations/{{conversationId}}/messages',
        body: { json: { text: 'Hello agent' } },
        within: '30000ms',
      },
    },
    { at: '2000ms', act: { action: 'customer.say', args: { text: 'where is my parcel?' } } },
    {
      'expect.request': {
        method: 'POST',
        path: '/chat/v1/conversations/{{conversationId}}/messages',
        body: { json: { text: 'You said: where is my parcel?' } },
        within: '30000ms',
      },
    },
    { at: '5000ms', act: { action: 'customer.say', args: { text: 'bye' } } },
    {
      'expect.request': {
        method: 'POST',
        path: '/chat/v1/conversations/{{conversationId}}/end',
        body: { json: {} },
        within: '30000ms',
      },
    },
    { 'expect.acks': null },
  ]);
  expect(parseScenario(text).steps).toHaveLength(7);
});

test('replaying a transcript against the same system under test finds no drift', async () => {
  const { transcript } = await record();
  const { sim, scenarios } = await createScenarioSimulator();
  const run = scenarios.run(scenarios.load(fromTranscript(transcript).text, { file: 'replay.yaml' }));
  await startChat(sim, { customer: 'Bob' });
  const report = await scenarios.drive(run);
  expect(report.status).toBe('passed');
  expect(report.durationMs).toBe(5000);
});

test('replaying against a system under test that changed reports the drift with a diff', async () => {
  const { transcript } = await record();
  const { sim, scenarios } = await createScenarioSimulator({
    bot: (event) =>
      event.type === 'customer.message' && event.text !== 'bye'
        ? {
            calls: [
              { path: `/chat/v1/conversations/${event.conversationId}/messages`, body: { text: 'Sorry?' } },
            ],
          }
        : event.type === 'agent.joined'
          ? {
              calls: [
                {
                  path: `/chat/v1/conversations/${event.conversationId}/messages`,
                  body: { text: 'Hello agent' },
                },
              ],
            }
          : {},
  });
  const run = scenarios.run(
    scenarios.load(fromTranscript(transcript, { within: '5s' }).text, { file: 'replay.yaml' }),
  );
  await startChat(sim);
  const report = await scenarios.drive(run);
  expect(report.status).toBe('failed');
  const drift = report.steps.find((s) => s.status === 'failed')!;
  expect(drift.message).toMatch(
    /^replay\.yaml:\d+ steps\[3\] \(expect\.request\): expected a request matching POST/,
  );
  expect(drift.diff).toBe('  {\n-   "text": "You said: where is my parcel?"\n+   "text": "Sorry?"\n  }');
});

test('volatile fields are ignored when bodies are compared, and the list is configurable', async () => {
  const { sim, scenarios } = await createScenarioSimulator();
  const expectBody = (ignore: string) =>
    scenarios.load(`
name: t
provider: chat
ignore: [${ignore}]
steps:
  - expect.request: { path: "**/messages", body: { json: { text: hi, sentAt: 1, messageId: abc } }, within: 1s }
`);
  const send = (id: string) =>
    sim.app.request(`/chat/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi', sentAt: 99, messageId: 'xyz' }),
    });
  const lenient = scenarios.run(expectBody('sentAt, /Id$/'));
  await send(await startChat(sim));
  expect((await scenarios.drive(lenient)).status).toBe('passed');
  const strict = scenarios.run(expectBody('sentAt'));
  await send(await startChat(sim));
  expect((await scenarios.drive(strict)).status).toBe('failed');
});

test('path globs keep the conversation id as a template and match other ids with a wildcard', () => {
  expect(toPathGlob('/api/v1/accounts/1/conversations/abc123def456/messages', 'abc123def456')).toBe(
    '/api/v1/accounts/*/conversations/{{conversationId}}/messages',
  );
});

test('a replayed call may come as late as it did in the recording, plus the margin', () => {
  const { scenario } = fromTranscript(
    {
      version: 1,
      provider: 'chat',
      conversationId: 'c1',
      startedAt: '2025-01-01T00:00:00.000Z',
      data: {},
      entries: [
        { at: 1000, kind: 'action', action: 'customer.say', args: { text: 'hi' } },
        {
          at: 121_000,
          kind: 'request',
          method: 'POST',
          path: '/chat/v1/conversations/c1/messages',
          query: '',
          requestBody: '{"text":"late"}',
          status: 201,
          responseBody: '{}',
        },
      ],
    },
    { within: '10s' },
  );
  expect(scenario.steps).toEqual([
    { at: '1000ms', act: { action: 'customer.say', args: { text: 'hi' } } },
    {
      'expect.request': {
        method: 'POST',
        path: '/chat/v1/conversations/{{conversationId}}/messages',
        body: { json: { text: 'late' } },
        within: '130000ms',
      },
    },
  ]);
});
