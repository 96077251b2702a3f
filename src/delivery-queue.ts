// Small queues for the dispatcher: each operation is O(1) or O(log n), so a destination holding thousands of
// deliveries costs no more per event than an empty one.

/** A first-in first-out queue with O(1) push and shift. */
export type Fifo<T> = {
  push(value: T): void;
  shift(): T | undefined;
  readonly size: number;
};

/** Creates an empty FIFO queue. */
export function createFifo<T>(): Fifo<T> {
  let items: (T | undefined)[] = [];
  let head = 0;
  return {
    push(value) {
      items.push(value);
    },
    shift() {
      if (head >= items.length) return undefined;
      const value = items[head];
      items[head++] = undefined;
      // Compact once the consumed prefix is most of the array: amortized O(1).
      if (head > 1024 && head * 2 > items.length) {
        items = items.slice(head);
        head = 0;
      }
      return value;
    },
    get size() {
      return items.length - head;
    },
  };
}

/** A min-heap of values by due time; values with the same due time come out in insertion order. */
export type DueHeap<T> = {
  push(due: number, value: T): void;
  /** The earliest due time, or undefined when empty. */
  peekDue(): number | undefined;
  pop(): T | undefined;
  readonly size: number;
};

type HeapEntry<T> = { due: number; seq: number; value: T };

/** Creates an empty due-time heap. */
export function createDueHeap<T>(): DueHeap<T> {
  const heap: HeapEntry<T>[] = [];
  let seq = 0;
  const before = (a: HeapEntry<T>, b: HeapEntry<T>) => a.due < b.due || (a.due === b.due && a.seq < b.seq);
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  return {
    push(due, value) {
      heap.push({ due, seq: seq++, value });
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(heap[i]!, heap[parent]!)) break;
        swap(i, parent);
        i = parent;
      }
    },
    peekDue: () => heap[0]?.due,
    pop() {
      const top = heap[0];
      if (!top) return undefined;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const left = 2 * i + 1;
          const right = left + 1;
          let least = i;
          if (left < heap.length && before(heap[left]!, heap[least]!)) least = left;
          if (right < heap.length && before(heap[right]!, heap[least]!)) least = right;
          if (least === i) break;
          swap(i, least);
          i = least;
        }
      }
      return top.value;
    },
    get size() {
      return heap.length;
    },
  };
}

/** The mean of the last `size` samples. */
export type RecentAverage = {
  add(sample: number): void;
  /** The mean of the samples kept, or null before the first. */
  mean(): number | null;
};

/** Creates a running mean over the last `size` samples. */
export function createRecentAverage(size: number): RecentAverage {
  const samples: number[] = [];
  let next = 0;
  let sum = 0;
  return {
    add(sample) {
      if (samples.length < size) {
        samples.push(sample);
      } else {
        sum -= samples[next]!;
        samples[next] = sample;
        next = (next + 1) % size;
      }
      sum += sample;
    },
    mean: () => (samples.length === 0 ? null : sum / samples.length),
  };
}
