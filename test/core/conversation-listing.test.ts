import { expect, test } from 'vitest';
import { defaultProviders } from '../../src/providers/registry.ts';
import { start } from '../providers/airkit/helpers.ts';
import { createConversation } from '../providers/chatwoot/helpers.ts';
import { echoProvider } from '../support/echo-provider.ts';
import { startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

const pageIds = (summaries: { provider: string; id: string }[]) =>
  summaries.map((s) => `${s.provider}:${s.id}`);

test('the admin conversation listing pages with limit and after, across providers', async () => {
  const resource = {
    id: 'hub-default',
    name: 'Default',
    hubId: 'hub-main',
    channel: 'chat',
    webhookUrl: 'http://127.0.0.1:9/hooks',
    secret: 's',
  };
  const sim = await createTestSimulator({
    providers: defaultProviders,
    defaultFixtures: true,
    fixtures: { airkit: { resources: [resource] } },
    send: async () => ({ status: 200, body: '' }),
  });
  for (let i = 0; i < 3; i++) await createConversation(sim);
  for (let i = 0; i < 3; i++) await start(sim);
  const all = pageIds(sim.control.conversations({ limit: 100 })).filter((id) =>
    /^(chatwoot|airkit):/.test(id),
  );
  expect(all).toHaveLength(6);
  const walked: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = pageIds(sim.control.conversations({ limit: 2, after }));
    if (page.length === 0) break;
    expect(page.length).toBeLessThanOrEqual(2);
    walked.push(...page);
    after = page.at(-1);
  }
  expect(walked.filter((id) => /^(chatwoot|airkit):/.test(id))).toEqual(all);
});

test('a provider that ignores the page is cut to it by the core', async () => {
  const sim = await createTestSimulator();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(((await (await startEcho(sim)).json()) as { id: string }).id);
  expect(sim.control.conversations({ limit: 2 }).map((s) => s.id)).toEqual(ids.slice(0, 2));
  expect(sim.control.conversations({ limit: 2, after: `echo:${ids[1]}` }).map((s) => s.id)).toEqual(
    ids.slice(2, 4),
  );
  const res = await sim.app.request('/__admin/conversations?limit=abc');
  expect(res.status).toBe(400);
});

test('the admin conversation listing answers the cursor of the next page', async () => {
  const sim = await createTestSimulator();
  for (let i = 0; i < 3; i++) await startEcho(sim);
  const first = (await (await sim.app.request('/__admin/conversations?limit=2')).json()) as {
    conversations: { id: string }[];
    next: string | null;
  };
  expect(first.conversations).toHaveLength(2);
  expect(first.next).toBe(`echo:${first.conversations[1]!.id}`);
  const second = (await (
    await sim.app.request(`/__admin/conversations?limit=2&after=${first.next}`)
  ).json()) as {
    conversations: unknown[];
    next: string | null;
  };
  expect(second).toMatchObject({ next: null });
  expect(second.conversations).toHaveLength(1);
});

test('the listing names each conversation by the provider that listed it, whatever the provider says', async () => {
  const sim = await createTestSimulator({
    providers: [
      {
        ...echoProvider,
        listConversations: (state, page) =>
          echoProvider
            .listConversations(state, page)
            .map(({ provider: _, ...summary }, i) => (i === 0 ? summary : { ...summary, provider: 'other' })),
      },
    ],
  });
  for (let i = 0; i < 2; i++) await startEcho(sim);
  expect(sim.control.conversations().map((s) => s.provider)).toEqual(['echo', 'echo']);
});
