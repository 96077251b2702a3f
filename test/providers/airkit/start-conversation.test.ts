import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { startReceiver } from '../../support/receiver.ts';
import { call, createAirkitSim, type Json, start } from './helpers.ts';

const URL_BASE = '/airkit/v1/conversations';

describe('airkit Start Conversation', () => {
  test('start with a Text destination answers 201 with the conversation and its inputs', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/airkit` });
      const conv = await start(sim, { customerIdentifier: 'cust-42' });
      expect(conv).toMatchObject({
        conversationHubChannelResource: 'hub-default',
        conversationHubId: 'hub-main',
        channel: 'chat',
        customerDestination: { type: 'Text', value: 'session-1' },
        customerIdentifier: 'cust-42',
        managedByThirdPartySystem: true,
        status: 'awaiting-first-message',
        createdAt: '2025-01-01T00:00:00.000Z',
      });
      expect(conv.id).toMatch(/^conv_/);
    } finally {
      await receiver.close();
    }
  });

  test('a bare string destination is a Text session id', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/airkit` });
      const res = await call(sim, 'POST', URL_BASE, {
        conversationHubChannelResource: 'hub-default',
        customerDestination: 's-9',
      });
      expect(res.json.customerDestination).toEqual({ type: 'Text', value: 's-9' });
    } finally {
      await receiver.close();
    }
  });

  test('managed by a third-party system defaults to true and notifies the third party with conversation.started', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/airkit` });
      const conv = await start(sim);
      await sim.control.idle();
      expect(receiver.requests).toHaveLength(1);
      const req = receiver.requests[0]!;
      expect(req.path).toBe('/airkit');
      expect(req.json).toMatchObject({
        type: 'conversation.started',
        conversation: { id: conv.id, status: 'awaiting-first-message' },
      });
      const ts = req.headers['x-airkit-timestamp'];
      const digest = createHmac('sha256', 'airkit-webhook-secret').update(`${ts}.${req.body}`).digest('hex');
      expect(req.headers['x-airkit-signature']).toBe(`sha256=${digest}`);
      expect(req.headers['x-airkit-event-id']).toBe((req.json as Json).eventId);
    } finally {
      await receiver.close();
    }
  });

  test('a conversation not managed by a third-party system sends no webhook and refuses third-party messages', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({ webhookUrl: `${receiver.url}/airkit` });
      const conv = await start(sim, { managedByThirdPartySystem: false });
      expect(conv.status).toBe('unmanaged');
      const res = await call(sim, 'POST', `${URL_BASE}/${conv.id}/messages`, { text: 'hi' });
      expect(res).toMatchObject({ status: 409, json: { error: { code: 'NOT_THIRD_PARTY_MANAGED' } } });
      await sim.control.act({
        provider: 'airkit',
        conversationId: conv.id,
        action: 'customer.say',
        args: { text: 'hello?' },
      });
      await sim.control.idle();
      expect(receiver.requests).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  test('a third-party managed start needs a webhook URL on the resource', async () => {
    const sim = await createAirkitSim();
    const res = await call(sim, 'POST', URL_BASE, {
      conversationHubChannelResource: 'hub-default',
      customerDestination: { type: 'Text', value: 's' },
    });
    expect(res).toMatchObject({ status: 409, json: { error: { code: 'RESOURCE_NOT_CONFIGURED' } } });
    expect(sim.control.conversations({ provider: 'airkit' })).toEqual([]);
  });

  test('an unknown resource answers 404 RESOURCE_NOT_FOUND', async () => {
    const sim = await createAirkitSim();
    const res = await call(sim, 'POST', URL_BASE, {
      conversationHubChannelResource: 'nope',
      customerDestination: 's',
    });
    expect(res).toMatchObject({ status: 404, json: { error: { code: 'RESOURCE_NOT_FOUND' } } });
  });

  test('a resource not associated with a Conversation Hub cannot be used', async () => {
    const sim = await createAirkitSim({
      fixtures: { resources: [{ id: 'loose', hubId: null, webhookUrl: 'http://127.0.0.1:9/x' }] },
    });
    const res = await call(sim, 'POST', URL_BASE, {
      conversationHubChannelResource: 'loose',
      customerDestination: 's',
    });
    expect(res).toMatchObject({ status: 409, json: { error: { code: 'RESOURCE_NOT_ASSOCIATED' } } });
  });

  test('missing fields answer 400 INVALID_ARGUMENT naming each field', async () => {
    const sim = await createAirkitSim();
    const res = await call(sim, 'POST', URL_BASE, {});
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('INVALID_ARGUMENT');
    expect(res.json.error.details.map((d: { field: string }) => d.field)).toEqual([
      'conversationHubChannelResource',
      'customerDestination',
    ]);
  });

  test('wrong types answer 400 with the expected type', async () => {
    const sim = await createAirkitSim();
    const res = await call(sim, 'POST', URL_BASE, {
      conversationHubChannelResource: 7,
      customerDestination: { type: 'Email', value: 'a@b' },
      customerIdentifier: 5,
      managedByThirdPartySystem: 'yes',
    });
    expect(res.json.error.details).toEqual([
      {
        field: 'conversationHubChannelResource',
        issue: 'expects a Conversation Hub Channel Resource id (Text)',
      },
      { field: 'customerDestination.type', issue: "expects 'Text' or 'Phone'" },
      { field: 'customerIdentifier', issue: 'expects type Text' },
      { field: 'managedByThirdPartySystem', issue: 'expects type Boolean' },
    ]);
  });

  test('a Phone destination needs an SMS resource and an E.164 number', async () => {
    const receiver = await startReceiver();
    try {
      const sim = await createAirkitSim({
        webhookUrl: `${receiver.url}/airkit`,
        fixtures: {
          resources: [{ id: 'sms-1', hubId: 'hub-main', channel: 'sms', webhookUrl: `${receiver.url}/sms` }],
        },
      });
      const onChat = await call(sim, 'POST', URL_BASE, {
        conversationHubChannelResource: 'hub-default',
        customerDestination: { type: 'Phone', value: '+15550100001' },
      });
      expect(onChat.status).toBe(400);
      const badNumber = await call(sim, 'POST', URL_BASE, {
        conversationHubChannelResource: 'sms-1',
        customerDestination: { type: 'Phone', value: '555-0100' },
      });
      expect(badNumber.json.error.details[0].field).toBe('customerDestination.value');
      const ok = await call(sim, 'POST', URL_BASE, {
        conversationHubChannelResource: 'sms-1',
        customerDestination: { type: 'Phone', value: '+15550100001' },
      });
      expect(ok.json).toMatchObject({
        channel: 'sms',
        customerDestination: { type: 'Phone', value: '+15550100001' },
      });
    } finally {
      await receiver.close();
    }
  });

  test('unknown inputs are rejected', async () => {
    const sim = await createAirkitSim();
    const res = await call(sim, 'POST', URL_BASE, {
      conversationHubChannelResource: 'hub-default',
      customerDestination: 's',
      extra: 1,
    });
    expect(res.json.error.details).toEqual([
      { field: 'extra', issue: 'is not an input of Start Conversation' },
    ]);
  });

  test('malformed JSON answers 400 MALFORMED_JSON', async () => {
    const sim = await createAirkitSim();
    const res = await call(sim, 'POST', URL_BASE, '{"a":');
    expect(res).toMatchObject({ status: 400, json: { error: { code: 'MALFORMED_JSON' } } });
  });

  test('a missing API key answers 401 UNAUTHENTICATED and a wrong one too', async () => {
    const sim = await createAirkitSim();
    expect((await call(sim, 'POST', URL_BASE, {}, {})).json).toMatchObject({
      error: { code: 'UNAUTHENTICATED' },
    });
    const wrong = await call(sim, 'POST', URL_BASE, {}, { authorization: 'Bearer nope' });
    expect(wrong).toMatchObject({
      status: 401,
      json: { error: { code: 'UNAUTHENTICATED', message: 'Invalid API key' } },
    });
  });

  test('an unknown route under the base path answers 404 in the airkit envelope', async () => {
    const sim = await createAirkitSim();
    const res = await call(sim, 'GET', '/airkit/v1/nothing');
    expect(res).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
  });
});

describe('airkit determinism and reset', () => {
  test('same seed and same requests give identical bodies and reset restores the fixtures', async () => {
    const receiver = await startReceiver();
    try {
      const a = await createAirkitSim({ webhookUrl: `${receiver.url}/a` });
      const b = await createAirkitSim({ webhookUrl: `${receiver.url}/a` });
      expect(JSON.stringify(await start(a))).toBe(JSON.stringify(await start(b)));
      await a.control.reset();
      expect(a.control.conversations({ provider: 'airkit' })).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe('Customer Destination "Text or Phone" on an SMS resource (seed 000)', () => {
  const SMS_FIXTURES = {
    resources: [{ id: 'sms-1', hubId: 'hub-main', channel: 'sms', webhookUrl: 'http://sut.test/sms' }],
  };

  test.each([
    ['a bare string', '+15550100001', '+15550100001'],
    ['Text', { type: 'Text', value: '+15550100001' }, '+15550100001'],
    ['Text with separators', { type: 'Text', value: '+1 (555) 010-0001' }, '+15550100001'],
    ['Text without a country code', '555.010.0001', '5550100001'],
  ])(
    'a phone number given as %s to an SMS resource is the Phone destination it names',
    async (_how, given, phone) => {
      const sim = await createAirkitSim({ fixtures: SMS_FIXTURES });
      const res = await call(sim, 'POST', URL_BASE, {
        conversationHubChannelResource: 'sms-1',
        customerDestination: given,
      });
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({
        channel: 'sms',
        customerDestination: { type: 'Phone', value: phone },
      });
    },
  );

  test.each([
    ['a session id', 'session-1'],
    ['too few digits', '555-01'],
    ['too many digits', '+1234567890123456'],
    ['letters', '+1 555 CALL NOW'],
  ])('Text that is not a phone number (%s) on an SMS resource answers 400', async (_how, text) => {
    const sim = await createAirkitSim({ fixtures: SMS_FIXTURES });
    const res = await call(sim, 'POST', URL_BASE, {
      conversationHubChannelResource: 'sms-1',
      customerDestination: { type: 'Text', value: text },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual([
      {
        field: 'customerDestination.type',
        issue: "expects the user's phone number for a sms resource (Phone, or Text holding a phone number)",
      },
    ]);
  });

  test('a phone number given as Text to a chat resource stays a Text session id', async () => {
    const sim = await createAirkitSim({ webhookUrl: 'http://sut.test/chat' });
    const res = await call(sim, 'POST', URL_BASE, {
      conversationHubChannelResource: 'hub-default',
      customerDestination: '+15550100001',
    });
    expect(res.json).toMatchObject({ customerDestination: { type: 'Text', value: '+15550100001' } });
  });
});
