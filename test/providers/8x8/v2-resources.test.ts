import { describe, expect, test } from 'vitest';
import { createEightByEightSim, getToken, HOOK_URL, setUpV2Channel, v2Client } from './helpers.ts';

async function setUp() {
  const env = await createEightByEightSim();
  const api = v2Client(env.sim, await getToken(env.sim));
  return { ...env, api };
}

describe('8x8 Chat API v2 web-hooks', () => {
  test('POST web-hooks answers 200 with {id, name, uri, version}', async () => {
    const { api } = await setUp();
    const answer = await api('POST', '/web-hooks', { name: 'bot', uri: HOOK_URL, version: 'v2.0' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ id: '1', name: 'bot', uri: HOOK_URL, version: 'v2.0' });
  });

  test('POST web-hooks without version defaults to v2.0', async () => {
    const { api } = await setUp();
    const answer = await api('POST', '/web-hooks', { name: 'bot', uri: HOOK_URL });
    expect(answer.json.version).toBe('v2.0');
  });

  test('POST web-hooks without a name answers 400 "name: May not be empty." and creates nothing', async () => {
    const { api } = await setUp();
    const answer = await api('POST', '/web-hooks', { uri: HOOK_URL });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json).toEqual({ message: 'Constraint Violation', errors: ['name: May not be empty.'] });
    expect((await api('GET', '/web-hooks')).json.data).toEqual([]);
  });

  test('POST web-hooks with an invalid version answers 400 and lists the allowed values', async () => {
    const { api } = await setUp();
    const answer = await api('POST', '/web-hooks', { name: 'x', uri: HOOK_URL, version: 'v3.0' });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual(['version: Must be one of v1.0, v2.0.']);
  });

  test('POST web-hooks with a relative uri answers 400', async () => {
    const { api } = await setUp();
    const answer = await api('POST', '/web-hooks', { name: 'x', uri: '/hook' });
    expect(answer.json.errors).toEqual(['uri: Must be a valid absolute URI.']);
  });

  test('POST web-hooks with malformed JSON answers 400 Constraint Violation', async () => {
    const { sim } = await setUp();
    const token = await getToken(sim);
    const response = await sim.app.request('/vcc/us/chat/v2/tenant/acme/web-hooks', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe('Constraint Violation');
  });

  test('GET web-hooks pages with size and page and reports pageSize, pageIndex, elementCount, pageCount', async () => {
    const { api } = await setUp();
    for (const name of ['a', 'b', 'c']) await api('POST', '/web-hooks', { name, uri: HOOK_URL });
    const answer = await api('GET', '/web-hooks?size=2&page=1');
    expect(answer.json).toEqual({
      data: [{ id: '3', name: 'c', uri: HOOK_URL, version: 'v2.0' }],
      page: { pageSize: 2, pageIndex: 1, elementCount: 3, pageCount: 2 },
    });
  });

  test('GET, PUT and DELETE web-hooks/{id} read, replace and remove a webhook (204)', async () => {
    const { api } = await setUp();
    await api('POST', '/web-hooks', { name: 'a', uri: HOOK_URL });
    expect((await api('GET', '/web-hooks/1')).json.name).toBe('a');
    const put = await api('PUT', '/web-hooks/1', { name: 'b', uri: 'http://other.test/x', version: 'v1.0' });
    expect(put.json).toEqual({ id: '1', name: 'b', uri: 'http://other.test/x', version: 'v1.0' });
    const deleted = await api('DELETE', '/web-hooks/1');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await api('GET', '/web-hooks/1')).status).toBe(404);
  });

  test('an unknown web-hook id answers 404 "Resource of type WebHook with id 9 was not found."', async () => {
    const { api } = await setUp();
    const answer = await api('GET', '/web-hooks/9');
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({
      message: 'Resource of type WebHook with id 9 was not found.',
      errors: ['Resource of type WebHook with id 9 was not found.'],
    });
  });

  test('verify sends WEB_HOOK_VERIFY to the uri and answers 204 when it answers 2xx', async () => {
    const { api, sent } = await setUp();
    const answer = await api('POST', '/web-hooks/verify', { version: 'v2.0', uri: HOOK_URL });
    expect(answer.status).toBe(204);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(HOOK_URL);
    expect(sent[0]!.body).toBe('{"notificationVersion":"v2.0","eventType":"WEB_HOOK_VERIFY"}');
    expect(sent[0]!.headers['x-8x8-signature']).toMatch(/^[\w-]+\.\.[\w-]+$/);
  });

  test('verify answers 400 when the uri answers non-2xx, and is not retried', async () => {
    const { api, sent, respondWith, sim } = await setUp();
    respondWith(500);
    const answer = await api('POST', '/web-hooks/verify', { version: 'v2.0', uri: HOOK_URL });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual(['uri: Webhook verification failed (HTTP 500).']);
    await sim.control.advance('5m');
    expect(sent).toHaveLength(1);
  });

  test('verify without a version answers 400', async () => {
    const { api, sent } = await setUp();
    const answer = await api('POST', '/web-hooks/verify', { uri: HOOK_URL });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual(['version: May not be empty.']);
    expect(sent).toHaveLength(0);
  });
});

describe('8x8 Chat API v2 channels', () => {
  test('POST channels answers 200 with {id, name, webHookId, routingOptions}', async () => {
    const { api } = await setUp();
    await api('POST', '/web-hooks', { name: 'a', uri: HOOK_URL });
    const answer = await api('POST', '/channels', {
      name: 'web',
      webHookId: '1',
      routingOptions: { type: 'queue', id: '100' },
    });
    expect(answer.json).toEqual({
      id: '1',
      name: 'web',
      webHookId: '1',
      routingOptions: { type: 'queue', id: '100' },
    });
  });

  test('POST channels with an unknown queue answers 400 ValidationExceptionPayload invalid_queue', async () => {
    const { api } = await setUp();
    await api('POST', '/web-hooks', { name: 'a', uri: HOOK_URL });
    const answer = await api('POST', '/channels', {
      name: 'web',
      webHookId: '1',
      routingOptions: { type: 'queue', id: '112' },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      message: 'Validation failed.',
      errors: [{ code: 'invalid_queue', message: 'Queue ID 112 is invalid.' }],
      validations: [
        {
          field: 'routingOptions.id',
          value: '112',
          code: 'invalid_queue',
          message: 'Queue ID 112 is invalid.',
        },
      ],
    });
    expect((await api('GET', '/channels')).json.data).toEqual([]);
  });

  test('POST channels with an unknown webHookId answers 400 invalid_web_hook', async () => {
    const { api } = await setUp();
    const answer = await api('POST', '/channels', {
      name: 'web',
      webHookId: '45',
      routingOptions: { type: 'queue', id: '100' },
    });
    expect(answer.json.validations[0]).toEqual({
      field: 'webHookId',
      value: '45',
      code: 'invalid_web_hook',
      message: 'WebHook ID 45 is invalid.',
    });
  });

  test('POST channels with routingOptions.type other than queue answers 400', async () => {
    const { api } = await setUp();
    await api('POST', '/web-hooks', { name: 'a', uri: HOOK_URL });
    const answer = await api('POST', '/channels', {
      name: 'w',
      webHookId: '1',
      routingOptions: { type: 'agent', id: '1' },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.validations[0].field).toBe('routingOptions.type');
  });

  test('GET, PUT and DELETE channels/{id} read, replace and remove a channel', async () => {
    const { api } = await setUp();
    const id = await setUpV2Channel(api);
    const put = await api('PUT', `/channels/${id}`, {
      name: 'n2',
      webHookId: '1',
      routingOptions: { type: 'queue', id: '200' },
    });
    expect(put.json.routingOptions).toEqual({ type: 'queue', id: '200' });
    expect((await api('GET', `/channels/${id}`)).json.name).toBe('n2');
    expect((await api('DELETE', `/channels/${id}`)).status).toBe(204);
    expect((await api('GET', `/channels/${id}`)).status).toBe(404);
  });

  test('GET channels filters with FIQL and sorts', async () => {
    const { api } = await setUp();
    await api('POST', '/web-hooks', { name: 'a', uri: HOOK_URL });
    for (const [name, queue] of [
      ['a', '100'],
      ['b', '200'],
      ['c', '200'],
    ] as const) {
      await api('POST', '/channels', { name, webHookId: '1', routingOptions: { type: 'queue', id: queue } });
    }
    const filtered = await api('GET', '/channels?filter=routingOptions.id==200&sort=name:desc');
    expect(filtered.json.data.map((c: { name: string }) => c.name)).toEqual(['c', 'b']);
  });
});
