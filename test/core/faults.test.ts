import request from 'supertest';
import { expect, test } from 'vitest';
import { toPathMatcher } from '../../src/glob.ts';
import { admin, startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

test('an injected status answers in the provider envelope for the next N requests, then stops', async () => {
  const sim = await createTestSimulator();
  const res = await admin(sim, 'POST', '/faults', {
    provider: 'echo',
    method: 'post',
    status: 503,
    times: 2,
  });
  expect(res.status).toBe(201);
  const first = await startEcho(sim);
  expect(first.status).toBe(503);
  expect(await first.json()).toEqual({ fault: { status: 503, message: 'Injected fault fault-1' } });
  expect((await startEcho(sim)).status).toBe(503);
  expect((await startEcho(sim)).status).toBe(201);
  expect(sim.control.faults()).toEqual([]);
  expect(sim.control.requests().map((r) => r.fault)).toEqual(['fault-1', 'fault-1', null]);
  expect(sim.control.conversations()).toHaveLength(1);
});

test('a fault matches by path glob and method only', async () => {
  const sim = await createTestSimulator();
  sim.control.addFault({ provider: 'echo', method: 'GET', path: '**/conversations/*', status: 500 });
  expect((await startEcho(sim)).status).toBe(201);
  expect((await sim.app.request('/echo/v1/conversations/abc')).status).toBe(500);
});

test('a ratio fault hits a seeded share of requests, the same share on every run', async () => {
  const run = async () => {
    const sim = await createTestSimulator();
    sim.control.addFault({ provider: 'echo', status: 500, ratio: 0.5 });
    const statuses = [];
    for (let i = 0; i < 40; i++) statuses.push((await sim.app.request('/echo/v1/conversations/x')).status);
    return statuses;
  };
  const first = await run();
  expect(await run()).toEqual(first);
  const hits = first.filter((s) => s === 500).length;
  expect(hits).toBeGreaterThan(8);
  expect(hits).toBeLessThan(32);
});

test('added latency holds the answer until the clock has moved on', async () => {
  const sim = await createTestSimulator();
  sim.control.addFault({ provider: 'echo', latencyMs: 3000, times: 1 });
  let answered = false;
  const applied = sim.signals.next('fault.applied');
  const pending = startEcho(sim).then((r) => {
    answered = true;
    return r;
  });
  await applied;
  await sim.control.advance(2999);
  expect(answered).toBe(false);
  await sim.control.advance(1);
  expect((await pending).status).toBe(201);
  expect(sim.control.requests()[0]?.time).toBe(1735689600000);
});

test('a dropped connection closes the socket without an answer and is journaled', async () => {
  const sim = await createTestSimulator();
  const { url } = await sim.listen(0);
  sim.control.addFault({ provider: 'echo', drop: true, times: 1 });
  await expect(request(url).get('/echo/v1/conversations/x')).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect((await request(url).get('/echo/v1/conversations/x')).status).toBe(404);
  expect(sim.control.requests()[0]).toMatchObject({
    status: 0,
    note: 'connection dropped (fault)',
    fault: 'fault-1',
  });
});

test('a dropped connection rejects an in-process request', async () => {
  const sim = await createTestSimulator();
  sim.control.addFault({ drop: true });
  await expect(sim.app.request('/echo/v1/conversations/x')).rejects.toThrow(/Connection dropped/);
});

test('faults never touch the admin API', async () => {
  const sim = await createTestSimulator();
  sim.control.addFault({ status: 500 });
  expect((await admin(sim, 'GET', '/health')).status).toBe(200);
});

test('an invalid fault is refused with what is wrong', async () => {
  const sim = await createTestSimulator();
  const empty = await admin(sim, 'POST', '/faults', { provider: 'echo' });
  expect(empty.status).toBe(400);
  expect(((await empty.json()) as { error: string }).error).toMatch(
    /at least one of status, latencyMs or drop/,
  );
  expect((await admin(sim, 'POST', '/faults', { status: 500, times: 1, ratio: 0.5 })).status).toBe(400);
  expect((await admin(sim, 'POST', '/faults', { status: 99 })).status).toBe(400);
  expect(sim.control.faults()).toEqual([]);
});

test('faults are listed and removed one by one or all at once', async () => {
  const sim = await createTestSimulator();
  const a = sim.control.addFault({ status: 500 });
  sim.control.addFault({ status: 502 });
  expect((await admin(sim, 'GET', '/faults').then((r) => r.json())) as unknown).toMatchObject({
    faults: [{ id: a.id, status: 500 }, { status: 502 }],
  });
  expect((await admin(sim, 'DELETE', `/faults/${a.id}`)).status).toBe(204);
  expect((await admin(sim, 'DELETE', `/faults/${a.id}`)).status).toBe(404);
  expect((await admin(sim, 'DELETE', '/faults')).status).toBe(204);
  expect(sim.control.faults()).toEqual([]);
});

test('a fault path glob built to backtrack (**/*a*a…*b) is matched in bounded time', async () => {
  const sim = await createTestSimulator();
  sim.control.addFault({ provider: 'echo', path: `**/${'*a'.repeat(12)}*b`, status: 500 });
  const started = performance.now();
  const res = await sim.app.request(`/echo/v1/${'a'.repeat(28)}`);
  expect(performance.now() - started).toBeLessThan(250);
  expect(res.status).toBe(404);
  expect((await sim.app.request(`/echo/v1/${'a'.repeat(28)}b`)).status).toBe(500);
});

test('an over-long, over-complex or unsupported fault glob is refused with 400 and the reason', async () => {
  const sim = await createTestSimulator();
  const refused = async (path: string) => {
    const res = await admin(sim, 'POST', '/faults', { path, status: 500 });
    expect(res.status, path).toBe(400);
    return ((await res.json()) as { error: string }).error;
  };
  expect(await refused('a'.repeat(300))).toMatch(/limit is 256/);
  expect(await refused('*a'.repeat(40))).toMatch(/40 wildcards; the limit is 32/);
  expect(await refused('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}')).toMatch(/more than 32 alternatives/);
  expect(await refused('**/@(start|end)')).toMatch(/Extglob/);
  expect(await refused('/v{1..3}/x')).toMatch(/ranges/);
  expect(sim.control.faults()).toEqual([]);
});

test.each([
  ['**/conversations/*', '/echo/v1/conversations/abc', true],
  ['**/conversations/*', '/echo/v1/conversations', false],
  ['**/conversations/*', '/echo/v1/conversations/a/b', false],
  ['/echo/v1/**', '/echo/v1', true],
  ['/echo/v1/**', '/echo/v1/a/b/c', true],
  ['/echo/*/conversations', '/echo/v1/conversations/', true],
  ['**/nope', '/echo/v1/conversations/nope', true],
  ['**/{start,end}', '/x/end', true],
  ['**/{start,end}', '/x/middle', false],
  ['**/conv?', '/x/conv1', true],
  ['**/v[0-9]/*', '/echo/v1/x', true],
  ['**/v[!0-9]/*', '/echo/v1/x', false],
  ['**/a\\*b', '/x/a*b', true],
  ['**/a\\*b', '/x/axxb', false],
  ['!**/health', '/echo/v1/health', false],
  ['!**/health', '/echo/v1/start', true],
  ['*/echo/**', '/echo/v1', true],
  ['**/.well-known/*', '/x/.well-known/jwks', true],
] as const)('the path glob %s matching %s is %s', (glob, path, expected) => {
  expect(toPathMatcher(glob)(path)).toBe(expected);
});
