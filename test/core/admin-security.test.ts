import { expect, test } from 'vitest';
import {
  assertAdminBind,
  isAdminToken,
  isLoopbackHost,
  isSecretKey,
  REDACTED,
  redactSecrets,
} from '../../src/admin-security.ts';
import { defaultProviders } from '../../src/providers/registry.ts';
import { scenarioExtension } from '../../src/scenarios/index.ts';
import type { Simulator } from '../../src/simulator.ts';
import { admin, startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

const TOKEN = 'test-admin-token-0123456789';

const get = (sim: Simulator, path: string, headers: Record<string, string> = {}, method = 'GET') =>
  sim.app.request(`/__admin${path}`, { method, headers });

test('with an admin token set, every admin route answers 401 without it, provider and extension routes included', async () => {
  const sim = await createTestSimulator({
    providers: defaultProviders,
    defaultFixtures: true,
    fixtures: undefined,
    extensions: [scenarioExtension()],
    adminToken: TOKEN,
  });
  const routes = sim.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/__admin/'));
  expect(routes.length).toBeGreaterThan(30);
  for (const { method, path } of routes) {
    const res = await sim.app.request(path.replace(/:[^/]+/g, 'x'), {
      method,
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      body: method === 'GET' || method === 'HEAD' ? undefined : '{}',
    });
    expect(res.status, `${method} ${path}`).toBe(401);
  }
  const unknown = await get(sim, '/no-such-route');
  expect(unknown.status).toBe(401);
  expect(unknown.headers.get('www-authenticate')).toBe('Bearer realm="convosim admin"');
  expect(await unknown.json()).toEqual({
    error:
      'The admin API needs its token. Please send Authorization: Bearer <token> or x-convosim-admin-token: <token>.',
  });
  expect(sim.control.requests()).toEqual([]);
});

test('the admin token is accepted as a Bearer token or in x-convosim-admin-token, and provider routes need none', async () => {
  const sim = await createTestSimulator({ adminToken: TOKEN });
  expect((await get(sim, '/health', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  expect((await get(sim, '/health', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  expect((await get(sim, '/health', { 'x-convosim-admin-token': TOKEN })).status).toBe(200);
  expect((await get(sim, `/health?token=${TOKEN}`)).status).toBe(401);
  expect((await get(sim, '/health', { authorization: `Basic ${TOKEN}` })).status).toBe(401);
  expect((await get(sim, '/health', { 'x-convosim-admin-token': `${TOKEN}x` })).status).toBe(401);
  expect((await get(sim, '/reset', {}, 'POST')).status).toBe(401);
  expect((await startEcho(sim)).status).toBe(201);
});

test('tokens are compared whatever their length, and an empty or spaced admin token is refused at creation', async () => {
  expect(isAdminToken(TOKEN, TOKEN)).toBe(true);
  expect(isAdminToken('', TOKEN)).toBe(false);
  expect(isAdminToken(`${TOKEN}${TOKEN}`, TOKEN)).toBe(false);
  await expect(createTestSimulator({ adminToken: '' })).rejects.toThrow(/admin token must be 1 to 1024/);
  await expect(createTestSimulator({ adminToken: 'two words' })).rejects.toThrow(/visible ASCII/);
});

test('listening on a non-loopback address without an admin token is refused with one line', async () => {
  const sim = await createTestSimulator();
  const refusal = sim.listen(0, '0.0.0.0');
  await expect(refusal).rejects.toThrow(
    'refusing to serve the admin API on "0.0.0.0" (not loopback) without an admin token. Please set one ' +
      '(--admin-token, CONVOSIM_ADMIN_TOKEN, or the adminToken option), or allow an open admin API with ' +
      '--allow-remote-admin (allowRemoteAdmin: true).',
  );
  expect(sim.url).toBeNull();
  expect(() => assertAdminBind('::', {})).toThrow(/not loopback/);
  expect(() => assertAdminBind('192.168.1.10', {})).toThrow(/not loopback/);
  expect(() => assertAdminBind('0.0.0.0', { token: TOKEN })).not.toThrow();
  expect(() => assertAdminBind('0.0.0.0', { allowRemote: true })).not.toThrow();
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]:4010', 'app.localhost']) {
    expect(isLoopbackHost(host), host).toBe(true);
  }
  expect(isLoopbackHost('localhost.evil.example')).toBe(false);
  const { url } = await sim.listen(0, '127.0.0.1');
  expect((await fetch(`${url}/__admin/health`)).status).toBe(200);
});

test('cross-site browser requests to admin routes are refused with 403 and change nothing', async () => {
  const sim = await createTestSimulator();
  await startEcho(sim);
  const host = '127.0.0.1:4010';
  const refused: Record<string, string>[] = [
    { host, origin: 'http://evil.example' },
    { host, origin: 'http://127.0.0.1:3000' },
    { host, origin: 'null' },
    { host, 'sec-fetch-site': 'cross-site' },
    { host, 'sec-fetch-site': 'same-site' },
  ];
  for (const headers of refused) {
    const res = await get(sim, '/reset', headers, 'POST');
    expect(res.status, JSON.stringify(headers)).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /^Admin requests from other (sites|origins)/,
    );
  }
  expect(sim.control.conversations()).toHaveLength(1);
  expect((await get(sim, '/health', { host, origin: `http://${host}` })).status).toBe(200);
  expect((await get(sim, '/health', { host, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  expect((await get(sim, '/health', { host, 'sec-fetch-site': 'none' })).status).toBe(200);
});

test('a cross-site request is refused even with the admin token', async () => {
  const sim = await createTestSimulator({ adminToken: TOKEN });
  const headers = { authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example', host: '127.0.0.1:4010' };
  expect((await get(sim, '/health', headers)).status).toBe(403);
});

test('without an admin token, a Host that is neither loopback nor an IP address is refused (DNS rebinding)', async () => {
  const sim = await createTestSimulator();
  const rebound = await get(sim, '/state/echo', { host: 'attacker.example:4010' });
  expect(rebound.status).toBe(403);
  expect(((await rebound.json()) as { error: string }).error).toMatch(/DNS rebinding/);
  for (const host of ['localhost:4010', '127.0.0.1:4010', '[::1]:4010', '192.168.1.5:4010']) {
    expect((await get(sim, '/health', { host })).status, host).toBe(200);
  }
  const open = await createTestSimulator({ allowRemoteAdmin: true });
  expect((await get(open, '/health', { host: 'convosim:4010' })).status).toBe(200);
  const guarded = await createTestSimulator({ adminToken: TOKEN });
  const named = { host: 'convosim:4010', authorization: `Bearer ${TOKEN}` };
  expect((await get(guarded, '/health', named)).status).toBe(200);
});

test('provider state is served with its secrets redacted unless ?secrets=true asks for them', async () => {
  const sim = await createTestSimulator({
    providers: defaultProviders,
    defaultFixtures: true,
    fixtures: undefined,
  });
  const secrets: Record<string, string[]> = {
    ece: ['ece-chat-secret', 'ece-email-secret', 'ece-user-session-token'],
    '8x8': ['8x8-secret', '8x8-gateway-key', '"d":'],
    chatwoot: ['chatwoot-token', 'chatwoot-agent-token', 'chatwoot-bot-token', 'api-inbox-secret'],
    airkit: ['airkit-token', 'airkit-webhook-secret'],
  };
  for (const [provider, values] of Object.entries(secrets)) {
    const redacted = await (await admin(sim, 'GET', `/state/${provider}`)).text();
    const full = await (await admin(sim, 'GET', `/state/${provider}?secrets=true`)).text();
    for (const value of values) {
      expect(redacted, `${provider} ${value}`).not.toContain(value);
      expect(full, `${provider} ${value}`).toContain(value);
    }
    expect(redacted).toContain(REDACTED);
  }
  const ece = (await (await admin(sim, 'GET', '/state/ece')).json()) as {
    clientApplications: Record<string, { key: string; name: string; secret: string }>;
  };
  expect(ece.clientApplications['ece-chat-key']).toMatchObject({
    key: 'ece-chat-key',
    name: 'Webex Connect chat',
    secret: REDACTED,
  });
  expect((await admin(sim, 'GET', '/state/ece?secrets=yes')).status).toBe(400);
});

test('secret keys are recognised by name, whatever their case or separators', () => {
  const secret = [
    'secret',
    'clientSecret',
    'client_secret',
    'password',
    'access_token',
    'refreshToken',
    'tokens',
  ];
  const more = [
    'apiKey',
    'gatewayApiKey',
    'private_key',
    'privateJwk',
    'signingKey',
    'hmac',
    'credentials',
    'sessions',
  ];
  for (const key of [...secret, ...more]) expect(isSecretKey(key), key).toBe(true);
  const plain = ['key', 'clientKey', 'tokenTtlSeconds', 'hmac_verified', 'name', 'kid', 'webhook_url', 'id'];
  for (const key of plain) expect(isSecretKey(key), key).toBe(false);
  const value = JSON.parse('{"__proto__":{"secret":"s"},"list":[{"password":"p","ok":true}],"token":null}');
  expect(redactSecrets(value)).toEqual(
    JSON.parse(
      '{"__proto__":{"secret":"[redacted]"},"list":[{"password":"[redacted]","ok":true}],"token":null}',
    ),
  );
});

test('admin routes answer bad input with 4xx in the admin envelope, never 500', async () => {
  const sim = await createTestSimulator();
  const { id } = (await (await startEcho(sim)).json()) as { id: string };
  const cases: [string, string, unknown?][] = [
    ['GET', '/requests?limit=-1'],
    ['GET', '/requests?since=abc'],
    ['GET', '/requests/count?status=999'],
    ['GET', '/requests/wait?timeout=-1s'],
    ['GET', '/deliveries?state=nope'],
    ['GET', '/deliveries/wait?timeout=abc'],
    ['GET', '/idle?timeout=soon'],
    ['GET', '/state/constructor'],
    ['GET', '/state/__proto__'],
    ['GET', '/state/echo?secrets=maybe'],
    ['POST', '/faults', '{"status":'],
    ['POST', '/faults', 'null'],
    ['POST', '/faults', '[]'],
    ['POST', '/faults', { status: '500' }],
    ['POST', '/faults', { status: 500, path: `${'{a,b}'.repeat(8)}` }],
    ['POST', '/faults', `{"status":500,"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
    ['POST', '/clock/advance', { by: {} }],
    ['POST', '/clock/advance', { by: true }],
    ['POST', '/clock/advance', { by: null }],
    ['POST', '/clock/advance', { by: '1e300' }],
    ['POST', '/clock/advance', { by: 1e300 }],
    ['POST', '/clock/advance', { by: -1 }],
    ['POST', '/clock/advance', '{"by":1e999}'],
    ['POST', `/conversations/echo/${id}/actions`, { action: 'constructor' }],
    ['POST', `/conversations/echo/${id}/actions`, { action: 'toString' }],
    ['POST', `/conversations/echo/${id}/actions`, { action: '__proto__' }],
    ['POST', `/conversations/echo/${id}/actions`, { action: 'hasOwnProperty', args: {} }],
    ['POST', '/conversations/nope/x/actions', { action: 'constructor' }],
    ['POST', `/conversations/echo/${id}/actions`, 'not json'],
    ['DELETE', '/faults/constructor'],
    ['DELETE', '/faults/__proto__'],
  ];
  for (const [method, path, body] of cases) {
    const res = await admin(sim, method, path, body);
    expect(res.status, `${method} ${path} ${String(body).slice(0, 40)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 40)}`).toBeLessThan(500);
    expect(typeof ((await res.json()) as { error: unknown }).error).toBe('string');
  }
  for (const path of ['/faults', '/clock/advance', `/conversations/echo/${id}/actions`]) {
    const res = await sim.app.request(`/__admin${path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(res.status, path).toBe(415);
  }
  expect((await admin(sim, 'GET', '/health')).status).toBe(200);
  expect(sim.control.now()).toBe(Date.parse('2025-01-01T00:00:00.000Z'));
  expect(sim.internalErrors).toEqual([]);
});

test('an unknown admin route names the path escaped and cut, so it cannot forge lines', async () => {
  const sim = await createTestSimulator();
  const res = await get(sim, `/nope%0Aforged${'x'.repeat(5000)}`);
  expect(res.status).toBe(404);
  const { error } = (await res.json()) as { error: string };
  expect(error).not.toContain('\n');
  expect(error.length).toBeLessThan(300);
});
