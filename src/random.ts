import type { Faker } from '@faker-js/faker';
// The English build alone: importing the package root loads every locale (measured ~150 ms to 1 s at start).
import { faker as englishFaker } from '@faker-js/faker/locale/en';

const FakerClass = englishFaker.constructor as typeof Faker;

/** Seeded randomness for one simulator: every generated id, name and text comes from here. */
export type Random = {
  readonly seed: number;
  /** A faker instance of this simulator's own (never the global one). */
  readonly faker: Faker;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** A random id of `length` characters from [A-Za-z0-9]. */
  id(length?: number): string;
  /** A v4-shaped UUID. */
  uuid(): string;
  /** Re-seeds, so that what follows repeats what followed the same seed before. */
  reseed(seed?: number, stream?: number): void;
};

/** Creates a seeded random generator; `stream` separates runs that share a seed (e.g. process restarts). */
export function createRandom(seed = 1, stream = 0): Random {
  const faker = new FakerClass({ locale: englishFaker.rawDefinitions });
  let currentSeed = seed;
  const apply = (s: number, st: number) => {
    currentSeed = s;
    faker.seed([s, st]);
  };
  apply(seed, stream);
  return {
    get seed() {
      return currentSeed;
    },
    faker,
    next: () => faker.number.float({ min: 0, max: 1, fractionDigits: 15 }) % 1,
    int: (min, max) => faker.number.int({ min, max }),
    id: (length = 22) => faker.string.alphanumeric(length),
    uuid: () => faker.string.uuid(),
    reseed: (s = currentSeed, st = 0) => apply(s, st),
  };
}
