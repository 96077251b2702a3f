export type { ManagedRun, RunReport, RunStatus, ScenarioRun, StepReport, StepStatus } from './run-report.ts';

import { createRandom } from '../random.ts';
import type { ExtensionHost } from '../simulator.ts';
import { applyChaosStep } from './chaos.ts';
import { createExpectation, type ExpectationResult, type RunView } from './expectations.ts';
import type { ManagedRun, RunReport, ScenarioRun } from './run-report.ts';
import type { Delay, Scenario, Step } from './schema.ts';
import { createTemplateContext, renderTemplates, type TemplateContext } from './template.ts';
import { createRunView } from './view.ts';

/** Creates a run (status 'waiting') that plays `scenario` once started on a conversation. */
export function createRun(options: {
  id: string;
  scenario: Scenario;
  seed: number;
  host: ExtensionHost;
  onChange(run: ScenarioRun): void;
}): ManagedRun {
  const { id, scenario, seed, host } = options;
  const random = createRandom(seed, 0);
  const timers = new Map<{ cancel(): void }, number>();
  const cleanups = new Set<() => void>();
  const report: RunReport = {
    id,
    scenario: scenario.name,
    file: scenario.file,
    provider: scenario.provider,
    conversationId: null,
    seed,
    status: 'waiting',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    steps: scenario.steps.map((step) => ({
      index: step.index,
      line: step.line,
      verb: step.verb,
      label: step.label,
      status: 'pending',
      startedAt: null,
      endedAt: null,
      message: null,
      expected: null,
      actual: null,
      diff: null,
    })),
    error: null,
  };
  let startTime = 0;
  let context: TemplateContext = {};
  let view: RunView | null = null;
  let expecting = false;
  let resolveOutcome: (report: RunReport) => void = () => {};
  const outcome = new Promise<RunReport>((resolve) => {
    resolveOutcome = resolve;
  });

  const now = () => host.clock.now();
  const isActive = () => report.status === 'running';
  const changed = () => options.onChange(run);
  const where = (step: Step) =>
    `${scenario.file}${step.line ? `:${step.line}` : ''} steps[${step.index}] (${step.verb})`;

  const sleep = (delayMs: number, task: () => Promise<void>) => {
    const handle = host.schedule(delayMs, async () => {
      timers.delete(handle);
      if (isActive()) await task();
    });
    timers.set(handle, now() + delayMs);
    return handle;
  };

  const finish = (status: 'passed' | 'failed' | 'cancelled', error: string | null) => {
    if (!isActive() && report.status !== 'waiting') return;
    report.status = status;
    report.error = error;
    report.finishedAt = new Date(now()).toISOString();
    report.durationMs = report.startedAt === null ? null : now() - startTime;
    for (const step of report.steps)
      if (step.status === 'pending' || step.status === 'running') step.status = 'skipped';
    for (const handle of timers.keys()) handle.cancel();
    timers.clear();
    for (const cleanup of cleanups) cleanup();
    cleanups.clear();
    view?.close();
    expecting = false;
    changed();
    resolveOutcome(structuredClone(report));
  };

  const drawDelay = (delay: Delay) =>
    delay.min === delay.max ? delay.min : delay.min + Math.floor(random.next() * (delay.max - delay.min + 1));

  const delayOf = (step: Step) => {
    if (step.at !== null) return Math.max(0, startTime + step.at - now());
    return (step.after ? drawDelay(step.after) : 0) + (step.kind === 'wait' ? drawDelay(step.delay) : 0);
  };

  const settleStep = (step: Step, result: ExpectationResult) => {
    const entry = report.steps[step.index]!;
    entry.status = result.ok ? 'passed' : 'failed';
    entry.endedAt = now() - startTime;
    entry.expected = result.expected ?? null;
    entry.actual = result.actual ?? null;
    entry.diff = result.diff ?? null;
    entry.message = result.ok ? null : `${where(step)}: ${result.message ?? 'failed'}`;
    expecting = false;
    changed();
    if (!result.ok) finish('failed', entry.message);
  };

  // Runs steps from `index` on until one must wait (a delay or an expectation); returns then. Never throws:
  // an unexpected error fails the run (it is called from timers and signal listeners).
  const runFrom = async (index: number): Promise<void> => {
    let current: Step | undefined;
    try {
      for (let i = index; isActive(); i++) {
        current = scenario.steps[i];
        if (!current) return finish('passed', null);
        const delay = delayOf(current);
        if (delay > 0) {
          const step = current;
          sleep(delay, () => execute(step));
          return;
        }
        if ((await perform(current)) === 'suspended') return;
      }
    } catch (error) {
      const place = current ? `${where(current)}: ` : '';
      host.log('error', `scenario ${scenario.name}: a step failed unexpectedly`, error);
      if (current) report.steps[current.index]!.status = 'failed';
      finish('failed', `${place}internal error: ${(error as Error).message}`);
    }
  };

  const execute = async (step: Step) => {
    let outcome: 'done' | 'suspended';
    try {
      outcome = await perform(step);
    } catch (error) {
      report.steps[step.index]!.status = 'failed';
      finish('failed', `${where(step)}: internal error: ${(error as Error).message}`);
      return;
    }
    if (outcome === 'done') await runFrom(step.index + 1);
  };

  const perform = async (step: Step): Promise<'done' | 'suspended'> => {
    const entry = report.steps[step.index]!;
    entry.status = 'running';
    entry.startedAt = now() - startTime;
    changed();
    if (step.kind === 'wait') {
      settleStep(step, { ok: true });
      return 'done';
    }
    if (step.kind === 'act') {
      settleStep(step, await performAction(step));
      return 'done';
    }
    if (step.kind === 'chaos') {
      const rendered = renderTemplates(step, context);
      settleStep(step, applyChaosStep(host.control, rendered, scenario.provider, report.conversationId));
      return 'done';
    }
    let rendered: Step;
    try {
      rendered = renderTemplates(step, context);
    } catch (error) {
      settleStep(step, { ok: false, message: (error as Error).message });
      return 'done';
    }
    const expectation = createExpectation(rendered, view!, scenario);
    const immediate = expectation.check();
    if (immediate) {
      settleStep(step, immediate);
      return 'done';
    }
    expecting = true;
    let settled = false;
    const conclude = (result: ExpectationResult) => {
      if (settled || !isActive()) return;
      settled = true;
      off();
      deadline.cancel();
      timers.delete(deadline);
      cleanups.delete(off);
      settleStep(step, result);
    };
    const off = expectation.listen((result) => {
      // Called from a signal: keep the rest of the timeline tracked so that idle() waits for it.
      void host.track(async () => {
        conclude(result);
        if (report.status === 'running') await runFrom(step.index + 1);
      });
    });
    cleanups.add(off);
    const deadline = sleep(expectation.windowMs, async () => {
      conclude(expectation.onDeadline());
      if (report.status === 'running') await runFrom(step.index + 1);
    });
    return 'suspended';
  };

  const performAction = async (step: Step & { kind: 'act' }): Promise<ExpectationResult> => {
    let args: unknown;
    try {
      args = renderTemplates(step.args, context);
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    try {
      const result = await host.control.act({
        provider: scenario.provider,
        conversationId: report.conversationId!,
        action: step.action,
        args,
      });
      return { ok: true, actual: result === undefined ? undefined : JSON.stringify(result) };
    } catch (error) {
      const message = (error as Error).message;
      return {
        ok: false,
        message:
          step.action === 'raw.event' && /has no action 'raw\.event'/.test(message)
            ? `${scenario.provider} does not implement 'raw.event' (emit an event body to the conversation's webhook), so this raw step cannot run. ${message}`
            : message,
      };
    }
  };

  const run: ManagedRun = {
    id,
    scenario,
    report: () => structuredClone(report),
    outcome,
    isFinished: () => report.status !== 'waiting' && report.status !== 'running',
    conversationId: () => report.conversationId,
    nextDue: () => (timers.size === 0 ? null : Math.min(...timers.values())),
    isExpecting: () => expecting,
    cancel(reason) {
      if (run.isFinished()) return;
      if (report.status === 'waiting') report.status = 'running';
      finish('cancelled', reason);
    },
    async start(conversationId, data, sinceSeq) {
      if (report.status !== 'waiting') return;
      report.status = 'running';
      report.conversationId = conversationId === '' ? null : conversationId;
      startTime = now();
      report.startedAt = new Date(startTime).toISOString();
      context = createTemplateContext({
        provider: scenario.provider,
        conversationId,
        scenario: scenario.name,
        seed,
        data,
      });
      view = createRunView(host, scenario.provider, conversationId, sinceSeq);
      changed();
      await host.track(() => runFrom(0));
    },
  };
  return run;
}
