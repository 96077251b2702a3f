import { stringify } from 'yaml';
import { parseDuration } from '../duration.ts';
import { DEFAULT_IGNORED_KEYS, parseJson, stripKeys, toKeyFilter } from './match.ts';
import type { Transcript } from './transcript.ts';

/** Options of turning a transcript into a scenario. */
export type FromTranscriptOptions = {
  /** Volatile JSON keys (names or /regex/) left out of body comparisons; default: ids and timestamps. */
  ignore?: readonly string[];
  /** How much later than in the recording each call may come (default 30s). */
  within?: string | number;
  name?: string;
};

const ID_SEGMENT = /^(?=.*\d)[A-Za-z0-9_-]{8,}$|^\d+$/;

/**
 * Turns a transcript into a scenario file: the same actions at the same relative times, and one
 * `expect.request` per call the system under test made, with volatile fields (ids, timestamps) ignored.
 */
export function fromTranscript(
  transcript: Transcript,
  options: FromTranscriptOptions = {},
): { scenario: Record<string, unknown>; text: string } {
  if (
    transcript?.version !== 1 ||
    !Array.isArray(transcript.entries) ||
    typeof transcript.provider !== 'string'
  ) {
    throw new Error('expected a convosim transcript (version 1, with provider and entries)');
  }
  const ignore = [...(options.ignore ?? DEFAULT_IGNORED_KEYS)];
  const ignored = toKeyFilter(ignore);
  const { conversationId } = transcript;
  // Each recorded call may come as late as it came in the recording, plus this margin.
  const margin = options.within === undefined ? 30_000 : parseDuration(options.within);
  let lastAt = 0;
  const steps: Record<string, unknown>[] = [];
  let skippedStart = false;
  for (const entry of transcript.entries) {
    if (entry.kind === 'action') {
      lastAt = entry.at;
      steps.push({
        at: `${entry.at}ms`,
        act: { action: entry.action, args: toTemplated(entry.args, conversationId) },
      });
    } else if (entry.kind === 'request') {
      // The call that started the conversation is the trigger, not a step.
      if (!skippedStart && entry.responseBody.includes(conversationId)) {
        skippedStart = true;
        continue;
      }
      const json = parseJson(entry.requestBody);
      steps.push({
        'expect.request': {
          method: entry.method,
          path: toPathGlob(entry.path, conversationId),
          ...(json !== undefined && entry.requestBody.trim() !== ''
            ? { body: { json: stripKeys(toTemplated(json, conversationId), ignored) } }
            : {}),
          within: `${Math.max(0, entry.at - lastAt) + margin}ms`,
        },
      });
      lastAt = entry.at;
    }
  }
  const events = transcript.entries.filter((e) => e.kind === 'event');
  if (
    events.length > 0 &&
    events.every((e) => e.responses.every((r) => r.status !== null && r.status < 300 && r.status >= 200))
  ) {
    steps.push({ 'expect.acks': null });
  }
  if (steps.length === 0) steps.push({ wait: '0ms', name: 'nothing was recorded after the start' });
  const scenario = {
    name: options.name ?? `replay of ${transcript.provider} conversation ${conversationId}`,
    description: `Made from a transcript recorded at ${transcript.startedAt}.`,
    provider: transcript.provider,
    trigger: { on: 'conversation.started' },
    ignore,
    steps,
  };
  return { scenario, text: stringify(scenario, { lineWidth: 0 }) };
}

// Recorded conversation ids become {{conversationId}} so that the scenario fits the new conversation.
function toTemplated<T>(value: T, conversationId: string): T {
  if (typeof value === 'string') return value.split(conversationId).join('{{conversationId}}') as T;
  if (Array.isArray(value)) return value.map((v) => toTemplated(v, conversationId)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toTemplated(v, conversationId)]),
    ) as T;
  }
  return value;
}

/** A path glob: the conversation id becomes a template, other id-like segments match anything. */
export function toPathGlob(path: string, conversationId: string): string {
  return path
    .split('/')
    .map((segment) =>
      segment === conversationId
        ? '{{conversationId}}'
        : ID_SEGMENT.test(segment)
          ? '*'
          : segment.replace(/[*?[\]{}()!+@]/g, '?'),
    )
    .join('/');
}
