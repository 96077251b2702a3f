import { ControlError } from '../errors.ts';
import type { ExtensionHost, SimulatorExtension } from '../simulator.ts';
import { type DriveOptions, driveRun } from './drive.ts';
import {
  checkAgainstProviders,
  type KnownProvider,
  loadScenarioFile,
  parseScenario,
  ScenarioError,
} from './load.ts';
import { createScenarioRoutes } from './routes.ts';
import { createRun, type ManagedRun, type RunReport, type ScenarioRun } from './run.ts';
import type { Scenario } from './schema.ts';
import { createTranscriptRecorder, type Transcript } from './transcript.ts';

/** How to run a scenario. */
export type RunOptions = {
  /** Start now against this existing conversation instead of waiting for the trigger. */
  conversationId?: string;
  /** Conversation data for templates when starting explicitly. */
  data?: Record<string, unknown>;
  /** Seed of the run's random delays (default: the scenario's seed, else the simulator's). */
  seed?: number;
  /** On a virtual clock, advance it until the run has finished (see `drive`). */
  drive?: boolean | DriveOptions;
};

export type { DriveOptions } from './drive.ts';

/** A scenario armed in the server: it runs once for every matching conversation start until disarmed. */
export type ArmedScenario = {
  readonly id: string;
  readonly scenario: Scenario;
  runs(): ScenarioRun[];
  disarm(): void;
};

/** The scenario engine's library API: `sim.extensions.scenarios`. */
export type ScenarioApi = {
  /** Validates scenario text or an object against this simulator's providers; throws ScenarioError. */
  load(source: string | object, options?: { file?: string }): Scenario;
  /** Loads and validates a scenario file. */
  loadFile(file: string): Scenario;
  /** Runs a scenario once: on the next matching conversation start, or now with `conversationId`. */
  run(scenario: Scenario, options?: RunOptions): ScenarioRun;
  /** Arms a scenario for every matching conversation start (server mode). */
  arm(scenario: Scenario, options?: { seed?: number }): ArmedScenario;
  armed(): ArmedScenario[];
  /** Runs, oldest first (the last 200). */
  runs(): ScenarioRun[];
  get(id: string): ScenarioRun | undefined;
  /** On a virtual clock, advances it timer by timer until the run has finished; resolves with the report. */
  drive(run: ScenarioRun, options?: DriveOptions): Promise<RunReport>;
  /** Resolves when the run's report changes (a step settles, the run starts or finishes). */
  nextChange(run: ScenarioRun): Promise<RunReport>;
  /** The transcript of one conversation: requests, actions and events with their relative timing. */
  transcript(provider: string, conversationId: string): Transcript;
};

const KEEP_RUNS = 200;

/** The scenario engine as a simulator extension: `assembleSimulator({ extensions: [scenarioExtension()] })`. */
export function scenarioExtension(): SimulatorExtension<ScenarioApi> {
  return {
    name: 'scenarios',
    create(host) {
      const engine = createEngine(host);
      return {
        api: engine.api,
        routes: engine.routes(),
        reset: () => engine.reset(),
        close: () => engine.close(),
      };
    },
  };
}

function createEngine(host: ExtensionHost) {
  const runs: ManagedRun[] = [];
  const waiting: ManagedRun[] = [];
  const armed: (ArmedScenario & { seed: number | undefined; started: ManagedRun[] })[] = [];
  const watchers = new Map<string, Set<(report: RunReport) => void>>();
  const recorder = createTranscriptRecorder(host);
  let runSeq = 0;
  let armSeq = 0;

  // Runs driven at the same time take turns: a virtual clock advances one caller at a time.
  let advancing: Promise<unknown> = Promise.resolve();
  const advanceAlone = <T>(task: () => Promise<T> | null): Promise<T | null> => {
    const next = advancing.then(() => task());
    advancing = next.catch(() => {});
    return next;
  };

  const known = (): KnownProvider[] =>
    host.providers.map((p) => ({ name: p.name, actions: host.control.actions(p.name).map((a) => a.action) }));

  // Steps already announced as settled, per run (the 'scenario.step' signal says each once).
  const announced = new Map<string, number>();
  const announceSteps = (run: ScenarioRun, report: RunReport) => {
    const done = announced.get(run.id) ?? 0;
    let count = done;
    for (const step of report.steps.slice(done)) {
      if (step.status !== 'passed' && step.status !== 'failed' && step.status !== 'skipped') break;
      count++;
      host.signals.emit('scenario.step', {
        runId: run.id,
        scenario: report.scenario,
        provider: report.provider,
        conversationId: report.conversationId,
        index: step.index,
        verb: step.verb,
        label: step.label,
        status: step.status,
        message: step.message,
      });
    }
    if (run.isFinished()) announced.delete(run.id);
    else announced.set(run.id, count);
  };

  const onChange = (run: ScenarioRun) => {
    const report = run.report();
    announceSteps(run, report);
    if (run.isFinished()) removeChaos(host, report);
    const set = watchers.get(run.id);
    if (!set) return;
    watchers.delete(run.id);
    for (const watcher of set) watcher(report);
  };

  const createManagedRun = (scenario: Scenario, seed: number | undefined) => {
    const run = createRun({
      id: `run-${++runSeq}`,
      scenario,
      seed: seed ?? scenario.seed ?? host.control.health().seed,
      host,
      onChange,
    });
    runs.push(run);
    if (runs.length > KEEP_RUNS) {
      const old = runs.findIndex((r) => r.isFinished());
      if (old >= 0) runs.splice(old, 1);
    }
    return run;
  };

  // A run triggered by a provider signal starts once the provider's handler has finished the work that
  // announced the conversation (the request is answered and journaled within the current turn of the event
  // loop); an explicit start begins at once.
  const startRun = (
    run: ManagedRun,
    conversationId: string,
    data: Record<string, unknown>,
    fromSignal = false,
  ) => {
    // The newest journaled request only (a limit of 1 reads one entry, not the whole window).
    const sinceSeq = host.control.requests({ limit: 1 }).at(-1)?.seq ?? 0;
    void host.track(async () => {
      if (fromSignal) await new Promise((resolve) => setImmediate(resolve));
      await run.start(conversationId, data, sinceSeq);
    });
  };

  const checkScenario = (scenario: Scenario) => {
    try {
      checkAgainstProviders(scenario, known());
    } catch (error) {
      if (error instanceof ScenarioError) throw new ControlError(400, error.message);
      throw error;
    }
  };

  const offTrigger = host.signals.on('conversation', (signal) => {
    if (signal.type !== 'conversation.started') return;
    const data = signal.data ?? {};
    const fits = (scenario: Scenario) =>
      scenario.provider === signal.provider && isTriggeredBy(scenario, data);
    const busy = runs.some(
      (r) =>
        !r.isFinished() &&
        r.scenario.provider === signal.provider &&
        r.conversationId() === signal.conversationId,
    );
    if (busy) return;
    for (let i = waiting.length - 1; i >= 0; i--) if (waiting[i]!.isFinished()) waiting.splice(i, 1);
    const next = waiting.findIndex((run) => fits(run.scenario));
    if (next >= 0) {
      const [run] = waiting.splice(next, 1);
      startRun(run!, signal.conversationId, data, true);
      return;
    }
    const arm = armed.find((a) => fits(a.scenario));
    if (arm) {
      const run = createManagedRun(arm.scenario, arm.seed);
      arm.started.push(run);
      if (arm.started.length > KEEP_RUNS) arm.started.shift();
      startRun(run, signal.conversationId, data, true);
    }
  });

  const api: ScenarioApi = {
    load: (source, options = {}) => parseScenario(source, { file: options.file, providers: known() }),
    loadFile: (file) => loadScenarioFile(file, known()),
    run(scenario, options = {}) {
      checkScenario(scenario);
      const run = createManagedRun(scenario, options.seed);
      if (options.conversationId !== undefined) {
        startRun(run, options.conversationId, options.data ?? {});
      } else if (scenario.trigger.on === 'now') {
        startRun(run, '', {});
      } else if (scenario.trigger.on === 'manual') {
        run.cancel('a manual scenario needs a conversationId');
        throw new ControlError(
          400,
          `Scenario '${scenario.name}' has a manual trigger. Please give the conversationId of an existing conversation.`,
        );
      } else {
        waiting.push(run);
      }
      if (options.drive) {
        api.drive(run, options.drive === true ? {} : options.drive).catch((error: unknown) => {
          host.log('error', `scenario run ${run.id}: driving the clock failed`, error);
          run.cancel(`driving the virtual clock failed: ${(error as Error).message}`);
        });
      }
      return run;
    },
    arm(scenario, options = {}) {
      checkScenario(scenario);
      const started: ManagedRun[] = [];
      const entry = {
        id: `armed-${++armSeq}`,
        scenario,
        seed: options.seed,
        started,
        runs: () => [...started],
        disarm() {
          const index = armed.indexOf(entry);
          if (index >= 0) armed.splice(index, 1);
        },
      };
      armed.push(entry);
      return entry;
    },
    armed: () => [...armed],
    runs: () => [...runs],
    get: (id) => runs.find((r) => r.id === id),
    nextChange(run) {
      if (run.isFinished()) return Promise.resolve(run.report());
      return new Promise((resolve) => {
        const set = watchers.get(run.id) ?? new Set();
        watchers.set(run.id, set);
        set.add(resolve);
      });
    },
    drive: (run, options) => driveRun({ host, nextChange: api.nextChange, advanceAlone }, run, options),
    transcript: (provider, conversationId) => recorder.transcript(provider, conversationId),
  };

  return {
    api,
    routes: () => createScenarioRoutes(api),
    reset() {
      for (const run of runs) run.cancel('the simulator was reset');
      runs.length = 0;
      waiting.length = 0;
      for (const arm of armed) arm.started.length = 0;
      recorder.clear();
    },
    close() {
      offTrigger();
      recorder.close();
      for (const run of runs) run.cancel('the simulator was closed');
    },
  };
}

// A run's delivery faults end with it: one its conversation never triggered must not hit a later run.
function removeChaos(host: ExtensionHost, report: RunReport) {
  for (const step of report.steps) {
    const id = step.verb.startsWith('chaos.') ? /^(dfault-\d+):/.exec(step.actual ?? '')?.[1] : undefined;
    if (id && host.control.deliveryFaults().some((f) => f.id === id)) host.control.removeDeliveryFault(id);
  }
}

/** True when a conversation's start data matches the scenario's trigger. */
export function isTriggeredBy(scenario: Scenario, data: Record<string, unknown>): boolean {
  if (scenario.trigger.on !== 'conversation.started') return false;
  return Object.entries(scenario.trigger.match ?? {}).every(([path, expected]) => {
    let actual: unknown = data;
    for (const key of path.split('.')) {
      actual =
        typeof actual === 'object' && actual !== null ? (actual as Record<string, unknown>)[key] : undefined;
    }
    if (actual === undefined || actual === null) return false;
    const regex = typeof expected === 'string' ? /^\/(.*)\/([a-z]*)$/s.exec(expected) : null;
    return regex
      ? new RegExp(regex[1] ?? '', regex[2]).test(String(actual))
      : String(actual) === String(expected);
  });
}
