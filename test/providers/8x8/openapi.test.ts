import { describe, expect, test } from 'vitest';
import {
  allOperations,
  call,
  createEightByEightSim,
  GW,
  gatewayClient,
  getToken,
  HOOK_URL,
  seenOperations,
  setUpGatewayChannel,
  setUpV2Channel,
  v2Client,
} from './helpers.ts';
import { createOpenApiValidator, SPEC_OVERRIDES } from './openapi.ts';

describe('8x8 contract validator', () => {
  const { check } = createOpenApiValidator();
  const webhooks = '/vcc/us/chat/v2/tenant/acme/web-hooks/1';

  test('a body that breaks the response schema is reported', () => {
    const violations = check({
      method: 'GET',
      path: webhooks,
      status: 200,
      contentType: 'application/json',
      body: '{"id":12,"name":"x","uri":"http://a.test","version":"v9"}',
    });
    expect(violations.join('\n')).toMatch(/\/id must be string/);
    expect(violations.join('\n')).toMatch(/\/version must be equal to one of the allowed values/);
  });

  test('a content type the spec does not document is reported', () => {
    const violations = check({
      method: 'GET',
      path: webhooks,
      status: 200,
      contentType: 'text/plain',
      body: '{}',
    });
    expect(violations).toEqual([
      'v2 GET /vcc/{region}/chat/v2/tenant/{tenant-id}/web-hooks/{web-hook-id} 200: content type text/plain is not one of application/json',
    ]);
  });

  test('a body on a response documented without one is reported', () => {
    const violations = check({ method: 'DELETE', path: webhooks, status: 204, contentType: null, body: 'x' });
    expect(violations).toHaveLength(1);
  });

  test('a Gateway 401 in the v2 fault shape is reported', () => {
    const violations = check({
      method: 'GET',
      path: '/chat-gateway/v1/webhooks',
      status: 401,
      contentType: 'application/problem+json',
      body: '{"errors":"nope"}',
    });
    expect(violations.join('\n')).toMatch(/errors must be array/);
  });

  test('every override names a real operation and a reason', () => {
    const operations = createOpenApiValidator().operations;
    for (const [key, override] of Object.entries(SPEC_OVERRIDES)) {
      expect(operations).toContain(key.split(' ').slice(0, 3).join(' '));
      expect(override.reason.length).toBeGreaterThan(10);
    }
  });
});

describe('8x8 contract replay', () => {
  test('a replay through every simulated operation of both specs conforms to the OpenAPI files', async () => {
    const { sim } = await createEightByEightSim();
    const token = await getToken(sim);
    const v2 = v2Client(sim, token);
    const gw = gatewayClient(sim);

    // Chat API v2
    await call(sim, 'GET', '/vcc/us/chat/v2/jwk/key1/public');
    const v2Channel = await setUpV2Channel(v2);
    await v2('GET', '/web-hooks');
    await v2('GET', '/web-hooks/1');
    await v2('PUT', '/web-hooks/1', { name: 'renamed', uri: HOOK_URL, version: 'v2.0' });
    await v2('POST', '/web-hooks/verify', { version: 'v2.0', uri: HOOK_URL });
    await v2('GET', '/channels');
    await v2('GET', `/channels/${v2Channel}`);
    await v2('PUT', `/channels/${v2Channel}`, {
      name: 'c',
      webHookId: '1',
      routingOptions: { type: 'queue', id: '100' },
    });
    const created = await v2('POST', '/conversations', { channelId: v2Channel, customer: { name: 'J' } });
    const v2Id = created.json.conversationId;
    await sim.control.advance('2s');
    await v2('GET', '/conversations?status=handling');
    await v2('GET', `/conversations/${v2Id}`);
    await v2('GET', `/conversations/${v2Id}/participants`);
    await v2('POST', `/conversations/${v2Id}/messages`, { text: 'hi' });
    await v2('GET', `/conversations/${v2Id}/messages`);
    await v2('DELETE', `/conversations/${v2Id}/participants/customer`);
    await v2('DELETE', `/channels/${v2Channel}`);
    const spare = await v2('POST', '/web-hooks', { name: 'spare', uri: HOOK_URL });
    expect((await v2('DELETE', `/web-hooks/${spare.json.id}`)).status).toBe(204);

    // Chat Gateway v1
    await call(sim, 'GET', `${GW}/jwk/key1/public`);
    const gwChannel = await setUpGatewayChannel(gw);
    const hookId = (await gw('GET', `/channels/${gwChannel}`)).json.webHookId;
    await gw('GET', '/webhooks');
    expect((await gw('GET', `/webhooks/${hookId}`)).status).toBe(200);
    await gw('PUT', `/webhooks/${hookId}`, { name: 'renamed', uri: HOOK_URL });
    await gw('POST', '/webhooks/verify', { version: 'Chat Gateway v1.0', uri: HOOK_URL });
    await gw('GET', '/channels');
    await gw('GET', `/channels/${gwChannel}`);
    await gw('PUT', `/channels/${gwChannel}`, {
      name: 'c',
      webHookId: hookId,
      routingOptions: { type: 'queue', id: '100' },
    });
    const conversation = await gw('POST', '/conversations', { channelId: gwChannel, user: { name: 'J' } });
    const id = conversation.json.conversationId;
    await sim.control.advance('2s');
    await gw('GET', '/conversations');
    await gw('GET', `/conversations/${id}`);
    await gw('PUT', `/conversations/${id}`, { channelId: gwChannel, user: { name: 'K' } });
    await gw('PATCH', `/conversations/${id}`, { assignment: { type: 'queue', id: '200' } });
    await gw('GET', `/conversations/${id}/interactions`);
    const handover = {
      type: 'webhook',
      id: hookId,
      configuration: { notifyChannelWebhookIfExists: 'false' },
    };
    expect((await gw('POST', `/conversations/${id}/post-agent-assignment`, handover)).status).toBe(201);
    await gw('POST', `/conversations/${id}/typing`, { authorType: 'user' });
    await gw('POST', `/conversations/${id}/thinking`, { authorType: 'bot' });
    await gw('POST', `/conversations/${id}/read-receipt`, { authorType: 'user', readAt: 1 });
    const form = new FormData();
    form.append('attachment', new File([Buffer.from('x')], 'x.png', { type: 'image/png' }));
    const upload = await call(sim, 'POST', `${GW}/conversations/${id}/attachments`, {
      headers: { 'x-api-key': '8x8-gateway-key' },
      body: form,
    });
    await gw('GET', `/conversations/${id}/attachments`);
    await gw('GET', `/conversations/${id}/attachments/${upload.json.id}`);
    await call(sim, 'GET', `${GW}/conversations/${id}/attachments/${upload.json.id}/content`, {
      headers: { 'x-api-key': '8x8-gateway-key' },
    });
    await gw('POST', `/conversations/${id}/messages`, {
      authorType: 'bot',
      text: 'pick',
      attachments: [{ id: upload.json.id }],
      cards: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }],
    });
    const messages = await gw('GET', `/conversations/${id}/messages`);
    const messageId = messages.json._embedded.messages[0].id;
    await gw('GET', `/conversations/${id}/messages/${messageId}`);
    const cards = await gw('GET', `/conversations/${id}/messages/${messageId}/cards`);
    const cardId = cards.json._embedded.cards[0].id;
    for (const action of ['action-submit', 'action-execute']) {
      const path = `/api/v1/tenant/acme/conversations/${id}/cards/${cardId}/${action}`;
      const headers = { 'x-api-key': '8x8-gateway-key' };
      expect((await call(sim, 'PUT', path, { headers, json: { name: '8x8' } })).status).toBe(204);
    }
    await gw('GET', `/conversations/${id}/participants`);
    await gw('PATCH', `/conversations/${id}/participants/user`, { removed: true });
    await gw('DELETE', `/channels/${gwChannel}`);
    expect((await gw('DELETE', `/webhooks/${hookId}`)).status).toBe(204);

    const missing = allOperations.filter((op) => !seenOperations.has(op));
    expect(missing).toEqual([]);
  });
});
