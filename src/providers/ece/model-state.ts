/** The state of the simulated ECE v19 partition: applications, sessions, routing, customers and conversations. */
import type { OrderedIds } from './model-ordered.ts';

/** How ECE authenticates itself when it calls a client application's callback URL. */
export type CallbackAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

/** The callback settings of a registered client application (Integration > External Apps). */
export type CallbackSettings = {
  url: string | null;
  format: 'json' | 'xml';
  auth: CallbackAuth;
  active: boolean;
  consecutiveFailures: number;
};

/** A registered client application: the key/secret pair that gets tokens, and the entry points it may use. */
export type ClientApplication = {
  key: string;
  secret: string;
  name: string;
  /** Application type as registered; only 'chat' may use the messaging APIs. */
  type: string;
  entryPoints: string[];
  callback: CallbackSettings;
};

/** A login session identified by its access token. */
export type Session = {
  token: string;
  /** 'clientApplication' for tokens from the Authentication API; 'user' stands for any other ECE session. */
  kind: 'clientApplication' | 'user';
  clientKey: string | null;
  createdAt: number;
  expiresAt: number;
};

/** A chat entry point: where conversations start, routed to one queue of one department. */
export type EntryPoint = {
  id: string;
  name: string;
  departmentId: string;
  queueId: string;
  lastModified: string;
};

/** A simulated agent and the queues it serves. */
export type Agent = {
  id: string;
  name: string;
  screenName: string;
  queues: string[];
  loggedIn: boolean;
  available: boolean;
  maxChats: number;
};

/** The phone kinds ECE knows (home.phone, mobile.phone, office.phone). */
export type PhoneType = 'home' | 'mobile' | 'office';
/** The social networks ECE knows (social.facebookId, social.twitterId, social.instagramId). */
export type SocialType = 'facebook' | 'twitter' | 'instagram';

/** One contact person of a customer, with its contact points. */
export type Contact = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string[];
  phones: Array<{ type: PhoneType; number: string; countryCode: string | null }>;
  social: Array<{ type: SocialType; socialId: string }>;
  externalId: string | null;
  custom: Record<string, string>;
};

/** A customer record (ECE's customer, with its contacts). */
export type Customer = {
  id: string;
  departmentId: string;
  type: string;
  contacts: Contact[];
};

/** A case that groups activities of one customer. */
export type Case = { id: string; customerId: string | null; status: 'open' | 'closed' };

/** A custom attribute as configured in the application. */
export type AttributeDefinition =
  | { type: 'string'; maxLength: number }
  | { type: 'enumeration'; values: string[] }
  | { type: 'integer' };

/** Chat client information from activity.payload.chat.clientInfo. */
export type ClientInfo = {
  timeOffset: string | null;
  referrerName: string | null;
  referrerURL: string | null;
  isRichTextSupported: boolean;
};

/** The kinds of message ECE posts to the callback URL. */
export type CallbackKind =
  | 'assigned'
  | 'text/plain'
  | 'text/html'
  | 'startTyping'
  | 'endTyping'
  | 'transfer'
  | 'pagePush'
  | 'acceptAttachment'
  | 'uploadAttachment'
  | 'rejectAttachment'
  | 'complete';

/** Attachment metadata as carried in messages. */
export type Attachment = {
  id: string;
  fileName: string;
  contentType: string;
  size: string;
  contentUrl: string;
};

/** One message of the conversation transcript, in either direction. */
export type TranscriptEntry = {
  id: string;
  direction: 'toClient' | 'fromClient';
  kind: string;
  content: string | null;
  agentId: string | null;
  attachments: Attachment[];
  timeStamp: number;
  /** false when the callback was not posted (typing notifications off, callback URL inactive). */
  posted: boolean;
};

/** Life of a conversation: waiting in the queue, assigned to an agent, completed. */
export type ConversationStatus = 'waiting' | 'assigned' | 'completed';

/** An asynchronous-messaging conversation (a chat activity). */
export type Conversation = {
  id: string;
  activityId: string;
  caseId: string;
  customerId: string | null;
  contactPoint: string | null;
  clientKey: string;
  entryPointId: string;
  queueId: string;
  status: ConversationStatus;
  agentId: string | null;
  sendTypingNotification: boolean;
  clientInfo: ClientInfo;
  subject: string | null;
  customAttributes: Record<string, string>;
  createdAt: number;
  completedAt: number | null;
  /**
   * The arrival sequence number (`counters.arrival`) with which it last entered a queue's waiting list: the
   * waiting lists are ordered by it, and rebuilt from it at start. Absent on conversations of a store written
   * before it existed; the start upgrade gives one to each that is waiting (`toArrivalFallback`).
   */
  arrival?: number;
  transcript: TranscriptEntry[];
  /**
   * Callbacks batched per request (option `callbackBatching: pending`): the transcript places of the messages
   * waiting for the next request, oldest first, and the first message id of the request the dispatcher holds
   * (null when none). Absent until the conversation's first callback, and in stores written before it existed.
   */
  callbacks?: { pending: number[]; sending: string | null };
};

/** Partition-wide settings. */
export type EceSettings = {
  assignmentServiceRunning: boolean;
  customerDepartmentalization: boolean;
  /** Accept-Language codes the partition supports; the first is the default system language. */
  languages: string[];
};

/** Where an attachment was uploaded: its conversation, direction, transcript entry and place in that entry. */
export type UploadPlace = {
  conversationId: string;
  direction: 'toClient' | 'fromClient';
  entry: number;
  slot: number;
};

/**
 * Derived indexes, kept by the same transitions that change the records they index, so that no request, action
 * or timer has to scan a collection that grows with use. Derived state (`derived` in index.ts): a file store
 * neither logs nor snapshots them, and `createIndexes` rebuilds them from the records at every start, exactly as
 * the transitions keep them. Everything here must therefore follow from the records alone.
 */
export type EceIndexes = {
  /** Waiting conversations per queue, in the order they entered the queue (rank: `Conversation.arrival`). */
  waiting: Record<string, OrderedIds>;
  /** Number of open chats assigned to each agent. */
  activeChats: Record<string, number>;
  /** Every conversation, in creation order (paged listings). */
  conversations: OrderedIds;
  /** Tokens issued by the Authentication API, oldest first: they expire in that order. */
  sessionsByAge: OrderedIds;
  /** Client-application sessions per client key (forceLogin ends them). */
  sessionsByClient: Record<string, OrderedIds>;
  /**
   * Customer ids per searchable contact value: by attribute, then by comparable value (`toContactValueKey`), each
   * list sorted by id (candidates, verified on use). Nested rather than one `<attribute>:<value>` key: a rebuild
   * then keys most entries by the record's own strings, with no key to build and intern per value.
   */
  customersByContact: Record<string, Record<string, string[]>>;
  /** Attachments by id. */
  uploads: Record<string, UploadPlace>;
  /** The latest attachment uploaded in each direction, per conversation. */
  latestUploads: Record<string, { toClient: string | null; fromClient: string | null }>;
  /**
   * Conversations with a batched callback request in the dispatcher's hands (`callbacks.sending`), so that a
   * restart can send what waits behind it.
   */
  callbacksSending: Record<string, true>;
};

/** The whole provider state. */
export type EceState = {
  settings: EceSettings;
  clientApplications: Record<string, ClientApplication>;
  sessions: Record<string, Session>;
  entryPoints: Record<string, EntryPoint>;
  agents: Record<string, Agent>;
  customers: Record<string, Customer>;
  cases: Record<string, Case>;
  activityAttributes: Record<string, AttributeDefinition>;
  contactAttributes: Record<string, AttributeDefinition>;
  conversations: Record<string, Conversation>;
  indexes: EceIndexes;
  /** When the pending automatic assignment pass runs (simulator clock), or null when none is pending. */
  assignment: { dueAt: number | null };
  counters: {
    activity: number;
    case: number;
    customer: number;
    contact: number;
    message: number;
    attachment: number;
    /**
     * The next arrival sequence number (`Conversation.arrival`): one sequence for every queue, so that an
     * assignment pass over several queues takes the chat that has waited longest first. It must survive a
     * restart (the waiting lists are rebuilt from the arrivals), so it is a counter, not an index. Absent in a
     * store written before it existed, until the start upgrade sets it.
     */
    arrival: number;
  };
};
