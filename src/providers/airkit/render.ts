import type { AirkitConversation, AirkitMessage, CustomerDestination, Resource } from './model.ts';

/** Epoch ms to ISO 8601. */
const toIso = (ms: number): string => new Date(ms).toISOString();

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
