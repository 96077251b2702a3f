/**
 * Guards against whole-collection scans: while `run` executes, every call of Object.keys/values/entries and of
 * the common Array iteration methods on a collection of at least `threshold` entries is recorded with the line
 * of source that made it. Pre-fill a provider with more conversations than `threshold`, then run one request,
 * action or timer inside the guard: a cost that grows with the store shows up as a recorded scan.
 */
export async function guardScans<T>(
  threshold: number,
  run: () => Promise<T> | T,
): Promise<{ result: T; scans: string[] }> {
  const scans: string[] = [];
  const note = (what: string, size: number) => {
    if (size < threshold) return;
    const line =
      new Error().stack
        ?.split('\n')
        .slice(3)
        .find((l) => l.includes('/src/') && !l.includes('node_modules')) ?? '(unknown caller)';
    scans.push(`${what} over ${size} entries at ${line.trim()}`);
  };
  const objectMethods = ['keys', 'values', 'entries'] as const;
  const savedObject = objectMethods.map((name) => [name, Object[name]] as const);
  for (const [name, original] of savedObject) {
    // biome-ignore lint/suspicious/noExplicitAny: wrapping built-ins generically.
    (Object as any)[name] = function (this: unknown, value: object) {
      // biome-ignore lint/suspicious/noExplicitAny: wrapping built-ins generically.
      const out = (original as any).call(Object, value);
      note(`Object.${name}`, out.length);
      return out;
    };
  }
  const arrayMethods = [
    'find',
    'findIndex',
    'findLast',
    'filter',
    'some',
    'every',
    'forEach',
    'map',
    'reduce',
    'indexOf',
    'includes',
    'sort',
    'flatMap',
  ] as const;
  // biome-ignore lint/suspicious/noExplicitAny: wrapping built-ins generically.
  const proto = Array.prototype as any;
  const savedArray = arrayMethods.map((name) => [name, proto[name]] as const);
  for (const [name, original] of savedArray) {
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      note(`Array#${name}`, this.length);
      return original.apply(this, args);
    };
  }
  const savedIterator = proto[Symbol.iterator];
  proto[Symbol.iterator] = function (this: unknown[]) {
    note('for..of', this.length);
    return savedIterator.call(this);
  };
  try {
    const result = await run();
    return { result, scans };
  } finally {
    for (const [name, original] of savedObject) {
      // biome-ignore lint/suspicious/noExplicitAny: restoring built-ins.
      (Object as any)[name] = original;
    }
    for (const [name, original] of savedArray) proto[name] = original;
    proto[Symbol.iterator] = savedIterator;
  }
}
