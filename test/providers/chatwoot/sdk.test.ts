// Drives the simulator over a real socket with the published npm client @figuro/chatwoot-sdk (1.1.17),
// which sends `api_access_token` (and a Bearer header Chatwoot ignores) and posts messages as multipart.
import * as sdk from '@figuro/chatwoot-sdk';
import { describe, expect, test } from 'vitest';
import { startReceiver } from '../../support/receiver.ts';
import { createChatwootSim, TOKEN } from './helpers.ts';

type Client = InstanceType<typeof sdk.default.default>;
const ChatwootClient = ((sdk as unknown as { default: { default?: unknown } }).default.default ??
  (sdk as unknown as { default: unknown }).default) as new (args: {
  config: Record<string, unknown>;
}) => Client;

function createClient(basePath: string, token = TOKEN): Client {
  return new ChatwootClient({ config: { basePath, with_credentials: false, credentials: 'omit', token } });
}

describe('chatwoot with the @figuro/chatwoot-sdk client', () => {
  test('the published client creates a contact, a conversation and a message, toggles the status and registers a webhook', async () => {
    const receiver = await startReceiver();
    const sim = await createChatwootSim();
    try {
      const { url } = await sim.listen(0);
      const client = createClient(url);

      const hook = (await client.webhooks.create({
        accountId: 1,
        data: {
          url: `${receiver.url}/cw`,
          subscriptions: ['conversation_created', 'message_created', 'conversation_status_changed'],
        },
      })) as unknown as { payload: { webhook: { id: number; secret: string; subscriptions: string[] } } };
      expect(hook.payload.webhook).toMatchObject({ id: 1, account_id: 1, url: `${receiver.url}/cw` });
      expect(hook.payload.webhook.secret).toEqual(expect.any(String));

      const contact = (await client.contacts.create({
        accountId: 1,
        data: { inbox_id: 1, name: 'Sdk Person', email: 'sdk@person.test' },
      })) as unknown as { payload: { contact: { id: number }; contact_inbox: { source_id: string } } };
      expect(contact.payload.contact.id).toBe(2);
      const sourceId = contact.payload.contact_inbox.source_id;

      const conv = await client.conversations.create({
        accountId: 1,
        data: { source_id: sourceId, inbox_id: '1', contact_id: String(contact.payload.contact.id) },
      });
      expect(conv).toMatchObject({ id: 1, account_id: 1, inbox_id: 1 });

      const message = await client.messages.create({
        accountId: 1,
        conversationId: conv.id!,
        data: {
          content: 'Hello from the SDK',
          message_type: 'outgoing',
          private: false,
          content_attributes: { origin: 'sdk' },
          attachments: [{ content: 'aGVsbG8=', encoding: 'base64', filename: 'hello.txt' }],
        },
      });
      expect(message).toMatchObject({
        content: 'Hello from the SDK',
        message_type: 1,
        private: false,
        content_attributes: { origin: 'sdk' },
        conversation_id: 1,
      });
      expect(
        (message as unknown as { attachments: Array<{ file_name: string }> }).attachments[0]!.file_name,
      ).toBe('hello.txt');

      const toggled = await client.conversations.toggleStatus({
        accountId: 1,
        conversationId: conv.id!,
        data: { status: 'resolved' },
      });
      expect(toggled.payload).toMatchObject({
        success: true,
        current_status: 'resolved',
        conversation_id: 1,
      });

      const shown = await client.conversations.get({ accountId: 1, conversationId: conv.id! });
      expect(shown).toMatchObject({ id: 1, status: 'resolved' });

      await sim.control.idle();
      expect(receiver.requests.map((r) => (r.json as { event: string }).event)).toEqual([
        'conversation_created',
        'message_created',
        'conversation_status_changed',
      ]);
      const journal = sim.control.requests({ provider: 'chatwoot', method: 'POST' });
      expect(journal.every((e) => e.requestHeaders.api_access_token === TOKEN)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  test('the published client surfaces 401 and 404 as ApiError with Chatwoot bodies', async () => {
    const sim = await createChatwootSim();
    const { url } = await sim.listen(0);
    await expect(createClient(url, 'bad-token').inboxes.list({ accountId: 1 })).rejects.toMatchObject({
      status: 401,
      body: { error: 'Invalid Access Token' },
    });
    await expect(
      createClient(url).conversations.get({ accountId: 1, conversationId: 999 }),
    ).rejects.toMatchObject({
      status: 404,
      body: { error: 'Resource could not be found' },
    });
  });
});
