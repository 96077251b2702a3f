// Keep-alive comments on the event stream: an idle SSE connection gets `: keep-alive` every interval, so that
// proxies and clients that time out idle connections keep it open. The interval is real time (network idleness),
// whatever the simulator's clock.
import type { MiddlewareHandler } from 'hono';

/** Real milliseconds of silence after which the event stream sends a keep-alive comment (default 15 s). */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

/** The comment line sent on an idle stream (SSE clients ignore lines that start with a colon). */
export const KEEP_ALIVE_COMMENT = ': keep-alive\n\n';

/**
 * Middleware for the SSE route: wraps an answer of type text/event-stream so that a keep-alive comment is sent
 * whenever nothing was written for `intervalMs` (0 turns it off). Pull-based: a slow reader still holds back the
 * stream, so the subscriber's bounded queue stays the only buffer.
 */
export function createSseKeepAlive(intervalMs: number = DEFAULT_KEEP_ALIVE_MS): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const source = c.res.body;
    if (
      intervalMs <= 0 ||
      source === null ||
      !c.res.headers.get('content-type')?.startsWith('text/event-stream')
    )
      return;
    const reader = source.getReader();
    const ping = new TextEncoder().encode(KEEP_ALIVE_COMMENT);
    let pending: ReturnType<typeof reader.read> | null = null;
    let timer: NodeJS.Timeout | undefined;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        pending ??= reader.read();
        const tick = new Promise<'tick'>((resolve) => {
          timer = setTimeout(() => resolve('tick'), intervalMs);
        });
        const result = await Promise.race([pending, tick]);
        clearTimeout(timer);
        if (result === 'tick') {
          controller.enqueue(ping);
          return;
        }
        pending = null;
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel(reason) {
        clearTimeout(timer);
        return reader.cancel(reason);
      },
    });
    const { status, headers } = c.res;
    c.res = undefined;
    c.res = new Response(body, { status, headers });
  };
}
