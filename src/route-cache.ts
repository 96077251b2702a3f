import type { Result, Router } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';

/** Distinct (method, path) pairs whose match is kept; the cache is emptied when it is full. */
const CACHED_PATHS = 1024;

/**
 * Hono's TrieRouter with the results of its recent matches kept by method and path. The simulator's routes cannot
 * all go to the RegExpRouter (which caches by itself): Chatwoot's put a fixed segment and a parameter at the same
 * place (`conversations/filter`, `conversations/:conversation_id`), so the default SmartRouter falls back to the
 * TrieRouter, whose match walks its tree, splits the path and sorts the handlers on every request (measured: about
 * 4 KB allocated and 3% of a create's CPU). A result is only read by Hono, never changed, so one is shared by the
 * requests of a path (as RegExpRouter shares its static routes' results). Bounded: paths holding ids miss and are
 * forgotten.
 */
export class CachedTrieRouter<T> implements Router<T> {
  readonly name = 'CachedTrieRouter';
  readonly #router = new TrieRouter<T>();
  readonly #results = new Map<string, Map<string, Result<T>>>();
  #size = 0;

  /** How many (method, path) results are kept now. */
  get cachedPaths(): number {
    return this.#size;
  }

  add(method: string, path: string, handler: T): void {
    this.#results.clear();
    this.#size = 0;
    this.#router.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    let byPath = this.#results.get(method);
    const kept = byPath?.get(path);
    if (kept) return kept;
    const result = this.#router.match(method, path);
    if (this.#size >= CACHED_PATHS) {
      this.#results.clear();
      this.#size = 0;
      byPath = undefined;
    }
    if (!byPath) {
      byPath = new Map();
      this.#results.set(method, byPath);
    }
    byPath.set(path, result);
    this.#size += 1;
    return result;
  }
}
