import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseScenario, ScenarioError } from './load.ts';
import { renderJson, renderJunit, renderStepLine, renderText } from './report.ts';
import { countSettled } from './routes.ts';
import type { RunReport } from './run.ts';

// The `run`, `replay` and `transcript` commands: clients of a running simulator's admin API.

/** Where a report file goes: `--report junit out.xml`. */
export type ReportTarget = { format: 'junit' | 'json'; path: string };

/** Options shared by `run` and `replay`. */
export type FollowOptions = {
  url: string;
  /** Real time each run may take before it is cancelled and failed. */
  timeoutMs: number;
  /** Let the simulator advance its virtual clock for the run. */
  drive: boolean;
  /** Real ms the simulator gives the SUT before moving virtual time past a pending expectation. */
  settleMs: number;
  reports: ReportTarget[];
  write(text: string): void;
};

/** Turns `--report junit a.xml json b.json` tokens into targets; throws on a bad pair. */
export function parseReportTargets(tokens: readonly string[]): ReportTarget[] {
  if (tokens.length % 2 !== 0) {
    throw new Error(
      `--report takes pairs of format and path, e.g. --report junit out.xml; got '${tokens.join(' ')}'.`,
    );
  }
  const targets: ReportTarget[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const format = tokens[i]!;
    if (format !== 'junit' && format !== 'json') {
      throw new Error(`--report format '${format}' is unknown. Please use junit or json.`);
    }
    targets.push({ format, path: tokens[i + 1]! });
  }
  return targets;
}

/** `convosim run SCENARIO...`: queues every scenario, follows each run, prints reports; returns the exit code. */
export async function runScenarioFiles(
  files: readonly string[],
  options: FollowOptions & { conversationId?: string; seed?: number },
): Promise<number> {
  const sources = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ScenarioError(
        `Failed to load scenario ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Please check the path.`,
      );
    }
    parseScenario(text, { file });
    return { file, text };
  });
  await checkReachable(options.url);
  const client = `convosim-run-${process.pid}-${randomUUID()}`;
  const release = await holdLease(options.url, client);
  try {
    return await queueAndFollow(sources, client, options);
  } finally {
    release();
  }
}

async function queueAndFollow(
  sources: { file: string; text: string }[],
  client: string,
  options: FollowOptions & { conversationId?: string; seed?: number },
): Promise<number> {
  const queued: RunReport[] = [];
  for (const { file, text } of sources) {
    try {
      queued.push(
        await callAdmin<RunReport>(options.url, 'POST', '/__admin/scenarios/runs', {
          source: text,
          file,
          conversationId: options.conversationId,
          seed: options.seed,
          drive: options.drive,
          settleMs: options.settleMs,
          client,
        }),
      );
    } catch (error) {
      for (const run of queued) await callAdmin(options.url, 'DELETE', `/__admin/scenarios/runs/${run.id}`);
      throw error;
    }
  }
  return await followRuns(queued, options);
}

/** `convosim replay TRANSCRIPT`: plays the transcript back and checks the SUT makes the same calls. */
export async function replayTranscriptFile(
  file: string,
  options: FollowOptions & { ignore?: string[]; within?: string },
): Promise<number> {
  let transcript: unknown;
  try {
    transcript = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `Failed to read transcript ${file}: ${(error as Error).message}. Please give a JSON transcript.`,
    );
  }
  await checkReachable(options.url);
  const client = `convosim-replay-${process.pid}-${randomUUID()}`;
  const release = await holdLease(options.url, client);
  try {
    const run = await callAdmin<RunReport>(options.url, 'POST', '/__admin/scenarios/replays', {
      transcript,
      ignore: options.ignore,
      within: options.within,
      drive: options.drive,
      settleMs: options.settleMs,
      client,
    });
    return await followRuns([{ ...run, file }], options);
  } finally {
    release();
  }
}

/** `convosim transcript PROVIDER CONVERSATION`: the transcript (JSON) or the scenario made from it (YAML). */
export async function fetchTranscript(
  url: string,
  provider: string,
  conversationId: string,
  asScenario: boolean,
) {
  await checkReachable(url);
  const path = `/__admin/scenarios/transcripts/${encodeURIComponent(provider)}/${encodeURIComponent(conversationId)}`;
  const response = await fetch(`${url}${path}${asScenario ? '?format=scenario' : ''}`);
  const text = await response.text();
  if (!response.ok) throw new Error(toErrorMessage(text, response.status));
  return asScenario ? text : `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
}

async function followRuns(queued: RunReport[], options: FollowOptions): Promise<number> {
  const finals: RunReport[] = [];
  for (const first of queued) {
    options.write(
      `▶ ${first.scenario} (${first.file})${first.status === 'waiting' ? `: waiting for a ${first.provider} conversation to start` : ''}\n`,
    );
    finals.push(await followRun(first, options));
  }
  options.write('\n');
  for (const report of finals) options.write(`${renderText(report)}\n\n`);
  const failed = finals.filter((r) => r.status !== 'passed').length;
  options.write(`${finals.length - failed} passed, ${failed} failed\n`);
  for (const target of options.reports) {
    mkdirSync(dirname(target.path), { recursive: true });
    writeFileSync(target.path, target.format === 'junit' ? renderJunit(finals) : renderJson(finals));
    options.write(`wrote ${target.format} report to ${target.path}\n`);
  }
  return failed === 0 ? 0 : 1;
}

async function followRun(first: RunReport, options: FollowOptions): Promise<RunReport> {
  const deadline = performanceNow() + options.timeoutMs;
  let report = first;
  let printed = 0;
  let startedPrinted = report.status !== 'waiting';
  for (;;) {
    if (!startedPrinted && report.status !== 'waiting') {
      startedPrinted = true;
      options.write(`  started on conversation ${report.conversationId}\n`);
    }
    const settled = report.steps.filter((s) => s.status === 'passed' || s.status === 'failed');
    for (const step of settled.slice(printed)) options.write(`${renderStepLine(step)}\n`);
    printed = settled.length;
    if (report.status !== 'waiting' && report.status !== 'running') return { ...report, file: first.file };
    const left = deadline - performanceNow();
    if (left <= 0) {
      const cancelled = await callAdmin<RunReport>(
        options.url,
        'DELETE',
        `/__admin/scenarios/runs/${report.id}`,
      );
      const why = `timed out after ${options.timeoutMs} ms of real time ${report.status === 'waiting' ? 'waiting for a matching conversation start' : 'while running'}. Please raise --timeout, or check that the system under test is running.`;
      return { ...cancelled, file: first.file, status: 'failed', error: why };
    }
    report = await callAdmin<RunReport>(
      options.url,
      'GET',
      `/__admin/scenarios/runs/${report.id}/wait?settled=${countSettled(report)}&timeout=${Math.max(1, Math.min(left, 10_000))}`,
    );
  }
}

/**
 * Opens the connection that keeps this process's runs alive on the server (src/scenarios/leases.ts): when the
 * process dies, the connection closes and the server cancels its runs, so none is left waiting to take the
 * next conversation. Resolves once the server holds the lease; returns the way to let it go.
 */
async function holdLease(url: string, client: string): Promise<() => void> {
  const holder = new AbortController();
  const release = () => holder.abort();
  try {
    const response = await fetch(`${url}/__admin/scenarios/clients/${encodeURIComponent(client)}/hold`, {
      signal: holder.signal,
    });
    // An older simulator has no hold route: its runs are then leased by the waits alone.
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return release;
    }
    const reader = response.body.getReader();
    await reader.read();
    reader.read().catch(() => {}); // keep reading (nothing more comes) until released
  } catch {
    return release;
  }
  return release;
}

async function checkReachable(url: string): Promise<void> {
  try {
    await fetch(`${url}/__admin/health`);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(
      `cannot reach a simulator at ${url} (${code}). Please start one with 'convosim serve' or pass --url.`,
    );
  }
}

async function callAdmin<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(toErrorMessage(text, response.status));
  return JSON.parse(text) as T;
}

function toErrorMessage(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { error?: string };
    if (parsed.error) return parsed.error;
  } catch {
    // not JSON: fall through
  }
  return status === 404
    ? 'the simulator has no scenario engine (404). Please start it with a convosim version that has scenarios.'
    : `the simulator answered ${status}: ${text.slice(0, 200)}`;
}

function performanceNow(): number {
  return performance.now();
}
