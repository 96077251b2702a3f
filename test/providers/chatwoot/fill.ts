// Many contacts, each with a conversation and messages, written through the provider's own transitions in one
// update (filling through HTTP would take a minute): the stores of the scale tests.
import { type ChatwootState, getConversation } from '../../../src/providers/chatwoot/model.ts';
import { applyConversation } from '../../../src/providers/chatwoot/model-conversations.ts';
import { applyMessage, type NewMessage } from '../../../src/providers/chatwoot/model-messages.ts';
import { applyContact, applyContactInbox } from '../../../src/providers/chatwoot/model-resources.ts';

/** What varies between fills; `i` counts from 1. */
export type FillPlan = {
  count: number;
  /** The inbox of contact `i`'s conversation (default 1). */
  inboxOf?(i: number): number;
  /** The custom attributes of contact `i` and of its conversation (default none). */
  attributesOf?(i: number): Record<string, unknown>;
  /** The messages of conversation `i` (default none). */
  messagesOf?(i: number, contactId: number): NewMessage[];
};

/** A text message without attachments. */
export function textMessage(content: string, type: 'incoming' | 'outgoing', senderId: number): NewMessage {
  return {
    content,
    message_type: type,
    content_type: 'text',
    content_attributes: {},
    private: false,
    source_id: null,
    echo_id: null,
    sender_type: type === 'incoming' ? 'Contact' : 'User',
    sender_id: senderId,
    attachments: [],
  };
}

/**
 * Writes `plan.count` contacts (`person<i>@fill.test`, identifier and source id `fill-<i>`), each with a
 * conversation (uuid `uuid-<i>`; every third resolved, every second assigned to agent 2) and its messages.
 * Answers the id of the last conversation.
 */
export function fillConversations(s: ChatwootState, now: number, plan: FillPlan): number {
  let last = 0;
  for (let i = 1; i <= plan.count; i++) {
    const attributes = plan.attributesOf?.(i) ?? {};
    const inbox = plan.inboxOf?.(i) ?? 1;
    const contactId = applyContact(
      s,
      {
        account_id: 1,
        name: `Person ${i}`,
        email: `person${i}@fill.test`,
        phone_number: null,
        identifier: `fill-${i}`,
        additional_attributes: {},
        custom_attributes: { ...attributes },
      },
      now,
    );
    const contactInboxId = applyContactInbox(
      s,
      { contact_id: contactId, inbox_id: inbox, source_id: `fill-${i}` },
      now,
    );
    last = applyConversation(
      s,
      {
        account_id: 1,
        inbox_id: inbox,
        contact_id: contactId,
        contact_inbox_id: contactInboxId,
        uuid: `uuid-${i}`,
        status: i % 3 === 0 ? 'resolved' : 'open',
        assignee_id: i % 2 === 0 ? 2 : null,
        team_id: null,
        additional_attributes: {},
        custom_attributes: { ...attributes },
        snoozed_until: null,
      },
      now,
    );
    for (const message of plan.messagesOf?.(i, contactId) ?? []) {
      applyMessage(s, getConversation(s, last)!, message, now);
    }
  }
  return last;
}
