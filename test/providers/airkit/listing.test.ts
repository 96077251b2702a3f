import { describe, expect, test } from 'vitest';
import { call, createAirkitSim, start } from './helpers.ts';

const BASE = '/airkit/v1/conversations';

describe('airkit listings are paged (simulator choice)', () => {
  test('the conversation list answers pageSize conversations, oldest first, and the token of the next page', async () => {
    const sim = await createAirkitSim({ webhookUrl: 'http://sut.test/hook' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await start(sim)).id);
    const first = await call(sim, 'GET', `${BASE}?pageSize=2`);
    expect(first.json.conversations.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    expect(first.json.nextPageToken).toEqual(expect.any(String));
    const second = await call(sim, 'GET', `${BASE}?pageSize=2&pageToken=${first.json.nextPageToken}`);
    expect(second.json.conversations.map((c: { id: string }) => c.id)).toEqual(ids.slice(2, 4));
    const last = await call(sim, 'GET', `${BASE}?pageSize=2&pageToken=${second.json.nextPageToken}`);
    expect(last.json).toMatchObject({ conversations: [{ id: ids[4] }], nextPageToken: null });
  });

  test('without pageSize a page holds the pageSize option, 100 by default', async () => {
    const sim = await createAirkitSim({
      webhookUrl: 'http://sut.test/hook',
      providerOptions: { airkit: { pageSize: 3 } },
    });
    for (let i = 0; i < 4; i++) await start(sim);
    const res = await call(sim, 'GET', `${BASE}?conversationHubChannelResource=hub-default`);
    expect(res.json.conversations).toHaveLength(3);
    expect(res.json.nextPageToken).toBe('3');
  });

  test('a pageSize outside 1 to 1000 or a token this API did not return answers 400 INVALID_ARGUMENT', async () => {
    const sim = await createAirkitSim();
    for (const query of ['pageSize=0', 'pageSize=1001', 'pageSize=ten', 'pageToken=abc', 'pageToken=-1']) {
      const res = await call(sim, 'GET', `${BASE}?${query}`);
      expect(res, query).toMatchObject({ status: 400, json: { error: { code: 'INVALID_ARGUMENT' } } });
    }
  });

  test('the message list of a conversation is paged the same way', async () => {
    const sim = await createAirkitSim({ webhookUrl: 'http://sut.test/hook' });
    const conv = await start(sim);
    for (let i = 1; i <= 3; i++) await call(sim, 'POST', `${BASE}/${conv.id}/messages`, { text: `m${i}` });
    const first = await call(sim, 'GET', `${BASE}/${conv.id}/messages?pageSize=2`);
    expect(first.json.messages.map((m: { text: string }) => m.text)).toEqual(['m1', 'm2']);
    const next = await call(sim, 'GET', `${BASE}/${conv.id}/messages?pageToken=${first.json.nextPageToken}`);
    expect(next.json).toMatchObject({ messages: [{ text: 'm3' }], nextPageToken: null });
  });
});
