/** The page's state: the program's data schema, the data tables, the latest results and what is selected. */
import type { RunResult, WireDiagnostic } from './protocol.js';
import type { ProgramSchema } from './schema.js';
import type { Table } from './tables.js';

/** Rows per page of a data table. */
export const PAGE = 50;

export interface PageState {
  tables: Map<string, Table>;
  schema: ProgramSchema | undefined;
  schemaKey: string;
  diagnostics: WireDiagnostic[];
  /** Why the program is not checked (too large, or the checker was stopped); shown as a problem. */
  unchecked: string | undefined;
  result: RunResult | undefined;
  /** The last results that evaluated: shown, marked as stale, while the program has errors. */
  lastGood: RunResult | undefined;
  period: string | undefined;
  partner: string | undefined;
  dataTab: string | undefined;
  pages: Map<string, number>;
  /** For each table, the CSV line → row map of the text last sent (for problems' `file:line`). */
  rowOfLine: Map<string, Map<number, number>>;
  partnerFilter: string;
  /** A sample to generate once the program's schema is known (a link without its data). */
  sampleWhenReady: boolean;
  /** Whether runs record coverage, and the editor shades what the data never reaches. */
  coverage: boolean;
}

export function createState(): PageState {
  return {
    tables: new Map(),
    schema: undefined,
    schemaKey: '',
    diagnostics: [],
    unchecked: undefined,
    result: undefined,
    lastGood: undefined,
    period: undefined,
    partner: undefined,
    dataTab: undefined,
    pages: new Map(),
    rowOfLine: new Map(),
    partnerFilter: '',
    sampleWhenReady: false,
    coverage: false,
  };
}
