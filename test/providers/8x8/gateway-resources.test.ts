import { describe, expect, test } from 'vitest';
import { call, createEightByEightSim, GW, gatewayClient, HOOK_URL, setUpGatewayChannel } from './helpers.ts';

async function setUp(headers: Record<string, string> = {}) {
  const env = await createEightByEightSim();
  return { ...env, api: gatewayClient(env.sim, headers) };
}

describe('8x8 Chat Gateway authentication', () => {
  test('a call without x-api-key answers 401 Access Denied with a referenceId', async () => {
    const { sim } = await setUp();
    const answer = await call(sim, 'GET', `${GW}/webhooks`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json).toEqual({
      message: 'Access Denied',
      errors: [{ message: 'Access Denied', code: 'access_denied' }],
      referenceId: expect.stringMatching(/^[0-9a-f]{15}$/),
    });
  });

  test('a wrong x-api-key answers 401', async () => {
    const { sim } = await setUp();
    const answer = await call(sim, 'GET', `${GW}/channels`, { headers: { 'x-api-key': 'wrong' } });
    expect(answer.status).toBe(401);
  });

  test('an x-api-key that is a prefix, an extension or a one-letter change of the key answers 401', async () => {
    const { sim } = await setUp();
    for (const key of ['8x8-gateway-ke', '8x8-gateway-keyy', '8x8-gateway-kex', '', '8x8-gateway-kéy']) {
      const answer = await call(sim, 'GET', `${GW}/channels`, { headers: { 'x-api-key': key } });
      expect(answer.status, key).toBe(401);
    }
    const right = await call(sim, 'GET', `${GW}/channels`, { headers: { 'x-api-key': '8x8-gateway-key' } });
    expect(right.status).toBe(200);
  });

  test('an X-8x8-Tenant of another tenant answers 403 with the documented message', async () => {
    const { api } = await setUp({ 'X-8x8-Tenant': 'other' });
    const answer = await api('GET', '/webhooks');
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      message: 'The tenant does not belong to customer.',
      errors: ["Header X-8x8-Tenant doesn't match tenant information for customerId=acme"],
    });
  });

  test('X-8x8-Tenant is optional and accepted when it names the tenant', async () => {
    const { api } = await setUp({ 'X-8x8-Tenant': 'acme' });
    expect((await api('GET', '/webhooks')).status).toBe(200);
  });

  test('the v2 Bearer token does not open the Gateway', async () => {
    const { sim } = await setUp();
    const answer = await call(sim, 'GET', `${GW}/webhooks`, { headers: { authorization: 'Bearer x' } });
    expect(answer.status).toBe(401);
  });
});

describe('8x8 Chat Gateway webhooks and channels', () => {
  test('POST webhooks answers 200 in application/hal+json with version "Chat Gateway v1.0"', async () => {
    const { api } = await setUp();
    const answer = await api('POST', '/webhooks', { name: 'bot', uri: HOOK_URL });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/hal+json');
    expect(answer.json).toEqual({ id: '1', name: 'bot', uri: HOOK_URL, version: 'Chat Gateway v1.0' });
  });

  test('POST webhooks with version v2.0 answers 400 GenericExceptionPayload and creates nothing', async () => {
    const { api } = await setUp();
    const answer = await api('POST', '/webhooks', { name: 'bot', uri: HOOK_URL, version: 'v2.0' });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      message: 'Validation failed.',
      errors: [{ code: 'invalid_parameter', message: 'version: Must be one of Chat Gateway v1.0.' }],
    });
    expect((await api('GET', '/webhooks')).json._embedded.webhooks).toEqual([]);
  });

  test('GET webhooks is a HAL list with _embedded.webhooks, _links.self and 0-based page', async () => {
    const { api } = await setUp();
    for (const name of ['a', 'b', 'c']) await api('POST', '/webhooks', { name, uri: HOOK_URL });
    const answer = await api('GET', '/webhooks?size=2&page=0&sort=name:desc');
    expect(answer.json).toEqual({
      _embedded: {
        webhooks: [
          { id: '3', name: 'c', uri: HOOK_URL, version: 'Chat Gateway v1.0' },
          { id: '2', name: 'b', uri: HOOK_URL, version: 'Chat Gateway v1.0' },
        ],
      },
      _links: { self: { href: 'http://localhost/chat-gateway/v1/webhooks?size=2&page=0&sort=name:desc' } },
      page: { size: 2, number: 0, totalElements: 3, totalPages: 2 },
    });
  });

  test('GET webhooks with an unknown sort field answers 400', async () => {
    const { api } = await setUp();
    const answer = await api('GET', '/webhooks?sort=color:asc');
    expect(answer.status).toBe(400);
  });

  test('GET webhooks with a malformed FIQL filter answers 400 invalid_filter', async () => {
    const { api } = await setUp();
    const answer = await api('GET', '/webhooks?filter=name~x');
    expect(answer.json.errors[0].code).toBe('invalid_filter');
  });

  test('the Gateway and v2 keep separate webhooks and channels', async () => {
    const { api } = await setUp();
    await api('POST', '/webhooks', { name: 'gw', uri: HOOK_URL });
    const answer = await api('POST', '/channels', {
      name: 'c',
      webHookId: '1',
      routingOptions: { type: 'queue', id: '100' },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{18}$/),
      name: 'c',
      type: 'ChatAPI',
      webHookId: '1',
      routingOptions: { type: 'queue', id: '100' },
    });
  });

  test('PUT, GET and DELETE channels/{id}; an unknown channel answers 404', async () => {
    const { api } = await setUp();
    const id = await setUpGatewayChannel(api);
    const put = await api('PUT', `/channels/${id}`, {
      name: 'renamed',
      webHookId: '1',
      routingOptions: { type: 'queue', id: '200' },
    });
    expect(put.json.name).toBe('renamed');
    expect((await api('DELETE', `/channels/${id}`)).status).toBe(204);
    const gone = await api('GET', `/channels/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe(`Resource of type Channel with id ${id} was not found.`);
  });

  test('POST channels with an unknown queue answers 400 invalid_queue', async () => {
    const { api } = await setUp();
    await api('POST', '/webhooks', { name: 'gw', uri: HOOK_URL });
    const answer = await api('POST', '/channels', {
      name: 'c',
      webHookId: '1',
      routingOptions: { type: 'queue', id: '112' },
    });
    expect(answer.json.errors).toEqual([
      { code: 'invalid_queue', message: 'routingOptions.id: Queue ID 112 is invalid.' },
    ]);
  });

  test('verify sends {"notificationVersion":"Chat Gateway v1.0","eventType":"WEB_HOOK_VERIFY"}', async () => {
    const { api, sent } = await setUp();
    const answer = await api('POST', '/webhooks/verify', { version: 'Chat Gateway v1.0', uri: HOOK_URL });
    expect(answer.status).toBe(204);
    expect(sent[0]!.body).toBe('{"notificationVersion":"Chat Gateway v1.0","eventType":"WEB_HOOK_VERIFY"}');
  });

  test('verify answers 400 when the receiver answers non-2xx', async () => {
    const { api, respondWith } = await setUp();
    respondWith(404);
    const answer = await api('POST', '/webhooks/verify', { version: 'Chat Gateway v1.0', uri: HOOK_URL });
    expect(answer.status).toBe(400);
    expect(answer.json.errors[0].code).toBe('webhook_verification_failed');
  });

  test('an unknown route under the Gateway is explained in the Gateway envelope', async () => {
    const { api } = await setUp();
    const answer = await api('GET', '/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json.message).toBe(
      'Resource of type Route with id /chat-gateway/v1/nothing-here was not found.',
    );
    expect(answer.json.errors[0]).toContain('/chat-gateway/v1');
  });

  test('an unknown route is explained (404) even without credentials, on both APIs', async () => {
    const { sim } = await setUp();
    for (const path of ['/chat-gateway/v1/nope', '/vcc/us/chat/v2/tenant/acme/nope']) {
      const answer = await call(sim, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get('x-convosim-unmatched'), path).toMatch(/No convosim route matches GET/);
    }
  });
});
