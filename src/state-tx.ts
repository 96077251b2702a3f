/**
 * Atomic, in-place changes of a JSON state tree with a redo log. A recipe changes a proxy of the tree; every
 * assignment and deletion is applied to the tree at once, remembered for rollback (if the recipe throws, the
 * tree is put back as it was) and recorded as an operation (path, new value) for the write-ahead log.
 *
 * Why not mutative or immer (used before): copy-on-write copies every object on the path of a change, so adding
 * one conversation to a collection of 100k copies the 100k keys (measured: 67 ms per write at 100k, 3 ms at
 * 10k). Changing in place costs what the recipe touches, whatever the size of the store.
 */

/** A path from the root of the tree. */
export type StatePath = readonly string[];

/** One recorded change: set `path` to `value`, or delete `path` when there is no value. */
export type StateOp = readonly [path: StatePath, value: unknown] | readonly [path: StatePath];

/** The outcome of a committed transaction. */
export type Transaction<T> = {
  result: T;
  ops: StateOp[];
  /** Puts the tree back as it was before the recipe (used when the change cannot be logged). */
  rollback(): void;
};

type Undo = [
  target: Record<string, unknown>,
  key: string | typeof CONTENTS | typeof CALL,
  had: boolean,
  old: unknown,
];

const RAW = Symbol('raw');
const TX = Symbol('tx');

/**
 * The object behind a draft (the draft itself when it is not one). Changes are made in place, so it always holds
 * what the draft holds; reading it costs no proxy traps (searches over large indexes), and it must not be
 * written: a write to it would be neither logged nor rolled back.
 */
export function raw<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  return ((value as Record<symbol, unknown>)[RAW] as T | undefined) ?? value;
}

/**
 * Registers `undo` to run if the transaction that made `draft` rolls back, in its place among the transaction's
 * other undos (a no-op when `draft` is no draft). For derived state, which is never logged: a structure changed
 * natively behind its draft (`unloggedRaw`) costs no proxy trap per read and write, and each change is undone by its
 * inverse (`undo` must put back what every later read depends on; a layout no answer shows may differ).
 */
export function onRollback(draft: object, undo: () => void): void {
  const tx = (draft as Record<symbol, unknown>)[TX] as Tx | undefined;
  tx?.undo.push([draft as Record<string, unknown>, CALL, true, undo]);
}

/**
 * The object behind `value` when its changes are never logged, so that they may be made natively (undone by
 * `onRollback`): a draft under a derived (unlogged) top-level key, or of a transaction that logs nothing (a memory
 * store); `value` itself when it is no draft. Null when its changes must go through the draft to be logged.
 */
export function unloggedRaw<T extends object>(value: T): T | null {
  const tx = (value as Record<symbol, unknown>)[TX] as Tx | undefined;
  if (!tx) return value;
  const target = raw(value) as Record<string, unknown>;
  return tx.isLogged(target) ? null : (target as T);
}

/** Writes to a state tree: natively with an undo each (derived state), or plain assignments. */
export type Writes = {
  set<T extends object, K extends keyof T & string>(target: T, key: K, value: T[K]): void;
  remove<T extends object>(target: T, key: keyof T & string): void;
};

const ASSIGN: Writes = {
  set(target, key, value) {
    target[key] = value;
  },
  remove(target, key) {
    delete target[key];
  },
};

/**
 * How to change what `value` holds: for a draft whose changes are never logged (see `unloggedRaw`), the object
 * behind it, read without proxies, and writes that are made natively and undone on rollback in their place among
 * the transaction's other undos; otherwise `value` itself (a draft whose changes are logged, or a plain object)
 * and plain assignments. Write only objects read from `view` (a new object once stored is read back, not kept).
 */
export function writeBehind<T extends object>(value: T): { view: T; write: Writes } {
  const tx = (value as Record<symbol, unknown>)[TX] as Tx | undefined;
  const view = unloggedRaw(value);
  return tx && view ? { view, write: tx.writes() } : { view: value, write: ASSIGN };
}

/** The undo key of a whole array's contents (saved before a splice, sort... ran on it natively). */
const CONTENTS = Symbol('contents');
/** The undo key of a function registered by `onRollback`. */
const CALL = Symbol('call');

/**
 * Array methods that move elements. Through the proxy each moved element would be one trapped write (and one
 * logged operation); they run natively on the array instead, logged as one operation: the array's new contents.
 */
const REWRITES = new Set(['splice', 'shift', 'unshift', 'sort', 'reverse']);

/** Deepest nesting of a value stored in one write (deeper is taken for a cycle). */
const MAX_DEPTH = 512;

const isContainer = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object';

/**
 * Runs `recipe` on a draft of `root` (a child of `base` at `basePath`); applies in place; rolls back on a throw.
 * Without `logging` (a store with no write-ahead log) no operation is recorded: `ops` stays empty. Changes under
 * a top-level key of `unlogged` (derived state, rebuilt at start) are applied and rolled back, never recorded.
 */
export function runTransaction<S, T>(
  base: S,
  basePath: StatePath,
  recipe: (draft: S) => T,
  logging = true,
  unlogged?: ReadonlySet<string>,
): Transaction<T> {
  if (!isContainer(base)) throw new Error('The state of a provider must be an object.');
  const tx = new Tx(basePath, base, logging, unlogged ?? null);
  const draft = tx.wrap(base) as S;
  let result: T;
  try {
    result = recipe(draft);
  } catch (error) {
    tx.rollback();
    throw error;
  }
  const plainResult = raw(result);
  return { result: plainResult, ops: tx.ops, rollback: () => tx.rollback() };
}

/**
 * What the transaction knows of an object it touched: where it lives (its parent and key; no parent for the root
 * and for an object taken out of the tree) and its draft, once made.
 */
type Node = { parent: Record<string, unknown> | null; key: string; proxy: object | null };

// One transaction: a class (not closures), so that a write allocates no functions. The proxy handler is the
// transaction itself: its get/set/deleteProperty/defineProperty traps read the map below. A draft's object is read
// back through the RAW symbol (its get trap answers it).
class Tx implements ProxyHandler<Record<string, unknown>> {
  readonly undo: Undo[] = [];
  readonly ops: StateOp[] = [];
  readonly nodes = new Map<object, Node>();
  readonly basePath: StatePath;
  readonly root: object;
  readonly logging: boolean;
  readonly unlogged: ReadonlySet<string> | null;

  constructor(basePath: StatePath, root: object, logging: boolean, unlogged: ReadonlySet<string> | null) {
    this.basePath = basePath;
    this.root = root;
    this.logging = logging;
    this.unlogged = unlogged;
  }

  wrap(target: Record<string, unknown>): object {
    let node = this.nodes.get(target);
    if (!node) {
      node = { parent: null, key: '', proxy: null };
      this.nodes.set(target, node);
    }
    node.proxy ??= new Proxy(target, this);
    return node.proxy;
  }

  /** Notes that `value` now lives at `parent[key]`. */
  link(value: object, parent: Record<string, unknown>, key: string): void {
    const node = this.nodes.get(value);
    if (!node) this.nodes.set(value, { parent, key, proxy: null });
    else if (node.parent !== parent || node.key !== key) {
      node.parent = parent;
      node.key = key;
    }
  }

  /**
   * The path of `target[key]` from the top of the store, or null when `target` is no longer in the tree (taken out
   * by a delete, an overwrite or a splice): a change to a detached object changes no state, so nothing is logged.
   * Null too under an unlogged (derived) top-level key.
   */
  pathOf(target: Record<string, unknown>, key: string): string[] | null {
    const keys = [key];
    for (let object: object = target; object !== this.root; ) {
      const node = this.nodes.get(object);
      if (!node?.parent) return null;
      keys.push(node.key);
      object = node.parent;
    }
    if (this.unlogged?.has(keys[keys.length - 1]!)) return null;
    for (let i = this.basePath.length - 1; i >= 0; i--) keys.push(this.basePath[i]!);
    return keys.reverse();
  }

  #writes: Writes | null = null;

  /** Native writes, each remembered for rollback (for derived state: never logged). */
  writes(): Writes {
    this.#writes ??= {
      set: (target, key, value) => {
        const object = target as Record<string, unknown>;
        const had = Object.hasOwn(object, key);
        this.undo.push([object, key, had, had ? object[key] : undefined]);
        assign(object, key, value);
      },
      remove: (target, key) => {
        const object = target as Record<string, unknown>;
        if (!Object.hasOwn(object, key)) return;
        this.undo.push([object, key, true, object[key]]);
        delete object[key];
      },
    };
    return this.#writes;
  }

  /** Whether changes to `target` are logged: it is in the tree, not under an unlogged key, and the log is on. */
  isLogged(target: Record<string, unknown>): boolean {
    if (!this.logging) return false;
    if (target === this.root) return true;
    const node = this.nodes.get(target);
    return !!node?.parent && this.pathOf(node.parent, node.key) !== null;
  }

  /** Forgets where `value` lived, when it was at `target[key]` (it was taken out of the tree there). */
  detach(value: unknown, target: Record<string, unknown>, key: string): void {
    if (!isContainer(value)) return;
    const node = this.nodes.get(value);
    if (node && node.parent === target && node.key === key) node.parent = null;
  }

  isInPlace(target: Record<string, unknown>): boolean {
    const node = this.nodes.get(target);
    return !!node?.parent && Object.hasOwn(node.parent, node.key) && node.parent[node.key] === target;
  }

  // A value about to be stored: drafts become their plain objects. An object that still lives elsewhere in the
  // tree is copied, so that the tree stays a tree (one place per object) and the log replays to the same state.
  // A fresh object's children are walked for drafts, but not linked: reading them through a draft links them
  // (the `get` trap), and nothing else can write to them through the transaction. A child that was a draft, or
  // that the transaction knows, is linked to its new place. Nesting past MAX_DEPTH (a cycle) is refused.
  toPlain(value: unknown, depth: number): unknown {
    if (!isContainer(value)) return value;
    const target = (value as Record<symbol, unknown>)[RAW] as Record<string, unknown> | undefined;
    if (target) return this.isInPlace(target) ? structuredClone(target) : target;
    if (depth > MAX_DEPTH)
      throw new Error(`A value stored in the state nests deeper than ${MAX_DEPTH} levels.`);
    for (const key of Object.keys(value)) {
      const child = value[key];
      if (isContainer(child)) {
        const plain = this.toPlain(child, depth + 1) as Record<string, unknown>;
        if (plain !== child) assign(value, key, plain);
        if (plain !== child || this.nodes.has(plain)) this.link(plain, value, key);
      }
    }
    return value;
  }

  get(target: Record<string, unknown>, key: string | symbol): unknown {
    if (typeof key === 'symbol') return key === RAW ? target : key === TX ? this : Reflect.get(target, key);
    // Index reads (digits) skip the method lookup: they are most of what a binary search does.
    if (Array.isArray(target) && key.charCodeAt(0) > 57 && REWRITES.has(key))
      return this.rewrite(target, key);
    if (!Object.hasOwn(target, key)) return Reflect.get(target, key);
    const value = target[key];
    if (!isContainer(value)) return value;
    let node = this.nodes.get(value);
    if (!node) {
      node = { parent: target, key, proxy: null };
      this.nodes.set(value, node);
    } else if (node.parent !== target || node.key !== key) {
      node.parent = target;
      node.key = key;
    }
    node.proxy ??= new Proxy(value, this);
    return node.proxy;
  }

  set(target: Record<string, unknown>, key: string | symbol, value: unknown): boolean {
    if (typeof key === 'symbol') return Reflect.set(target, key, value);
    // A derived key assigned whole (an index rebuilt at start, 100k+ containers) is taken as it is: walking it for
    // drafts cost 130-240 ms at 100k Airkit conversations. Such a value must be built fresh (no draft, nothing
    // shared with the tree), which a rebuild from the records' ids is.
    const plain = target === this.root && this.unlogged?.has(key) ? raw(value) : this.toPlain(value, 0);
    const had = Object.hasOwn(target, key);
    const old = had ? target[key] : undefined;
    if (had && old === plain && !isContainer(plain)) return true;
    // Setting an index can grow an array by itself: remember its length first, so rollback can shrink it back.
    if (Array.isArray(target) && key !== 'length') this.undo.push([target, 'length', true, target.length]);
    this.undo.push([target, key, had, old]);
    if (old !== plain) this.detach(old, target, key);
    assign(target, key, plain);
    if (isContainer(plain)) this.link(plain, target, key);
    const path = this.logging ? this.pathOf(target, key) : null;
    if (path) this.ops.push([path, plain]);
    return true;
  }

  /** `array[method]` run natively: one undo entry (the old contents) and one logged operation (the new ones). */
  rewrite(array: unknown[], method: string): (...args: unknown[]) => unknown {
    return (...args: unknown[]) => {
      const before = array.slice();
      // Values put into the array become plain, like any other write (splice's and unshift's new items).
      const first = method === 'splice' ? 2 : method === 'unshift' ? 0 : args.length;
      const plainArgs = args.map((arg, i) => (i >= first ? this.toPlain(arg, 0) : arg));
      const result = (Array.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[
        method
      ]!.apply(array, plainArgs);
      const target = array as unknown as Record<string, unknown>;
      // Elements taken out are detached; moved ones take their new place, so later changes are logged there.
      if (before.some(isContainer) || array.some(isContainer)) {
        const kept = new Set(array);
        for (let i = 0; i < before.length; i++) {
          if (!kept.has(before[i])) this.detach(before[i], target, String(i));
        }
        for (let i = 0; i < array.length; i++) {
          const element = array[i];
          if (isContainer(element)) this.link(element, target, String(i));
        }
      }
      this.undo.push([target, CONTENTS, true, before]);
      const node = this.logging ? this.nodes.get(target) : undefined;
      const path = node?.parent ? this.pathOf(node.parent, node.key) : null;
      // The array itself, like any other logged value: serialized when the transaction commits.
      if (path) this.ops.push([path, array]);
      return result === array ? this.wrap(target) : result;
    };
  }

  deleteProperty(target: Record<string, unknown>, key: string | symbol): boolean {
    if (typeof key === 'symbol') return Reflect.deleteProperty(target, key);
    if (!Object.hasOwn(target, key)) return true;
    this.undo.push([target, key, true, target[key]]);
    this.detach(target[key], target, key);
    delete target[key];
    const path = this.logging ? this.pathOf(target, key) : null;
    if (path) this.ops.push([path]);
    return true;
  }

  defineProperty(
    target: Record<string, unknown>,
    key: string | symbol,
    descriptor: PropertyDescriptor,
  ): boolean {
    if (typeof key === 'symbol' || !('value' in descriptor))
      return Reflect.defineProperty(target, key, descriptor);
    return this.set(target, key, descriptor.value);
  }

  rollback(): void {
    const { undo } = this;
    for (let i = undo.length - 1; i >= 0; i--) {
      const [target, key, had, old] = undo[i]!;
      if (key === CALL) (old as () => void)();
      else if (key === CONTENTS) {
        const array = target as unknown as unknown[];
        const contents = old as unknown[];
        array.length = contents.length;
        for (let j = 0; j < contents.length; j++) array[j] = contents[j];
      } else if (had) assign(target, key, old);
      else delete target[key];
    }
    undo.length = 0;
  }
}

/** `target[key] = value`, with a `__proto__` key stored as an own property (never a prototype change). */
export function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Applies logged operations to a tree (replay at start). Operations whose parent is missing are skipped. */
export function applyOps(root: Record<string, unknown>, ops: readonly StateOp[]): void {
  for (const op of ops) {
    const path = op[0];
    let node: unknown = root;
    for (let i = 0; i < path.length - 1 && isContainer(node); i++) {
      node = Object.hasOwn(node, path[i]!) ? node[path[i]!] : undefined;
    }
    if (!isContainer(node)) continue;
    const key = path[path.length - 1]!;
    if (op.length === 1) delete node[key];
    else if (key === '__proto__') {
      Object.defineProperty(node, key, {
        value: op[1],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else node[key] = op[1];
  }
}
