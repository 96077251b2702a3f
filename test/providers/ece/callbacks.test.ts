// Reference 2.6 (callback format, auth, at most 1000 messages) and 2.7 (deactivation of the callback URL).
import { describe, expect, test } from 'vitest';
import { renderCallbackBody, toCallbackMessage } from '../../../src/providers/ece/events.ts';
import type { TranscriptEntry } from '../../../src/providers/ece/model-state.ts';
import { createEceSim, eceAdmin, settle, start, startOk, wsError } from './helpers.ts';

const act = (
  sim: Awaited<ReturnType<typeof createEceSim>>['sim'],
  conversationId: string,
  action: string,
  args?: unknown,
) => sim.control.act({ provider: 'ece', conversationId, action, args });

describe('callbacks to the client application', () => {
  test('callbacks POST {"message":[...]} with conversation id, type, sender and timeStamp', async () => {
    const { sim, sent } = await createEceSim();
    const conversation = await startOk(sim);
    await settle(sim);
    await act(sim, conversation.id, 'agent.say', { text: 'Hello, how can I help?' });
    await sim.control.idle();
    expect(sent).toHaveLength(2);
    expect(sent[0]!.url).toBe('http://callback.test/ece');
    expect(sent[0]!.headers['content-type']).toBe('application/json');
    expect(sent[0]!.headers.authorization).toBeUndefined();
    expect(sent[1]!.json).toEqual({
      message: [
        {
          id: expect.stringMatching(/^\d+$/),
          conversation: { id: conversation.id },
          type: { value: 'text/plain' },
          content: 'Hello, how can I help?',
          sender: { type: 'user', user: { id: '1', name: 'alice', screenName: 'Alice' } },
          timeStamp: Date.parse('2025-01-01T00:00:01.000Z'),
        },
      ],
    });
  });

  test('callbacks are rendered in XML for applications whose callback format is XML', async () => {
    const { sim, sent } = await createEceSim();
    await eceAdmin(sim, 'PUT', '/client-applications/ece-chat-key/callback', { format: 'xml' });
    await startOk(sim);
    await settle(sim);
    expect(sent[0]!.headers['content-type']).toBe('application/xml');
    expect(sent[0]!.body).toMatch(
      /^<\?xml[^>]*\?><messages><message><conversation><id>[0-9a-f-]{36}<\/id><\/conversation>/,
    );
    expect(sent[0]!.body).toMatch(/<id>\d+<\/id><\/message><\/messages>$/);
    expect(sent[0]!.body).toContain('<type><value>assigned</value></type>');
  });

  test('callbacks carry Basic authentication when the application is configured for it', async () => {
    const { sim, sent } = await createEceSim();
    await eceAdmin(sim, 'PUT', '/client-applications/ece-chat-key/callback', {
      auth: { type: 'basic', username: 'imi', password: 's3cret' },
    });
    await startOk(sim);
    await settle(sim);
    expect(sent[0]!.headers.authorization).toBe(`Basic ${Buffer.from('imi:s3cret').toString('base64')}`);
  });

  test('callbacks carry a Bearer token when the application is configured for it', async () => {
    const { sim, sent } = await createEceSim();
    await eceAdmin(sim, 'PUT', '/client-applications/ece-chat-key/callback', {
      auth: { type: 'bearer', token: 'tok-1' },
    });
    await startOk(sim);
    await settle(sim);
    expect(sent[0]!.headers.authorization).toBe('Bearer tok-1');
  });

  test('the callback URL can be set in fixtures', async () => {
    const fixtures = {
      ece: {
        clientApplications: [
          {
            key: 'ece-chat-key',
            secret: 'ece-chat-secret',
            type: 'chat',
            entryPoints: [1001],
            callback: { url: 'http://fixture.test/cb' },
          },
        ],
      },
    };
    const { sim, sent } = await createEceSim({ fixtures, providerOptions: {} });
    await startOk(sim);
    await settle(sim);
    expect(sent.map((s) => s.url)).toEqual(['http://fixture.test/cb']);
  });

  test('the callback URL option overrides the fixtures', async () => {
    const { sim, sent } = await createEceSim({
      providerOptions: { ece: { callbackUrl: 'http://option.test/cb' } },
    });
    await startOk(sim);
    await settle(sim);
    expect(sent.map((s) => s.url)).toEqual(['http://option.test/cb']);
  });

  test('the callback URL can be changed through the admin API', async () => {
    const { sim, sent } = await createEceSim();
    const res = await eceAdmin(sim, 'PUT', '/client-applications/ece-chat-key/callback', {
      url: 'http://admin.test/cb',
    });
    expect(res.status).toBe(200);
    await startOk(sim);
    await settle(sim);
    expect(sent.map((s) => s.url)).toEqual(['http://admin.test/cb']);
  });

  test('typing callbacks are posted only when sendTypingNotification=yes', async () => {
    const { sim, messages } = await createEceSim();
    const quiet = await startOk(sim);
    const chatty = await startOk(sim, { query: 'anonymousCustomer=yes&sendTypingNotification=yes' });
    await settle(sim);
    for (const id of [quiet.id, chatty.id]) {
      await act(sim, id, 'agent.typing', { typing: true });
      await act(sim, id, 'agent.typing', { typing: false });
    }
    await sim.control.idle();
    const kinds = (id: string) =>
      messages()
        .filter((m) => (m.conversation as { id: string }).id === id)
        .map((m) => m.type.value);
    expect(kinds(quiet.id)).toEqual(['assigned']);
    expect(kinds(chatty.id)).toEqual(['assigned', 'startTyping', 'endTyping']);
  });

  test('complete is posted exactly once and last, and nothing follows it', async () => {
    const { sim, messages } = await createEceSim();
    const conversation = await startOk(sim);
    await settle(sim);
    await act(sim, conversation.id, 'agent.complete');
    await expect(act(sim, conversation.id, 'agent.say', { text: 'late' })).rejects.toThrow(/completed/);
    await expect(act(sim, conversation.id, 'agent.complete')).rejects.toThrow(/completed/);
    await sim.control.idle();
    expect(messages().map((m) => m.type.value)).toEqual(['assigned', 'complete']);
    expect(messages().at(-1)).toMatchObject({
      sender: { type: 'system' },
      content: 'Alice has ended the chat',
    });
  });

  test('callbacks of one conversation arrive in order', async () => {
    const { sim, messages } = await createEceSim();
    const conversation = await startOk(sim);
    await settle(sim);
    for (const text of ['one', 'two', 'three']) await act(sim, conversation.id, 'agent.say', { text });
    await act(sim, conversation.id, 'agent.complete');
    await sim.control.idle();
    expect(messages().map((m) => m.content ?? m.type.value)).toEqual([
      'Alice has joined the chat',
      'one',
      'two',
      'three',
      'Alice has ended the chat',
    ]);
  });

  test('a callback request never carries more than 1000 messages', async () => {
    const { sim, sent } = await createEceSim();
    const conversation = await startOk(sim);
    await settle(sim);
    for (let i = 0; i < 20; i++) await act(sim, conversation.id, 'agent.say', { text: `m${i}` });
    await sim.control.idle();
    expect(
      Math.max(...sent.map((s) => (s.json as { message: unknown[] }).message.length)),
    ).toBeLessThanOrEqual(1000);
    const state = sim.control.conversations({ provider: 'ece' });
    expect(state).toHaveLength(1);
    const entry = {
      id: '1',
      direction: 'toClient',
      kind: 'text/plain',
      content: 'x',
      agentId: null,
      attachments: [],
      timeStamp: 0,
      posted: true,
    } satisfies TranscriptEntry;
    const message = toCallbackMessage({ agents: {} } as never, 'c1', entry);
    expect(() => renderCallbackBody(Array(1000).fill(message), 'json')).not.toThrow();
    expect(() => renderCallbackBody(Array(1001).fill(message), 'json')).toThrow(/at most 1000/);
  });

  test('after consecutive failed deliveries the callback URL is deactivated and start answers 400', async () => {
    const { sim, sent, respondWith } = await createEceSim({
      providerOptions: { ece: { callbackUrl: 'http://callback.test/ece', deactivateAfterFailures: 2 } },
    });
    respondWith(500);
    await startOk(sim);
    await startOk(sim);
    await settle(sim, '1s');
    await settle(sim, '10s');
    expect(sent).toHaveLength(6);
    expect(sim.control.deliveries({ provider: 'ece', state: 'failed' })).toHaveLength(2);
    expect(await wsError(await start(sim))).toMatchObject({ status: 400, code: '400-117' });
    respondWith(200);
    await eceAdmin(sim, 'PUT', '/client-applications/ece-chat-key/callback', { active: true });
    expect((await start(sim)).status).toBe(200);
  });

  test('the default deactivation threshold is 5 consecutive failed deliveries', async () => {
    const { sim, respondWith } = await createEceSim();
    respondWith(503);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await startOk(sim)).id);
    await settle(sim, '1s');
    await settle(sim, '10s');
    expect(sim.control.deliveries({ provider: 'ece', state: 'failed' })).toHaveLength(4);
    expect((await start(sim)).status).toBe(200);
    await act(sim, ids[0]!, 'agent.say', { text: 'fifth callback' });
    await settle(sim, '10s');
    expect(await wsError(await start(sim))).toMatchObject({ status: 400, code: '400-117' });
  });

  test('a successful delivery resets the count of consecutive failures', async () => {
    const { sim, respondWith } = await createEceSim({
      providerOptions: { ece: { callbackUrl: 'http://callback.test/ece', deactivateAfterFailures: 2 } },
    });
    respondWith(500);
    const first = await startOk(sim);
    await settle(sim, '1s');
    await settle(sim, '10s');
    respondWith(200);
    await act(sim, first.id, 'agent.say', { text: 'ok now' });
    await sim.control.idle();
    respondWith(500);
    await act(sim, first.id, 'agent.say', { text: 'fails again' });
    await settle(sim, '10s');
    expect((await start(sim)).status).toBe(200);
  });
});
