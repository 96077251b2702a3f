// Fuzz suite of the admin API's own write routes under /__admin (issue 10 deliverable 3); the providers' admin
// routes (/__admin/providers/<p>/…) are fuzzed in their provider's file. Findings: /work/notes/fuzz-admin.md.
import { defineFuzzSuite, type FuzzRoute, send, sendOk } from '../support/fuzz-harness.ts';
import { adminEnvelope } from './envelopes.ts';

type Env = { conversationId: string };

const json = (value: unknown) => ({ kind: 'json', value }) as const;

const routes: FuzzRoute<Env>[] = [
  {
    method: 'POST',
    route: '/__admin/clock/advance',
    envelope: adminEnvelope,
    prepare: () => ({ params: {}, body: json({ by: '1s' }) }),
  },
  {
    method: 'POST',
    route: '/__admin/conversations/:provider/:conversationId/actions',
    envelope: adminEnvelope,
    prepare: (env) => ({
      params: { provider: 'chatwoot', conversationId: env.conversationId },
      body: json({
        action: 'agent.say',
        args: { text: 'Hello from the agent', agentId: '2', private: false },
      }),
    }),
  },
  {
    method: 'POST',
    route: '/__admin/faults',
    envelope: adminEnvelope,
    prepare: () => ({
      params: {},
      body: json({ provider: 'airkit', method: 'GET', path: '/nowhere/**', status: 503, times: 1 }),
    }),
    // Every provider request is matched against the fault globs: one added must not make the next request slow.
    async afterAccepted(sim) {
      const cpu = process.cpuUsage();
      await send(sim, 'GET', `/airkit/v1/${'a'.repeat(40)}`, {
        headers: { authorization: 'Bearer airkit-token' },
      });
      const used = process.cpuUsage(cpu);
      const ms = (used.user + used.system) / 1000;
      return ms > 1000
        ? `the next provider request took ${Math.round(ms)} ms of CPU to match the fault rules`
        : null;
    },
  },
  {
    method: 'POST',
    route: '/__admin/requests/wait',
    envelope: adminEnvelope,
    prepare: () => ({
      params: {},
      body: json({ match: { method: 'POST', body: { source_id: 'contact-source-1' } }, timeout: '1ms' }),
    }),
  },
  {
    method: 'POST',
    route: '/__admin/deliveries/wait',
    envelope: adminEnvelope,
    // A delivery to wait for: an account webhook, then a raw event to it.
    prepare: async (env, sim) => {
      // Made once per simulator: later calls answer 422 (url taken), which is fine.
      await send(sim, 'POST', '/api/v1/accounts/1/webhooks', {
        headers: { api_access_token: 'chatwoot-token' },
        json: { url: 'http://127.0.0.1:9/hook', subscriptions: ['message_created'] },
      });
      await sim.control.act({
        provider: 'chatwoot',
        conversationId: env.conversationId,
        action: 'raw.event',
        args: { type: 'message_created', body: { event: 'message_created', id: 1 } },
      });
      return {
        params: {},
        body: json({ match: { type: 'message_created', body: { id: 1 } }, since: 0, timeout: '1s' }),
      };
    },
  },
  {
    method: 'POST',
    route: '/__admin/operations/:provider/:operation',
    envelope: adminEnvelope,
    prepare: () => ({ params: { provider: 'ece', operation: 'clientApplications.list' }, body: json({}) }),
  },
  {
    method: 'POST',
    route: '/__admin/reset',
    envelope: adminEnvelope,
    prepare: () => ({ params: {}, body: { kind: 'none' } }),
  },
  {
    method: 'DELETE',
    route: '/__admin/faults',
    envelope: adminEnvelope,
    prepare: () => ({ params: {}, body: { kind: 'none' } }),
  },
  {
    method: 'DELETE',
    route: '/__admin/faults/:id',
    envelope: adminEnvelope,
    prepare: (_env, sim) => ({
      params: { id: sim.control.addFault({ provider: 'airkit', path: '/nowhere/**', status: 503 }).id },
      body: { kind: 'none' },
    }),
  },
  {
    method: 'POST',
    route: '/__admin/delivery-faults',
    envelope: adminEnvelope,
    prepare: () => ({
      params: {},
      body: json({ kind: 'duplicate', provider: 'airkit', type: 'TEXT', times: 1 }),
    }),
  },
  {
    method: 'DELETE',
    route: '/__admin/delivery-faults',
    envelope: adminEnvelope,
    prepare: () => ({ params: {}, body: { kind: 'none' } }),
  },
  {
    method: 'DELETE',
    route: '/__admin/delivery-faults/:id',
    envelope: adminEnvelope,
    prepare: (_env, sim) => ({
      params: { id: sim.control.addDeliveryFault({ kind: 'drop', provider: 'airkit', type: 'TEXT' }).id },
      body: { kind: 'none' },
    }),
  },
  {
    method: 'DELETE',
    route: '/__admin/requests',
    envelope: adminEnvelope,
    prepare: () => ({ params: {}, body: { kind: 'none' } }),
  },
];

const isProviderRoute = (path: string) => path.startsWith('/__admin/providers/');

defineFuzzSuite<Env>({
  name: 'admin',
  owns: (r) => r.path.startsWith('/__admin/') && !isProviderRoute(r.path),
  routes,
  faults: false,
  async setup(sim) {
    const conversation = await sendOk(sim, 'POST', '/api/v1/accounts/1/conversations', {
      headers: { api_access_token: 'chatwoot-token' },
      json: { source_id: 'contact-source-1' },
    });
    return { conversationId: `1:${conversation.id}` };
  },
  async probe(sim) {
    for (const path of ['/__admin/clock', '/__admin/conversations']) {
      const answer = await send(sim, 'GET', path);
      if (answer.status !== 200) return `GET ${path} answered ${answer.status} ${answer.text.slice(0, 200)}`;
    }
    const chatwoot = await send(sim, 'GET', '/api/v1/accounts/1/inboxes', {
      headers: { api_access_token: 'chatwoot-token' },
    });
    return chatwoot.status === 200 ? null : `GET chatwoot inboxes answered ${chatwoot.status}`;
  },
  // Everything the admin API can change: every provider's state, the faults, the clock and the journal.
  snapshot: (sim) => ({
    providers: Object.fromEntries(sim.providers.map((p) => [p.name, sim.control.state(p.name)])),
    faults: sim.control.faults(),
    now: sim.control.now(),
    requests: sim.control.countRequests(),
  }),
});
