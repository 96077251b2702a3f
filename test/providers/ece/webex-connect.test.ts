// Seed 002: the Webex Connect "Start Conversation" node on SMS and Facebook Messenger, with every outcome it lists.
// The node is imitated by a small client below; callbacks go over real HTTP to a receiver (test/support/receiver.ts).
import { afterEach, describe, expect, test } from 'vitest';
import { createHttpSender, type PooledSender } from '../../../src/dispatcher.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';
import { createEceSim, LAST_MODIFIED } from './helpers.ts';

const receivers: Receiver[] = [];
const senders: PooledSender[] = [];
afterEach(async () => {
  for (const sender of senders.splice(0)) sender.close();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** Inputs of the node (seed 002, "Input Variables"). */
type NodeInputs = {
  key: 'mobile.phone' | 'custom.facebookpsid';
  entryPointId: string;
  lastModifiedDate: string;
  isRichTextSupported: boolean;
  transactionId: string;
  firstName: string;
  phoneNumber?: string;
  countryCode?: string;
  facebookPsid?: string;
  clusterId: string;
  /** The node's Conversation ID custom attribute: null when it starts a new conversation (seed 002). */
  conversationId?: string | null;
  /** The names the node's Transaction ID, Cluster ID and Conversation ID fields are sent under. */
  names?: { transaction: string; cluster: string; conversation: string };
};

const SNAKE_NAMES = { transaction: 'transaction_id', cluster: 'cluster_id', conversation: 'conversation_id' };

/** What the node outputs and which outcome branch it takes. */
type NodeResult = {
  outcome: string;
  caseId?: string;
  activityId?: string;
  conversationId?: string;
  code?: string;
  developerMessage?: string;
  response: unknown;
};

const START_OUTCOMES: Record<number, string> = {
  200: 'onStartConversationSuccess',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal Server Error',
};

/** The asynchronous event outcomes, by the callback's type.value. */
const EVENT_OUTCOMES: Record<string, string> = {
  assigned: 'Assigned',
  'text/plain': 'Message',
  'text/html': 'Message',
  pagePush: 'PagePush',
  transfer: 'Transfer',
  acceptAttachment: 'AcceptAttachment',
  uploadAttachment: 'UploadAttachment',
  rejectAttachment: 'RejectAttachment',
  complete: 'Complete',
};

async function authenticate(base: string): Promise<string> {
  const res = await fetch(
    `${base}/system/ws/v19/clientapplications/authentication/oauth2/token?forceLogin=yes`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('ece-chat-key:ece-chat-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'accept-language': 'en-us',
      },
      body: 'grant_type=client_credentials',
    },
  );
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The Start Conversation node: builds the ECE request from its inputs and maps the answer to an outcome. */
async function runStartNode(base: string, token: string, inputs: NodeInputs): Promise<NodeResult> {
  const names = inputs.names ?? SNAKE_NAMES;
  const contact: Record<string, unknown> = { firstName: inputs.firstName };
  if (inputs.key === 'mobile.phone') {
    contact.phone = [
      { type: { value: 'mobile' }, phoneNumber: inputs.phoneNumber, countryCode: inputs.countryCode },
    ];
  } else {
    contact.customAttributes = { facebookpsid: inputs.facebookPsid };
  }
  const body = {
    entryPointConfiguration: {
      entryPoint: { id: inputs.entryPointId },
      lastModified: { date: inputs.lastModifiedDate },
    },
    activity: {
      payload: { chat: { clientInfo: { isRichTextSupported: inputs.isRichTextSupported } } },
      customAttributes: {
        [names.transaction]: inputs.transactionId,
        [names.cluster]: inputs.clusterId,
        [names.conversation]: inputs.conversationId ?? null,
      },
      customer: { type: { value: 'individual' }, contacts: { contact: [contact] } },
    },
  };
  const res = await fetch(
    `${base}/system/ws/v19/clientapplications/messaging/conversation/start?searchContactOnAttribute=${inputs.key}`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
    },
  );
  const response = (await res.json()) as Record<string, unknown>;
  const outcome = START_OUTCOMES[res.status] ?? 'onError';
  if (res.status !== 200) {
    return {
      outcome,
      code: response.code as string,
      developerMessage: response.developerMessage as string,
      response,
    };
  }
  return {
    outcome,
    conversationId: response.id as string,
    activityId: (response.activity as { id: string }).id,
    caseId: (response.case as { id: string }).id,
    response,
  };
}

const SMS: NodeInputs = {
  key: 'mobile.phone',
  entryPointId: '1001',
  lastModifiedDate: LAST_MODIFIED,
  isRichTextSupported: false,
  transactionId: 'sms-trans-1',
  firstName: 'Maria',
  phoneNumber: '5550142',
  countryCode: '1',
  clusterId: 'cluster-1',
};

const MESSENGER: NodeInputs = {
  key: 'custom.facebookpsid',
  entryPointId: '1001',
  lastModifiedDate: LAST_MODIFIED,
  isRichTextSupported: true,
  transactionId: 'messenger-trans-1',
  firstName: 'Lee',
  facebookPsid: '2510000000000042',
  clusterId: 'cluster-1',
};

async function setup(): Promise<{ sim: Simulator; base: string; receiver: Receiver }> {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const send = createHttpSender();
  senders.push(send);
  const { sim } = await createEceSim({
    send,
    providerOptions: { ece: { callbackUrl: `${receiver.url}/webex/ece-events` } },
  });
  const { url } = await sim.listen(0);
  return { sim, base: url, receiver };
}

/** Plays every agent event on a conversation and returns the outcomes the node takes, in order. */
async function playAgentEvents(
  sim: Simulator,
  receiver: Receiver,
  conversationId: string,
): Promise<string[]> {
  await sim.control.advance('1s');
  const act = (action: string, args?: unknown) =>
    sim.control.act({ provider: 'ece', conversationId, action, args });
  await act('agent.say', { text: 'Hello, I am Alice.' });
  await act('agent.pagePush', { url: 'https://shop.example.com/returns' });
  await act('customer.attachment.upload', { fileName: 'receipt.jpg', contentType: 'image/jpeg' });
  await act('agent.attachment.accept', {});
  await act('customer.attachment.upload', { fileName: 'virus.exe', contentType: 'application/octet-stream' });
  await act('agent.attachment.reject', {});
  await act('agent.attachment.upload', { fileName: 'label.pdf', contentType: 'application/pdf' });
  await act('agent.transfer', { agentId: '2' });
  await act('agent.complete');
  await sim.control.idle();
  return receiver.requests.flatMap((r) =>
    (r.json as { message: Array<{ type: { value: string } }> }).message.map(
      (m) => EVENT_OUTCOMES[m.type.value] ?? m.type.value,
    ),
  );
}

describe.each([
  ['SMS', SMS],
  ['Facebook Messenger', MESSENGER],
])('Webex Connect Start Conversation on %s', (_channel, inputs) => {
  test('onStartConversationSuccess outputs caseId, activityId and conversationId', async () => {
    const { base } = await setup();
    const result = await runStartNode(base, await authenticate(base), inputs);
    expect(result).toMatchObject({
      outcome: 'onStartConversationSuccess',
      conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      activityId: expect.stringMatching(/^\d+$/),
      caseId: expect.stringMatching(/^\d+$/),
    });
  });

  test('the same customer is found again on the next conversation', async () => {
    const { base } = await setup();
    const token = await authenticate(base);
    const first = await runStartNode(base, token, inputs);
    const second = await runStartNode(base, token, inputs);
    expect((second.response as { customer: { id: string } }).customer.id).toBe(
      (first.response as { customer: { id: string } }).customer.id,
    );
  });

  test('Bad Request outputs code and developerMessage', async () => {
    const { base } = await setup();
    const result = await runStartNode(base, await authenticate(base), { ...inputs, lastModifiedDate: '' });
    expect(result).toMatchObject({
      outcome: 'Bad Request',
      code: '400-106',
      developerMessage: expect.any(String),
    });
  });

  test('Unauthorized when the session does not exist', async () => {
    const { base } = await setup();
    const result = await runStartNode(base, 'expired-or-unknown', inputs);
    expect(result).toMatchObject({ outcome: 'Unauthorized', code: '401-103' });
  });

  test('Forbidden when the client application is not configured for the entry point', async () => {
    const { base } = await setup();
    const result = await runStartNode(base, await authenticate(base), { ...inputs, entryPointId: '1002' });
    expect(result).toMatchObject({ outcome: 'Forbidden', code: '403-102' });
  });

  test('Internal Server Error when ECE fails', async () => {
    const { sim, base } = await setup();
    const token = await authenticate(base);
    sim.control.addFault({ provider: 'ece', path: '**/messaging/conversation/start', status: 500, times: 1 });
    const result = await runStartNode(base, token, inputs);
    expect(result).toMatchObject({ outcome: 'Internal Server Error', code: '500-101' });
  });

  test('every asynchronous outcome is produced: Assigned, Message, PagePush, AcceptAttachment, RejectAttachment, UploadAttachment, Transfer, Complete', async () => {
    const { sim, base, receiver } = await setup();
    const result = await runStartNode(base, await authenticate(base), inputs);
    const outcomes = await playAgentEvents(sim, receiver, result.conversationId!);
    expect(outcomes).toEqual([
      'Assigned',
      'Message',
      'PagePush',
      'AcceptAttachment',
      'RejectAttachment',
      'UploadAttachment',
      'Transfer',
      'Assigned',
      'Complete',
    ]);
    expect(receiver.requests.every((r) => r.path === '/webex/ece-events' && r.method === 'POST')).toBe(true);
  });
});

test('SMS Bad Request when the phone number matches several contacts', async () => {
  const { base } = await setup();
  const result = await runStartNode(base, await authenticate(base), { ...SMS, phoneNumber: '5550100' });
  expect(result).toMatchObject({ outcome: 'Bad Request', code: '400-110' });
});

test('SMS clients without rich text receive agent HTML as text/plain Message events', async () => {
  const { sim, base, receiver } = await setup();
  const result = await runStartNode(base, await authenticate(base), SMS);
  await sim.control.advance('1s');
  await sim.control.act({
    provider: 'ece',
    conversationId: result.conversationId!,
    action: 'agent.say',
    args: { text: '<p>Your order <b>#12</b> shipped</p>', contentType: 'text/html' },
  });
  await sim.control.idle();
  expect(receiver.requests.at(-1)?.json).toMatchObject({
    message: [{ type: { value: 'text/plain' }, content: 'Your order #12 shipped' }],
  });
});

describe('the node inputs as Webex Connect sends them (seed 002)', () => {
  const stored = async (sim: Simulator, id: string) =>
    (
      (await sim.control.admin('ece', 'conversations.get', { id })) as {
        conversation: { customAttributes: Record<string, string> };
      }
    ).conversation.customAttributes;

  test('the Conversation ID custom attribute set to null for a new conversation is accepted and sets nothing', async () => {
    const { sim, base } = await setup();
    const result = await runStartNode(base, await authenticate(base), { ...SMS, conversationId: null });
    expect(result.outcome).toBe('onStartConversationSuccess');
    expect(await stored(sim, result.conversationId!)).toEqual({
      transaction_id: 'sms-trans-1',
      cluster_id: 'cluster-1',
    });
  });

  test.each([
    ['camelCase', { transaction: 'transactionId', cluster: 'clusterId', conversation: 'conversationId' }],
    [
      'the node labels',
      { transaction: 'Transaction ID', cluster: 'Cluster ID', conversation: 'Conversation ID' },
    ],
    [
      'upper snake case',
      { transaction: 'TRANSACTION_ID', cluster: 'CLUSTER_ID', conversation: 'CONVERSATION_ID' },
    ],
  ])('Transaction ID and Cluster ID sent under %s name the configured attributes', async (_how, names) => {
    const { sim, base } = await setup();
    const result = await runStartNode(base, await authenticate(base), { ...MESSENGER, names });
    expect(result.outcome).toBe('onStartConversationSuccess');
    expect(await stored(sim, result.conversationId!)).toEqual({
      transaction_id: 'messenger-trans-1',
      cluster_id: 'cluster-1',
    });
  });

  test('a Conversation ID attribute with a value is no configured attribute and answers Bad Request', async () => {
    const { base } = await setup();
    const result = await runStartNode(base, await authenticate(base), { ...SMS, conversationId: 'c-1' });
    expect(result).toMatchObject({ outcome: 'Bad Request', code: '400-108' });
  });
});
