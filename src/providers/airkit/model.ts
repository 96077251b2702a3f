import type { AirkitFixtures } from './fixtures.ts';

/** A Conversation Hub. */
export type Hub = { id: string; name: string };
/** A Conversation Hub channel resource. */
export type Resource = {
  id: string;
  name: string;
  hubId: string | null;
  channel: 'chat' | 'sms';
  webhookUrl: string | null;
  secret: string;
};
/** The Customer Destination: a Text (chat web control session id) or a Phone (SMS). */
export type CustomerDestination =
  | { type: 'Text'; sessionId: string }
  | { type: 'Phone'; phoneNumber: string };
/** Conversation life: waiting for the third party's first message, active, ended; or not third-party managed. */
export type ConversationStatus = 'awaiting-first-message' | 'active' | 'unmanaged' | 'ended';
/** A conversation started by the Start Conversation action. */
export type AirkitConversation = {
  id: string;
  resourceId: string;
  hubId: string;
  channel: 'chat' | 'sms';
  customerDestination: CustomerDestination;
  customerIdentifier: string | null;
  managedByThirdPartySystem: boolean;
  status: ConversationStatus;
  endedBy: 'customer' | 'third-party' | null;
  createdAt: number;
  updatedAt: number;
};
/** Who wrote a message: the third-party system (to the end user) or the end user. */
export type MessageSender = 'third-party' | 'customer';
/** One message of a conversation. */
export type AirkitMessage = {
  id: string;
  conversationId: string;
  sender: MessageSender;
  text: string;
  sentAt: number;
  /** For third-party messages: whether the simulated end user received it (web chat session or phone). */
  delivered: boolean;
};
/** The airkit state. */
export type AirkitState = {
  apiKeys: Array<{ id: string; key: string }>;
  hubs: Hub[];
  resources: Resource[];
  conversations: AirkitConversation[];
  messages: AirkitMessage[];
};

/** Builds the initial state from merged fixtures. */
export function createAirkitState(f: AirkitFixtures): AirkitState {
  return {
    apiKeys: (f.apiKeys ?? []).map((k) => ({ ...k })),
    hubs: (f.hubs ?? []).map((h) => ({ ...h })),
    resources: (f.resources ?? []).map((r) => ({ ...r })),
    conversations: [],
    messages: [],
  };
}

/** Adds a message and moves the conversation along (the third party's first message makes it active). */
export function applyMessage(s: AirkitState, conversationId: string, message: AirkitMessage): void {
  const conv = s.conversations.find((c) => c.id === conversationId)!;
  s.messages.push(message);
  conv.updatedAt = message.sentAt;
  if (message.sender === 'third-party' && conv.status === 'awaiting-first-message') conv.status = 'active';
}

/** Ends a conversation. */
export function applyEnd(
  s: AirkitState,
  conversationId: string,
  by: 'customer' | 'third-party',
  now: number,
): void {
  const conv = s.conversations.find((c) => c.id === conversationId)!;
  conv.status = 'ended';
  conv.endedBy = by;
  conv.updatedAt = now;
}
