import { describe, expect, test } from 'vitest';
import { startReceiver } from '../../support/receiver.ts';
import { call, createAirkitSim, start } from './helpers.ts';

describe('airkit bad input', () => {
  test('unknown ids, malformed bodies, wrong types and wrong keys answer the airkit envelope and change nothing', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/a` });
      const conv = await start(sim);
      await sim.control.idle();
      const before = sim.control.state('airkit');
      const base = '/airkit/v1/conversations';
      const cases: Array<[string, string, unknown, Record<string, string> | undefined, number]> = [
        [
          'POST',
          base,
          { conversationHubChannelResource: 'hub-default', customerDestination: 's' },
          { authorization: 'Bearer x' },
          401,
        ],
        ['POST', base, '{"x":', undefined, 400],
        ['POST', base, [1, 2], undefined, 400],
        [
          'POST',
          base,
          { conversationHubChannelResource: 'hub-default', customerDestination: ['s'] },
          undefined,
          400,
        ],
        ['POST', base, { conversationHubChannelResource: 'ghost', customerDestination: 's' }, undefined, 404],
        ['POST', `${base}/conv_ghost/messages`, { text: 'x' }, undefined, 404],
        ['POST', `${base}/${conv.id}/messages`, { text: ['x'] }, undefined, 400],
        ['POST', `${base}/conv_ghost/end`, undefined, undefined, 404],
      ];
      for (const [method, path, body, headers, status] of cases) {
        const res = await call(sim, method, path, body, headers);
        expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
        expect(res.json.error.code, `${method} ${path}`).toEqual(expect.any(String));
      }
      expect(sim.control.state('airkit')).toEqual(before);
    } finally {
      await receiver.close();
    }
  });
});
