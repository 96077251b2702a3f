// Issue 9: no request, action or timer of ECE costs more as conversations, customers, sessions and messages pile up.
import { expect, test } from 'vitest';
import type { Simulator } from '../../../src/simulator.ts';
import { guardScans } from '../../support/scan-guard.ts';
import {
  BASE,
  type ConversationBody,
  createEceSim,
  customer,
  eceAdmin,
  getToken,
  sendMessage,
  start,
  startBody,
  startOk,
} from './helpers.ts';

/** Collections are filled past this size; the guard records any walk over one that large. */
const THRESHOLD = 1000;
/** Starts over HTTP; agents take CAPACITY chats each, the rest wait. */
const STARTS = 1500;
const CAPACITY = 200;
/** Customers and sessions come from fixtures (cheaper than requests), past the threshold. */
const MORE = THRESHOLD + 50;

async function expectNoScan<T>(label: string, run: () => Promise<T>): Promise<T> {
  const { result, scans } = await guardScans(THRESHOLD, run);
  expect(scans, label).toEqual([]);
  return result;
}

async function act(sim: Simulator, conversationId: string, action: string, args: unknown = {}) {
  const result = await sim.control.act({ provider: 'ece', conversationId, action, args });
  await sim.control.idle();
  return result;
}

function email(i: number) {
  return customer({
    firstName: 'Load',
    lastName: `Test${i}`,
    email: [{ emailAddress: `load${i}@example.com` }],
  });
}

test('with thousands of conversations, customers, sessions and messages no ECE request, action or timer walks a whole collection', async () => {
  const agents = ['1', '2'].map((id) => ({
    id,
    name: `agent${id}`,
    queues: ['q-sales', 'q-support'],
    maxChats: CAPACITY,
  }));
  const customers = Array.from({ length: MORE }, (_, i) => ({
    id: String(10_000 + i),
    contacts: [{ id: String(20_000 + i), email: [`load${i}@example.com`] }],
  }));
  const sessions = Array.from({ length: MORE }, (_, i) => ({
    token: `token-${i}`,
    clientKey: 'ece-chat-key',
  }));
  const { sim } = await createEceSim({ fixtures: { ece: { agents, customers, sessions } } });
  const token = await getToken(sim);
  const started: ConversationBody[] = [];
  for (let i = 0; i < STARTS; i++) started.push(await startOk(sim, { token }));
  // This first pass assigns 2 x CAPACITY chats: its cost is the work it does. The guarded pass comes later.
  await sim.control.advance('1s');
  await sim.control.idle();
  const summaries = sim.control.conversations({ provider: 'ece', limit: 100_000 });
  expect(summaries.filter((s) => s.status === 'assigned')).toHaveLength(2 * CAPACITY);
  expect(summaries.filter((s) => s.status === 'waiting')).toHaveLength(STARTS - 2 * CAPACITY);

  const [a, b, c] = started.map((s) => s.id);
  const waiting = started.at(-1)!.id;
  for (let i = 0; i < MORE; i++) await act(sim, a!, 'customer.say', { text: `line ${i}` });

  await expectNoScan('token request', () => getToken(sim));
  await expectNoScan('configuration', async () => {
    const res = await sim.app.request(`${BASE}/messaging/configuration?entrypoint=1001`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
  });
  await expectNoScan('anonymous start', () => startOk(sim, { token }));
  await expectNoScan('start that finds the customer', () =>
    startOk(sim, {
      token,
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: email(2) }),
    }),
  );
  await expectNoScan('start that creates the customer', () =>
    startOk(sim, {
      token,
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: email(MORE + 1) }),
    }),
  );
  await expectNoScan('start refused on an unknown session', async () => {
    expect((await start(sim, { token: 'constructor' })).status).toBe(401);
  });
  await expectNoScan('sendmessage', async () => {
    const res = await sendMessage(sim, token, {
      conversation: { id: a },
      type: { value: 'text/plain' },
      content: 'Hello',
    });
    expect(res.status).toBe(200);
  });

  for (const [action, args] of [
    ['agent.say', { text: 'Hi' }],
    ['agent.typing', { typing: true }],
    ['agent.pagePush', { url: 'https://example.com/a' }],
    ['customer.say', { text: 'Thanks' }],
    ['customer.typing', { typing: false }],
  ] as const) {
    await expectNoScan(action, () => act(sim, a!, action, args));
  }
  await expectNoScan('agent.attachment.upload', () =>
    act(sim, a!, 'agent.attachment.upload', { fileName: 'terms.pdf' }),
  );
  const read = (await (await eceAdmin(sim, 'GET', `/conversations/${a}`)).json()) as {
    conversation: { transcript: Array<{ attachments: Array<{ id: string }> }> };
  };
  const uploaded = read.conversation.transcript.at(-1)!.attachments[0]!.id;
  await expectNoScan('sendmessage acceptAttachment', async () => {
    const res = await sendMessage(sim, token, {
      conversation: { id: a },
      type: { value: 'acceptAttachment' },
      attachments: { attachment: [{ id: uploaded }] },
    });
    expect(res.status).toBe(200);
  });
  await expectNoScan('customer.attachment.upload', () =>
    act(sim, a!, 'customer.attachment.upload', { fileName: 'photo.png' }),
  );
  await expectNoScan('agent.attachment.accept', () => act(sim, a!, 'agent.attachment.accept'));
  await expectNoScan('agent.attachment.reject', () => act(sim, a!, 'agent.attachment.reject'));
  await expectNoScan('raw.event', () => act(sim, a!, 'raw.event', { type: 'custom', body: {} }));
  await expectNoScan('agent.transfer to an agent', () => act(sim, a!, 'agent.transfer', { agentId: '2' }));
  await expectNoScan('agent.transfer to a queue', () =>
    act(sim, a!, 'agent.transfer', { queueId: 'q-support' }),
  );
  await expectNoScan('agent.join', () => act(sim, waiting, 'agent.join', { agentId: '1' }));
  await expectNoScan('agent.complete', () => act(sim, b!, 'agent.complete'));
  await expectNoScan('customer.leave', () => act(sim, c!, 'customer.leave'));
  await expectNoScan('assignment timer after chats ended', async () => {
    await sim.control.advance('1s');
    await sim.control.idle();
  });
  // With ?secrets=true: hiding secrets walks the answer (its own size, here 1,050 messages), not the store.
  await expectNoScan('admin conversation', async () => {
    expect((await eceAdmin(sim, 'GET', `/conversations/${a}?secrets=true`)).status).toBe(200);
  });
  await expectNoScan('admin conversation page', async () => {
    const res = await eceAdmin(sim, 'GET', `/conversations?limit=20&after=${b}`);
    expect(((await res.json()) as { conversations: unknown[] }).conversations).toHaveLength(20);
  });
  const assigned = () =>
    sim.control.conversations({ provider: 'ece', limit: 100_000 }).filter((s) => s.status === 'assigned')
      .length;
  const before = assigned();
  await expectNoScan('admin agent change', async () => {
    expect((await eceAdmin(sim, 'PUT', '/agents/2', { maxChats: CAPACITY + 5 })).status).toBe(200);
  });
  expect(assigned()).toBe(before + 5);
}, 60_000);
