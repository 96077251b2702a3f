// The provider authoring kit, public as 'convosim/provider': the contract a provider fulfils and the helpers
// every provider shares (results, refusals, JSON bodies, typed actions, neutral verbs, admin operations).

export { toEcho } from '../echo.ts';
export { ControlError } from '../errors.ts';
export {
  type BodyKinds,
  type BodyResult,
  parseMediaType,
  parseXml,
  readBody,
  renderXml,
} from '../http.ts';
export { getOwn, hasOwn, isRecord, isSafeKey } from '../own.ts';
export { onRollback, raw, unloggedRaw, type Writes, writeBehind } from '../state-tx.ts';
export {
  defineAction,
  defineAdminOperation,
  defineNeutralAction,
  isNeutralVerb,
  NEUTRAL_VERBS,
  type NeutralExtension,
  type NeutralVerb,
  neutralVerbs,
} from './actions.ts';
export {
  type AdminOperation,
  type AnyProvider,
  type ConversationPage,
  type ConversationSignal,
  type ConversationSummary,
  type CoreError,
  type Delivery,
  type DeliveryAttempt,
  type DeliveryMeta,
  defineProvider,
  type EventMap,
  type EventOf,
  isSettled,
  type ListedConversation,
  type ProviderAction,
  type ProviderContext,
  type ProviderDefinition,
  type ProviderSurface,
  type SignInput,
  type WebhookEvent,
  type WebhookPolicy,
  type WebhookTarget,
} from './contract.ts';
export { createDueQueue, type DueQueue, type DueQueueOptions } from './due-queue.ts';
export {
  appendPagedId,
  createPagedIds,
  createPagedIdsOf,
  isPagedIds,
  newestPagedIds,
  PAGED_BUCKET_SIZE,
  type PagedBucket,
  type PagedIds,
  removePagedId,
  slicePagedIds,
  slicePagedIdsAfter,
  storedIds,
} from './paged-ids.ts';
export { type BodyFailure, readJson } from './read-json.ts';
export { Refusal, type RefusalAnswer, refuse } from './refusal.ts';
export { fail, ok, type Result } from './result.ts';
