// Reference 2.6 (callback kinds) and seed 002 (the asynchronous ECE events): every agent action from the control API.
import { describe, expect, test } from 'vitest';
import { eceProvider } from '../../../src/providers/ece/index.ts';
import { admin } from '../../support/requests.ts';
import { createEceSim, settle, startOk } from './helpers.ts';

async function assignedConversation(options: Parameters<typeof createEceSim>[0] = {}) {
  const env = await createEceSim(options);
  const conversation = await startOk(env.sim, { query: 'anonymousCustomer=yes&sendTypingNotification=yes' });
  await settle(env.sim);
  const act = async (action: string, args?: unknown) => {
    const result = await env.sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action,
      args,
    });
    await env.sim.control.idle();
    return result;
  };
  return { ...env, conversation, act, last: () => env.messages().at(-1) };
}

describe('agent actions', () => {
  test('with default fixtures an available agent is assigned automatically after one second', async () => {
    const { sim, messages } = await createEceSim();
    const conversation = await startOk(sim);
    await settle(sim, '999ms');
    expect(messages()).toEqual([]);
    await settle(sim, '1ms');
    expect(messages()).toEqual([
      expect.objectContaining({
        conversation: { id: conversation.id },
        type: { value: 'assigned' },
        content: 'Alice has joined the chat',
        sender: { type: 'user', user: { id: '1', name: 'alice', screenName: 'Alice' } },
      }),
    ]);
  });

  test('with autoAssign off agent.join assigns the chat', async () => {
    const { sim, messages } = await createEceSim({
      providerOptions: { ece: { callbackUrl: 'http://callback.test/ece', autoAssign: false } },
    });
    const conversation = await startOk(sim);
    await settle(sim, '1m');
    expect(messages()).toEqual([]);
    await sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'agent.join',
      args: { agentId: '2' },
    });
    await sim.control.idle();
    expect(messages()[0]).toMatchObject({ type: { value: 'assigned' }, sender: { user: { id: '2' } } });
  });

  test('agent.say posts text/plain', async () => {
    const { act, last } = await assignedConversation();
    await act('agent.say', { text: 'Hi' });
    expect(last()).toMatchObject({ type: { value: 'text/plain' }, content: 'Hi' });
  });

  test('agent.say with contentType text/html posts text/html', async () => {
    const { act, last } = await assignedConversation();
    await act('agent.say', { text: '<b>Hi</b>', contentType: 'text/html' });
    expect(last()).toMatchObject({ type: { value: 'text/html' }, content: '<b>Hi</b>' });
  });

  test('agent.typing posts startTyping and endTyping', async () => {
    const { act, messages } = await assignedConversation();
    await act('agent.typing', { typing: true });
    await act('agent.typing', { typing: false });
    expect(messages().map((m) => m.type.value)).toEqual(['assigned', 'startTyping', 'endTyping']);
  });

  test('agent.pagePush posts pagePush with the URL', async () => {
    const { act, last } = await assignedConversation();
    await act('agent.pagePush', { url: 'https://shop.example.com/help' });
    expect(last()).toMatchObject({ type: { value: 'pagePush' }, content: 'https://shop.example.com/help' });
  });

  test('agent.transfer to an agent posts transfer then assigned by the new agent', async () => {
    const { act, messages } = await assignedConversation();
    await act('agent.transfer', { agentId: '2' });
    expect(messages().slice(-2)).toEqual([
      expect.objectContaining({
        type: { value: 'transfer' },
        content: 'Chat transferred to Bob',
        sender: expect.objectContaining({ user: expect.objectContaining({ id: '1' }) }),
      }),
      expect.objectContaining({
        type: { value: 'assigned' },
        sender: expect.objectContaining({ user: expect.objectContaining({ id: '2' }) }),
      }),
    ]);
  });

  test('agent.transfer to a queue posts transfer and the chat is assigned again from that queue', async () => {
    const { sim, act, messages } = await assignedConversation();
    await act('agent.transfer', { queueId: 'q-support' });
    expect(messages().at(-1)).toMatchObject({
      type: { value: 'transfer' },
      content: 'Chat transferred to queue q-support',
    });
    await settle(sim);
    expect(messages().at(-1)).toMatchObject({ type: { value: 'assigned' }, sender: { user: { id: '1' } } });
  });

  test('agent.attachment.upload posts uploadAttachment with the attachment', async () => {
    const { act, last } = await assignedConversation();
    await act('agent.attachment.upload', {
      fileName: 'invoice.pdf',
      contentType: 'application/pdf',
      size: 2048,
    });
    expect(last()).toMatchObject({
      type: { value: 'uploadAttachment' },
      attachments: {
        attachment: [{ id: '1', fileName: 'invoice.pdf', contentType: 'application/pdf', size: '2048' }],
      },
    });
  });

  test('agent.attachment.accept and reject post acceptAttachment and rejectAttachment for customer uploads', async () => {
    const { act, messages } = await assignedConversation();
    const uploaded = (await act('customer.attachment.upload', {
      fileName: 'photo.jpg',
      contentType: 'image/jpeg',
    })) as {
      attachmentIds: string[];
    };
    await act('agent.attachment.accept', { attachmentId: uploaded.attachmentIds[0] });
    await act('agent.attachment.reject', {});
    expect(messages().slice(-2)).toEqual([
      expect.objectContaining({
        type: { value: 'acceptAttachment' },
        attachments: { attachment: [expect.objectContaining({ fileName: 'photo.jpg' })] },
      }),
      expect.objectContaining({ type: { value: 'rejectAttachment' } }),
    ]);
  });

  test('agent.attachment.accept without a customer upload is refused', async () => {
    const { act } = await assignedConversation();
    await expect(act('agent.attachment.accept', {})).rejects.toThrow(/no such attachment/);
  });

  test('agent.complete posts complete and frees the agent', async () => {
    const { sim, act, last } = await assignedConversation();
    await act('agent.complete');
    expect(last()).toMatchObject({ type: { value: 'complete' }, sender: { type: 'system' } });
    expect(sim.control.conversations({ provider: 'ece' })[0]).toMatchObject({ status: 'completed' });
  });

  test('agent actions on a waiting chat are refused', async () => {
    const { sim } = await createEceSim();
    const conversation = await startOk(sim);
    await expect(
      sim.control.act({
        provider: 'ece',
        conversationId: conversation.id,
        action: 'agent.say',
        args: { text: 'x' },
      }),
    ).rejects.toThrow(/waiting in the queue/);
  });

  test('agent actions are callable through the admin HTTP API', async () => {
    const { sim, conversation, last } = await assignedConversation();
    const res = await admin(sim, 'POST', `/conversations/ece/${conversation.id}/actions`, {
      action: 'agent.pagePush',
      args: { url: 'https://example.com/faq' },
    });
    expect(res.status).toBe(200);
    await sim.control.idle();
    expect(last()).toMatchObject({ type: { value: 'pagePush' } });
    const bad = await admin(sim, 'POST', `/conversations/ece/${conversation.id}/actions`, {
      action: 'agent.pagePush',
      args: { url: 'not a url' },
    });
    expect(bad.status).toBe(400);
  });

  test('the ECE actions are listed with the neutral verbs', async () => {
    const { sim } = await createEceSim();
    const names = sim.control.actions('ece').map((a) => a.action);
    expect(names).toEqual(
      expect.arrayContaining([
        'agent.join',
        'agent.say',
        'agent.typing',
        'agent.pagePush',
        'agent.transfer',
        'agent.attachment.upload',
        'agent.attachment.accept',
        'agent.attachment.reject',
        'agent.complete',
        'customer.say',
        'customer.typing',
        'customer.leave',
      ]),
    );
  });
});

test('a chat waiting when the simulator stops is assigned after a restart from the same store file', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'convosim-ece-'));
  try {
    const store = path.join(dir, 'store.json');
    const first = await createEceSim({ store });
    const conversation = await startOk(first.sim);
    await first.sim.close();
    const second = await createEceSim({ store });
    await settle(second.sim);
    expect(second.messages()).toEqual([
      expect.objectContaining({ conversation: { id: conversation.id }, type: { value: 'assigned' } }),
    ]);
    await second.sim.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('raw.event posts its body to the callback URL as is', async () => {
  const { sim, sent } = await createEceSim();
  const conversation = await startOk(sim);
  const body = { message: [{ conversation: { id: conversation.id }, type: { value: 'chatStarted' } }] };
  await sim.control.act({
    provider: 'ece',
    conversationId: conversation.id,
    action: 'raw.event',
    args: { type: 'chatStarted', body },
  });
  await sim.control.idle();
  expect(sent.map((s) => s.json)).toEqual([body]);
  expect(sim.control.deliveries({ provider: 'ece', type: 'chatStarted' })).toHaveLength(1);
});

test('scenario-style string arguments name the page push URL and the attachment file name', async () => {
  const { sim, messages } = await createEceSim();
  const conversation = await startOk(sim);
  await settle(sim);
  const act = (action: string, text: string) =>
    sim.control.act({ provider: 'ece', conversationId: conversation.id, action, args: { text } });
  await act('agent.pagePush', 'https://example.com/a');
  await act('agent.attachment.upload', 'terms.pdf');
  await sim.control.idle();
  expect(messages().slice(1)).toEqual([
    expect.objectContaining({ type: { value: 'pagePush' }, content: 'https://example.com/a' }),
    expect.objectContaining({ type: { value: 'uploadAttachment' }, content: 'terms.pdf' }),
  ]);
});

test('agent.join reads a numeric agentId as the agent id string', async () => {
  const { sim, messages } = await createEceSim({
    providerOptions: { ece: { callbackUrl: 'http://callback.test/ece', autoAssign: false } },
  });
  const conversation = await startOk(sim);
  await sim.control.act({
    provider: 'ece',
    conversationId: conversation.id,
    action: 'agent.join',
    args: { agentId: 2 },
  });
  await sim.control.idle();
  expect(messages()[0]).toMatchObject({ type: { value: 'assigned' }, sender: { user: { id: '2' } } });
});

test('agent.transfer reads a numeric agentId as the agent id string', async () => {
  const { sim, messages } = await createEceSim();
  const conversation = await startOk(sim);
  await settle(sim);
  await sim.control.act({
    provider: 'ece',
    conversationId: conversation.id,
    action: 'agent.transfer',
    args: { agentId: 2 },
  });
  await sim.control.idle();
  expect(messages().at(-1)).toMatchObject({ type: { value: 'assigned' }, sender: { user: { id: '2' } } });
});

test('raw.event sends the callback authorization and adds args.headers', async () => {
  const { sim, sent } = await createEceSim();
  const conversation = await startOk(sim);
  await admin(sim, 'PUT', '/providers/ece/client-applications/ece-chat-key/callback', {
    auth: { type: 'bearer', token: 'sut-token' },
  });
  await sim.control.act({
    provider: 'ece',
    conversationId: conversation.id,
    action: 'raw.event',
    args: { type: 'custom', body: 'not even JSON', headers: { 'x-test': 'yes' } },
  });
  await sim.control.idle();
  const raw = sent.find((s) => s.body === 'not even JSON');
  expect(raw?.headers).toMatchObject({ authorization: 'Bearer sut-token', 'x-test': 'yes' });
});

test('raw.event on an unknown conversation answers 409 with the reason', async () => {
  const { sim } = await createEceSim();
  await expect(
    sim.control.act({
      provider: 'ece',
      conversationId: 'nope',
      action: 'raw.event',
      args: { type: 'custom', body: {} },
    }),
  ).rejects.toMatchObject({
    status: 409,
    message: expect.stringMatching(/Conversation "nope" does not exist/),
  });
});

test('raw.event without a body is refused with 400', async () => {
  const { sim } = await createEceSim();
  const conversation = await startOk(sim);
  await expect(
    sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'raw.event',
      args: { type: 'x' },
    }),
  ).rejects.toMatchObject({ status: 400 });
});

test('raw.event to an XML client application posts an object body as XML under messages', async () => {
  const { sim, sent } = await createEceSim();
  const conversation = await startOk(sim);
  await sim.control.admin('ece', 'clientApplications.setCallback', { key: 'ece-chat-key', format: 'xml' });
  const result = await sim.control.act({
    provider: 'ece',
    conversationId: conversation.id,
    action: 'raw.event',
    args: { type: 'custom', body: { message: { id: '7', content: 'a < b' } } },
  });
  await sim.control.idle();
  expect(result).toMatchObject({ conversationId: conversation.id, eventIds: [expect.any(String)] });
  expect(sent).toHaveLength(1);
  expect(sent[0]!.headers['content-type']).toMatch(/^application\/xml/);
  expect(sent[0]!.body).toContain(
    '<messages><message><id>7</id><content>a &lt; b</content></message></messages>',
  );
});

test('raw.event fails with 409 when the client application has no callback URL', async () => {
  const { sim } = await createEceSim();
  const conversation = await startOk(sim);
  await sim.control.admin('ece', 'clientApplications.setCallback', { key: 'ece-chat-key', url: null });
  await expect(
    sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'raw.event',
      args: { type: 'custom', body: {} },
    }),
  ).rejects.toMatchObject({
    status: 409,
    message: expect.stringMatching(/The client application has no callback URL/),
  });
});

test('raw.event deliveries count toward the deactivation of a failing callback URL', async () => {
  const { sim, respondWith } = await createEceSim({
    providerOptions: { ece: { callbackUrl: 'http://callback.test/ece', deactivateAfterFailures: 1 } },
  });
  const conversation = await startOk(sim);
  respondWith(500);
  await sim.control.act({
    provider: 'ece',
    conversationId: conversation.id,
    action: 'raw.event',
    args: { type: 'custom', body: {} },
  });
  await settle(sim, '10s');
  expect(sim.control.state('ece')).toMatchObject({
    clientApplications: { 'ece-chat-key': { callback: { active: false, consecutiveFailures: 1 } } },
  });
});

test('the ECE actions of neutral verbs are built as neutral actions, ECE-only verbs are not', () => {
  const actions = eceProvider.actions ?? {};
  const neutral = Object.entries(actions)
    .filter(([, action]) => action.neutral !== undefined)
    .map(([name, action]) => [name, action.neutral]);
  expect(neutral).toEqual(
    [
      'agent.join',
      'agent.say',
      'agent.typing',
      'agent.transfer',
      'agent.complete',
      'customer.say',
      'customer.typing',
      'customer.leave',
    ].map((verb) => [verb, verb]),
  );
  expect(actions['raw.event']).toBeUndefined();
});

test("customer.say takes the neutral text plus ECE's contentType, and refuses other arguments", async () => {
  const { sim } = await createEceSim();
  const conversation = await startOk(sim);
  const say = (args: unknown) =>
    sim.control.act({ provider: 'ece', conversationId: conversation.id, action: 'customer.say', args });
  await say({ text: '<b>Hi</b>', contentType: 'text/html' });
  const stored = (await sim.control.admin('ece', 'conversations.get', { id: conversation.id })) as {
    conversation: { transcript: Array<{ kind: string; content: string }> };
  };
  expect(stored.conversation.transcript.at(-1)).toMatchObject({ kind: 'text/html', content: '<b>Hi</b>' });
  await expect(say({ text: 'Hi', private: true })).rejects.toMatchObject({ status: 400 });
  await expect(say({ contentType: 'text/plain' })).rejects.toMatchObject({ status: 400 });
});
