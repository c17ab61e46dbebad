/** CSV cells for spreadsheets (`incent run --format csv`, the playground's Download CSV): escaping and formula neutralising. */
import { describe, expect, it } from 'vitest';
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
