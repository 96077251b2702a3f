import type { RunReport, StepReport } from './run.ts';

const MARK: Record<StepReport['status'], string> = {
  pending: '·',
  running: '…',
  passed: '✓',
  failed: '✗',
  skipped: '-',
};

/** One progress line for a settled step: `  ✓ 2 agent.say "hi" (+2000ms)`. */
export function renderStepLine(step: StepReport): string {
  const time = step.startedAt === null ? '' : ` (+${step.startedAt}ms)`;
  return `  ${MARK[step.status]} ${step.index + 1} ${step.label}${step.status === 'skipped' ? ' (skipped)' : time}`;
}

/** A step-by-step report for people: passed or failed, what was expected, what arrived, a diff. */
export function renderText(report: RunReport): string {
  const head =
    `${report.status === 'passed' ? '✓' : '✗'} ${report.scenario} (${report.file}): ${report.status}` +
    (report.durationMs === null ? '' : ` in ${report.durationMs}ms of simulator time`) +
    (report.conversationId ? ` · conversation ${report.conversationId}` : '') +
    ` · seed ${report.seed}`;
  const lines = [head];
  for (const step of report.steps) {
    lines.push(renderStepLine(step));
    if (step.status !== 'failed') continue;
    if (step.message) lines.push(`      why:      ${step.message}`);
    if (step.expected) lines.push(`      expected: ${indent(step.expected, 16)}`);
    if (step.actual) lines.push(`      arrived:  ${indent(step.actual, 16)}`);
    if (step.diff) lines.push('      diff (- expected, + arrived):', indent(step.diff, 8, true));
  }
  if (report.error && !report.steps.some((s) => s.status === 'failed')) lines.push(`  ${report.error}`);
  return lines.join('\n');
}

/** The reports as JSON (what `--report json PATH` writes). */
export function renderJson(reports: readonly RunReport[]): string {
  const failed = reports.filter((r) => r.status !== 'passed').length;
  return `${JSON.stringify({ passed: reports.length - failed, failed, runs: reports }, null, 2)}\n`;
}

/** The reports as JUnit XML: one test suite per run, one test case per step. */
export function renderJunit(reports: readonly RunReport[]): string {
  const suites = reports.map((report) => {
    const failures = report.steps.filter((s) => s.status === 'failed').length;
    const skipped = report.steps.filter((s) => s.status === 'skipped').length;
    const cases = report.steps.map((step) => {
      const name = escapeXml(`${step.index + 1} ${step.label}`);
      const attrs = `name="${name}" classname="${escapeXml(report.scenario)}" time="${toSeconds(step)}"`;
      if (step.status === 'skipped' || step.status === 'pending')
        return `    <testcase ${attrs}><skipped/></testcase>`;
      if (step.status !== 'failed') return `    <testcase ${attrs}/>`;
      const detail = [
        step.expected ? `expected: ${step.expected}` : '',
        step.actual ? `arrived: ${step.actual}` : '',
        step.diff ? `diff:\n${step.diff}` : '',
      ]
        .filter(Boolean)
        .join('\n');
      return `    <testcase ${attrs}><failure message="${escapeXml(step.message ?? 'failed')}">${escapeXml(detail)}</failure></testcase>`;
    });
    // A run that failed or was cancelled with no failed step (timed out, cancelled, an internal error) is one
    // error, reported as a test case of its own so that every JUnit reader counts it.
    const errors = report.status !== 'passed' && failures === 0 ? 1 : 0;
    if (errors) {
      const attrs = `name="run" classname="${escapeXml(report.scenario)}" time="0"`;
      const why = report.error ?? `the run ended ${report.status}`;
      cases.push(`    <testcase ${attrs}><error message="${escapeXml(why)}"/></testcase>`);
    }
    return [
      `  <testsuite name="${escapeXml(report.scenario)}" file="${escapeXml(report.file)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${(report.durationMs ?? 0) / 1000}">`,
      ...cases,
      ...(errors ? [`    <system-err>${escapeXml(report.error ?? '')}</system-err>`] : []),
      '  </testsuite>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="convosim scenarios">\n${suites.join('\n')}\n</testsuites>\n`;
}

function toSeconds(step: StepReport): number {
  return step.startedAt === null || step.endedAt === null ? 0 : (step.endedAt - step.startedAt) / 1000;
}

function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

function indent(text: string, by: number, first = false): string {
  const pad = ' '.repeat(by);
  return (first ? pad : '') + text.split('\n').join(`\n${pad}`);
}
