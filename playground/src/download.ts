/**
 * A data table as the CSV file the Data panel's *Download CSV* saves: for spreadsheets, so each cell
 * goes through the command line's `csvCell` (the one `incent run --format csv` uses), which quotes it
 * and neutralises a cell a spreadsheet would run as a formula (`=1+1` → `'=1+1`). Lines end in CRLF.
 * (The CSV sent to the runtime and put in share links is `tableToCsv`'s: the cells exactly as typed.)
 */
import { csvCell } from '../../runtime/statement.js';
import type { Table } from './tables.js';

function line(cells: readonly string[]): string {
  // One empty cell alone would read as an empty line, which CSV readers skip.
  return cells.length === 1 && cells[0] === '' ? '""' : cells.map(csvCell).join(',');
}

export function tableToDownloadCsv(t: Table): string {
  return [line(t.columns), ...t.rows.map((r) => line(t.columns.map((_, i) => r[i] ?? '')))].join('\r\n') + '\r\n';
}
