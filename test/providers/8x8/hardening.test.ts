// Hostile input on the 8x8 provider (issue 10): inherited names as tokens and ids, deep nesting, `__proto__`
// keys, file names outside Latin-1, patterns that would backtrack.
import { describe, expect, test } from 'vitest';
import {
  call,
  createEightByEightSim,
  GW,
  gatewayClient,
  getToken,
  setUpGatewayChannel,
  setUpV2Channel,
  V2,
  v2Client,
} from './helpers.ts';

const INHERITED = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
const GW_KEY = { 'x-api-key': '8x8-gateway-key' };

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

async function setUpGateway() {
  const env = await createEightByEightSim();
  const api = gatewayClient(env.sim);
  const channelId = await setUpGatewayChannel(api);
  const created = await api('POST', '/conversations', { channelId, user: { name: 'J' } });
  return { ...env, api, channelId, id: created.json.conversationId as string };
}

async function setUpV2() {
  const env = await createEightByEightSim();
  const api = v2Client(env.sim, await getToken(env.sim));
  const channelId = await setUpV2Channel(api);
  const created = await api('POST', '/conversations', { channelId });
  return { ...env, api, channelId, id: created.json.conversationId as string };
}

describe('8x8 inherited names', () => {
  test('a v2 Bearer token named like an Object.prototype property answers 401 Invalid Access Token', async () => {
    const { sim } = await createEightByEightSim();
    for (const token of INHERITED) {
      for (const path of ['/channels', '/web-hooks', '/conversations']) {
        const answer = await call(sim, 'GET', `${V2}${path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(answer.status, `Bearer ${token} on ${path}`).toBe(401);
        expect(answer.json.fault.detail.errorcode).toBe('keymanagement.service.invalid_access_token');
      }
    }
  });

  test('v2 ids named like Object.prototype properties answer 404 ResourceNotFoundProblem', async () => {
    const { api } = await setUpV2();
    for (const id of INHERITED) {
      for (const [path, type] of [
        [`/web-hooks/${id}`, 'WebHook'],
        [`/channels/${id}`, 'Channel'],
        [`/conversations/${id}`, 'Conversation'],
        [`/conversations/${id}/messages`, 'Conversation'],
      ] as const) {
        const answer = await api('GET', path);
        expect(answer.status, path).toBe(404);
        expect(answer.json.message).toBe(`Resource of type ${type} with id ${id} was not found.`);
      }
      expect((await api('DELETE', `/channels/${id}`)).status).toBe(404);
      expect((await api('DELETE', `/conversations/${id}/participants/customer`)).status).toBe(404);
    }
  });

  test('v2 references named like Object.prototype properties answer 400, and nothing is created', async () => {
    const { api, sim } = await setUpV2();
    const before = sim.control.conversations({ provider: '8x8' }).length;
    for (const id of INHERITED) {
      expect((await api('POST', '/conversations', { channelId: id })).status).toBe(400);
      const channel = await api('POST', '/channels', {
        name: 'x',
        webHookId: id,
        routingOptions: { type: 'queue', id },
      });
      expect(channel.status).toBe(400);
      expect(channel.json.validations.map((v: { field: string }) => v.field)).toEqual([
        'webHookId',
        'routingOptions.id',
      ]);
    }
    expect(sim.control.conversations({ provider: '8x8' })).toHaveLength(before);
  });

  test('Gateway ids named like Object.prototype properties answer 404', async () => {
    const { api, id } = await setUpGateway();
    for (const name of INHERITED) {
      for (const path of [
        `/webhooks/${name}`,
        `/channels/${name}`,
        `/conversations/${name}`,
        `/conversations/${id}/messages/${name}`,
        `/conversations/${id}/attachments/${name}`,
        `/conversations/${id}/attachments/${name}/content`,
      ]) {
        expect((await api('GET', path)).status, path).toBe(404);
      }
      expect((await api('PATCH', `/conversations/${name}`, { user: { name: 'x' } })).status).toBe(404);
      expect((await api('POST', `/conversations/${name}/typing`, { authorType: 'user' })).status).toBe(404);
    }
  });

  test('Gateway references named like Object.prototype properties answer 400', async () => {
    const { api, channelId, id } = await setUpGateway();
    for (const name of INHERITED) {
      expect((await api('POST', '/conversations', { channelId: name, user: { name: 'J' } })).status).toBe(
        400,
      );
      const assigned = await api('POST', '/conversations', {
        channelId,
        user: { name: 'J' },
        assignment: { type: 'queue', id: name },
      });
      expect(assigned.status).toBe(400);
      const message = await api('POST', `/conversations/${id}/messages`, {
        authorType: 'user',
        attachments: [{ id: name }],
      });
      expect(message.status).toBe(400);
      expect(message.json.errors.code).toBe('invalid_attachment');
    }
  });

  test('agent actions naming an inherited agent, queue or conversation fail with 409', async () => {
    const { sim, id } = await setUpV2();
    const act = (conversationId: string, action: string, args: unknown) =>
      sim.control.act({ provider: '8x8', conversationId, action, args });
    for (const name of INHERITED) {
      await expect(act(id, 'agent.join', { agentId: name })).rejects.toMatchObject({ status: 409 });
      await expect(act(name, 'agent.say', { text: 'x' })).rejects.toMatchObject({ status: 409 });
    }
    await act(id, 'agent.join', { agentId: 'agent-ana' });
    for (const name of INHERITED) {
      await expect(act(id, 'agent.transfer', { queueId: name })).rejects.toMatchObject({ status: 409 });
      await expect(act(id, 'agent.transfer', { agentId: name })).rejects.toMatchObject({ status: 409 });
    }
  });

  test('a list filter on an inherited field name such as constructor matches nothing', async () => {
    const { api } = await setUpGateway();
    const all = await api('GET', '/webhooks');
    expect(all.json._embedded.webhooks).toHaveLength(1);
    for (const filter of ['constructor==*', 'toString==*', 'name.length==*']) {
      const filtered = await api('GET', `/webhooks?filter=${encodeURIComponent(filter)}`);
      expect(filtered.json._embedded.webhooks, filter).toEqual([]);
    }
  });

  test('a __proto__ key in a request body answers 400 in the API envelope and stores nothing', async () => {
    const { sim, channelId } = await setUpGateway();
    const before = sim.control.conversations({ provider: '8x8' }).length;
    const gateway = await call(sim, 'POST', `${GW}/conversations`, {
      headers: { ...GW_KEY, 'content-type': 'application/json' },
      body: `{"channelId":"${channelId}","user":{"name":"J","__proto__":{"admin":true}}}`,
    });
    expect(gateway.status).toBe(400);
    expect(gateway.json.errors).toEqual([
      { code: 'invalid_json_object', message: 'A property may not be named __proto__.' },
    ]);
    const token = await getToken(sim);
    const v2Channel = await setUpV2Channel(v2Client(sim, token));
    const v2 = await call(sim, 'POST', `${V2}/conversations`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: `{"channelId":"${v2Channel}","customer":{"__proto__":"x"}}`,
    });
    expect(v2.status).toBe(400);
    expect(v2.json).toEqual({
      message: 'Constraint Violation',
      errors: ['body: A property may not be named __proto__.'],
    });
    expect(sim.control.conversations({ provider: '8x8' })).toHaveLength(before);
  });
});

describe('8x8 deep nesting', () => {
  test('a 10,000-level nested body on Gateway webhooks answers 400 invalid_json_object, not 500', async () => {
    const { sim } = await createEightByEightSim();
    const bodies = [
      nested(10_000),
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      `{"name":"x","uri":"http://hooks.test/x","version":${nested(10_000)}}`,
    ];
    for (const body of bodies) {
      const answer = await call(sim, 'POST', `${GW}/webhooks`, {
        headers: { ...GW_KEY, 'content-type': 'application/json' },
        body,
      });
      expect(answer.status).toBe(400);
      expect(answer.json.errors).toEqual([
        { code: 'invalid_json_object', message: 'Malformed JSON body: nesting deeper than 64 levels' },
      ]);
    }
    const listed = await call(sim, 'GET', `${GW}/webhooks`, { headers: GW_KEY });
    expect(listed.json._embedded.webhooks).toEqual([]);
  });

  test('a Gateway user that nests the body deeper than 64 levels answers 400; one level less is stored and sent', async () => {
    const { sim, api, channelId, events } = await setUpGateway();
    const tooDeep = await call(sim, 'POST', `${GW}/conversations`, {
      headers: { ...GW_KEY, 'content-type': 'application/json' },
      body: `{"channelId":"${channelId}","user":{"name":"J","extra":${nested(63)}}}`,
    });
    expect(tooDeep.status).toBe(400);
    const deepest = JSON.parse(`{"name":"J","extra":${nested(62)}}`);
    const created = await api('POST', '/conversations', { channelId, user: deepest });
    expect(created.status).toBe(202);
    await sim.control.idle();
    const update = events('CONVERSATION_UPDATE').find(
      (e) => e.conversationId === created.json.conversationId,
    );
    expect(update).toMatchObject({ data: { user: deepest } });
  });

  test('a v2 body nested 10,000 levels answers 400 Constraint Violation', async () => {
    const { sim } = await createEightByEightSim();
    const token = await getToken(sim);
    const answer = await call(sim, 'POST', `${V2}/web-hooks`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: nested(10_000),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual(['body: Malformed JSON body: nesting deeper than 64 levels']);
  });

  test('raw.event with a body nested deeper than 64 levels is refused with 400 and sends nothing', async () => {
    const { sim, sent, id } = await setUpGateway();
    await sim.control.idle();
    const before = sent.length;
    await expect(
      sim.control.act({
        provider: '8x8',
        conversationId: id,
        action: 'raw.event',
        args: { type: 'X', body: JSON.parse(nested(5_000)) },
      }),
    ).rejects.toMatchObject({ status: 400 });
    await sim.control.idle();
    expect(sent).toHaveLength(before);
  });
});

describe('8x8 attachment names', () => {
  const upload = async (filename: string) => {
    const env = await setUpGateway();
    const form = new FormData();
    form.append('attachment', new File([Buffer.from('bytes')], filename, { type: 'application/pdf' }));
    const uploaded = await call(env.sim, 'POST', `${GW}/conversations/${env.id}/attachments`, {
      headers: GW_KEY,
      body: form,
    });
    expect(uploaded.status).toBe(200);
    expect(uploaded.json.filename).toBe(filename);
    const content = await call(
      env.sim,
      'GET',
      `${GW}/conversations/${env.id}/attachments/${uploaded.json.id}/content`,
      { headers: GW_KEY },
    );
    return content;
  };

  test('an attachment named outside Latin-1 downloads with an ASCII filename and a UTF-8 filename*', async () => {
    const content = await upload('отчёт 2025 ✓.pdf');
    expect(content.status).toBe(200);
    expect(content.text).toBe('bytes');
    expect(content.headers.get('content-disposition')).toBe(
      `attachment; filename="_____ 2025 _.pdf"; filename*=UTF-8''${encodeURIComponent('отчёт 2025 ✓.pdf')}`,
    );
  });

  test('quotes and backslashes of an attachment name are replaced in filename and kept in filename*', async () => {
    const content = await upload('a"b\\c (1).txt');
    expect(content.status).toBe(200);
    expect(content.headers.get('content-disposition')).toBe(
      `attachment; filename="a_b_c (1).txt"; filename*=UTF-8''a%22b%5Cc%20%281%29.txt`,
    );
  });
});

describe('8x8 bounded answers', () => {
  test('a body with thousands of bad items answers 400 with at most 50 issues', async () => {
    const { api, channelId } = await setUpGateway();
    const additionalProperties = Array.from({ length: 5_000 }, () => ({ key: 1 }));
    const answer = await api('POST', '/conversations', {
      channelId,
      user: { name: 'J', additionalProperties },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toHaveLength(50);
    expect(answer.json.errors[0]).toEqual({
      code: 'invalid_parameter',
      message: 'user.additionalProperties: Must have at most 30 items.',
    });
  });

  test('a long or multi-line value is quoted cut and escaped in a 400 answer', async () => {
    const { sim } = await createEightByEightSim();
    const api = v2Client(sim, await getToken(sim));
    const answer = await api('POST', '/channels', {
      name: 'x',
      webHookId: `evil\n${'w'.repeat(5_000)}`,
      routingOptions: { type: 'queue', id: '100' },
    });
    expect(answer.status).toBe(400);
    const [validation] = answer.json.validations;
    expect(validation.message.length).toBeLessThan(250);
    expect(validation.message).not.toContain('\n');
    expect(validation.value.length).toBeLessThan(250);
  });
});

describe('8x8 linear-time matching', () => {
  test('a FIQL filter with many wildcards answers at once on a long value', async () => {
    const { sim } = await createEightByEightSim();
    const api = gatewayClient(sim);
    await api('POST', '/webhooks', { name: 'a'.repeat(250), uri: 'http://hooks.test/a' });
    const started = performance.now();
    const filter = `name==${'*a'.repeat(12)}*b`;
    const answer = await api('GET', `/webhooks?filter=${encodeURIComponent(filter)}`);
    expect(answer.json._embedded.webhooks).toEqual([]);
    expect(
      (await api('GET', `/webhooks?filter=${encodeURIComponent(`name==${'*a'.repeat(12)}*`)}`)).json.page
        .totalElements,
    ).toBe(1);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('8x8 tokens', () => {
  test('expired tokens are forgotten as new ones are issued, a few per token request', async () => {
    const { sim } = await createEightByEightSim();
    for (let i = 0; i < 20; i++) await getToken(sim);
    await sim.control.advance('3601s');
    const live = await getToken(sim);
    const tokens = () => Object.keys((sim.control.state('8x8') as { tokens: object }).tokens);
    expect(tokens()).toHaveLength(20 - 8 + 1);
    await getToken(sim);
    await getToken(sim);
    expect(tokens()).toHaveLength(3);
    expect(tokens()).toContain(live);
    expect((await v2Client(sim, live)('GET', '/channels')).status).toBe(200);
  });
});
