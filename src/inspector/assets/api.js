// The admin API as the page uses it: JSON calls with the admin token when one is set, and the event stream read
// with fetch (EventSource cannot send the token header).

const TOKEN_KEY = 'convosim.adminToken';
const TOKEN_HEADER = 'x-convosim-admin-token';

/** An admin answer that was not 2xx: `status` and the admin envelope's message. */
export class AdminError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The admin token of this tab (sessionStorage), or null. */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Sets (or with '' clears) the admin token of this tab. */
export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const token = getToken();
  return token ? { ...extra, [TOKEN_HEADER]: token } : extra;
}

let onUnauthorized = () => {};

/** Called when an admin call answers 401 (the page then asks for the token). */
export function whenUnauthorized(listener) {
  onUnauthorized = listener;
}

/** Calls the admin API: `path` under /__admin, an optional JSON `body`. Answers the parsed JSON (or null). */
export async function admin(method, path, body) {
  const res = await fetch(`/__admin${path}`, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let value = null;
  try {
    value = text === '' ? null : JSON.parse(text);
  } catch {
    value = text;
  }
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    const message = value && typeof value === 'object' && 'error' in value ? value.error : String(value);
    throw new AdminError(res.status, message);
  }
  return value;
}

/** A query string from an object, leaving out empty values. */
export function toQuery(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Reads GET /__admin/events for as long as the page lives, calling `onEvent` with each event and `onStatus` with
 * 'live', 'reconnecting' or 'unauthorized'. Reconnects with Last-Event-ID, so nothing the ring still holds is
 * missed.
 */
export async function followEvents(onEvent, onStatus) {
  let lastId = null;
  for (;;) {
    try {
      const res = await fetch('/__admin/events', {
        headers: headers(lastId === null ? {} : { 'last-event-id': String(lastId) }),
        cache: 'no-store',
      });
      if (res.status === 401) {
        onStatus('unauthorized');
        onUnauthorized();
        await new Promise((resolve) => setTimeout(resolve, 2000));
        continue;
      }
      if (!res.ok || res.body === null) throw new Error(`events answered ${res.status}`);
      onStatus('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          const id = /^id: (\d+)$/m.exec(block);
          if (id) lastId = Number(id[1]);
          if (data !== '') onEvent(JSON.parse(data));
        }
      }
    } catch {
      // The simulator restarted or the network dropped: retry below.
    }
    onStatus('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
