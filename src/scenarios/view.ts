import type { JournalEntry } from '../journal.ts';
import type { Delivery } from '../provider/contract.ts';
import type { ExtensionHost } from '../simulator.ts';

/** What a run's expectations see: the provider's requests and the conversation's deliveries since the run began. */
export type RunView = {
  readonly provider: string;
  readonly conversationId: string;
  /** Requests to the provider since the run started, oldest first. */
  requests(): JournalEntry[];
  /** Deliveries of the conversation (all of them, also from before the run started). */
  deliveries(): Delivery[];
  /** Ids of requests already matched by an expectation: each satisfies one expectation. */
  readonly consumed: Set<string>;
  /** Deliveries are matched in order: `expect.delivery` looks only after the last delivery it matched. */
  deliveryCursor: number;
  /** True once the provider said the conversation ended. */
  ended(): boolean;
  /** Calls `listener` on every new request to the provider, delivery attempt or settlement, or end of the conversation. */
  onChange(listener: () => void): () => void;
  close(): void;
};

/** Creates the view of one run on one conversation; it sees the requests after journal entry `startSeq`. */
export function createRunView(
  host: ExtensionHost,
  provider: string,
  conversationId: string,
  startSeq: number,
): RunView {
  const { control, signals } = host;
  // Kept up to date from signals, so that checks do not scan the whole journal.
  const requests = control.requests({ provider }).filter((e) => e.seq > startSeq);
  const deliveries = control.deliveries({ provider, conversationId });
  let ended = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  const isOurs = (delivery: Delivery) =>
    delivery.provider === provider && delivery.conversationId === conversationId;
  const offs = [
    signals.on('conversation', (signal) => {
      if (signal.provider !== provider || signal.conversationId !== conversationId) return;
      if (signal.type === 'conversation.ended') ended = true;
      notify();
    }),
    signals.on('request', (entry) => {
      if (entry.provider !== provider || entry.seq <= startSeq) return;
      if (!requests.some((e) => e.id === entry.id)) requests.push(entry);
      notify();
    }),
    signals.on('delivery.created', (delivery) => {
      if (isOurs(delivery) && !deliveries.includes(delivery)) deliveries.push(delivery);
    }),
    // Each attempt, not only the settled delivery: `expect.delivery {status}` passes as soon as the status is seen.
    signals.on('delivery.attempt', ({ delivery }) => {
      if (isOurs(delivery)) notify();
    }),
    signals.on('delivery.settled', (delivery) => {
      if (isOurs(delivery)) notify();
    }),
  ];
  return {
    provider,
    conversationId,
    requests: () => requests,
    deliveries: () => deliveries,
    consumed: new Set(),
    deliveryCursor: 0,
    ended: () => ended,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      for (const off of offs) off();
      listeners.clear();
    },
  };
}
