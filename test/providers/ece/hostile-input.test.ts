// Issue 10, items 2 and 6: ids named like Object.prototype properties, `__proto__`, and regular-expression blow-ups.
import { expect, test } from 'vitest';
import { toPlainText } from '../../../src/providers/ece/model-agent.ts';
import { isEmailAddress } from '../../../src/providers/ece/rules-customer.ts';
import { admin } from '../../support/requests.ts';
import {
  createEceSim,
  customer,
  eceAdmin,
  getToken,
  sendMessage,
  settle,
  start,
  startBody,
  startOk,
  wsError,
} from './helpers.ts';

const INHERITED = ['constructor', 'toString', 'hasOwnProperty', '__proto__'];

/** Health, reset, tokens and starts all still answer, and nothing leaked onto Object.prototype. */
async function expectUnharmed(sim: Awaited<ReturnType<typeof createEceSim>>['sim']) {
  expect((await admin(sim, 'GET', '/health')).status).toBe(200);
  expect((await admin(sim, 'POST', '/reset')).status).toBe(200);
  expect((await admin(sim, 'GET', '/health')).status).toBe(200);
  await startOk(sim);
  const probe = {} as Record<string, unknown>;
  expect([probe.loggedIn, probe.available, probe.maxChats, probe.lastModified]).toEqual([
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
}

test('PUT /__admin/providers/ece/agents/__proto__ answers 400 and breaks nothing afterwards', async () => {
  const { sim } = await createEceSim();
  const res = await eceAdmin(sim, 'PUT', '/agents/__proto__', {
    loggedIn: true,
    available: true,
    maxChats: 9,
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: expect.stringContaining('__proto__') });
  await expectUnharmed(sim);
});

test('PUT /__admin/providers/ece/entry-points/__proto__ answers 400 and later token requests still work', async () => {
  const { sim } = await createEceSim();
  const res = await eceAdmin(sim, 'PUT', '/entry-points/__proto__', { lastModified: 'x' });
  expect(res.status).toBe(400);
  await getToken(sim);
  await expectUnharmed(sim);
});

test('PUT /__admin/providers/ece/client-applications/__proto__/callback answers 400', async () => {
  const { sim } = await createEceSim();
  const res = await eceAdmin(sim, 'PUT', '/client-applications/__proto__/callback', { active: false });
  expect(res.status).toBe(400);
  await expectUnharmed(sim);
});

test.each(['constructor', 'toString', 'hasOwnProperty'])(
  'admin routes answer 404 for an id named %s, like any unknown id',
  async (id) => {
    const { sim } = await createEceSim();
    const answers = [
      await eceAdmin(sim, 'PUT', `/client-applications/${id}/callback`, { active: false }),
      await eceAdmin(sim, 'PUT', `/agents/${id}`, { available: true }),
      await eceAdmin(sim, 'PUT', `/entry-points/${id}`, { lastModified: 'x' }),
      await eceAdmin(sim, 'GET', `/conversations/${id}`),
    ];
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    for (const res of answers) expect(await res.json()).toEqual({ error: expect.stringContaining(id) });
    await expectUnharmed(sim);
  },
);

test('GET /__admin/providers/ece/conversations/__proto__ answers 400', async () => {
  const { sim } = await createEceSim();
  expect((await eceAdmin(sim, 'GET', '/conversations/__proto__')).status).toBe(400);
});

test.each(['constructor', '__proto__'])(
  'a custom attribute named %s is not a configured attribute and answers 400',
  async (name) => {
    const { sim } = await createEceSim();
    // Written as text: the server's JSON.parse keeps "__proto__" as an own key of the attributes.
    const body = `{"entryPointConfiguration":{"entryPoint":{"id":1001},"lastModified":{"date":"2024-11-05T09:30:00.000Z"}},"activity":{"customAttributes":{"${name}":"x"}}}`;
    const res = await start(sim, { body });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-108' });
  },
);

test('searchContactOnAttribute=custom.constructor names no configured contact attribute and answers 400', async () => {
  const { sim } = await createEceSim();
  const res = await start(sim, {
    query: 'searchContactOnAttribute=custom.constructor',
    body: startBody({ customer: customer({ customAttributes: { constructor: 'x' } }) }),
  });
  expect(await wsError(res)).toMatchObject({ status: 400, code: '400-103' });
});

test.each(INHERITED)(
  'sendmessage to conversation.id %s answers 400 like any unknown conversation',
  async (id) => {
    const { sim } = await createEceSim();
    const token = await getToken(sim);
    const res = await sendMessage(sim, token, {
      conversation: { id },
      type: { value: 'text/plain' },
      content: 'Hi',
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-118' });
  },
);

test.each(INHERITED)('a Bearer token %s has no session and answers 401-103', async (token) => {
  const { sim } = await createEceSim();
  expect(await wsError(await start(sim, { token }))).toMatchObject({ status: 401, code: '401-103' });
});

test.each(INHERITED)('agent.join with agentId %s is refused as an unknown agent', async (agentId) => {
  const { sim } = await createEceSim({
    providerOptions: { ece: { callbackUrl: 'http://callback.test/ece', autoAssign: false } },
  });
  const conversation = await startOk(sim);
  await expect(
    sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'agent.join',
      args: { agentId },
    }),
  ).rejects.toMatchObject({ status: 409, message: expect.stringContaining('does not exist') });
  const [summary] = sim.control.conversations({ provider: 'ece' });
  expect(summary?.status).toBe('waiting');
});

test('agent.transfer to the queue __proto__ is refused and the chat stays with its agent', async () => {
  const { sim } = await createEceSim();
  const conversation = await startOk(sim);
  await settle(sim);
  await expect(
    sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'agent.transfer',
      args: { queueId: '__proto__' },
    }),
  ).rejects.toMatchObject({ status: 409 });
  const [summary] = sim.control.conversations({ provider: 'ece' });
  expect(summary?.status).toBe('assigned');
});

test('fixtures with the id __proto__ are refused at load', async () => {
  await expect(createEceSim({ fixtures: { ece: { agents: [{ id: '__proto__' }] } } })).rejects.toThrow(
    /agents\[\]\.id: '__proto__' cannot be used as an id/,
  );
});

test('customer creation with a 150 KB crafted e-mail address answers 400 at once', async () => {
  const { sim } = await createEceSim();
  const crafted = `a@${'.'.repeat(150_000)}@`;
  const began = performance.now();
  const res = await start(sim, {
    query: 'searchContactOnAttribute=email.emailAddress',
    body: startBody({ customer: customer({ email: [{ emailAddress: crafted }] }) }),
  });
  const elapsed = performance.now() - began;
  expect(await wsError(res)).toMatchObject({ status: 400, code: '400-111' });
  expect(elapsed).toBeLessThan(1000);
});

test('an e-mail address longer than 254 characters cannot create a customer', () => {
  const local = 'a'.repeat(64);
  expect(isEmailAddress(`${local}@${'b'.repeat(185)}.com`)).toBe(true);
  expect(isEmailAddress(`${local}@${'b'.repeat(186)}.com`)).toBe(false);
  expect(['a@b.c', 'a@b', '@b.c', 'a@.c', 'a@b.', 'a b@c.d', 'a@b@c.d'].map(isEmailAddress)).toEqual([
    true,
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
});

test('rich text is reduced to plain text in linear time, even for a long run of "<"', () => {
  const began = performance.now();
  expect(toPlainText(`${'<'.repeat(200_000)}b>x`)).toBe(`${'<'.repeat(199_999)}x`);
  expect(performance.now() - began).toBeLessThan(1000);
});
