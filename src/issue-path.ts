import type { z } from 'zod';

/** The path of a schema issue, without symbol keys, ready to format or to look up in a YAML document. */
export function toIssuePath(issue: z.core.$ZodIssue): (string | number)[] {
  return issue.path.filter((p): p is string | number => typeof p !== 'symbol');
}

/** Formats a schema path like `entryPoints[0].queue`. */
export function formatPath(at: ReadonlyArray<string | number>): string {
  return at.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
