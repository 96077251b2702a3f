import { rmSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { writeStoreFile } from '../../support/store-file.ts';
import { call, createAirkitSim, type Json, start } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('airkit state stored by an earlier version', () => {
  test('a store whose collections are lists is indexed at start and keeps conversations and messages', async () => {
    const before = await createAirkitSim({ webhookUrl: 'http://sut.test/hook' });
    const first = await start(before);
    const second = await start(before);
    await call(before, 'POST', `/airkit/v1/conversations/${first.id}/messages`, { text: 'hello' });
    const state = before.control.state('airkit') as Json;
    const lists = {
      apiKeys: Object.values(state.apiKeys),
      hubs: Object.values(state.hubs),
      resources: Object.values(state.resources),
      conversations: Object.values(state.conversations),
      messages: Object.values(state.messages),
    };
    const file = writeStoreFile(dirs, 'airkit', lists);

    const sim = await createAirkitSim({ store: file });
    const list = await call(sim, 'GET', '/airkit/v1/conversations');
    expect(list.json.conversations.map((c: { id: string }) => c.id)).toEqual([first.id, second.id]);
    const messages = await call(sim, 'GET', `/airkit/v1/conversations/${first.id}/messages`);
    expect(messages.json.messages.map((m: { text: string }) => m.text)).toEqual(['hello']);
    expect((await call(sim, 'GET', `/airkit/v1/conversations/${second.id}`)).json.status).toBe(
      'awaiting-first-message',
    );
    await sim.close();
  });
});
