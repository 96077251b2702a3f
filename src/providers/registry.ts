import type { AnyProvider } from '../provider/contract.ts';
import { eightByEightProvider } from './8x8/index.ts';
import { airkitProvider } from './airkit/index.ts';
import { chatwootProvider } from './chatwoot/index.ts';
import { eceProvider } from './ece/index.ts';

/** The providers convosim serves by default. Adding a provider means adding it here, and nothing else in the core. */
export const defaultProviders: readonly AnyProvider[] = [
  eceProvider,
  eightByEightProvider,
  chatwootProvider,
  airkitProvider,
];
