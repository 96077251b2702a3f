import { type Document, isMap, isPair, isScalar, type LineCounter } from 'yaml';

/**
 * The 1-based line of the node at `at` in a parsed YAML document, or of its nearest ancestor; with `isKey`, the
 * line of the last key itself (for unknown keys). Null when the document has no position information.
 */
export function lineOf(
  doc: Document,
  counter: LineCounter,
  at: (string | number)[],
  isKey = false,
): number | null {
  if (isKey && at.length > 0) {
    const parent = doc.getIn(at.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find(
        (item) => isPair(item) && isScalar(item.key) && item.key.value === at.at(-1),
      );
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return counter.linePos(range[0]).line;
    }
  }
  for (let n = at.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true)) as
      | { range?: [number, number, number] }
      | null
      | undefined;
    if (node?.range) return counter.linePos(node.range[0]).line;
  }
  return null;
}
