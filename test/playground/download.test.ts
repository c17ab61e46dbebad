/** The Data panel's Download CSV: cells a spreadsheet would run as formulas are neutralised, as `incent run --format csv` does. */
import { describe, expect, it } from 'vitest';
import { tableToDownloadCsv } from '../../playground/src/download.js';
import { csvToTable } from '../../playground/src/tables.js';

describe('Download CSV', () => {
  const table = {
    columns: ['id', 'partner', 'note', 'amount'],
    rows: [
      ['S1', '=HYPERLINK("http://x","y")', ' =1+1', '-12.50'],
      ['S2', '@SUM(A1)', '+1', '42'],
      ['S3', '\t=cmd', 'a=b, c', '-'],
      ['S4', 'P001', 'two\nlines'], // a short row: the missing cell is empty
    ],
  };

  it('neutralises formulas (also after leading whitespace), keeps numbers, quotes as CSV', () => {
    expect(tableToDownloadCsv(table).split('\r\n')).toEqual([
      'id,partner,note,amount',
      `S1,"'=HYPERLINK(""http://x"",""y"")",' =1+1,-12.50`,
      "S2,'@SUM(A1),'+1,42",
      "S3,'\t=cmd,\"a=b, c\",'-",
      'S4,P001,"two\nlines",',
      '',
    ]);
  });

  it('reads back with every formula cell starting with a quote and every other cell unchanged', () => {
    const back = csvToTable(tableToDownloadCsv(table));
    expect(back.columns).toEqual(table.columns);
    expect(back.rows.map((r) => r[1])).toEqual([`'=HYPERLINK("http://x","y")`, "'@SUM(A1)", "'\t=cmd", 'P001']);
    expect(back.rows.map((r) => r[2])).toEqual(["' =1+1", "'+1", 'a=b, c', 'two\nlines']);
    expect(back.rows.map((r) => r[3])).toEqual(['-12.50', '42', "'-", '']);
  });

  it('writes a row of one empty cell as "" (an empty line would be skipped)', () => {
    expect(tableToDownloadCsv({ columns: ['id'], rows: [[''], ['=x']] })).toBe(`id\r\n""\r\n'=x\r\n`);
  });
});
