// Transitions of web-hooks, channels and v2 access tokens, shared by Chat API v2 and Chat Gateway (pure: drafts
// in, copies out; input already validated).
import { getOwn } from '../../own.ts';
import {
  type Api,
  type Channel,
  type EightByEightState,
  findChannel,
  findWebhook,
  type Webhook,
} from './model.ts';
import type { ChannelInput, WebhookInput } from './rules-resources.ts';

/** Most expired tokens one token request forgets: the work per request stays bounded, the queue drains. */
const TOKENS_PRUNED_PER_ISSUE = 8;

/** Adds a web-hook with the next id of the shared sequence; returns a copy. */
export function applyWebhookCreate(draft: EightByEightState, api: Api, input: WebhookInput): Webhook {
  draft.seq.webhook += 1;
  const created: Webhook = { id: String(draft.seq.webhook), api, ...input, revision: 1 };
  draft.webhooks[created.id] = created;
  return { ...created };
}

/** Replaces a web-hook's fields and bumps its revision; returns a copy (the id was checked by the route). */
export function applyWebhookUpdate(
  draft: EightByEightState,
  api: Api,
  id: string,
  input: WebhookInput,
): Webhook {
  const target = findWebhook(draft, api, id)!;
  Object.assign(target, input, { revision: target.revision + 1 });
  return { ...target };
}

/** Removes a web-hook. */
export function applyWebhookDelete(draft: EightByEightState, api: Api, id: string): void {
  if (findWebhook(draft, api, id)) delete draft.webhooks[id];
}

const copyChannel = (channel: Channel): Channel => ({
  ...channel,
  routingOptions: { ...channel.routingOptions },
});

/**
 * Adds a channel under `id` (the Gateway's random ids), or without one under the next number of the shared
 * sequence (v2); the Gateway's channel has a type (default ChatAPI). Returns a copy.
 */
export function applyChannelCreate(
  draft: EightByEightState,
  api: Api,
  input: ChannelInput,
  id?: string,
): Channel {
  if (id === undefined) draft.seq.channel += 1;
  const channel: Channel = {
    id: id ?? String(draft.seq.channel),
    api,
    name: input.name,
    ...(api === 'gateway' ? { type: input.type ?? 'ChatAPI' } : {}),
    webHookId: input.webHookId,
    routingOptions: { type: 'queue', id: input.queueId },
    revision: 1,
  };
  draft.channels[channel.id] = channel;
  return copyChannel(channel);
}

/** Replaces a channel's fields (the Gateway keeps its channel type) and bumps its revision; returns a copy. */
export function applyChannelUpdate(
  draft: EightByEightState,
  api: Api,
  id: string,
  input: ChannelInput,
): Channel {
  const target = findChannel(draft, api, id)!;
  target.name = input.name;
  if (api === 'gateway') target.type = input.type ?? target.type ?? 'ChatAPI';
  target.webHookId = input.webHookId;
  target.routingOptions = { type: 'queue', id: input.queueId };
  target.revision += 1;
  return copyChannel(target);
}

/** Removes a channel. */
export function applyChannelDelete(draft: EightByEightState, api: Api, id: string): void {
  if (findChannel(draft, api, id)) delete draft.channels[id];
}

/**
 * Issues a v2 access token. Tokens expire in the order they were issued (one lifetime for all): the oldest few
 * are forgotten as new ones are issued, so the store does not grow without bound and no request walks every token.
 */
export function applyTokenIssue(draft: EightByEightState, accessToken: string, issuedAt: number): void {
  const queue = draft.tokenQueue;
  for (let pruned = 0; pruned < TOKENS_PRUNED_PER_ISSUE && queue.head < queue.tail; pruned++) {
    const oldest = getOwn(queue.ids, String(queue.head));
    const token = oldest === undefined ? undefined : getOwn(draft.tokens, oldest);
    if (token && token.expiresAt > issuedAt) break;
    if (oldest !== undefined) delete draft.tokens[oldest];
    delete queue.ids[String(queue.head)];
    queue.head += 1;
  }
  draft.tokens[accessToken] = { issuedAt, expiresAt: issuedAt + draft.tokenTtlSeconds * 1000 };
  queue.ids[String(queue.tail)] = accessToken;
  queue.tail += 1;
}
