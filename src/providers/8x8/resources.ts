// State changes of web-hooks and channels, shared by Chat API v2 and Chat Gateway (input already validated).

import { makeVerifyEvent } from './events.ts';
import type { Ctx } from './glue.ts';
import {
  type Api,
  type Channel,
  type EightByEightState,
  findChannel,
  findWebhook,
  type Webhook,
} from './model.ts';
import type { checkChannelBody, checkVerifyBody, checkWebhookBody } from './rules.ts';

type Valid<F extends (...args: never[]) => unknown> =
  Extract<ReturnType<F>, { ok: true }> extends { value: infer V } ? V : never;
type WebhookInput = Valid<typeof checkWebhookBody>;
type ChannelInput = Valid<typeof checkChannelBody>;

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

/** Adds a channel (its id made by the caller, unique); returns a copy. */
export function applyChannelCreate(draft: EightByEightState, channel: Channel): Channel {
  draft.channels[channel.id] = channel;
  return { ...channel, routingOptions: { ...channel.routingOptions } };
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
  return { ...target, routingOptions: { ...target.routingOptions } };
}

/** Removes a channel. */
export function applyChannelDelete(draft: EightByEightState, api: Api, id: string): void {
  if (findChannel(draft, api, id)) delete draft.channels[id];
}

/** Sends WEB_HOOK_VERIFY to the uri now; returns null when it answered 2xx, else why it failed. */
export async function verifyWebhook(ctx: Ctx, input: Valid<typeof checkVerifyBody>): Promise<string | null> {
  const attempt = await ctx.deliverNow({
    type: 'WEB_HOOK_VERIFY',
    url: input.uri,
    body: makeVerifyEvent(input.version),
  });
  if (attempt.ok) return null;
  return attempt.status === null ? (attempt.error ?? 'no answer') : `HTTP ${attempt.status}`;
}
