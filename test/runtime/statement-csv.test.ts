/** CSV cells for spreadsheets (`incent run --format csv`, the playground's Download CSV): escaping and formula neutralising. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula } from '../../runtime/data/csv.js';
import * as N from '../../runtime/num.js';
import { csvCell } from '../../runtime/statement.js';

describe('csvCell', () => {
  it.each([
    // cell, as written
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-', "'-"],
    ['-1+2', "'-1+2"],
    ['\t=1', "'\t=1"],
    ['\rx', `"'\rx"`],
    // leading whitespace, then a formula character: spreadsheets skip the whitespace
    [' =1', "' =1"],
    ['   @x', "'   @x"],
    ['\u00a0+1', "'\u00a0+1"],
    ['\n=1', `"'\n=1"`],
    // plain numbers stay numbers
    ['-5', '-5'],
    ['-12.50', '-12.50'],
    ['42', '42'],
    // not formulas
    ['P001', 'P001'],
    ['a=b', 'a=b'],
    [' a', ' a'],
    ['', ''],
    // CSV quoting
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
  ])('%j → %j', (cell, written) => {
    expect(csvCell(cell)).toBe(written);
  });
});

describe('csvCell\'s fast path (a cell written as it is, found in one pass)', () => {
  /** The rules, as written without the fast path. */
  const byTheRules = (v: string) => {
    const s = neutraliseFormula(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  it('gives what the rules give, for any cell', () => {
    const char = fc.constantFrom('a', 'Z', '0', '9', '-', '.', '_', '=', '+', '@', ' ', '\t', '\r', '\n', ',', '"', "'", '\u00a0', 'é', '→');
    const cell = fc.oneof(fc.string({ unit: char, maxLength: 12 }), fc.string(), fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String), fc.tuple(fc.integer(), fc.nat()).map(([i, f]) => `${i}.${f}`));
    fc.assert(
      fc.property(cell, (v) => {
        expect(csvCell(v)).toBe(byTheRules(v));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('amounts in CSV statements', () => {
  it('an amount as toFixedText writes it is a plain cell: statements write it without csvCell', () => {
    const amount = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat(6), fc.nat(6)).map(([units, scale, digits]) => ({ v: N.fromUnits(units, scale), digits }));
    fc.assert(
      fc.property(amount, ({ v, digits }) => {
        const text = N.toFixedText(v, digits);
        expect(csvCell(text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});
