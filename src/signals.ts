import type { JournalEntry } from './journal.ts';
import type { ConversationSignal, Delivery, DeliveryAttempt } from './provider.ts';

/** Everything the simulator announces; tests, the scenario engine and `wait*` helpers listen here. */
export type SimulatorSignals = {
  request: JournalEntry;
  'delivery.attempt': { delivery: Delivery; attempt: DeliveryAttempt };
  'delivery.settled': Delivery;
  conversation: ConversationSignal & { provider: string };
  activity: undefined;
};

type Listener<T> = (payload: T) => void;

/** A small typed event bus, one per simulator. */
export type SignalBus = {
  on<K extends keyof SimulatorSignals>(name: K, listener: Listener<SimulatorSignals[K]>): () => void;
  emit<K extends keyof SimulatorSignals>(name: K, payload: SimulatorSignals[K]): void;
};

/** Creates a signal bus; listeners that throw are isolated from each other and from the emitter. */
export function createSignalBus(onListenerError: (error: unknown) => void): SignalBus {
  const listeners = new Map<string, Set<Listener<never>>>();
  return {
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener as Listener<never>);
      return () => set.delete(listener as Listener<never>);
    },
    emit(name, payload) {
      for (const listener of [...(listeners.get(name) ?? [])]) {
        try {
          (listener as Listener<typeof payload>)(payload);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
  };
}
