// Pure transitions, without HTTP: each changes a draft and returns what happened; effects.ts performs it.
import { expect, test } from 'vitest';
import { createEceState, eceFixturesSchema, eceOptionsSchema } from '../../../src/providers/ece/fixtures.ts';
import { applyStart } from '../../../src/providers/ece/model.ts';
import { applyAgentMessage } from '../../../src/providers/ece/model-agent.ts';
import { applyAssignmentPass, applyAssignmentRequest } from '../../../src/providers/ece/model-assignment.ts';
import { applyAgentChange } from '../../../src/providers/ece/model-partition.ts';
import type { EceState } from '../../../src/providers/ece/model-state.ts';

const NOW = 1_000_000;

/** A partition with one application, one entry point on queue q and one agent on q who is not available. */
function createState(): EceState {
  const fixtures = eceFixturesSchema.parse({
    clientApplications: [
      { key: 'k', secret: 's', type: 'chat', entryPoints: ['1001'], callback: { url: 'http://cb.test/' } },
    ],
    entryPoints: [{ id: '1001', queueId: 'q', lastModified: 'd' }],
    agents: [{ id: '1', screenName: 'Alice', queues: ['q'], available: false }],
  });
  return createEceState(fixtures, eceOptionsSchema.parse({}), NOW);
}

function start(state: EceState, id: string) {
  return applyStart(
    state,
    {
      id,
      clientKey: 'k',
      entryPointId: '1001',
      queueId: 'q',
      query: { search: null, conversationContact: null, sendTypingNotification: false },
      body: {
        entryPointId: '1001',
        lastModified: 'd',
        caseId: null,
        subject: null,
        clientInfo: { timeOffset: null, referrerName: null, referrerURL: null, isRichTextSupported: true },
        customAttributes: {},
        customer: null,
      },
      plan: { kind: 'anonymous' },
      contactPoint: null,
    },
    NOW,
  );
}

test('a start returns its signal and asks for an assignment pass instead of performing them', () => {
  const state = createState();
  const outcome = start(state, 'c1');
  expect(outcome).toMatchObject({
    started: { id: 'c1', entryPointId: '1001' },
    signals: [{ type: 'conversation.started', conversationId: 'c1' }],
    assignmentWanted: true,
  });
  expect(state.conversations.c1).toMatchObject({ status: 'waiting', queueId: 'q' });
});

test('assignment requests coalesce: one pass is due while one is pending, none when autoAssign is off', () => {
  const state = createState();
  const policy = { autoAssign: true, autoAssignDelayMs: 1000 };
  expect(applyAssignmentRequest(state, policy, NOW)).toEqual({ assignmentDueAt: NOW + 1000 });
  expect(applyAssignmentRequest(state, policy, NOW + 10)).toEqual({});
  expect(applyAssignmentPass(state, NOW + 1000)).toEqual({ postings: [] });
  expect(applyAssignmentRequest(state, { ...policy, autoAssign: false }, NOW)).toEqual({});
  expect(state.assignment.dueAt).toBeNull();
});

test('an agent change returns the assigned callbacks of the chats it lets the agent take', () => {
  const state = createState();
  start(state, 'c1');
  const outcome = applyAgentChange(state, '1', { available: true }, NOW + 5);
  expect(outcome.postings).toEqual([
    {
      conversationId: 'c1',
      index: 0,
      entry: expect.objectContaining({
        kind: 'assigned',
        content: 'Alice has joined the chat',
        posted: true,
      }),
    },
  ]);
  expect(state.conversations.c1).toMatchObject({ status: 'assigned', agentId: '1' });
});

test('a transition that refuses returns the reason and changes nothing', () => {
  const state = createState();
  start(state, 'c1');
  const before = structuredClone(state);
  expect(applyAgentMessage(state, 'c1', { text: 'Hi', contentType: 'text/plain' }, NOW)).toEqual({
    ok: false,
    error: 'Conversation "c1" is waiting in the queue; no agent is assigned',
  });
  expect(state).toEqual(before);
});

test('the posting a transition returns is a copy of the transcript entry', () => {
  const state = createState();
  start(state, 'c1');
  const { postings } = applyAgentChange(state, '1', { available: true }, NOW);
  postings![0]!.entry.content = 'changed';
  expect(state.conversations.c1!.transcript[0]!.content).toBe('Alice has joined the chat');
});
