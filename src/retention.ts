import type { Clock } from './clock.ts';
import type { Store } from './store.ts';

/** The key of the retention queue in the store (beside the providers' states, listed by no provider). */
export const RETENTION_KEY = '#retention';

type Queue = {
  head: number;
  tail: number;
  items: Record<string, [provider: string, id: string, endedAt: number]>;
  /** `<provider> <id>` -> the slot of its latest end: an earlier end of a conversation re-opened since is skipped. */
  latest: Record<string, number>;
};

/** Expiry of ended conversations after `retainMs` (`--retain`): an ordered queue, swept a few at a time. */
export type Retention = {
  /** Notes that a conversation ended now. */
  noteEnded(provider: string, conversationId: string): void;
  /** Expires the conversations that ended more than `retainMs` ago, at most `max` of them. */
  sweep(max?: number): void;
  /** Empties the queue (reset). */
  clear(): void;
};

/** Creates the retention queue; with `retainMs` null nothing is noted or expired. */
export function createRetention(deps: {
  store: Store;
  clock: Clock;
  retainMs: number | null;
  expire(provider: string, conversationId: string): void;
}): Retention {
  const { store, clock, retainMs } = deps;
  const empty = (): Queue => ({ head: 0, tail: 0, items: {}, latest: {} });
  const keyOf = (provider: string, id: string) => `${provider} ${id}`;
  const queue = () => store.data.providers[RETENTION_KEY] as Queue;
  if (retainMs !== null && !Object.hasOwn(store.data.providers, RETENTION_KEY))
    store.replace(RETENTION_KEY, empty());
  let sweeping = false;

  return {
    noteEnded(provider, conversationId) {
      if (retainMs === null) return;
      store.update<Queue, void>(RETENTION_KEY, (d) => {
        d.items[String(d.tail)] = [provider, conversationId, clock.now()];
        d.latest[keyOf(provider, conversationId)] = d.tail;
        d.tail++;
      });
    },
    sweep(max = 100) {
      if (retainMs === null || sweeping) return;
      sweeping = true;
      try {
        for (let n = 0; n < max; n++) {
          const q = queue();
          const head = q.items[String(q.head)];
          if (q.head >= q.tail || !head || head[2] + retainMs > clock.now()) return;
          const key = keyOf(head[0], head[1]);
          const latest = q.latest[key] === q.head;
          if (latest) deps.expire(head[0], head[1]);
          store.update<Queue, void>(RETENTION_KEY, (d) => {
            delete d.items[String(d.head)];
            if (latest) delete d.latest[key];
            d.head++;
          });
        }
      } finally {
        sweeping = false;
      }
    },
    clear() {
      if (retainMs !== null) store.replace(RETENTION_KEY, empty());
    },
  };
}
