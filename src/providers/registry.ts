import type { ProviderDefinition } from '../provider.ts';

/** The providers convosim serves by default. Adding a provider means adding it here, and nothing else in the core. */
// biome-ignore lint/suspicious/noExplicitAny: providers differ in state, fixture and option types.
export const defaultProviders: readonly ProviderDefinition<any, any, any>[] = [];
