// Reference 2.4 (sendmessage and its Webex Connect error semantics) and 2.5 (ending: a simulator extension).
import { describe, expect, test } from 'vitest';
import {
  BASE,
  createEceSim,
  eceAdmin,
  getToken,
  LAST_MODIFIED,
  sendMessage,
  settle,
  startOk,
  wsError,
} from './helpers.ts';

const SECOND_APP = {
  ece: {
    clientApplications: [
      {
        key: 'ece-chat2-key',
        secret: 'ece-chat2-secret',
        type: 'chat',
        entryPoints: [1001],
        callback: { url: 'http://two.test/cb' },
      },
    ],
  },
};

async function ongoing(options: Parameters<typeof createEceSim>[0] = {}) {
  const env = await createEceSim(options);
  const token = await getToken(env.sim);
  const conversation = await startOk(env.sim, { token });
  await settle(env.sim);
  return { ...env, token, conversation };
}

type Transcript = {
  conversation: {
    status: string;
    transcript: Array<{ direction: string; kind: string; content: string | null; attachments: unknown[] }>;
  };
};

async function transcript(sim: Awaited<ReturnType<typeof createEceSim>>['sim'], id: string) {
  return ((await (await eceAdmin(sim, 'GET', `/conversations/${id}`)).json()) as Transcript).conversation;
}

describe('sendmessage', () => {
  test('sendmessage text/plain is added to the conversation and answered with the message', async () => {
    const { sim, token, conversation } = await ongoing();
    const res = await sendMessage(sim, token, {
      conversation: { id: conversation.id },
      type: { value: 'text/plain' },
      content: 'Hello',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      conversation: { id: conversation.id },
      type: { value: 'text/plain' },
      content: 'Hello',
    });
    const stored = await transcript(sim, conversation.id);
    expect(stored.transcript.at(-1)).toMatchObject({
      direction: 'fromClient',
      kind: 'text/plain',
      content: 'Hello',
    });
  });

  test('sendmessage text/html is accepted', async () => {
    const { sim, token, conversation } = await ongoing();
    const res = await sendMessage(sim, token, {
      conversation: { id: conversation.id },
      type: { value: 'text/html' },
      content: '<b>Hi</b>',
    });
    expect(res.status).toBe(200);
  });

  test('sendmessage accepts an XML body and answers in XML', async () => {
    const { sim, token, conversation } = await ongoing();
    const xml = `<message><conversation><id>${conversation.id}</id></conversation><type><value>text/plain</value></type><content>Hi from XML</content></message>`;
    const res = await sendMessage(sim, token, xml, {
      'content-type': 'application/xml',
      accept: 'application/xml',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<content>Hi from XML</content>');
  });

  test('sendmessage uploadAttachment takes attachment metadata', async () => {
    const { sim, token, conversation } = await ongoing();
    const res = await sendMessage(sim, token, {
      conversation: { id: conversation.id },
      type: { value: 'uploadAttachment' },
      attachments: {
        attachment: [
          {
            fileName: 'attachment.jpeg',
            contentType: 'image/jpeg',
            size: '32',
            contentUrl: 'https://cdn.example.com/a.jpeg',
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      attachments: { attachment: [{ id: '1', fileName: 'attachment.jpeg' }] },
    });
  });

  test('sendmessage uploadAttachment takes a multipart/form-data file', async () => {
    const { sim, token, conversation } = await ongoing();
    const form = new FormData();
    form.set(
      'request',
      JSON.stringify({ conversation: { id: conversation.id }, type: { value: 'uploadAttachment' } }),
    );
    form.set('file', new File(['hello'], 'note.txt', { type: 'text/plain' }));
    const res = await sim.app.request(`${BASE}/messaging/sendmessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      body: form,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      attachments: { attachment: [{ fileName: 'note.txt', contentType: 'text/plain', size: '5' }] },
    });
  });

  test('sendmessage acceptAttachment must name an attachment the agent uploaded', async () => {
    const { sim, token, conversation } = await ongoing();
    const accept = (id: string) =>
      sendMessage(sim, token, {
        conversation: { id: conversation.id },
        type: { value: 'acceptAttachment' },
        attachments: { attachment: [{ id }] },
      });
    expect(await wsError(await accept('99'))).toMatchObject({ status: 400, code: '400-107' });
    await sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'agent.attachment.upload',
      args: { fileName: 'form.pdf' },
    });
    expect((await accept('1')).status).toBe(200);
  });

  test('sendmessage without a Bearer token answers 401', async () => {
    const { sim, conversation } = await ongoing();
    const res = await sim.app.request(`${BASE}/messaging/sendmessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        conversation: { id: conversation.id },
        type: { value: 'text/plain' },
        content: 'x',
      }),
    });
    expect(await wsError(res)).toMatchObject({ status: 401, code: '401-101' });
  });

  test('sendmessage with a session that is not a client application session answers 401', async () => {
    const { sim, conversation } = await ongoing();
    const res = await sendMessage(sim, 'ece-user-session-token', {
      conversation: { id: conversation.id },
      type: { value: 'text/plain' },
      content: 'x',
    });
    expect(await wsError(res)).toMatchObject({ status: 401, code: '401-104' });
  });

  test('sendmessage on a conversation not started by this client application answers 403', async () => {
    const { sim, conversation } = await ongoing({ fixtures: SECOND_APP });
    const other = await getToken(sim, 'ece-chat2-key', 'ece-chat2-secret');
    const res = await sendMessage(sim, other, {
      conversation: { id: conversation.id },
      type: { value: 'text/plain' },
      content: 'x',
    });
    expect(await wsError(res)).toMatchObject({ status: 403, code: '403-103' });
  });

  test('sendmessage to a conversation that does not exist answers 400', async () => {
    const { sim, token } = await ongoing();
    const res = await sendMessage(sim, token, {
      conversation: { id: 'nope' },
      type: { value: 'text/plain' },
      content: 'x',
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-118' });
  });

  test('sendmessage to a completed conversation answers 409', async () => {
    const { sim, token, conversation } = await ongoing();
    await sim.control.act({ provider: 'ece', conversationId: conversation.id, action: 'agent.complete' });
    const res = await sendMessage(sim, token, {
      conversation: { id: conversation.id },
      type: { value: 'text/plain' },
      content: 'x',
    });
    expect(await wsError(res)).toMatchObject({ status: 409, code: '409-102' });
  });

  test('sendmessage with a stale lastModified.date answers 409', async () => {
    const { sim, token, conversation } = await ongoing();
    const body = (date: string) => ({
      conversation: { id: conversation.id },
      type: { value: 'text/plain' },
      content: 'x',
      entryPointConfiguration: { lastModified: { date } },
    });
    expect((await sendMessage(sim, token, body(LAST_MODIFIED))).status).toBe(200);
    expect(await wsError(await sendMessage(sim, token, body('2001-01-01')))).toMatchObject({
      status: 409,
      code: '409-101',
    });
  });

  test('sendmessage with malformed JSON answers 400', async () => {
    const { sim, token } = await ongoing();
    const res = await sendMessage(sim, token, '{"conversation": {"id": Illegal unquoted}');
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-105' });
  });

  test('sendmessage without conversation.id, type.value or content answers 400', async () => {
    const { sim, token, conversation } = await ongoing();
    for (const body of [
      { type: { value: 'text/plain' }, content: 'x' },
      { conversation: { id: conversation.id }, content: 'x' },
      { conversation: { id: conversation.id }, type: { value: 'text/plain' } },
    ]) {
      expect(await wsError(await sendMessage(sim, token, body))).toMatchObject({
        status: 400,
        code: '400-106',
      });
    }
  });

  test('sendmessage with an unknown type.value answers 400', async () => {
    const { sim, token, conversation } = await ongoing();
    const res = await sendMessage(sim, token, {
      conversation: { id: conversation.id },
      type: { value: 'sticker' },
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-107' });
  });

  test('sendmessage with a query parameter answers 400', async () => {
    const { sim, token, conversation } = await ongoing();
    const res = await sim.app.request(`${BASE}/messaging/sendmessage?x=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        conversation: { id: conversation.id },
        type: { value: 'text/plain' },
        content: 'x',
      }),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-102' });
  });

  test('customer typing notifications are recorded in the conversation', async () => {
    const { sim, token, conversation } = await ongoing();
    for (const value of ['startTyping', 'endTyping']) {
      expect(
        (await sendMessage(sim, token, { conversation: { id: conversation.id }, type: { value } })).status,
      ).toBe(200);
    }
    const stored = await transcript(sim, conversation.id);
    expect(stored.transcript.slice(-2).map((e) => e.kind)).toEqual(['startTyping', 'endTyping']);
  });

  test('the customer ending the conversation posts complete once and frees the agent', async () => {
    const { sim, token, conversation, messages } = await ongoing();
    const res = await sendMessage(sim, token, {
      conversation: { id: conversation.id },
      type: { value: 'complete' },
    });
    expect(res.status).toBe(200);
    await sim.control.idle();
    expect(messages().map((m) => m.type.value)).toEqual(['assigned', 'complete']);
    expect(messages().at(-1)).toMatchObject({
      content: 'Customer has ended the chat',
      sender: { type: 'system' },
    });
    expect((await transcript(sim, conversation.id)).status).toBe('completed');
  });

  test('customer.leave ends the conversation like sendmessage complete', async () => {
    const { sim, conversation, messages } = await ongoing();
    await sim.control.act({ provider: 'ece', conversationId: conversation.id, action: 'customer.leave' });
    await sim.control.idle();
    expect(messages().map((m) => m.type.value)).toEqual(['assigned', 'complete']);
  });

  test('customer.say and customer.typing record what the customer sends', async () => {
    const { sim, conversation } = await ongoing();
    await sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'customer.typing',
      args: { typing: true },
    });
    await sim.control.act({
      provider: 'ece',
      conversationId: conversation.id,
      action: 'customer.say',
      args: { text: 'Where is my order?' },
    });
    const stored = await transcript(sim, conversation.id);
    expect(stored.transcript.slice(-2)).toEqual([
      expect.objectContaining({ direction: 'fromClient', kind: 'startTyping' }),
      expect.objectContaining({ direction: 'fromClient', kind: 'text/plain', content: 'Where is my order?' }),
    ]);
  });
});
