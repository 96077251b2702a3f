import { expect, test } from 'vitest';
import { defaultProviders } from '../../src/providers/registry.ts';
import { admin, startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

test('operation and provider names like Object.prototype members answer 404 in the admin envelope', async () => {
  const sim = await createTestSimulator({ providers: defaultProviders, defaultFixtures: true, fixtures: {} });
  for (const path of [
    '/operations/ece/constructor',
    '/operations/ece/__proto__',
    '/operations/toString/list',
    '/operations/__proto__/x',
  ]) {
    const res = await admin(sim, 'POST', path, {});
    expect(res.status, path).toBe(404);
    expect(Object.keys((await res.json()) as object), path).toEqual(['error']);
  }
  expect((await admin(sim, 'GET', '/operations?provider=hasOwnProperty')).status).toBe(404);
});

test('POST /__admin/operations/:provider/:operation runs the operation and hides secrets unless asked', async () => {
  const sim = await createTestSimulator({ providers: defaultProviders, defaultFixtures: true, fixtures: {} });
  const redacted = await (await admin(sim, 'POST', '/operations/airkit/resources.list', {})).json();
  const shown = await (await admin(sim, 'POST', '/operations/airkit/resources.list?secrets=true', {})).json();
  expect(shown).toEqual(await sim.control.admin('airkit', 'resources.list', {}));
  expect(JSON.stringify(redacted)).toContain('[redacted]');
  expect(JSON.stringify(shown)).not.toContain('[redacted]');
});

test('a body key named like an Object.prototype member matches only a body that has it', async () => {
  const sim = await createTestSimulator();
  await startEcho(sim, 'hi');
  for (const key of ['__proto__', 'constructor', 'toString']) {
    const res = await admin(
      sim,
      'POST',
      '/requests/wait',
      `{"match":{"body":{"${key}":{}}},"timeout":"5ms"}`,
    );
    expect(res.status, key).toBe(408);
  }
});

test('GET /__admin/idle takes a settle window and refuses a malformed one', async () => {
  const sim = await createTestSimulator();
  expect(await (await admin(sim, 'GET', '/idle?settle=20ms&timeout=1s')).json()).toEqual({ idle: true });
  const res = await admin(sim, 'GET', '/idle?settle=2m');
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toContain('settleMs must be 0 to 60000 ms');
});

test('GET /__admin/requests/wait that times out answers 408 with what it saw instead', async () => {
  const sim = await createTestSimulator();
  const started = performance.now();
  const res = await admin(sim, 'GET', '/requests/wait?path=**/never&timeout=50ms');
  expect(performance.now() - started).toBeLessThan(2000);
  expect(res.status).toBe(408);
  expect(((await res.json()) as { error: string }).error).toBe(
    'No request matching {"path":"**/never"} within 50 ms. Last requests: none. The clock is virtual: advance it if what you wait for is scheduled.',
  );
});

test('a provider state asked with keys holds only those top-level parts, in-process and over HTTP', async () => {
  const sim = await createTestSimulator({ providers: defaultProviders, defaultFixtures: true, fixtures: {} });
  const whole = sim.control.state('8x8') as Record<string, unknown>;
  expect(Object.keys(whole)).toContain('conversations');
  const some = sim.control.state('8x8', ['region', 'tenant', 'nope', '__proto__']);
  expect(some).toEqual({ region: whole.region, tenant: whole.tenant });
  const res = await admin(sim, 'GET', '/state/8x8?keys=region,webhooks&secrets=true');
  expect(await res.json()).toEqual({ region: whole.region, webhooks: whole.webhooks });
});
