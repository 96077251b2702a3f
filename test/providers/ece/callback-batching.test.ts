// Reference 2.6 ("one or more messages per request, at most 1000 per request"), issue 16 item 1: a callback
// request carries every message waiting for the conversation, in order, so a client that reads only the first
// message of a request is caught. `callbackBatching: single` keeps one message per request.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SentRequest } from '../../support/recording-sender.ts';
import { CALLBACK_URL, createEceSim, settle, startOk } from './helpers.ts';

type Sim = Awaited<ReturnType<typeof createEceSim>>['sim'];

const say = (sim: Sim, conversationId: string, text: string) =>
  sim.control.act({ provider: 'ece', conversationId, action: 'agent.say', args: { text } });

/** What each request carried: the content (or kind) of its messages. */
const requests = (sent: SentRequest[]) =>
  sent.map((s) =>
    (s.json as { message: Array<{ content?: string; type: { value: string } }> }).message.map(
      (m) => m.content ?? m.type.value,
    ),
  );

/** Fails the first request (its retry comes 1 s later), then answers 200. */
const failFirst = () => {
  let calls = 0;
  return () => (calls++ === 0 ? 500 : 200);
};

describe('callback batching (reference 2.6)', () => {
  test('a callback request carries every message waiting for the conversation, in order', async () => {
    const { sim, sent, respondWith } = await createEceSim();
    respondWith(failFirst());
    const conversation = await startOk(sim);
    await settle(sim);
    for (const text of ['one', 'two', 'three']) await say(sim, conversation.id, text);
    await sim.control.idle();
    expect(requests(sent)).toEqual([['Alice has joined the chat']]);
    await settle(sim, '1s');
    expect(requests(sent)).toEqual([
      ['Alice has joined the chat'],
      ['Alice has joined the chat'],
      ['one', 'two', 'three'],
    ]);
    const deliveries = sim.control.deliveries({ provider: 'ece', state: 'delivered' });
    expect(deliveries.map((d) => d.type)).toEqual(['assigned', 'text/plain,text/plain,text/plain']);
  });

  test('the messages of one transition travel in one request: a transfer to an agent and its assigned', async () => {
    const { sim, sent } = await createEceSim();
    const conversation = await startOk(sim);
    await settle(sim);
    await sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'agent.transfer',
      args: { agentId: '2' },
    });
    await sim.control.idle();
    expect(requests(sent)).toEqual([
      ['Alice has joined the chat'],
      ['Chat transferred to Bob', 'Bob has joined the chat'],
    ]);
  });

  test('a callback request never carries more than 1000 messages; the rest follow in the next request', async () => {
    const { sim, sent, respondWith } = await createEceSim();
    respondWith(failFirst());
    const conversation = await startOk(sim);
    await settle(sim);
    for (let i = 0; i < 1003; i++) await say(sim, conversation.id, `m${i}`);
    await settle(sim, '1s');
    const sizes = requests(sent).map((r) => r.length);
    expect(sizes).toEqual([1, 1, 1000, 3]);
    expect(requests(sent).flat().slice(2)).toEqual(Array.from({ length: 1003 }, (_, i) => `m${i}`));
  });

  test('each conversation batches on its own', async () => {
    const { sim, sent, respondWith } = await createEceSim();
    respondWith(failFirst());
    const a = await startOk(sim);
    const b = await startOk(sim);
    await settle(sim);
    await say(sim, a.id, 'a1');
    await say(sim, b.id, 'b1');
    await say(sim, a.id, 'a2');
    await settle(sim, '1s');
    const of = (id: string) =>
      sent
        .filter(
          (s) =>
            (s.json as { message: Array<{ conversation: { id: string } }> }).message[0]!.conversation.id ===
            id,
        )
        .map((s) => requests([s])[0]);
    expect(of(a.id)).toEqual([['Alice has joined the chat'], ['Alice has joined the chat'], ['a1', 'a2']]);
    expect(of(b.id)).toEqual([['Bob has joined the chat'], ['b1']]);
  });

  test('with callbackBatching single every callback request carries one message', async () => {
    const { sim, sent, respondWith } = await createEceSim({
      providerOptions: { ece: { callbackUrl: CALLBACK_URL, callbackBatching: 'single' } },
    });
    respondWith(failFirst());
    const conversation = await startOk(sim);
    await settle(sim);
    for (const text of ['one', 'two', 'three']) await say(sim, conversation.id, text);
    await settle(sim, '1s');
    expect(requests(sent)).toEqual([
      ['Alice has joined the chat'],
      ['Alice has joined the chat'],
      ['one'],
      ['two'],
      ['three'],
    ]);
  });

  test('messages waiting behind a request that deactivates the callback URL are not posted and stay in the transcript', async () => {
    const { sim, sent, respondWith } = await createEceSim({
      providerOptions: { ece: { callbackUrl: CALLBACK_URL, deactivateAfterFailures: 1 } },
    });
    respondWith(500);
    const conversation = await startOk(sim);
    await settle(sim);
    await say(sim, conversation.id, 'lost');
    await settle(sim, '10s');
    expect(requests(sent)).toEqual([
      ['Alice has joined the chat'],
      ['Alice has joined the chat'],
      ['Alice has joined the chat'],
    ]);
    const stored = (await sim.control.admin('ece', 'conversations.get', { id: conversation.id })) as {
      conversation: { transcript: Array<{ content: string; posted: boolean }>; callbacks: unknown };
    };
    expect(stored.conversation.transcript.at(-1)).toMatchObject({ content: 'lost', posted: false });
    expect(stored.conversation.callbacks).toEqual({ pending: [], sending: null });
  });

  test('messages waiting when the simulator stops are sent after a restart from the same store file, in order', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convosim-ece-batch-'));
    try {
      const store = path.join(dir, 'store.json');
      const first = await createEceSim({ store });
      first.respondWith(500);
      const conversation = await startOk(first.sim);
      await settle(first.sim);
      await say(first.sim, conversation.id, 'one');
      await say(first.sim, conversation.id, 'two');
      await first.sim.close();
      const second = await createEceSim({ store });
      await settle(second.sim);
      expect(requests(second.sent)).toEqual([['Alice has joined the chat'], ['one', 'two']]);
      await second.sim.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
