/** Tests of decimal parsing/formatting, currencies, the seven rounding modes (by hand and against a BigInt reference), money formatting and the safe-integer fast path. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { groupDigits, parseNum, toFixedText } from '../../runtime/num.js';
import { Dec, parseDecimal, formatDecimal, normalizeDecimalLiteral, isDecimalLiteral } from '../../core/decimal.js';
import {
  currencyDigits,
  roundTo,
  ROUNDING_MODES,
  type RoundingMode,
  toMinorUnits,
  isRoundingMode,
} from '../../core/money.js';

describe('Dec and decimal literals', () => {
  it('is configured: 34 digits, half-even, no exponent notation', () => {
    expect(new Dec(1).div(3).toString()).toBe('0.3333333333333333333333333333333333');
    expect(new Dec(2).div(3).toString()).toBe('0.6666666666666666666666666666666667');
    expect(new Dec('1e40').toString()).toBe('10000000000000000000000000000000000000000');
    expect(new Dec('1e-30').toString()).toBe('0.000000000000000000000000000001');
    expect(Dec.rounding).toBe(Dec.ROUND_HALF_EVEN);
  });
  it('sums of money stay exact', () => {
    expect(new Dec('0.1').plus('0.2').toString()).toBe('0.3');
    expect(new Dec('1234567890123456789012.34').plus('0.01').toString()).toBe('1234567890123456789012.35');
  });
  it('parses strict literals only', () => {
    for (const ok of ['0', '-0', '12', '12.50', '-3.000001', '007.5', '123456789012345678901234567890123456789.123456789'])
      expect(isDecimalLiteral(ok), ok).toBe(true);
    for (const bad of ['', '1e3', '1E3', '+1', '.5', '5.', '1,5', '1_000', ' 1', '1 ', '--1', 'NaN', 'Infinity', '0x10', '١٢'])
      expect(parseDecimal(bad), bad).toBeUndefined();
    // kept exactly, beyond 34 digits
    expect(parseDecimal('123456789012345678901234567890123456789.123456789')!.toString()).toBe(
      '123456789012345678901234567890123456789.123456789',
    );
  });
  it('formats plainly and canonically', () => {
    expect(formatDecimal(new Dec('-0'))).toBe('0');
    expect(formatDecimal(new Dec('12.500'))).toBe('12.5');
    expect(formatDecimal(new Dec('-0.0010'))).toBe('-0.001');
    expect(() => formatDecimal(new Dec(1).div(0))).toThrow();
  });
  it('normalizeDecimalLiteral agrees with parse + format', () => {
    expect(normalizeDecimalLiteral('007.50')).toBe('7.5');
    expect(normalizeDecimalLiteral('-0.00')).toBe('0');
    expect(normalizeDecimalLiteral('-000')).toBe('0');
    expect(normalizeDecimalLiteral('100')).toBe('100');
    expect(normalizeDecimalLiteral('0.0100')).toBe('0.01');
    expect(normalizeDecimalLiteral('1,5')).toBeUndefined();
    fc.assert(
      fc.property(fc.stringMatching(/^-?\d{1,25}(\.\d{1,25})?$/), (s) => {
        expect(normalizeDecimalLiteral(s)).toBe(formatDecimal(new Dec(s)));
      }),
    );
  });
});

describe('currencies (ISO 4217 from currency-codes)', () => {
  it('knows minor units', () => {
    expect(currencyDigits('EUR')).toBe(2);
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('KRW')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
    expect(currencyDigits('BHD')).toBe(3);
    expect(currencyDigits('CLF')).toBe(4);
  });
  it('rejects unknown codes, lower case, and codes without a minor unit', () => {
    for (const c of ['eur', 'EURO', 'ABC', '', 'XAU', 'XXX', 'XTS', 'XDR']) expect(currencyDigits(c), c).toBeUndefined();
    expect(currencyDigits('XOF')).toBe(0); // CFA franc: a real currency with 0 digits
  });
});

// A reference implementation of rounding on BigInt: value = m / 10^s, rounded to d decimals.
function refRound(m: bigint, s: number, d: number, mode: RoundingMode): string {
  let q: bigint;
  if (s <= d) q = m * 10n ** BigInt(d - s);
  else {
    const div = 10n ** BigInt(s - d);
    q = m / div; // truncates toward zero
    const r = m - q * div; // same sign as m
    const absR2 = (r < 0n ? -r : r) * 2n;
    const away = m < 0n ? -1n : 1n;
    if (r !== 0n) {
      const tie = absR2 === div;
      const above = absR2 > div;
      switch (mode) {
        case 'down':
          break;
        case 'up':
          q += away;
          break;
        case 'floor':
          if (m < 0n) q -= 1n;
          break;
        case 'ceiling':
          if (m > 0n) q += 1n;
          break;
        case 'half-up':
          if (above || tie) q += away;
          break;
        case 'half-down':
          if (above) q += away;
          break;
        case 'half-even':
          if (above || (tie && q % 2n !== 0n)) q += away;
          break;
      }
    }
  }
  // format q / 10^d
  const neg = q < 0n;
  let t = (neg ? -q : q).toString();
  if (d > 0) {
    t = t.padStart(d + 1, '0');
    t = t.slice(0, t.length - d) + '.' + t.slice(t.length - d);
  }
  return (neg && q !== 0n ? '-' : '') + t;
}

describe('roundTo', () => {
  const r = (v: string, d: number, m: RoundingMode) => toFixedText(roundTo(new Dec(v), d, m), d);
  // value: [half-even, half-up, half-down, down, up, floor, ceiling]
  const table: [string, string[]][] = [
    ['2.5', ['2', '3', '2', '2', '3', '2', '3']],
    ['3.5', ['4', '4', '3', '3', '4', '3', '4']],
    ['-2.5', ['-2', '-3', '-2', '-2', '-3', '-3', '-2']],
    ['-3.5', ['-4', '-4', '-3', '-3', '-4', '-4', '-3']],
    ['2.4', ['2', '2', '2', '2', '3', '2', '3']],
    ['2.6', ['3', '3', '3', '2', '3', '2', '3']],
    ['-2.4', ['-2', '-2', '-2', '-2', '-3', '-3', '-2']],
    ['-2.6', ['-3', '-3', '-3', '-2', '-3', '-3', '-2']],
    ['2.50000000000000000000000000000000000001', ['3', '3', '3', '2', '3', '2', '3']],
    ['-0.4', ['0', '0', '0', '0', '-1', '-1', '0']],
    ['7', ['7', '7', '7', '7', '7', '7', '7']],
  ];
  for (const [v, want] of table) {
    it(`to an integer: ${v}`, () => {
      ROUNDING_MODES.forEach((m, i) => expect(r(v, 0, m), m).toBe(want[i]));
    });
  }
  it('to cents: ties and non-ties, both signs', () => {
    expect(r('1250.005', 2, 'half-even')).toBe('1250.00');
    expect(r('1250.015', 2, 'half-even')).toBe('1250.02');
    expect(r('1250.005', 2, 'half-up')).toBe('1250.01');
    expect(r('-1250.005', 2, 'half-up')).toBe('-1250.01');
    expect(r('1250.005', 2, 'half-down')).toBe('1250.00');
    expect(r('-1250.0051', 2, 'half-down')).toBe('-1250.01');
    expect(r('0.001', 2, 'up')).toBe('0.01');
    expect(r('-0.001', 2, 'up')).toBe('-0.01');
    expect(r('-0.001', 2, 'down')).toBe('0.00'); // never -0.00
    expect(r('-0.001', 2, 'ceiling')).toBe('0.00');
    expect(r('-0.001', 2, 'floor')).toBe('-0.01');
    expect(r('0.009', 2, 'floor')).toBe('0.00');
    expect(r('0.001', 2, 'ceiling')).toBe('0.01');
    expect(r('60000', 2, 'half-even')).toBe('60000.00');
  });
  it('rounds values longer than 34 digits exactly (no precision limit)', () => {
    expect(r('123456789012345678901234567890123456.785', 2, 'half-even')).toBe('123456789012345678901234567890123456.78');
  });
  it('agrees with a BigInt reference, every mode, any sign, any scale', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 6 }), fc.constantFrom(...ROUNDING_MODES), (m, s, d, mode) => {
        const neg = m < 0n;
        let t = (neg ? -m : m).toString();
        if (s > 0) {
          t = t.padStart(s + 1, '0');
          t = t.slice(0, t.length - s) + '.' + t.slice(t.length - s);
        }
        const text = (neg ? '-' : '') + t;
        expect(r(text, d, mode)).toBe(refRound(m, s, d, mode));
      }),
      { numRuns: 3000 },
    );
  });
  it('knows its modes', () => {
    expect(isRoundingMode('half-even')).toBe(true);
    expect(isRoundingMode('HALF_EVEN')).toBe(false);
    expect(isRoundingMode('toString')).toBe(false);
  });
});

describe('formatting money (runtime/num.ts, as statements and traces print it)', () => {
  it('exactly the currency digits', () => {
    expect(toFixedText(parseNum('1250'), 2)).toBe('1250.00');
    expect(toFixedText(parseNum('1250.5'), 2)).toBe('1250.50');
    expect(toFixedText(parseNum('1250'), 0)).toBe('1250');
    expect(toFixedText(parseNum('-0.5'), 3)).toBe('-0.500');
    expect(toFixedText(parseNum('-0'), 2)).toBe('0.00');
    expect(toFixedText(parseNum('0.07'), 2)).toBe('0.07');
    expect(toFixedText(new Dec('1e21'), 2)).toBe('1000000000000000000000.00');
  });
  it('groups thousands for traces', () => {
    expect(groupDigits('1500000.00')).toBe('1,500,000.00');
    expect(groupDigits('-1234')).toBe('-1,234');
    expect(groupDigits('999.5')).toBe('999.5');
    expect(groupDigits('0.00')).toBe('0.00');
    expect(groupDigits('100000')).toBe('100,000');
  });
});

describe('the minor-units fast path', () => {
  it('parses exact amounts', () => {
    expect(toMinorUnits('12.5', 2)).toBe(1250);
    expect(toMinorUnits('12.50', 2)).toBe(1250);
    expect(toMinorUnits('12.500', 2)).toBe(1250);
    expect(toMinorUnits('-0.07', 2)).toBe(-7);
    expect(toMinorUnits('-0.00', 2)).toBe(0);
    expect(Object.is(toMinorUnits('-0', 2), 0)).toBe(true);
    expect(toMinorUnits('1250', 0)).toBe(1250);
    expect(toMinorUnits('007', 2)).toBe(700);
    expect(toMinorUnits('1.234', 3)).toBe(1234);
  });
  it('declines what it cannot hold exactly', () => {
    expect(toMinorUnits('12.505', 2)).toBeUndefined();
    expect(toMinorUnits('0.5', 0)).toBeUndefined();
    for (const bad of ['', '-', '12.', '.5', '1e3', '+1', '1,5', ' 1', 'abc', '1.2.3', '--1']) expect(toMinorUnits(bad, 2), bad).toBeUndefined();
  });
  it('stops exactly at Number.MAX_SAFE_INTEGER', () => {
    expect(toMinorUnits('90071992547409.91', 2)).toBe(Number.MAX_SAFE_INTEGER);
    expect(toMinorUnits('-90071992547409.91', 2)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(toMinorUnits('90071992547409.92', 2)).toBeUndefined();
    expect(toMinorUnits('9007199254740991', 0)).toBe(9007199254740991);
    expect(toMinorUnits('9007199254740992', 0)).toBeUndefined();
    expect(toMinorUnits('90071992547409920', 2)).toBeUndefined();
    expect(toMinorUnits('900719925474099.2', 2)).toBeUndefined();
  });
  it('agrees with Dec for any literal', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?\d{1,18}(\.\d{1,4})?$/), fc.integer({ min: 0, max: 4 }), (s, d) => {
        const v = toMinorUnits(s, d);
        const exact = new Dec(s).times(new Dec(10).pow(d));
        if (exact.isInteger() && exact.abs().lte(Number.MAX_SAFE_INTEGER)) expect(v).toBe(Number(exact.toString()));
        else expect(v).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });
});
