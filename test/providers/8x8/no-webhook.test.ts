// Without a web-hook for a conversation's channel, no event payload is built (nor signed).
import { expect, test, vi } from 'vitest';
import * as events from '../../../src/providers/8x8/events.ts';
import {
  createEightByEightSim,
  gatewayClient,
  getToken,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';

vi.mock('../../../src/providers/8x8/events.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/providers/8x8/events.ts')>();
  return {
    ...original,
    toV2Event: vi.fn(original.toV2Event),
    toGatewayEvent: vi.fn(original.toGatewayEvent),
    makeSignedHeaders: vi.fn(original.makeSignedHeaders),
  };
});

test('a conversation on a channel without a web-hook builds and signs no event payload', async () => {
  const logs: string[] = [];
  const { sim, sent } = await createEightByEightSim({ logger: (_level, message) => logs.push(message) });
  const v2 = v2Client(sim, await getToken(sim));
  const gw = gatewayClient(sim);
  const v2Channel = await setUpV2Channel(v2);
  const gwChannel = await setUpGatewayChannel(gw);
  await v2('DELETE', `/web-hooks/${(await v2('GET', `/channels/${v2Channel}`)).json.webHookId}`);
  await gw('DELETE', `/webhooks/${(await gw('GET', `/channels/${gwChannel}`)).json.webHookId}`);
  vi.mocked(events.toV2Event).mockClear();
  vi.mocked(events.toGatewayEvent).mockClear();
  vi.mocked(events.makeSignedHeaders).mockClear();

  expect((await v2('POST', '/conversations', { channelId: v2Channel })).status).toBe(202);
  expect((await gw('POST', '/conversations', { channelId: gwChannel, user: {} })).status).toBe(202);
  await sim.control.advance('2s');
  await sim.control.idle();

  expect(events.toV2Event).not.toHaveBeenCalled();
  expect(events.toGatewayEvent).not.toHaveBeenCalled();
  expect(events.makeSignedHeaders).not.toHaveBeenCalled();
  expect(sent).toEqual([]);
  expect(logs.filter((line) => line.includes('no web-hook'))).toHaveLength(4);
});

test('with a web-hook, each event payload is built and signed once', async () => {
  const { sim, sent } = await createEightByEightSim();
  const v2 = v2Client(sim, await getToken(sim));
  const channelId = await setUpV2Channel(v2);
  vi.mocked(events.toV2Event).mockClear();
  vi.mocked(events.makeSignedHeaders).mockClear();
  await v2('POST', '/conversations', { channelId });
  await sim.control.advance('2s');
  await sim.control.idle();
  expect(sent.map((r) => JSON.parse(r.body).eventType)).toEqual(['QUEUED', 'AGENT_JOINED']);
  expect(events.makeSignedHeaders).toHaveBeenCalledTimes(2);
});
