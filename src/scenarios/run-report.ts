import type { Scenario } from './schema.ts';

// The shapes of a run and its report.

/** Where a step stands. */
export type StepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';

/** One step of a run's report. */
export type StepReport = {
  index: number;
  line: number | null;
  verb: string;
  label: string;
  status: StepStatus;
  /** Milliseconds since the start of the run, on the simulator clock. */
  startedAt: number | null;
  endedAt: number | null;
  /** Why it failed, and where. */
  message: string | null;
  expected: string | null;
  actual: string | null;
  diff: string | null;
};

/** Where a run stands: waiting for its trigger, running, or finished. */
export type RunStatus = 'waiting' | 'running' | 'passed' | 'failed' | 'cancelled';

/** The report of one run: step by step, what was expected and what arrived. */
export type RunReport = {
  id: string;
  scenario: string;
  file: string;
  provider: string;
  conversationId: string | null;
  seed: number;
  status: RunStatus;
  /** Simulator clock, ISO 8601. */
  startedAt: string | null;
  finishedAt: string | null;
  /** Simulator-clock duration of the run. */
  durationMs: number | null;
  steps: StepReport[];
  /** Why the run failed or was cancelled. */
  error: string | null;
};

/** One run of a scenario against one conversation. */
export type ScenarioRun = {
  readonly id: string;
  readonly scenario: Scenario;
  /** A copy of the report as it stands. */
  report(): RunReport;
  /** Resolves with the final report once the run has passed, failed or been cancelled. */
  readonly outcome: Promise<RunReport>;
  /** True once passed, failed or cancelled. */
  isFinished(): boolean;
  /** The conversation it runs on, once started. */
  conversationId(): string | null;
  /** Simulator time at which the run's next timer fires, or null. */
  nextDue(): number | null;
  /** True while the current step waits for the system under test. */
  isExpecting(): boolean;
  /** Stops the run; the report says why. */
  cancel(reason: string): void;
};

/** A run as the engine holds it: it can be started on a conversation. */
export type ManagedRun = ScenarioRun & {
  /** Starts the run; its expectations see the requests journaled after `sinceSeq`. */
  start(conversationId: string, data: Record<string, unknown>, sinceSeq: number): Promise<void>;
};
