// The live log: one line per event of the simulator's event stream (src/events.ts), through pino. JSON lines are
// the events of docs/events.md plus `msg`; the pretty format is pino-pretty as an in-process stream (no worker
// thread), so what is written is written before the call returns.
import pino from 'pino';
import pinoPretty from 'pino-pretty';
import { isSecretKey, REDACTED, redactSecrets } from './admin-security.ts';
import { toIsoTime } from './clock.ts';
import { toEcho } from './echo.ts';
import { maskQuery, maskUrl } from './event-masks.ts';
import type { EventHub, EventSource, SimEvent } from './events.ts';

/** Levels of the live log: `info` shows every event line, `warn` only failures, `debug` adds bodies. */
export type LiveLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Options of `createLiveLog`. */
export type LiveLogOptions = {
  level?: LiveLogLevel;
  /** 'pretty' (human-readable, coloured when `colorize`) or 'json' (one event a line). Default 'json'. */
  format?: 'pretty' | 'json';
  /** Where lines go (default process.stdout). */
  stream?: NodeJS.WritableStream;
  /** Colours in the pretty format (default: when `stream` is a TTY). */
  colorize?: boolean;
};

/** A running live log. */
export type LiveLog = {
  /** Writes a line of the simulator's own (not an event): warnings, errors, notes. */
  write(level: LiveLogLevel, message: string): void;
  close(): void;
};

/** Characters of a body shown at debug level. */
export const BODY_LIMIT = 2000;

/** Starts logging the events of `sim` (a simulator, or anything with its event hub). */
export function createLiveLog(sim: { events: EventHub }, options: LiveLogOptions = {}): LiveLog {
  const level = options.level ?? 'info';
  const format = options.format ?? 'json';
  const stream = options.stream ?? process.stdout;
  const destination =
    format === 'pretty'
      ? pinoPretty({
          destination: stream,
          sync: true,
          colorize: options.colorize ?? (stream as { isTTY?: boolean }).isTTY === true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: EVENT_KEYS.join(','),
        })
      : stream;
  const logger = pino(
    {
      level,
      base: null,
      // Events carry their own time (the simulator clock); lines of the simulator's own get it from `write`.
      timestamp: false,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const debug = level === 'debug';
  const off = sim.events.listen(level === 'error' ? 'warn' : level, (event, source) => {
    if (!logger.isLevelEnabled(event.level)) return;
    const { level: eventLevel, ...fields } = event;
    const line = debug ? { ...fields, ...toDebugFields(source) } : fields;
    logger[eventLevel](line, toMessage(event));
  });
  return {
    write(lineLevel, message) {
      logger[lineLevel]({ time: Date.now() }, message);
    },
    close: off,
  };
}

// Keys the pretty format leaves out: the message says them. Debug bodies and headers are shown below it.
const EVENT_KEYS = [
  'id',
  'type',
  'provider',
  'conversationId',
  'requestId',
  'method',
  'path',
  'query',
  'route',
  'status',
  'durationMs',
  'fault',
  'note',
  'deliveryId',
  'eventType',
  'url',
  'attempt',
  'maxAttempts',
  'ok',
  'error',
  'latencyMs',
  'state',
  'attempts',
  'change',
  'action',
  'runId',
  'scenario',
  'index',
  'verb',
  'label',
  'message',
  'faultId',
  'now',
  'byMs',
  'count',
];

/** The human line of an event (what `msg` holds). Pieces that come from requests are quoted with `toEcho`. */
export function toMessage(event: SimEvent): string {
  const provider = event.provider ?? '-';
  const conversation = event.conversationId === null ? '' : ` · conversation ${safe(event.conversationId)}`;
  switch (event.type) {
    case 'request': {
      const answer = event.status === 0 ? 'no answer' : String(event.status);
      const took = event.durationMs === null ? '' : ` ${event.durationMs} ms`;
      return (
        `${provider} ${event.method} ${safe(event.path + event.query)} → ${answer}${took}${conversation}` +
        (event.fault === null ? '' : ` · fault ${safe(event.fault)}`) +
        (event.note === null ? '' : ` · ${safe(event.note)}`)
      );
    }
    case 'delivery.created':
      return `webhook ${provider} ${safe(event.eventType)} queued for ${safe(event.url)}${conversation}`;
    case 'delivery.attempt': {
      const outcome = event.error ?? String(event.status);
      const answer = event.error !== null && event.status !== null ? `${event.status} ${outcome}` : outcome;
      return (
        `webhook ${provider} ${safe(event.eventType)} → ${safe(event.url)} ${safe(answer)} ` +
        `attempt ${event.attempt} of ${event.maxAttempts} (${event.latencyMs} ms)${conversation}`
      );
    }
    case 'delivery.settled':
      return (
        `webhook ${provider} ${safe(event.eventType)} ${event.state} after ${event.attempts} attempt` +
        `${event.attempts === 1 ? '' : 's'}${conversation}${event.note === null ? '' : ` · ${safe(event.note)}`}`
      );
    case 'conversation':
      return `${provider} conversation ${safe(event.conversationId ?? '')} ${event.change}`;
    case 'action':
      return `${provider} action ${safe(event.action)}${conversation}`;
    case 'scenario.step':
      return (
        `scenario ${safe(event.scenario)} step ${event.index + 1} ${safe(event.verb)} ${safe(event.label)}: ` +
        `${event.status}${event.message === null ? '' : ` · ${safe(event.message)}`}${conversation}`
      );
    case 'fault':
      return `fault ${safe(event.faultId)} applied to ${provider} ${event.method} ${safe(event.path)}`;
    case 'clock':
      return `clock advanced by ${event.byMs} ms to ${toIsoTime(event.now)}`;
    case 'reset':
      return 'reset to the fixtures';
    case 'dropped':
      return `${event.count} events dropped (slow consumer)`;
  }
}

// Printable ASCII without spaces is shown as is; anything else is quoted and escaped, so it cannot forge a line.
function safe(text: string): string {
  return /^[\x21-\x7e]{0,300}$/.test(text) ? text : toEcho(text, 300);
}

function toDebugFields(source: EventSource): Record<string, unknown> {
  switch (source.type) {
    case 'request': {
      const { entry } = source;
      return {
        requestHeaders: maskHeaders(entry.requestHeaders),
        requestBody: maskBody(entry.requestBody),
        responseBody: maskBody(entry.responseBody),
      };
    }
    case 'delivery.attempt': {
      const { attempt } = source;
      return {
        headers: maskHeaders(attempt.headers),
        body: maskBody(attempt.body),
        responseBody: maskBody(attempt.responseBody ?? ''),
      };
    }
    case 'action':
      return { args: redactSecrets(source.args) };
    case 'other':
      return {};
  }
}

/** Headers with secrets masked: the credentials of Authorization (its scheme kept) and secret-named headers. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      const scheme = /^\S+(?=\s)/.exec(value)?.[0];
      masked[name] = scheme === undefined ? REDACTED : `${scheme} ${REDACTED}`;
    } else if (isSecretKey(name) || lower === 'x-api-key' || lower === 'api-key') {
      masked[name] = REDACTED;
    } else {
      masked[name] = value;
    }
  }
  return masked;
}

/**
 * A body with secrets masked and cut to `BODY_LIMIT`: secret-named JSON fields and form fields, and Bearer and
 * Basic credentials anywhere in the text.
 */
export function maskBody(body: string): string {
  if (body === '') return body;
  let masked = body;
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      masked = JSON.stringify(redactSecrets(JSON.parse(body)));
    } catch {
      // not JSON after all: masked as text below
    }
  } else if (/^[^\s=&]+=[^\s]*$/.test(body)) {
    masked = maskQuery(`?${body}`).slice(1);
  }
  masked = masked.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`);
  masked = masked.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+)/gi, (url) => maskUrl(url));
  return masked.length > BODY_LIMIT
    ? `${masked.slice(0, BODY_LIMIT)}…(+${masked.length - BODY_LIMIT} chars)`
    : masked;
}
