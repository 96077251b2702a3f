import type { JournalEntry } from './journal.ts';
import type { ConversationSignal, Delivery, DeliveryAttempt } from './provider/contract.ts';

/** Everything the simulator announces; tests, the scenario engine and `wait*` helpers listen here. */
export type SimulatorSignals = {
  /** An inbound request (not an admin one) arrived; `request` follows once it is answered. */
  'request.started': { method: string; path: string; time: number };
  /**
   * An inbound request's handler finished: it is numbered (`req-<n>`), and its answer may still wait for the
   * store's write of the turn. `request` follows.
   */
  'request.handled': { id: string; seq: number };
  /** An inbound request (not an admin one) was answered and journaled (its entry is in the journal's file). */
  request: JournalEntry;
  /** A webhook was recorded, before its first attempt (transcripts order events by it). */
  'delivery.created': Delivery;
  /** `maxAttempts`: the first attempt and the retries the provider's policy allows. */
  'delivery.attempt': { delivery: Delivery; attempt: DeliveryAttempt; maxAttempts: number };
  'delivery.settled': Delivery;
  conversation: ConversationSignal & { provider: string };
  /** An agent or customer action that ran (control `act`), for transcripts. */
  action: { provider: string; conversationId: string; action: string; args: unknown; time: number };
  activity: undefined;
  'fault.applied': { faultId: string; provider: string; method: string; path: string };
  /** A scenario step settled (passed, failed or skipped). */
  'scenario.step': {
    runId: string;
    scenario: string;
    provider: string;
    conversationId: string | null;
    index: number;
    verb: string;
    label: string;
    status: 'passed' | 'failed' | 'skipped';
    message: string | null;
  };
  /** The virtual clock moved (control `advance`). */
  clock: { now: number; byMs: number };
  /** The simulator was reset to its fixtures. */
  reset: undefined;
};

type Listener<T> = (payload: T) => void;

/** A small typed event bus, one per simulator. */
export type SignalBus = {
  on<K extends keyof SimulatorSignals>(name: K, listener: Listener<SimulatorSignals[K]>): () => void;
  emit<K extends keyof SimulatorSignals>(name: K, payload: SimulatorSignals[K]): void;
  /** Resolves with the next emission of `name`. */
  next<K extends keyof SimulatorSignals>(name: K): Promise<SimulatorSignals[K]>;
};

/** Creates a signal bus; listeners that throw are isolated from each other and from the emitter. */
export function createSignalBus(onListenerError: (error: unknown) => void): SignalBus {
  // Each name's listeners, replaced (never changed) when one is added or removed: an emission walks the list as
  // it was when it began, without copying it (a request emits several signals).
  const listeners = new Map<string, readonly Listener<never>[]>();
  return {
    on(name, listener) {
      const list = listeners.get(name) ?? [];
      if (!list.includes(listener as Listener<never>))
        listeners.set(name, [...list, listener as Listener<never>]);
      return () => {
        const current = listeners.get(name) ?? [];
        if (current.includes(listener as Listener<never>))
          listeners.set(
            name,
            current.filter((l) => l !== listener),
          );
      };
    },
    next(name) {
      return new Promise((resolve) => {
        const off = this.on(name, (payload) => {
          off();
          resolve(payload);
        });
      });
    },
    emit(name, payload) {
      const list = listeners.get(name);
      if (list === undefined) return;
      for (const listener of list) {
        try {
          (listener as Listener<typeof payload>)(payload);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
  };
}
