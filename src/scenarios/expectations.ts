import type { JournalEntry } from '../journal.ts';
import { type Delivery, isSettled } from '../provider/contract.ts';
import {
  DEFAULT_IGNORED_KEYS,
  isRelatedTo,
  parseJson,
  renderDiff,
  stripKeys,
  toDiffText,
  toEntryPredicate,
  toKeyFilter,
  toMatcher,
} from './match.ts';
import { describeMatch } from './normalize.ts';
import type { RequestMatch, Scenario, Step } from './schema.ts';
import type { RunView } from './view.ts';

export type { RunView } from './view.ts';

/** The verdict on one step, with what was expected and what arrived. */
export type ExpectationResult = {
  ok: boolean;
  message?: string;
  expected?: string;
  actual?: string;
  diff?: string;
};

/** An expectation on the system under test, checked now, on every change, and at its deadline. */
export type Expectation = {
  /** How long it waits (simulator clock). */
  windowMs: number;
  /** A verdict if one can be given now, else null. */
  check(): ExpectationResult | null;
  /** Calls `settle` once a verdict can be given; returns a function that stops listening. */
  listen(settle: (result: ExpectationResult) => void): () => void;
  /** The verdict when the window has passed without one. */
  onDeadline(): ExpectationResult;
};

const WRITE_METHODS = ['POST', 'PUT', 'PATCH'];

/** Creates the expectation of a step whose templates are rendered. */
export function createExpectation(step: Step, view: RunView, scenario: Scenario): Expectation {
  const ignored = toKeyFilter(scenario.ignore.length > 0 ? scenario.ignore : DEFAULT_IGNORED_KEYS);
  const within = (value: number | null) => value ?? scenario.within;
  const listenWith = (check: () => ExpectationResult | null) => (settle: (r: ExpectationResult) => void) =>
    view.onChange(() => {
      const result = check();
      if (result) settle(result);
    });

  switch (step.kind) {
    case 'expect.request':
    case 'expect.message': {
      const match: RequestMatch =
        step.kind === 'expect.message' ? { ...step.match, body: step.pattern } : step.match;
      const matches = toEntryPredicate(match, ignored);
      // A message is a write about this conversation; a request is any call to the provider.
      const related = view.conversationId ? isRelatedTo(view.conversationId) : () => true;
      const isCandidate = (e: JournalEntry) =>
        step.kind === 'expect.request' ||
        ((match.method !== undefined || WRITE_METHODS.includes(e.method)) && related(e));
      if (step.kind === 'expect.message' && step.count !== null) {
        return createCountExpectation(
          step.count,
          within(step.within),
          match,
          () => view.requests().filter((e) => !view.consumed.has(e.id) && isCandidate(e) && matches(e)),
          view,
          listenWith,
        );
      }
      const check = (): ExpectationResult | null => {
        const hit = view.requests().find((e) => !view.consumed.has(e.id) && isCandidate(e) && matches(e));
        if (!hit) return null;
        view.consumed.add(hit.id);
        return { ok: true, expected: describeRequestMatch(match), actual: describeEntry(hit) };
      };
      return {
        windowMs: within(step.within),
        check,
        listen: listenWith(check),
        onDeadline: () => {
          const seen = view.requests().filter(isCandidate);
          const closest = findClosest(seen, match);
          const what = step.kind === 'expect.message' ? 'a message' : 'a request';
          return {
            ok: false,
            message: `expected ${what} matching ${describeRequestMatch(match)} within ${within(step.within)} ms; ${seen.length === 0 ? 'none arrived' : `${seen.length} other request(s) arrived`}`,
            expected: describeRequestMatch(match),
            actual: seen.map(describeEntry).join('\n') || '(no request)',
            diff:
              closest && match.body !== undefined ? renderBodyDiff(match.body, closest, ignored) : undefined,
          };
        },
      };
    }
    case 'expect.order': {
      const related = view.conversationId ? isRelatedTo(view.conversationId) : () => true;
      const tests = step.patterns.map((pattern) =>
        toEntryPredicate({ ...step.match, body: pattern }, ignored),
      );
      const messages = () =>
        view
          .requests()
          .filter(
            (e) =>
              !view.consumed.has(e.id) &&
              (step.match.method !== undefined || WRITE_METHODS.includes(e.method)) &&
              related(e) &&
              toEntryPredicate(step.match, ignored)(e),
          );
      return createOrderExpectation(step.patterns, tests, within(step.within), messages, view, listenWith);
    }
    case 'expect.noRequest': {
      const matches = toEntryPredicate(step.match, ignored);
      const check = (): ExpectationResult | null => {
        const hit = view.requests().find(matches);
        return hit
          ? {
              ok: false,
              message: `expected no request matching ${describeRequestMatch(step.match)}, but one arrived`,
              expected: `no ${describeRequestMatch(step.match)}`,
              actual: describeEntry(hit),
            }
          : null;
      };
      return {
        windowMs: step.during,
        check,
        listen: listenWith(check),
        onDeadline: () => ({ ok: true, expected: `no ${describeRequestMatch(step.match)}` }),
      };
    }
    case 'expect.acks': {
      const check = (): ExpectationResult | null => {
        const deliveries = view.deliveries();
        if (deliveries.some((d) => !isSettled(d))) return null;
        return toAcksVerdict(deliveries);
      };
      return {
        windowMs: within(step.within),
        check,
        listen: listenWith(check),
        onDeadline: () => {
          const open = view.deliveries().filter((d) => !isSettled(d));
          return {
            ok: false,
            message: `expected every delivery acknowledged with 2xx within ${within(step.within)} ms; ${open.length} still unsettled`,
            expected: 'every delivery acknowledged with 2xx',
            actual: open.map(describeDelivery).join('\n'),
          };
        },
      };
    }
    case 'expect.delivery': {
      const typeMatches = step.type ? toMatcher(step.type) : () => true;
      const bodyMatches = step.body ? toMatcher(step.body) : () => true;
      const expected = `a ${step.state ?? (step.status ? 'sent' : 'settled')} delivery${step.type ? ` of type ${step.type}` : ''}${step.body ? ` with body ${step.body}` : ''}${step.chaos ? ` changed by ${step.chaos}` : ''}${step.status ? ` answered ${step.status}` : ''}`;
      const check = (): ExpectationResult | null => {
        const deliveries = view.deliveries();
        const index = deliveries.findIndex(
          (d, i) =>
            i >= view.deliveryCursor &&
            (step.status === undefined || step.state !== undefined ? isSettled(d) : true) &&
            (step.status === undefined || d.attempts.some((a) => a.status === step.status)) &&
            (step.chaos === undefined || (d.chaos ?? []).some((c) => c.kind === step.chaos)) &&
            (step.state === undefined || d.state === step.state) &&
            typeMatches(d.type) &&
            bodyMatches(d.body),
        );
        const hit = deliveries[index];
        if (!hit) return null;
        view.deliveryCursor = index + 1;
        return { ok: true, expected, actual: describeDelivery(hit) };
      };
      return {
        windowMs: within(step.within),
        check,
        listen: listenWith(check),
        // An attempt's status is not a change the view announces: looked at once more before failing.
        onDeadline: () =>
          check() ?? {
            ok: false,
            message: `expected ${expected} within ${within(step.within)} ms`,
            expected,
            actual: view.deliveries().map(describeDelivery).join('\n') || '(no delivery)',
          },
      };
    }
    case 'expect.ended': {
      const check = (): ExpectationResult | null =>
        view.ended() ? { ok: true, expected: 'the conversation ended', actual: 'ended' } : null;
      return {
        windowMs: within(step.within),
        check,
        listen: listenWith(check),
        onDeadline: () => ({
          ok: false,
          message: `expected the conversation to end within ${within(step.within)} ms; ${view.provider} did not report its end`,
          expected: 'the conversation ended',
          actual: 'still open',
        }),
      };
    }
    default:
      throw new Error(`${step.verb} is not an expectation`);
  }
}

type Listen = (check: () => ExpectationResult | null) => Expectation['listen'];

// Exactly `count` matching messages within the window: fails as soon as one too many arrives.
function createCountExpectation(
  count: number,
  windowMs: number,
  match: RequestMatch,
  hits: () => JournalEntry[],
  view: RunView,
  listenWith: Listen,
): Expectation {
  const expected = `exactly ${count} message(s) matching ${describeRequestMatch(match)} within ${windowMs} ms`;
  const check = (): ExpectationResult | null => {
    const seen = hits();
    if (seen.length <= count) return null;
    return {
      ok: false,
      message: `expected ${expected}; ${seen.length} arrived`,
      expected,
      actual: seen.map(describeEntry).join('\n'),
    };
  };
  return {
    windowMs,
    check,
    listen: listenWith(check),
    onDeadline() {
      const seen = hits();
      if (seen.length !== count) {
        return {
          ok: false,
          message: `expected ${expected}; ${seen.length} arrived`,
          expected,
          actual: seen.map(describeEntry).join('\n') || '(no request)',
        };
      }
      for (const entry of seen) view.consumed.add(entry.id);
      return { ok: true, expected, actual: seen.map(describeEntry).join('\n') || '(none)' };
    },
  };
}

// Messages matching each pattern, in the order of the patterns: the first match of each must come after the
// first match of the one before.
function createOrderExpectation(
  patterns: string[],
  tests: ((entry: JournalEntry) => boolean)[],
  windowMs: number,
  messages: () => JournalEntry[],
  view: RunView,
  listenWith: Listen,
): Expectation {
  const expected = `messages matching ${patterns.join(', then ')}`;
  const firsts = () => {
    const seen = messages();
    return tests.map((test) => seen.find(test));
  };
  const describe = (hits: (JournalEntry | undefined)[]) =>
    hits.map((hit, i) => `${patterns[i]}: ${hit ? describeEntry(hit) : '(none yet)'}`).join('\n');
  const check = (): ExpectationResult | null => {
    const hits = firsts();
    for (let i = 1; i < hits.length; i++) {
      const before = hits[i - 1];
      const hit = hits[i];
      if (hit && (!before || before.seq > hit.seq)) {
        return {
          ok: false,
          message: `expected ${expected}; ${patterns[i]} arrived before ${patterns[i - 1]}`,
          expected,
          actual: describe(hits),
        };
      }
    }
    if (hits.some((hit) => hit === undefined)) return null;
    for (const hit of hits) view.consumed.add(hit!.id);
    return { ok: true, expected, actual: describe(hits) };
  };
  return {
    windowMs,
    check,
    listen: listenWith(check),
    onDeadline: () => {
      const hits = firsts();
      const missing = patterns.filter((_, i) => hits[i] === undefined);
      return {
        ok: false,
        message: `expected ${expected} within ${windowMs} ms; none matched ${missing.join(', ')}`,
        expected,
        actual: describe(hits),
      };
    },
  };
}

function toAcksVerdict(deliveries: Delivery[]): ExpectationResult {
  const refused = deliveries.filter((d) => d.attempts.some((a) => !a.ok));
  const expected = 'every delivery acknowledged with 2xx';
  if (refused.length === 0) {
    return { ok: true, expected, actual: `${deliveries.length} deliveries, all acknowledged with 2xx` };
  }
  return {
    ok: false,
    message: `expected every delivery acknowledged with 2xx; ${refused.length} of ${deliveries.length} were not`,
    expected,
    actual: refused.map(describeDelivery).join('\n'),
  };
}

/** One line per request: `POST /path -> 200 {"body"...}`. */
export function describeEntry(entry: JournalEntry): string {
  const body = entry.requestBody.length > 160 ? `${entry.requestBody.slice(0, 160)}...` : entry.requestBody;
  return `${entry.method} ${entry.path}${entry.query} -> ${entry.status}${body ? ` ${body}` : ''}`;
}

/** One line per delivery: its type, state, the status of each attempt, and the faults that changed it. */
export function describeDelivery(delivery: Delivery): string {
  const attempts = delivery.attempts.map((a) => a.status ?? a.error ?? '?').join(', ');
  const chaos = (delivery.chaos ?? []).map((c) => `; ${c.kind}: ${c.detail}`).join('');
  return `${delivery.type} (${delivery.state}; attempts: ${attempts || 'none'}${chaos})`;
}

function describeRequestMatch(match: RequestMatch): string {
  const body =
    match.body === undefined
      ? ''
      : typeof match.body === 'string'
        ? ` with body ${match.body}`
        : ` with JSON ${JSON.stringify(match.body.json)}`;
  return `${describeMatch(match)}${body}`;
}

// The request most like the expected one: same method and path first, then the latest.
function findClosest(entries: JournalEntry[], match: RequestMatch): JournalEntry | undefined {
  const { body: _, ...shape } = match;
  const sameShape = entries.filter(toEntryPredicate(shape, () => false));
  return sameShape.at(-1) ?? entries.at(-1);
}

function renderBodyDiff(
  body: string | { json: unknown },
  entry: JournalEntry,
  ignored: (key: string) => boolean,
): string {
  if (typeof body === 'string') return renderDiff(body, entry.requestBody);
  const parsed = parseJson(entry.requestBody);
  const actual = parsed === undefined ? entry.requestBody : toDiffText(stripKeys(parsed, ignored));
  return renderDiff(toDiffText(stripKeys(body.json, ignored)), actual);
}
