/**
 * Id-keyed state is kept in plain objects (the store persists JSON and drafts plain objects only), so a key that
 * comes from a request must never reach an inherited property: `constructor`, `toString` or `__proto__` are
 * ids like any other, and resolve to nothing unless the collection holds them as its own.
 */

/** The value stored under `key` in `record` as its own property, or undefined (never an inherited one). */
export function getOwn<T>(
  record: Readonly<Record<string, T>> | undefined | null,
  key: string,
): T | undefined {
  return record != null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** True when `record` holds `key` as its own property. */
export function hasOwn(record: object | undefined | null, key: string): boolean {
  return record != null && Object.hasOwn(record, key);
}

/** True when `key` can be stored as an own property by plain assignment (`__proto__` would set the prototype). */
export function isSafeKey(key: string): boolean {
  return key !== '__proto__';
}

/** True when `value` is a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
