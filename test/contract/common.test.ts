// The contract every provider keeps (like Hono's router/common.case.test.ts): run against each registered one.
import { describe, expect, test } from 'vitest';
import type { AnyProvider, ProviderDefinition } from '../../src/provider/contract.ts';
import { defaultProviders } from '../../src/providers/registry.ts';
import type { Simulator } from '../../src/simulator.ts';
import { echoProvider } from '../support/echo-provider.ts';
import { kitProvider } from '../support/kit-provider.ts';
import { createTestSimulator } from '../support/simulator.ts';

// The kit provider is written only against the public kit ('convosim/provider'), as a fifth provider would be.
const providers: AnyProvider[] = [echoProvider, kitProvider, ...defaultProviders];

const open = (provider: ProviderDefinition<unknown, unknown, unknown>, seed = 1) =>
  createTestSimulator({ providers: [provider], defaultFixtures: true, fixtures: undefined, seed });

const writeRoutes = (sim: Simulator, provider: ProviderDefinition<unknown, unknown, unknown>) => {
  const own = (path: string) => provider.basePaths.some((b) => path === b || path.startsWith(`${b}/`));
  const seen = new Set<string>();
  return sim.app.routes
    .filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && own(r.path))
    .map((r) => ({ method: r.method, path: r.path.replace(/:[^/]+/g, 'contract-x') }))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
};

describe.each(providers.map((p) => [p.name, p] as const))('provider %s', (_name, provider) => {
  test('an unknown route under each base path is answered 4xx in its own envelope and explained', async () => {
    const sim = await open(provider);
    for (const base of provider.basePaths) {
      const res = await sim.app.request(`${base}/convosim-no-such-route`);
      expect(res.status, base).toBeGreaterThanOrEqual(400);
      expect(res.status, base).toBeLessThan(500);
      expect(res.headers.get('x-convosim-unmatched'), base).toMatch(/No convosim route matches GET/);
    }
    expect(sim.control.requests().map((r) => r.provider)).toEqual(
      provider.basePaths.map(() => provider.name),
    );
  });

  test('malformed JSON and wrong content types on every write route give 4xx and change nothing', async () => {
    const sim = await open(provider);
    const before = sim.control.state(provider.name);
    const routes = writeRoutes(sim, provider);
    expect(routes.length).toBeGreaterThan(0);
    for (const { method, path } of routes) {
      for (const [type, body] of [
        ['application/json', '{"broken": '],
        ['application/xml', '<broken>'],
        ['text/csv', 'a,b'],
      ] as const) {
        const res = await sim.app.request(path, { method, headers: { 'content-type': type }, body });
        expect(res.status, `${method} ${path} ${type}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path} ${type}`).toBeLessThan(500);
      }
    }
    expect(sim.control.state(provider.name)).toEqual(before);
    expect(sim.control.countRequests()).toBe(routes.length * 3);
  });

  test('an oversized body is refused 413 in its own envelope and changes nothing', async () => {
    const sim = await createTestSimulator({
      providers: [provider],
      defaultFixtures: true,
      fixtures: undefined,
      bodyLimit: 512,
    });
    const before = sim.control.state(provider.name);
    const [route] = writeRoutes(sim, provider);
    const res = await sim.app.request(route!.path, {
      method: route!.method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(2048) }),
    });
    expect(res.status).toBe(413);
    expect(sim.control.state(provider.name)).toEqual(before);
  });

  test('the same seed gives the same initial state and the same answers', async () => {
    const a = await open(provider, 5);
    const b = await open(provider, 5);
    expect(a.control.state(provider.name)).toEqual(b.control.state(provider.name));
    for (const { method, path } of writeRoutes(a, provider)) {
      const init = { method, headers: { 'content-type': 'application/json' }, body: '{}' };
      expect(await (await b.app.request(path, init)).text()).toBe(
        await (await a.app.request(path, init)).text(),
      );
    }
  });

  test('reset restores the state the fixtures give', async () => {
    const sim = await open(provider);
    const fresh = sim.control.state(provider.name);
    for (const { method, path } of writeRoutes(sim, provider)) {
      await sim.app.request(path, { method, headers: { 'content-type': 'application/json' }, body: '{}' });
    }
    await sim.control.reset();
    expect(sim.control.state(provider.name)).toEqual(fresh);
    expect(sim.control.requests()).toEqual([]);
  });
});
