import { expect, test } from 'vitest';
import { createRandom } from '../../src/random.ts';

test('ids and uuids are the same draws faker.string.alphanumeric and faker.string.uuid make from the same seed', () => {
  for (const [seed, stream] of [
    [1, 0],
    [7, 3],
    [424242, 1],
  ] as const) {
    const ours = createRandom(seed, stream);
    const fakers = createRandom(seed, stream).faker;
    for (let i = 0; i < 500; i++) {
      const length = 1 + (i % 30);
      expect(ours.id(length)).toBe(fakers.string.alphanumeric(length));
      expect(ours.uuid()).toBe(fakers.string.uuid());
      // Other draws in between stay in step too.
      expect(ours.int(0, 1000)).toBe(fakers.number.int({ min: 0, max: 1000 }));
    }
  }
});

test('a uuid is v4-shaped', () => {
  const random = createRandom(3);
  for (let i = 0; i < 200; i++) {
    expect(random.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
});
