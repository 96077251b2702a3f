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
  // faker's own generator, read directly: the same draws as faker.string.alphanumeric and faker.string.uuid give
  // (test/core/random.test.ts checks it), at a seventh of the cost per id (ids are made on every create).
  const randomizer = (faker as unknown as { fakerCore?: { randomizer?: { next(): number } } }).fakerCore
    ?.randomizer;
  const draw = randomizer ? () => randomizer.next() : null;
  return {
    get seed() {
      return currentSeed;
    },
    faker,
    next: () => faker.number.float({ min: 0, max: 1, fractionDigits: 15 }) % 1,
    int: (min, max) => faker.number.int({ min, max }),
    id: (length = 22) => (draw ? drawId(draw, length) : faker.string.alphanumeric(length)),
    uuid: () => (draw ? drawUuid(draw) : faker.string.uuid()),
    reseed: (s = currentSeed, st = 0) => apply(s, st),
  };
}

// faker's alphanumeric alphabet, in its order: digits, lower case, upper case; as character codes.
const ALPHANUMERIC = [...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) =>
  c.charCodeAt(0),
);
const HEX = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const DASH = 45;
const FOUR = 52;
// The characters of an id are gathered as codes and made one string at the end: adding them to a string one by one
// left a chain of 22-36 partial strings per id (about 1 KB of garbage per create).
const codes: number[] = [];

/** As faker.string.alphanumeric(length): one draw per character. */
function drawId(draw: () => number, length: number): string {
  codes.length = length;
  for (let i = 0; i < length; i++) codes[i] = ALPHANUMERIC[Math.floor(draw() * 62)]!;
  return String.fromCharCode.apply(null, codes);
}

/** As faker.string.uuid() (v4): the 30 random hex digits in order, then the variant digit (8 to b). */
function drawUuid(draw: () => number): string {
  codes.length = 36;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) codes[i] = DASH;
    else if (i === 14) codes[i] = FOUR;
    else if (i !== 19) codes[i] = HEX[Math.floor(draw() * 16)]!;
  }
  codes[19] = HEX[8 + Math.floor(draw() * 4)]!;
  return String.fromCharCode.apply(null, codes);
}
