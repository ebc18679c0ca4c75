import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { earlierOverlapping } from '../src/plan/prefix-overlap.js';

/** The definition, pair by pair. */
const naive = (texts: string[]) => texts.map((text, index) => texts.slice(0, index).flatMap((other, earlier) => (other.startsWith(text) || text.startsWith(other) ? [earlier] : [])));

describe('earlier overlapping prefixes', () => {
  it.each([
    [[], []],
    [['/a'], [[]]],
    [['/api/x', '/api/', '/b', '/'], [[], [0], [], [0, 1, 2]]],
    [['/a/', '/a/', '/a'], [[], [0], [0, 1]]],
    [['/ab', '/a', '/abc', '/ac'], [[], [0], [0, 1], [1]]],
    [['', '/x'], [[], [0]]],
  ])('%j -> %j', (texts, expected) => {
    expect(earlierOverlapping(texts)).toEqual(expected);
  });

  it('agrees with comparing every pair', () => {
    const text = fc.stringMatching(/^\/[ab/]{0,4}$/);
    fc.assert(fc.property(fc.array(text, { maxLength: 30 }), (texts) => {
      expect(earlierOverlapping(texts)).toEqual(naive(texts));
    }), { numRuns: 1000 });
  });
});
