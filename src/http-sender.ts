import http from 'node:http';
import https from 'node:https';
import { errorText } from './errors.ts';

/** One outbound HTTP request of the dispatcher. */
export type OutboundRequest = {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  /** Total deadline of the attempt in real milliseconds: connect, send, answer headers and answer body. */
  timeoutMs: number;
};

/** The receiver's answer to an outbound request. */
export type OutboundResponse = {
  status: number;
  body: string;
  /** True when the answer body was longer than the sender reads; `body` holds the part that was read. */
  truncated?: boolean;
  /** The Location header of a 3xx answer (redirects are never followed). */
  location?: string;
};

/** Sends one outbound request; throws on a connection error or timeout. Injected so tests can replace it. */
export type Sender = (request: OutboundRequest) => Promise<OutboundResponse>;

/** A sender with its own keep-alive connection pools; `close` frees them. */
export type PooledSender = Sender & { close(): void };

/** Options of the default sender. */
export type HttpSenderOptions = {
  /** Bytes of an answer body kept (default 64 KiB); past it the connection is closed and the rest never read. */
  maxResponseBytes?: number;
};

/** Bytes of an answer body the default sender reads before it stops: 64 KiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** The error a sender throws when the total deadline of an attempt passes. */
export type SendTimeoutError = Error & { name: 'TimeoutError'; status?: number };

// setTimeout fires at once (with a warning) past this; a longer deadline is as good as none.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * The default sender: Node's http/https clients over keep-alive agents of this simulator's own.
 * Measured cheaper per webhook than global fetch (undici), which matters under load. Every attempt has a total
 * deadline (a receiver that trickles its answer cannot keep it open) and a cap on the answer body it reads (an
 * endless answer cannot grow memory). Redirects are not followed: a 3xx is returned as the answer.
 */
export function createHttpSender(options: HttpSenderOptions = {}): PooledSender {
  const cap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // No socket limit here: the dispatcher bounds attempts in flight per destination, and an agent's own queue
  // would spend the attempt's deadline waiting for a socket.
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  const send: Sender = (request) =>
    new Promise((resolve, reject) => {
      let done = false;
      let status: number | undefined;
      let deadline: NodeJS.Timeout | undefined;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        settle();
      };
      let outgoing: http.ClientRequest;
      try {
        const url = new URL(request.url);
        const secure = url.protocol === 'https:';
        outgoing = (secure ? https : http).request(
          url,
          {
            method: request.method,
            agent: secure ? agents['https:'] : agents['http:'],
            headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
          },
          (response) => {
            status = response.statusCode ?? 0;
            const location =
              typeof response.headers.location === 'string' ? response.headers.location : undefined;
            const chunks: Buffer[] = [];
            let kept = 0;
            const answer = (truncated: boolean) => ({
              status: status ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ...(truncated ? { truncated } : {}),
              ...(location === undefined ? {} : { location }),
            });
            response.on('data', (chunk: Buffer) => {
              if (done) return;
              if (kept + chunk.length <= cap) {
                chunks.push(chunk);
                kept += chunk.length;
                return;
              }
              chunks.push(chunk.subarray(0, cap - kept));
              kept = cap;
              finish(() => resolve(answer(true)));
              // The socket goes too: the rest of the answer must not be read, and the connection cannot be reused.
              outgoing.destroy();
            });
            response.on('end', () => finish(() => resolve(answer(false))));
            response.on('error', (error) => finish(() => reject(error)));
            response.on('close', () => {
              if (response.complete) return;
              finish(() =>
                reject(connectionError('connection closed before the answer was complete', 'ECONNRESET')),
              );
            });
          },
        );
      } catch (error) {
        reject(error);
        return;
      }
      deadline = setTimeout(
        () => {
          const timeout = new Error(`timeout after ${request.timeoutMs} ms`) as SendTimeoutError;
          timeout.name = 'TimeoutError';
          if (status !== undefined) timeout.status = status;
          finish(() => reject(timeout));
          outgoing.destroy(timeout);
        },
        Math.min(Math.max(0, request.timeoutMs), LONGEST_TIMER_MS),
      );
      deadline.unref();
      outgoing.on('error', (error) => finish(() => reject(error)));
      outgoing.end(request.body);
    });
  return Object.assign(send, {
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

/** True when `error` is a deadline passing (this sender's, or an AbortSignal timeout of a custom sender). */
export function isTimeout(error: unknown): error is SendTimeoutError {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** One line for a failed send: the error code first when there is one ('ECONNRESET: socket hang up'). */
export function describeSendError(error: unknown): string {
  const own = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof own === 'string' ? own : typeof cause?.code === 'string' ? cause.code : undefined;
  const message =
    typeof own !== 'string' && typeof cause?.message === 'string' ? cause.message : errorText(error);
  const line = code && !message.includes(code) ? `${code}: ${message}` : message;
  // Node quotes hosts and header names in its messages; keep the record one short line whatever they hold.
  return line.replace(/[\r\n]+/g, ' ').slice(0, 300);
}

function connectionError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
