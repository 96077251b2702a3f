// The conversation lists are read from indexes kept by the transitions: after any sequence of changes, every
// page must be the one a plain filter and sort of all conversations gives.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { ConversationSummary } from '../../../src/provider/contract.ts';
import {
  createEightByEightSim,
  gatewayClient,
  getToken,
  referenceIdOrder,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';

type Step = {
  api: 'v2' | 'gateway';
  op: 'create' | 'join' | 'leave' | 'customer.leave' | 'customer.say' | 'move';
  pick: number;
};

const step = fc.record({
  api: fc.constantFrom('v2' as const, 'gateway' as const),
  op: fc.constantFrom(
    'create' as const,
    'create' as const,
    'join' as const,
    'leave' as const,
    'customer.leave' as const,
    'customer.say' as const,
    'move' as const,
  ),
  pick: fc.nat(),
});

test('v2 and Gateway list pages equal a plain filter and sort of every conversation after any changes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 40 }), async (steps: Step[]) => {
      const { sim } = await createEightByEightSim({ providerOptions: { '8x8': { autoAccept: false } } });
      const v2 = v2Client(sim, await getToken(sim));
      const gw = gatewayClient(sim);
      const v2Channels = [await setUpV2Channel(v2, '100'), await setUpV2Channel(v2, '200')];
      const gwChannels = [await setUpGatewayChannel(gw, '100'), await setUpGatewayChannel(gw, '200')];
      const ids = { v2: [] as string[], gateway: [] as string[] };
      const customers = new Map<string, { customerId?: string; userId?: string }>();
      for (const { api, op, pick } of steps) {
        const own = ids[api];
        const id = own[pick % Math.max(own.length, 1)];
        if (op === 'create' || !id) {
          if (api === 'v2') {
            const customer = pick % 3 === 0 ? {} : { customerId: `c${pick % 4}`, userId: `u${pick % 2}` };
            const created = await v2('POST', '/conversations', { channelId: v2Channels[pick % 2], customer });
            own.push(created.json.conversationId);
            customers.set(created.json.conversationId, customer);
          } else {
            const created = await gw('POST', '/conversations', {
              channelId: gwChannels[pick % 2],
              user: { name: 'J' },
            });
            own.push(created.json.conversationId);
          }
          continue;
        }
        const act = (action: string, args: unknown = {}) =>
          sim.control.act({ provider: '8x8', conversationId: id, action, args }).catch(() => undefined);
        if (op === 'join') await act('agent.join', { agentId: 'agent-ben' });
        if (op === 'leave') await act('agent.leave');
        if (op === 'customer.leave') await act('customer.leave');
        if (op === 'customer.say') await act('customer.say', { text: 'x' });
        if (op === 'move' && api === 'gateway')
          await gw('PUT', `/conversations/${id}`, { channelId: gwChannels[pick % 2] });
      }

      const summaries = sim.control.conversations({ provider: '8x8' });
      const detail = (s: ConversationSummary) => s.detail as { api: string; channelId: string };
      const v2All = summaries.filter((s) => detail(s).api === 'v2');
      for (const status of ['all', 'created', 'pending', 'handling', 'deleted']) {
        for (const channelId of [undefined, ...v2Channels]) {
          for (const userId of [undefined, 'c1', 'u0']) {
            for (const order of ['asc', 'desc'] as const) {
              const expected = v2All
                .filter((s) => status === 'all' || s.status === status)
                .filter((s) => channelId === undefined || detail(s).channelId === channelId)
                .filter((s) => {
                  const customer = customers.get(s.id)!;
                  return userId === undefined || customer.customerId === userId || customer.userId === userId;
                })
                .map((s) => s.id);
              if (order === 'desc') expected.reverse();
              for (const [size, number] of [
                [2, 1],
                [100, 0],
              ] as const) {
                const query = new URLSearchParams({
                  status,
                  order,
                  size: String(size),
                  page: String(number),
                });
                if (channelId) query.set('channel-id', channelId);
                if (userId) query.set('userId', userId);
                const page = await v2('GET', `/conversations?${query}`);
                expect(page.json.page.elementCount, String(query)).toBe(expected.length);
                const listed = page.json.data.map((c: { id: string }) => c.id);
                expect(listed, String(query)).toEqual(expected.slice(size * number, size * (number + 1)));
              }
            }
          }
        }
      }
      const gwAll = summaries
        .filter((s) => detail(s).api === 'gateway')
        .map((s, seq) => ({ id: s.id, seq, state: s.status, channelId: detail(s).channelId }));
      for (const field of ['id', 'createdAt', 'channelId', 'state'] as const) {
        for (const direction of ['asc', 'desc']) {
          const key = (c: (typeof gwAll)[number]) => (field === 'createdAt' ? '' : c[field]);
          const expected = [...gwAll]
            .sort((a, b) => referenceIdOrder(key(a), key(b)) || a.seq - b.seq)
            .map((c) => c.id);
          if (direction === 'desc') expected.reverse();
          for (const [size, number] of [
            [2, 1],
            [100, 0],
          ] as const) {
            const page = await gw(
              'GET',
              `/conversations?sort=${field}:${direction}&size=${size}&page=${number}`,
            );
            expect(page.json.page.totalElements).toBe(expected.length);
            const listed = page.json._embedded.conversations.map((c: { id: string }) => c.id);
            expect(listed, `${field}:${direction}`).toEqual(
              expected.slice(size * number, size * (number + 1)),
            );
          }
        }
      }
      const idle = await gw('GET', '/conversations?filter=state==idle&size=100');
      expect(idle.json._embedded.conversations.map((c: { id: string }) => c.id)).toEqual(
        gwAll
          .filter((c) => c.state === 'idle')
          .sort((a, b) => referenceIdOrder(a.id, b.id))
          .map((c) => c.id),
      );
      await sim.close();
    }),
    { numRuns: 8, seed: 42 },
  );
}, 120_000);
