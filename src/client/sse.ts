// Server-Sent Events read from a fetch response: the event stream of GET /__admin/events as an async iterator.
import type { RemoteEventSubscription } from '../control.ts';
import type { SimEvent } from '../events.ts';

/**
 * Subscribes to an SSE URL: `opened` resolves once the server answered (its subscription exists from then on);
 * iteration yields each event's JSON data, and ends when the stream ends or `close` is called.
 */
export function openEventStream(
  url: string,
  headers: Record<string, string>,
  fetchImpl: typeof fetch,
): RemoteEventSubscription {
  const abort = new AbortController();
  const queue: SimEvent[] = [];
  let waiting: ((result: IteratorResult<SimEvent>) => void) | null = null;
  let failure: ((error: unknown) => void) | null = null;
  let ended = false;
  let error: unknown = null;

  const finish = (cause: unknown = null) => {
    if (ended) return;
    ended = true;
    error = cause;
    if (waiting && cause === null) waiting({ done: true, value: undefined });
    else if (failure && cause !== null) failure(cause);
    waiting = null;
    failure = null;
  };
  const push = (event: SimEvent) => {
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      failure = null;
      resolve({ done: false, value: event });
    } else queue.push(event);
  };

  const opened = (async () => {
    const res = await fetchImpl(url, {
      headers: { ...headers, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
    }
    return res.body;
  })();

  void opened
    .then(async (body) => {
      const reader = body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let data: string[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let newline = buffer.search(/\r\n|\r|\n/);
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (data.length > 0) push(JSON.parse(data.join('\n')) as SimEvent);
            data = [];
          } else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
          newline = buffer.search(/\r\n|\r|\n/);
        }
      }
      finish();
    })
    .catch((cause: unknown) => finish(abort.signal.aborted ? null : cause));

  const close = () => {
    abort.abort();
    queue.length = 0;
    finish();
  };

  const subscription: RemoteEventSubscription = {
    opened: opened.then(() => undefined),
    close,
    next() {
      const event = queue.shift();
      if (event !== undefined) return Promise.resolve({ done: false, value: event });
      if (ended) {
        return error === null ? Promise.resolve({ done: true, value: undefined }) : Promise.reject(error);
      }
      return new Promise((resolve, reject) => {
        waiting = resolve;
        failure = reject;
      });
    },
    return() {
      close();
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return subscription;
    },
  };
  // A failure to open is reported through `opened` and the iterator; an unobserved one must not crash the process.
  subscription.opened.catch(() => {});
  return subscription;
}
