import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sortIds } from '../../runtime/sort-ids.js';

describe('sortIds', () => {
  const byStrings = (ids: string[]) => [...ids].sort();

  it('gives the order of a string sort for ids of one prefix and width (sorted as numbers)', () => {
    fc.assert(
      fc.property(fc.constantFrom('P', 'NW-', '', 'pärtner'), fc.integer({ min: 1, max: 9 }), fc.uniqueArray(fc.nat(), { maxLength: 300 }), (prefix, width, nums) => {
        const ids = [...new Set(nums.map((v) => prefix + String(v % 10 ** width).padStart(width, '0')))];
        expect(sortIds([...ids])).toEqual(byStrings(ids));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the order of a string sort for any other ids (one of another width, prefix or shape among them)', () => {
    const id = fc.oneof(
      fc.integer({ min: 0, max: 99_999 }).map((n) => `P${String(n).padStart(5, '0')}`),
      fc.constantFrom('P1234', 'P123456', 'Q00042', 'p00042', 'P0004x', 'P-0042', 'P 0042', 'P\u00e90042', 'P\ud83d\ude000042', '000042', ''),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(id, { maxLength: 60 }), (ids) => {
        expect(sortIds([...ids])).toEqual(byStrings(ids));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the order of a string sort when a character next to the digits (`/`, `:`) or a letter stands among them', () => {
    const near = fc.array(fc.constantFrom(...'0123456789/:x'), { minLength: 5, maxLength: 5 }).map((cs) => 'P' + cs.join(''));
    fc.assert(
      fc.property(fc.uniqueArray(near, { minLength: 2, maxLength: 40 }), (ids) => {
        expect(sortIds([...ids])).toEqual(byStrings(ids));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every id once, the largest numbers of nine digits included', () => {
    const ids = ['X999999999', 'X000000000', 'X500000000', 'X000000001'];
    expect(sortIds([...ids])).toEqual(['X000000000', 'X000000001', 'X500000000', 'X999999999']);
  });
});
