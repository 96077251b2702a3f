// The public library API: what tests and tools import from 'convosim'.

export {
  type ClientOptions,
  type ConvosimClient,
  createClient,
  type RemoteRunOptions,
  type RemoteScenarios,
  type ScenarioSource,
} from './client/index.ts';
export { type Clock, createRealClock, createVirtualClock, type VirtualClock } from './clock.ts';
export {
  type ActRequest,
  type Control,
  type ControlApi,
  DEFAULT_WAIT_MS,
  type DeliveryFilter,
  type DeliveryMatch,
  type DeliveryMatchData,
  type Health,
  type IdleOptions,
  type Mark,
  type RemoteControl,
  type RemoteEventSubscription,
  type RequestMatchData,
  type WaitOptions,
} from './control.ts';
export {
  DELIVERY_FAULT_KINDS,
  type DeliveryFault,
  type DeliveryFaultKind,
  type DeliveryFaultSpec,
} from './delivery-faults.ts';
export type { OutboundRequest, OutboundResponse, Sender } from './dispatcher.ts';
export { ControlError } from './errors.ts';
export type { EventFilter, EventSubscription, SimEvent, SimEventType } from './events.ts';
export type { Fault, FaultSpec } from './faults.ts';
export { FixtureError } from './fixtures.ts';
export type { BodyMatch, JournalEntry, RequestFilter, RequestMatch } from './journal.ts';
export type { OperationDoc } from './openapi.ts';
export { NEUTRAL_VERBS } from './provider/actions.ts';
export type {
  AnyProvider,
  ConversationSummary,
  Delivery,
  DeliveryAttempt,
  ListedConversation,
  ProviderDefinition,
  WebhookEvent,
} from './provider/contract.ts';
export { defineProvider } from './provider/contract.ts';
// The payloads a system under test receives (webhooks and callbacks), from each provider's own event types.
export type {
  EightByEightEvent as EightByEightWebhook,
  EightByEightEvents as EightByEightWebhooks,
  GatewayEvents as EightByEightGatewayWebhooks,
  V2Events as EightByEightV2Webhooks,
} from './providers/8x8/events.ts';
export { eightByEightProvider } from './providers/8x8/index.ts';
export type { AirkitEvents } from './providers/airkit/events.ts';
export { airkitProvider } from './providers/airkit/index.ts';
export type { ChatwootEventName, ChatwootEvents } from './providers/chatwoot/events.ts';
export { chatwootProvider } from './providers/chatwoot/index.ts';
export type {
  CallbackMessage as EceCallbackMessage,
  CallbackSender as EceCallbackSender,
} from './providers/ece/events.ts';
export { eceProvider } from './providers/ece/index.ts';
export type {
  Attachment as EceAttachment,
  CallbackKind as EceCallbackKind,
} from './providers/ece/model-state.ts';
export { defaultProviders } from './providers/registry.ts';
export {
  type ArmedScenario,
  type DriveOptions,
  fromTranscript,
  loadScenarioFile,
  parseScenario,
  type RunOptions,
  type RunReport,
  renderJson,
  renderJunit,
  renderText,
  type Scenario,
  type ScenarioApi,
  ScenarioError,
  type ScenarioRun,
  type StepReport,
  scenarioExtension,
  type Transcript,
  toScenarioApi,
} from './scenarios/index.ts';
export type { ExtensionHost, Logger, Simulator, SimulatorExtension, SimulatorOptions } from './simulator.ts';

import type { AirkitEvents } from './providers/airkit/events.ts';
import type { ChatwootEventName, ChatwootEvents } from './providers/chatwoot/events.ts';
import type { CallbackMessage } from './providers/ece/events.ts';

/** A callback ECE posts to the client application's callback URL (its JSON form; one message per request). */
export type EceCallback = { message: CallbackMessage[] };
/** Any webhook body the chatwoot provider posts (`event` names which). */
export type ChatwootWebhook = ChatwootEvents[ChatwootEventName];
/** Any webhook body the Airkit provider posts to the third-party system (`type` names which). */
export type AirkitEvent = AirkitEvents[keyof AirkitEvents];

import { defaultProviders } from './providers/registry.ts';
import { scenarioExtension } from './scenarios/index.ts';
import { assembleSimulator, type SimulatorOptions } from './simulator.ts';

/**
 * Creates a simulator serving the default providers unless `options.providers` says otherwise, with the
 * scenario engine (`sim.extensions.scenarios`, or `toScenarioApi(sim)`) unless `options.extensions` has one.
 */
export function createSimulator(options: SimulatorOptions = {}) {
  const extensions = options.extensions ?? [];
  return assembleSimulator({
    providers: defaultProviders,
    ...options,
    extensions: extensions.some((e) => e.name === 'scenarios')
      ? extensions
      : [scenarioExtension(), ...extensions],
  });
}
