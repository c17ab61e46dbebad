/** The size and digits of numbers (core/limits.ts): the text check used for literals agrees with decimal.js. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../core/decimal.js';
import { decimalTextProblem, inRange, magnitudeText, MAX_DIGITS, rangeRule } from '../../core/limits.js';

describe('decimalTextProblem', () => {
  it.each([
    ['0', undefined],
    ['-0.000', undefined],
    ['1', undefined],
    ['1000000000000000000000000000000000000000'.slice(0, 34), undefined], // 10^33
    ['1' + '0'.repeat(34), 'too large'], // 10^34
    ['9'.repeat(34), undefined],
    ['9'.repeat(35), 'digits'],
    ['1' + '0'.repeat(40) + '1', 'digits'],
    ['12345678901234567890.12345678901234', undefined], // 34 digits
    ['12345678901234567890.123456789012345', 'digits'],
    ['0.' + '0'.repeat(33) + '1', undefined], // 10^-34
    ['0.' + '0'.repeat(34) + '1', 'too small'], // 10^-35
    ['-0.' + '0'.repeat(34) + '1', 'too small'],
    ['000123.4500', undefined],
    ['0.0250', undefined],
  ])('%s: %s', (text, problem) => {
    expect(decimalTextProblem(text)).toBe(problem);
  });

  it('agrees with decimal.js on the value: within the size of numbers and at most 34 significant digits (property)', () => {
    const text = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,45}$/), fc.option(fc.stringMatching(/^[0-9]{1,45}$/)))
      .map(([neg, i, f]) => `${neg ? '-' : ''}${i}${f === null ? '' : `.${f}`}`);
    fc.assert(
      fc.property(text, (t) => {
        const d = new Dec(t);
        const digits = d.isZero() ? 0 : d.precision(false);
        const expected = digits > MAX_DIGITS ? 'digits' : inRange(d) ? undefined : d.abs().gte(1) ? 'too large' : 'too small';
        expect(decimalTextProblem(t)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('inRange and the messages', () => {
  it('zero and the bounds', () => {
    expect(inRange(new Dec(0))).toBe(true);
    expect(inRange(new Dec('9.999e33'))).toBe(true);
    expect(inRange(new Dec('1e34'))).toBe(false);
    expect(inRange(new Dec('-1e-34'))).toBe(true);
    expect(inRange(new Dec('9.9e-35'))).toBe(false);
    expect(inRange(new Dec(Infinity))).toBe(false);
    expect(inRange(new Dec(NaN))).toBe(false);
  });
  it('a size in words', () => {
    expect(magnitudeText(new Dec(2).pow(128))).toBe('3.4028 × 10^38');
    expect(magnitudeText(new Dec('-1e-40'))).toBe('-1 × 10^-40');
    expect(rangeRule(new Dec('1e40'))).toBe('numbers must stay below 10^34 in size');
    expect(rangeRule(new Dec('1e-40'))).toBe('a number other than zero must be at least 10^-34 in size');
  });
});
