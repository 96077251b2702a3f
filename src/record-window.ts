/** What a window holds and has let go. */
export type RecordWindowStats = { size: number; limit: number; evicted: number; oldestSeq: number | null };

/** Records of a window: `list[from]` to the end of `list`, which the caller must not change. */
export type Candidates<R> = { list: readonly R[]; from: number };

/**
 * The newest `limit` records in arrival order, with an index per named field. Adding is amortized O(1): the
 * oldest records are dropped in batches, and the indexes with them.
 */
export type RecordWindow<R> = {
  add(record: R): void;
  /**
   * The records whose indexed fields equal every given value (undefined = any), oldest first: `list` from
   * position `from` on (a view, not a copy: a caller that reads only the newest few pays for those few).
   */
  candidates(match: Partial<Record<string, unknown>>): Candidates<R>;
  stats(): RecordWindowStats;
};

/** Creates a window of at most `limit` records (the newest), indexed by `fields`. */
export function createWindow<R extends { seq: number }>(
  limit: number,
  fields: readonly (keyof R & string)[],
): RecordWindow<R> {
  let records: R[] = [];
  let indexes = new Map<string, Map<unknown, R[]>>(fields.map((f) => [f, new Map()]));
  let evicted = 0;
  const slack = Math.max(16, Math.ceil(limit / 4));

  const reindex = () => {
    indexes = new Map(fields.map((f) => [f, new Map()]));
    for (const record of records) indexRecord(record);
  };
  const indexRecord = (record: R) => {
    for (const field of fields) {
      const index = indexes.get(field)!;
      const key = record[field];
      const list = index.get(key);
      if (list) list.push(record);
      else index.set(key, [record]);
    }
  };

  return {
    add(record) {
      records.push(record);
      indexRecord(record);
      if (records.length > limit + slack) {
        evicted += records.length - limit;
        records = records.slice(records.length - limit);
        reindex();
      }
    },
    candidates(match) {
      const start = Math.max(0, records.length - limit);
      const firstKept = records[start]?.seq ?? Number.POSITIVE_INFINITY;
      let best: readonly R[] | null = null;
      for (const field of fields) {
        const value = match[field];
        if (value === undefined) continue;
        const list = indexes.get(field)!.get(value) ?? [];
        if (best === null || list.length < best.length) best = list;
      }
      const list = best ?? records;
      // Records past the limit wait for the next batch eviction: leave them out already.
      let from = 0;
      if (list === records) from = start;
      else while (from < list.length && list[from]!.seq < firstKept) from++;
      return { list, from };
    },
    stats: () => ({
      size: Math.min(records.length, limit),
      limit,
      evicted: evicted + Math.max(0, records.length - limit),
      oldestSeq: records[Math.max(0, records.length - limit)]?.seq ?? null,
    }),
  };
}
