// Gateway adaptive card actions (OAS GW updatecardactionsubmit, updatecardactionexecute) and bot echoes
// (MESSAGE isEcho, events reference): every answer validated against the OpenAPI file by `call`.
import { describe, expect, test } from 'vitest';
import { call, createEightByEightSim, gatewayClient, setUpGatewayChannel } from './helpers.ts';

const ADAPTIVE = {
  contentType: 'application/vnd.microsoft.card.adaptive',
  content: { type: 'AdaptiveCard' },
};
const QUICK = {
  contentType: 'application/8x8.quick.replies',
  content: { options: [{ title: 'one', data: { postback: '1' } }] },
};

async function setUp() {
  const env = await createEightByEightSim();
  const api = gatewayClient(env.sim);
  const channelId = await setUpGatewayChannel(api);
  const created = await api('POST', '/conversations', {
    channelId,
    user: { name: 'J', userId: 'u-1' },
    history: { messages: [{ authorType: 'bot', text: 'Rate us', cards: [ADAPTIVE] }] },
  });
  const id = created.json.conversationId as string;
  await env.sim.control.advance('2s');
  await env.sim.control.idle();
  const cards = async () => {
    const messages = await api('GET', `/conversations/${id}/messages`);
    return messages.json._embedded.messages.flatMap((m: { cards: unknown[] }) => m.cards);
  };
  const put = (
    cardId: string,
    action: string,
    json: unknown,
    options: { tenant?: string; key?: string } = {},
  ) =>
    call(
      env.sim,
      'PUT',
      `/api/v1/tenant/${options.tenant ?? 'acme'}/conversations/${id}/cards/${cardId}/${action}`,
      { headers: { 'x-api-key': options.key ?? '8x8-gateway-key' }, json },
    );
  const activities = () => env.events('ACTIVITY');
  return { ...env, api, id, cards, put, activities };
}

describe('8x8 Gateway card actions', () => {
  test('updatecardactionsubmit answers 204, sets actionSubmitted and sends ACTIVITY adaptiveCard/action Action.Submit', async () => {
    const { sim, cards, put, activities, id } = await setUp();
    const [card] = await cards();
    const answer = await put(card.id, 'action-submit', { name: '8x8', rating: 5 });
    expect(answer.status).toBe(204);
    await sim.control.idle();
    expect((await cards())[0]).toMatchObject({ id: card.id, actionSubmitted: true, actionExecuted: false });
    expect(activities()).toEqual([
      {
        eventType: 'ACTIVITY',
        conversationId: id,
        timestamp: expect.any(Number),
        data: {
          name: 'adaptiveCard/action',
          value: { type: 'Action.Submit', data: { name: '8x8', rating: 5 } },
        },
      },
    ]);
  });

  test('updatecardactionexecute answers 204, sets actionExecuted and sends ACTIVITY adaptiveCard/action Action.Execute', async () => {
    const { sim, cards, put, activities } = await setUp();
    const [card] = await cards();
    expect((await put(card.id, 'action-execute', { name: '8x8-Int' })).status).toBe(204);
    await sim.control.idle();
    expect((await cards())[0]).toMatchObject({ actionSubmitted: false, actionExecuted: true });
    expect(activities().map((a) => (a.data as { value: unknown }).value)).toEqual([
      { type: 'Action.Execute', data: { name: '8x8-Int' } },
    ]);
  });

  test('card actions refuse a foreign tenant (403), an unknown conversation or card (404), a bad body or a non-adaptive card (400), and change nothing', async () => {
    const { sim, api, cards, put, activities, id } = await setUp();
    await api('POST', `/conversations/${id}/messages`, { authorType: 'bot', text: 'pick', cards: [QUICK] });
    const all: { id: string; contentType: string }[] = await cards();
    const adaptive = all.find((c) => c.contentType === ADAPTIVE.contentType)!;
    const quick = all.find((c) => c.contentType === QUICK.contentType)!;
    expect((await put(adaptive.id, 'action-submit', {}, { tenant: 'other' })).status).toBe(403);
    const unknownConversation = await call(
      sim,
      'PUT',
      `/api/v1/tenant/acme/conversations/nope/cards/${adaptive.id}/action-submit`,
      { headers: { 'x-api-key': '8x8-gateway-key' }, json: {} },
    );
    expect(unknownConversation.status).toBe(404);
    for (const cardId of ['nope', 'constructor', '__proto__']) {
      const missing = await put(cardId, 'action-submit', {});
      expect(missing.status).toBe(404);
      expect(missing.json.errors[0].code).toBe('resource_not_found');
    }
    expect((await put(adaptive.id, 'action-submit', [1])).status).toBe(400);
    expect((await put(adaptive.id, 'action-submit', { name: 5 })).status).toBe(400);
    const notAdaptive = await put(quick.id, 'action-execute', {});
    expect(notAdaptive.status).toBe(400);
    expect(notAdaptive.json.errors[0].code).toBe('invalid_card');
    await sim.control.idle();
    expect(activities()).toEqual([]);
    expect((await cards()).map((c: { actionSubmitted: boolean }) => c.actionSubmitted)).toEqual([
      false,
      false,
    ]);
  });

  test('card actions need the Gateway x-api-key (401 Access Denied)', async () => {
    const { cards, put } = await setUp();
    const [card] = await cards();
    const answer = await put(card.id, 'action-submit', {}, { key: 'wrong' });
    expect(answer.status).toBe(401);
    expect(answer.json.message).toBe('Access Denied');
  });
});

describe('8x8 Gateway bot echoes', () => {
  test('sendmessagetocctransaction-1 by the bot is echoed as MESSAGE with isEcho true; a user message and the history are not', async () => {
    const { sim, api, id, events } = await setUp();
    await api('POST', `/conversations/${id}/messages`, { authorType: 'user', text: 'hello' });
    await api('POST', `/conversations/${id}/messages`, {
      authorType: 'bot',
      text: 'Let me check',
      cards: [QUICK],
    });
    await sim.control.idle();
    expect(events('MESSAGE')).toEqual([
      {
        eventType: 'MESSAGE',
        conversationId: id,
        timestamp: expect.any(Number),
        data: {
          isEcho: true,
          sender: { id: 'bot', type: 'bot' },
          text: 'Let me check',
          cards: [{ contentType: QUICK.contentType, content: QUICK.content }],
        },
      },
    ]);
  });
});
