import type { ProviderDefinition } from '../provider.ts';
import { eightByEightProvider } from './8x8/index.ts';
import { airkitProvider } from './airkit/index.ts';
import { chatwootProvider } from './chatwoot/index.ts';
import { eceProvider } from './ece/index.ts';

/** The providers convosim serves by default. Adding a provider means adding it here, and nothing else in the core. */
// biome-ignore lint/suspicious/noExplicitAny: providers differ in state, fixture and option types.
export const defaultProviders: readonly ProviderDefinition<any, any, any>[] = [
  eceProvider,
  eightByEightProvider,
  chatwootProvider,
  airkitProvider,
];
