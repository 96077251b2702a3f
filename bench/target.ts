// The representative provider endpoint the benchmark loads. Kept apart so it can follow the providers.
export type BenchTarget = {
  name: string;
  note: string;
  request: { method: 'POST' | 'GET'; path: string; headers: Record<string, string>; body?: string };
};

/** Prepares the target against a running simulator (tokens, ids) and returns the request to repeat. */
export async function benchTarget(_url: string): Promise<BenchTarget> {
  return {
    name: 'unmatched route (GET /bench/unknown)',
    note: 'No provider is registered yet: the target is an unmatched route, which still runs the journal, the explanation and the store.',
    request: { method: 'GET', path: '/bench/unknown', headers: {} },
  };
}
