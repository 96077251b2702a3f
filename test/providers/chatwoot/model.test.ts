import { describe, expect, test } from 'vitest';
import { chatwootFixturesSchema, createChatwootState } from '../../../src/providers/chatwoot/fixtures.ts';
import type { ChatwootState } from '../../../src/providers/chatwoot/model.ts';
import {
  applyCreateConversation,
  applyCreateMessage,
  applyStatusChange,
} from '../../../src/providers/chatwoot/model-conversations.ts';
import { applyMessageFailure } from '../../../src/providers/chatwoot/model-messages.ts';
import type { Outcome } from '../../../src/providers/chatwoot/model-outcomes.ts';
import { applyCreateWebhook } from '../../../src/providers/chatwoot/model-resources.ts';
import type { Actor } from '../../../src/providers/chatwoot/rules.ts';
import { parseCreateConversation } from '../../../src/providers/chatwoot/rules-conversations.ts';

const API_INBOX_HOOK = 'http://sut.test/api-inbox';
const ACCOUNT_HOOK = 'http://sut.test/account';

/** Account 1 with an API inbox posting to API_INBOX_HOOK, a contact linked to it, and an administrator. */
function createState(): ChatwootState {
  return createChatwootState(
    chatwootFixturesSchema.parse({
      accounts: [{ id: 1, name: 'Acme' }],
      agents: [
        { id: 1, account_ids: [1], name: 'Al', email: 'al@a.test', role: 'administrator', access_token: 't' },
      ],
      inboxes: [
        {
          id: 1,
          account_id: 1,
          name: 'API',
          channel_type: 'Channel::Api',
          webhook_url: API_INBOX_HOOK,
          secret: 'inbox-secret',
        },
      ],
      contacts: [{ id: 1, account_id: 1, name: 'Jane' }],
      contact_inboxes: [{ id: 1, contact_id: 1, inbox_id: 1, source_id: 'jane' }],
    }),
    0,
    () => 'secret',
  );
}

/** The steps of an outcome as short strings: `event <type> -> <urls>`, `signal <type> <data>` or `wake <at>`. */
function describeOutcome(outcome: Outcome): string[] {
  return outcome.map((step) => {
    if ('signal' in step) return `signal ${step.signal.type} ${JSON.stringify(step.signal.data)}`;
    if ('wake' in step) return `wake ${step.wake.at}`;
    return `event ${step.event.type} -> ${step.event.destinations.map((d) => `${d.kind}:${d.url}`).join(' ')}`;
  });
}

/** Creates conversation 1:1 for the contact through the same plan `POST /conversations` runs. */
function createConversation(s: ChatwootState, message: Record<string, unknown> | null = null) {
  const admin: Actor = { kind: 'user', agent: s.agents['1']! };
  const plan = parseCreateConversation(
    { source_id: 'jane', ...(message ? { message } : {}) },
    s,
    1,
    admin,
    () => 'new-source',
  );
  if (!plan.ok) throw new Error('plan refused');
  return applyCreateConversation(
    s,
    { accountId: 1, plan: plan.value, sender: { type: 'User', id: 1 }, uuid: 'u-1' },
    1000,
  );
}

describe('chatwoot transitions', () => {
  test('creating a conversation with a message reports conversation_created, conversation.started, then message_created', () => {
    const s = createState();
    const created = createConversation(s, { content: 'hello' });
    expect(created.value).toEqual({ conversationId: 1, messageId: 1 });
    expect(describeOutcome(created.outcome)).toEqual([
      `event conversation_created -> api_inbox:${API_INBOX_HOOK}`,
      'signal conversation.started {"accountId":1,"displayId":1,"inboxId":1,"status":"open"}',
      `event message_created -> api_inbox:${API_INBOX_HOOK}`,
      // Message#dispatch_create_events: the first public reply of a user sets first_reply_created_at and clears
      // waiting_since with conversation.update, which conversation_updated reports.
      `event conversation_updated -> api_inbox:${API_INBOX_HOOK}`,
    ]);
  });

  test('an incoming message on a resolved conversation reports message_created, the reopening and the new message, in order', () => {
    const s = createState();
    createConversation(s);
    applyStatusChange(s, { conversationId: 1, status: 'resolved', snoozedUntil: null }, 2000);
    const message = {
      content: 'back',
      message_type: 'incoming' as const,
      content_type: 'text',
      content_attributes: {},
      private: false,
      source_id: null,
      echo_id: null,
      files: [],
    };
    const applied = applyCreateMessage(
      s,
      { conversationId: 1, message, sender: { type: 'Contact', id: 1 } },
      3000,
    );
    expect(s.conversations['1']!.status).toBe('open');
    expect(describeOutcome(applied.outcome)).toEqual([
      `event message_created -> api_inbox:${API_INBOX_HOOK}`,
      `event conversation_status_changed -> api_inbox:${API_INBOX_HOOK}`,
      'signal conversation.updated {"status":"open"}',
      `event conversation_updated -> api_inbox:${API_INBOX_HOOK}`,
      // Resolving cleared waiting_since; the incoming message sets it again (Message#update_waiting_since).
      `event conversation_updated -> api_inbox:${API_INBOX_HOOK}`,
      `signal conversation.updated {"messageId":${applied.value},"messageType":"incoming","content":"back"}`,
    ]);
  });

  test('an event goes to the account webhooks subscribed to its type before the API inbox webhook_url', () => {
    const s = createState();
    applyCreateWebhook(s, {
      accountId: 1,
      webhook: {
        url: ACCOUNT_HOOK,
        name: null,
        subscriptions: ['conversation_status_changed'],
        inbox_id: undefined,
      },
      secret: 'hook-secret',
    });
    createConversation(s);
    const applied = applyStatusChange(s, { conversationId: 1, status: 'resolved', snoozedUntil: null }, 2000);
    expect(describeOutcome(applied.outcome)).toEqual([
      `event conversation_status_changed -> account:${ACCOUNT_HOOK} api_inbox:${API_INBOX_HOOK}`,
      'signal conversation.ended {"status":"resolved"}',
      `event conversation_updated -> api_inbox:${API_INBOX_HOOK}`,
    ]);
    const [first] = applied.outcome;
    expect(first && 'event' in first ? first.event : null).toMatchObject({
      orderKey: 'conversation-1',
      conversationKey: '1:1',
      destinations: [
        { url: ACCOUNT_HOOK, secret: 'hook-secret', kind: 'account' },
        { url: API_INBOX_HOOK, secret: 'inbox-secret', kind: 'api_inbox' },
      ],
    });
  });

  test('a status change to the status a conversation already has changes nothing and reports nothing', () => {
    const s = createState();
    createConversation(s);
    const before = JSON.stringify(s);
    const applied = applyStatusChange(s, { conversationId: 1, status: 'open', snoozedUntil: null }, 2000);
    expect(applied.outcome).toEqual([]);
    expect(JSON.stringify(s)).toBe(before);
  });

  test('marking a message failed reports message_updated once, then nothing', () => {
    const s = createState();
    createConversation(s, { content: 'hello' });
    const first = applyMessageFailure(s, { messageId: 1 }, 2000);
    expect(s.messages['1']!.status).toBe('failed');
    expect(describeOutcome(first.outcome)).toEqual([`event message_updated -> api_inbox:${API_INBOX_HOOK}`]);
    expect(applyMessageFailure(s, { messageId: 1 }, 3000).outcome).toEqual([]);
  });
});
