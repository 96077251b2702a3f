// The public library API: what tests and tools import from 'convosim'.
export { type Clock, createRealClock, createVirtualClock, type VirtualClock } from './clock.ts';
export type { ActRequest, Control, DeliveryMatch, Health, WaitOptions } from './control.ts';
export type { OutboundRequest, OutboundResponse, Sender } from './dispatcher.ts';
export { ControlError } from './errors.ts';
export type { Fault, FaultSpec } from './faults.ts';
export type { JournalEntry, RequestFilter } from './journal.ts';
export type {
  ConversationSummary,
  Delivery,
  DeliveryAttempt,
  ProviderDefinition,
  WebhookEvent,
} from './provider.ts';
export { defineProvider, NEUTRAL_ACTIONS } from './provider.ts';
export { defaultProviders } from './providers/registry.ts';
export type { Logger, Simulator, SimulatorOptions } from './simulator.ts';

import { defaultProviders } from './providers/registry.ts';
import { createSimulator as createCoreSimulator, type SimulatorOptions } from './simulator.ts';

/** Creates a simulator serving the default providers unless `options.providers` says otherwise. */
export function createSimulator(options: SimulatorOptions = {}) {
  return createCoreSimulator({ providers: defaultProviders, ...options });
}
