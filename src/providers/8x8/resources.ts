// State changes of web-hooks and channels, shared by Chat API v2 and Chat Gateway (input already validated).

import { makeVerifyEvent } from './events.ts';
import type { Ctx } from './glue.ts';
import type { Api, Channel, EightByEightState, Webhook } from './model.ts';
import type { checkChannelBody, checkVerifyBody, checkWebhookBody } from './rules.ts';

type Valid<F extends (...args: never[]) => unknown> =
  Extract<ReturnType<F>, { ok: true }> extends { value: infer V } ? V : never;
type WebhookInput = Valid<typeof checkWebhookBody>;
type ChannelInput = Valid<typeof checkChannelBody>;

/** Adds a web-hook with the next id of the shared sequence. */
export function applyWebhookCreate(draft: EightByEightState, api: Api, input: WebhookInput): Webhook {
  draft.seq.webhook += 1;
  const created: Webhook = { id: String(draft.seq.webhook), api, ...input, revision: 1 };
  draft.webhooks.push(created);
  return created;
}

/** Replaces a web-hook's fields and bumps its revision. */
export function applyWebhookUpdate(
  draft: EightByEightState,
  api: Api,
  id: string,
  input: WebhookInput,
): Webhook {
  const target = draft.webhooks.find((w) => w.api === api && w.id === id)!;
  Object.assign(target, input, { revision: target.revision + 1 });
  return { ...target };
}

/** Removes a web-hook. */
export function applyWebhookDelete(draft: EightByEightState, api: Api, id: string): void {
  draft.webhooks = draft.webhooks.filter((w) => !(w.api === api && w.id === id));
}

/** Replaces a channel's fields (the Gateway keeps its channel type) and bumps its revision. */
export function applyChannelUpdate(
  draft: EightByEightState,
  api: Api,
  id: string,
  input: ChannelInput,
): Channel {
  const target = draft.channels.find((ch) => ch.api === api && ch.id === id)!;
  target.name = input.name;
  if (api === 'gateway') target.type = input.type ?? target.type ?? 'ChatAPI';
  target.webHookId = input.webHookId;
  target.routingOptions = { type: 'queue', id: input.queueId };
  target.revision += 1;
  return { ...target };
}

/** Removes a channel. */
export function applyChannelDelete(draft: EightByEightState, api: Api, id: string): void {
  draft.channels = draft.channels.filter((ch) => !(ch.api === api && ch.id === id));
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
