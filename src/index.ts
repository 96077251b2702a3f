// The public library API: what tests and tools import from 'convosim'.
export { type Clock, createRealClock, createVirtualClock, type VirtualClock } from './clock.ts';
export type { ActRequest, Control, DeliveryMatch, Health, WaitOptions } from './control.ts';
export {
  DELIVERY_FAULT_KINDS,
  type DeliveryFault,
  type DeliveryFaultKind,
  type DeliveryFaultSpec,
} from './delivery-faults.ts';
export type { OutboundRequest, OutboundResponse, Sender } from './dispatcher.ts';
export { ControlError } from './errors.ts';
export type { Fault, FaultSpec } from './faults.ts';
export { FixtureError } from './fixtures.ts';
export type { JournalEntry, RequestFilter } from './journal.ts';
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
export { eightByEightProvider } from './providers/8x8/index.ts';
export { airkitProvider } from './providers/airkit/index.ts';
export { chatwootProvider } from './providers/chatwoot/index.ts';
export { eceProvider } from './providers/ece/index.ts';
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
