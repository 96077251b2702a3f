// The remote client: the control API of a running simulator over its admin HTTP API (docs/client.md).
import type {
  ActRequest,
  DeliveryMatchData,
  Health,
  IdleOptions,
  Mark,
  RemoteControl,
  RequestMatchData,
  WaitOptions,
} from '../control.ts';
import type { DeliveryFault } from '../delivery-faults.ts';
import { ControlError } from '../errors.ts';
import type { Fault } from '../faults.ts';
import type { JournalEntry } from '../journal.ts';
import type { OperationDoc } from '../openapi.ts';
import type { ConversationSummary, Delivery } from '../provider/contract.ts';
import type { RunReport, Transcript } from '../scenarios/index.ts';
import { openEventStream } from './sse.ts';

/** Options of `createClient`. */
export type ClientOptions = {
  /** The admin token, when the simulator has one (sent as `Authorization: Bearer`). */
  token?: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
};

/** A scenario as `run` and `arm` take it: YAML or JSON text, or the parsed object. */
export type ScenarioSource = string | Record<string, unknown>;

/** Options of a scenario run started remotely. */
export type RemoteRunOptions = {
  /** A file name for messages (the source is sent, not read by the server). */
  file?: string;
  conversationId?: string;
  data?: Record<string, unknown>;
  seed?: number;
  /** On a virtual clock, let the simulator move time for the run (as `convosim run` does). */
  drive?: boolean;
  /** With `drive`, how long to wait for the system under test before each move (ms). */
  settleMs?: number;
};

/** The scenario engine of a running simulator (GET/POST /__admin/scenarios/...). */
export type RemoteScenarios = {
  /** Starts a run; answers its report as it stands. */
  run(source: ScenarioSource, options?: RemoteRunOptions): Promise<RunReport>;
  /** The report of a run. */
  get(runId: string): Promise<RunReport>;
  /** The reports of every run. */
  runs(): Promise<RunReport[]>;
  /** Waits until the run has passed, failed or been cancelled (default timeout 4 s), and answers its report. */
  finished(runId: string, options?: { timeoutMs?: number }): Promise<RunReport>;
  cancel(runId: string): Promise<RunReport>;
  /** Arms a scenario for every matching conversation start. */
  arm(source: ScenarioSource, options?: { file?: string }): Promise<{ id: string; scenario: string }>;
  disarm(armedId: string): Promise<void>;
  /** The recorded transcript of a conversation. */
  transcript(provider: string, conversationId: string): Promise<Transcript>;
  /** Replays a transcript: a run that checks your system makes the same calls. */
  replay(
    transcript: Transcript,
    options?: { ignore?: string[]; within?: string | number; drive?: boolean; settleMs?: number },
  ): Promise<RunReport>;
};

/** A client of a running simulator: the same control API as `sim.control`, over HTTP, plus its scenarios. */
export type ConvosimClient = RemoteControl & {
  /** The simulator's base URL (without /__admin). */
  readonly url: string;
  readonly scenarios: RemoteScenarios;
};

type Call = {
  /** Query parameters; undefined ones are left out, others sent as `String(value)`. */
  query?: Record<string, unknown>;
  body?: unknown;
};

const FINAL = new Set(['passed', 'failed', 'cancelled']);
/** Listings ask for the whole window, as the in-process functions answer it. */
const WHOLE_WINDOW = 1_000_000;

/**
 * A client of the simulator at `url` (its base URL, e.g. `http://127.0.0.1:8080`): the typed control API over the
 * admin HTTP API. Errors are `ControlError`s with the status and message the admin API answered.
 */
export function createClient(url: string, options: ClientOptions = {}): ConvosimClient {
  const base = url.replace(/\/+$/, '').replace(/\/__admin$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};

  const call = async <T>(method: string, path: string, { query, body }: Call = {}): Promise<T> => {
    const target = `${base}/__admin${path}${toQueryString(query)}`;
    let res: Response;
    try {
      res = await fetchImpl(target, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new Error(
        `convosim at ${base} cannot be reached (${cause}). Please check that it is running (convosim serve) ` +
          'and that the URL is right.',
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let envelope: { error?: unknown; details?: unknown } = {};
      try {
        envelope = JSON.parse(text) as typeof envelope;
      } catch {
        // Not the admin envelope: quoted below.
      }
      const message =
        typeof envelope.error === 'string'
          ? envelope.error
          : `${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`;
      throw new ControlError(res.status, message, envelope.details);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  const segment = (value: string) => encodeURIComponent(value);

  const client: ConvosimClient = {
    url: base,
    health: () => call<Health>('GET', '/health'),
    reset: async () => {
      await call('POST', '/reset');
    },
    requests: async (filter = {}) =>
      (
        await call<{ requests: JournalEntry[] }>('GET', '/requests', {
          query: { ...filter, limit: filter.limit ?? WHOLE_WINDOW },
        })
      ).requests,
    mark: () => call<Mark>('GET', '/mark'),
    countRequests: async (filter = {}) =>
      (await call<{ count: number }>('GET', '/requests/count', { query: { ...filter } })).count,
    clearRequests: async () => {
      await call('DELETE', '/requests');
    },
    deliveries: async (filter = {}) =>
      (
        await call<{ deliveries: Delivery[] }>('GET', '/deliveries', {
          query: { ...filter, limit: filter.limit ?? WHOLE_WINDOW },
        })
      ).deliveries,
    conversations: async (filter = {}) =>
      (
        await call<{ conversations: ConversationSummary[] }>('GET', '/conversations', {
          query: { ...filter },
        })
      ).conversations,
    state: (provider, keys) =>
      call<unknown>('GET', `/state/${segment(provider)}`, {
        query: { secrets: true, keys: keys?.join(',') },
      }),
    actions: async (provider) =>
      (
        await call<{ actions: { provider: string; action: string; description: string }[] }>(
          'GET',
          '/actions',
          {
            query: { provider },
          },
        )
      ).actions,
    act: async ({ provider, conversationId, action, args }: ActRequest) =>
      (
        await call<{ result: unknown }>(
          'POST',
          `/conversations/${segment(provider)}/${segment(conversationId)}/actions`,
          { body: args === undefined ? { action } : { action, args } },
        )
      ).result,
    operations: async (provider) =>
      (await call<{ operations: OperationDoc[] }>('GET', '/operations', { query: { provider } })).operations,
    admin: (provider, operation, args) =>
      call<unknown>('POST', `/operations/${segment(provider)}/${segment(operation)}`, {
        query: { secrets: true },
        body: args ?? {},
      }),
    now: async () => (await call<{ now: number }>('GET', '/clock')).now,
    advance: (by) => call<{ now: number }>('POST', '/clock/advance', { body: { by } }),
    addFault: (spec) => call<Fault>('POST', '/faults', { body: spec }),
    faults: async () => (await call<{ faults: Fault[] }>('GET', '/faults')).faults,
    removeFault: async (id) => {
      await call('DELETE', `/faults/${segment(id)}`);
    },
    clearFaults: async () => {
      await call('DELETE', '/faults');
    },
    addDeliveryFault: (spec) => call<DeliveryFault>('POST', '/delivery-faults', { body: spec }),
    deliveryFaults: async () => (await call<{ faults: DeliveryFault[] }>('GET', '/delivery-faults')).faults,
    removeDeliveryFault: async (id) => {
      await call('DELETE', `/delivery-faults/${segment(id)}`);
    },
    clearDeliveryFaults: async () => {
      await call('DELETE', '/delivery-faults');
    },
    idle: async ({ timeoutMs, settleMs }: IdleOptions = {}) => {
      await call('GET', '/idle', { query: { timeout: timeoutMs, settle: settleMs } });
    },
    waitForRequest: async (match: RequestMatchData, { timeoutMs, since }: WaitOptions = {}) => {
      assertData(match.body, 'waitForRequest');
      return await call<JournalEntry>('POST', '/requests/wait', {
        body: { match, since, timeout: timeoutMs },
      });
    },
    waitForDelivery: async (match: DeliveryMatchData, { timeoutMs, since }: WaitOptions = {}) => {
      assertData(match.body, 'waitForDelivery');
      return await call<Delivery>('POST', '/deliveries/wait', { body: { match, since, timeout: timeoutMs } });
    },
    events: (filter = {}, { lastEventId } = {}) =>
      openEventStream(
        `${base}/__admin/events${toQueryString({ ...filter, lastEventId })}`,
        headers,
        fetchImpl,
      ),
    scenarios: {
      run: (source, runOptions = {}) =>
        call<RunReport>('POST', '/scenarios/runs', { body: { source, ...runOptions } }),
      get: (runId) => call<RunReport>('GET', `/scenarios/runs/${segment(runId)}`),
      runs: async () => (await call<{ runs: RunReport[] }>('GET', '/scenarios/runs')).runs,
      async finished(runId, { timeoutMs = 4000 } = {}) {
        const deadline = performance.now() + timeoutMs;
        let report = await call<RunReport>('GET', `/scenarios/runs/${segment(runId)}`);
        while (!FINAL.has(report.status)) {
          const left = Math.round(deadline - performance.now());
          if (left <= 0) {
            throw new ControlError(
              408,
              `Scenario run ${runId} (${report.scenario}) not finished within ${timeoutMs} ms: ${report.status}, ` +
                `${report.steps.filter((s) => s.status === 'passed').length}/${report.steps.length} steps passed. ` +
                'On a virtual clock, advance it or start the run with drive: true.',
            );
          }
          const settled = report.steps.filter((s) => s.status === 'passed' || s.status === 'failed').length;
          report = await call<RunReport>('GET', `/scenarios/runs/${segment(runId)}/wait`, {
            query: { timeout: left, settled },
          });
        }
        return report;
      },
      cancel: (runId) => call<RunReport>('DELETE', `/scenarios/runs/${segment(runId)}`),
      arm: (source, armOptions = {}) =>
        call<{ id: string; scenario: string }>('POST', '/scenarios/armed', {
          body: { source, ...armOptions },
        }),
      disarm: async (armedId) => {
        await call('DELETE', `/scenarios/armed/${segment(armedId)}`);
      },
      transcript: (provider, conversationId) =>
        call<Transcript>('GET', `/scenarios/transcripts/${segment(provider)}/${segment(conversationId)}`),
      replay: (transcript, replayOptions = {}) =>
        call<RunReport>('POST', '/scenarios/replays', { body: { transcript, ...replayOptions } }),
    },
  };
  return client;
}

function toQueryString(query: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

// Predicates match in-process only: over HTTP a body matcher is a partial object (functions would vanish in JSON).
function assertData(value: unknown, where: string, depth = 0): void {
  if (typeof value === 'function') {
    throw new TypeError(
      `${where}: a predicate cannot be sent over HTTP. Please match the body with a partial object instead.`,
    );
  }
  if (value === null || typeof value !== 'object' || depth > 64) return;
  for (const item of Object.values(value)) assertData(item, where, depth + 1);
}
