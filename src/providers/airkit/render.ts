import { toIso } from '../../clock.ts';
import { getOwn } from '../../own.ts';
import type { ConversationPage, ListedConversation } from '../../provider/index.ts';
import { slicePagedIdsAfter } from '../../provider/index.ts';
import {
  type AirkitConversation,
  type AirkitMessage,
  type AirkitState,
  type CustomerDestination,
  getConversation,
  listMessageIds,
  type Resource,
} from './model.ts';

/** Epoch ms to ISO 8601. */

/** The Customer Destination as the API shows it: `{type, value}`. */
export function renderDestination(d: CustomerDestination): { type: 'Text' | 'Phone'; value: string } {
  return d.type === 'Text' ? { type: 'Text', value: d.sessionId } : { type: 'Phone', value: d.phoneNumber };
}

/** A conversation body. */
export function renderConversation(c: AirkitConversation): Record<string, unknown> {
  return {
    id: c.id,
    conversationHubChannelResource: c.resourceId,
    conversationHubId: c.hubId,
    channel: c.channel,
    customerDestination: renderDestination(c.customerDestination),
    customerIdentifier: c.customerIdentifier,
    managedByThirdPartySystem: c.managedByThirdPartySystem,
    status: c.status,
    endedBy: c.endedBy,
    createdAt: toIso(c.createdAt),
    updatedAt: toIso(c.updatedAt),
  };
}

/** A message body. */
export function renderMessage(m: AirkitMessage): Record<string, unknown> {
  return {
    id: m.id,
    conversationId: m.conversationId,
    sender: m.sender,
    text: m.text,
    sentAt: toIso(m.sentAt),
    delivered: m.delivered,
  };
}

/** A Conversation Hub channel resource as the admin API shows it (the secret included: it is a test tool). */
export function renderResource(r: Resource): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    hubId: r.hubId,
    channel: r.channel,
    webhookUrl: r.webhookUrl,
    secret: r.secret,
  };
}

/** What the simulated end user of a conversation received and sent (admin transcript). */
export function renderTranscript(s: AirkitState, conv: AirkitConversation): Record<string, unknown> {
  // One conversation's messages: what the answer shows, whatever else the store holds.
  const messages = listMessageIds(s, conv.id).map((m) => getOwn(s.messages, m)!);
  return {
    conversationId: conv.id,
    endUser: renderDestination(conv.customerDestination),
    status: conv.status,
    received: messages.filter((m) => m.sender === 'third-party' && m.delivered).map((m) => m.text),
    sent: messages.filter((m) => m.sender === 'customer').map((m) => m.text),
  };
}

/** One page of the cross-provider conversation listing, in start order, after `page.after` (none when not held). */
export function renderSummaries(s: AirkitState, page: ConversationPage): ListedConversation[] {
  return slicePagedIdsAfter(s.index.conversations, page.after, page.limit).map((id) => {
    const c = getConversation(s, id)!;
    return {
      id: c.id,
      status: c.status,
      createdAt: c.createdAt,
      participants: [
        c.customerDestination.type === 'Text'
          ? `session:${c.customerDestination.sessionId}`
          : `phone:${c.customerDestination.phoneNumber}`,
        ...(c.managedByThirdPartySystem ? [`third-party:${c.resourceId}`] : []),
      ],
      detail: { resourceId: c.resourceId, hubId: c.hubId, customerIdentifier: c.customerIdentifier },
    };
  });
}
