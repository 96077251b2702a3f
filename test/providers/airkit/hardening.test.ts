import { describe, expect, test } from 'vitest';
import { admin, call, createAirkitSim } from './helpers.ts';

const ADMIN = '/__admin/providers/airkit/resources';

describe('airkit hostile input and admin changes', () => {
  test('an admin PATCH of a resource changes only the fields it names', async () => {
    const sim = await createAirkitSim();
    const res = await admin(sim, 'PATCH', `${ADMIN}/hub-default`, { webhookUrl: 'http://sut.test/hook' });
    expect(res.status).toBe(200);
    const expected = {
      id: 'hub-default',
      name: 'Default Conversation Hub channel',
      hubId: 'hub-main',
      channel: 'chat',
      webhookUrl: 'http://sut.test/hook',
      // Admin answers hide secrets unless ?secrets=true asks for them.
      secret: '[redacted]',
    };
    expect(res.json).toEqual(expected);
    expect((await admin(sim, 'GET', `${ADMIN}?secrets=true`)).json.resources[0].secret).toBe(
      'airkit-webhook-secret',
    );
    expect((await admin(sim, 'GET', ADMIN)).json.resources).toEqual([expected]);
    const renamed = await admin(sim, 'PATCH', `${ADMIN}/hub-default`, { name: 'Renamed' });
    expect(renamed.json).toEqual({ ...expected, name: 'Renamed' });
  });

  test('an admin PATCH may clear a nullable field by naming it with null', async () => {
    const sim = await createAirkitSim({ webhookUrl: 'http://sut.test/hook' });
    const res = await admin(sim, 'PATCH', `${ADMIN}/hub-default`, { webhookUrl: null });
    expect(res.json).toMatchObject({ webhookUrl: null, hubId: 'hub-main', secret: '[redacted]' });
  });

  test('ids named after Object.prototype members behave like unknown ids', async () => {
    const sim = await createAirkitSim({ webhookUrl: 'http://sut.test/hook' });
    for (const id of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const get = await call(sim, 'GET', `/airkit/v1/conversations/${id}`);
      expect(get, id).toMatchObject({ status: 404, json: { error: { code: 'CONVERSATION_NOT_FOUND' } } });
      expect((await call(sim, 'GET', `/airkit/v1/conversations/${id}/messages`)).status, id).toBe(404);
      expect((await call(sim, 'POST', `/airkit/v1/conversations/${id}/end`)).status, id).toBe(404);
      const start = await call(sim, 'POST', '/airkit/v1/conversations', {
        conversationHubChannelResource: id,
        customerDestination: 's',
      });
      expect(start, id).toMatchObject({ status: 404, json: { error: { code: 'RESOURCE_NOT_FOUND' } } });
      const list = await call(sim, 'GET', `/airkit/v1/conversations?conversationHubChannelResource=${id}`);
      expect(list, id).toMatchObject({ status: 200, json: { conversations: [] } });
      const key = await call(sim, 'GET', '/airkit/v1/conversations', undefined, {
        authorization: `Bearer ${id}`,
      });
      expect(key.status, id).toBe(401);
      expect((await admin(sim, 'PATCH', `${ADMIN}/${id}`, { name: 'x' })).status, id).toBe(404);
      const hub = await admin(sim, 'PATCH', `${ADMIN}/hub-default`, { hubId: id });
      expect(hub, id).toMatchObject({
        status: 404,
        json: { error: `No Conversation Hub '${id}'`, details: { code: 'HUB_NOT_FOUND' } },
      });
      expect((await sim.app.request(`/__admin/providers/airkit/conversations/${id}/transcript`)).status).toBe(
        404,
      );
      await expect(
        sim.control.act({
          provider: 'airkit',
          conversationId: id,
          action: 'customer.say',
          args: { text: 'x' },
        }),
      ).rejects.toThrow();
    }
  });

  test('a resource id __proto__ is refused with 400 and creates nothing', async () => {
    const sim = await createAirkitSim();
    const res = await admin(sim, 'POST', ADMIN, { id: '__proto__', hubId: 'hub-main' });
    expect(res).toMatchObject({
      status: 400,
      json: { error: 'Invalid resource', details: { code: 'INVALID_ARGUMENT' } },
    });
    expect((await admin(sim, 'GET', ADMIN)).json.resources.map((r: { id: string }) => r.id)).toEqual([
      'hub-default',
    ]);
  });

  test('a fixture id __proto__ fails at load', async () => {
    await expect(createAirkitSim({ fixtures: { hubs: [{ id: '__proto__' }] } })).rejects.toThrow(
      /hubs\[\d+\]\.id: '__proto__' cannot be an id/,
    );
  });

  test('an unknown id is quoted escaped in the error message', async () => {
    const sim = await createAirkitSim();
    const res = await call(sim, 'GET', '/airkit/v1/conversations/a%0Aforged');
    expect(res.status).toBe(404);
    expect(res.json.error.message).not.toContain('\n');
    expect(res.json.error.message).toContain('a\\nforged');
  });
});
