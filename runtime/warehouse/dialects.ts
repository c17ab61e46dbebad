/**
 * The SQL dialects pass 1 is written in: how each quotes a name, writes a text or decimal type,
 * matches a regular expression and tells a valid calendar date. Everything else the queries use
 * (CASE, SUM, MIN, MAX, COUNT, LEAST, GREATEST, FLOOR, CEIL, ABS, SUBSTR, GROUP BY, UNION ALL,
 * a CTE) is the same in all four.
 */

export type DialectName = 'duckdb' | 'postgres' | 'spark' | 'bigquery';
export const DIALECTS: readonly DialectName[] = ['duckdb', 'postgres', 'spark', 'bigquery'];

export interface Dialect {
  name: DialectName;
  /** A quoted identifier (a table or column name, as declared). */
  id(name: string): string;
  /** A quoted text literal. */
  str(s: string): string;
  /** The text type (what every column is read as, and what results are sent back as). */
  text: string;
  /** An exact decimal type of `p` digits, `s` after the point (p ≤ 38). */
  decimal(p: number, s: number): string;
  /** Whether the whole of `x` matches the regular expression `re` (POSIX-compatible: classes, ranges, ?, {m,n}). */
  matches(x: string, re: string): string;
  /** Whether `x` (text of the form YYYY-MM-DD) is a real calendar date; undefined when the dialect cannot tell without failing (Postgres: an impossible date then stops the query with the database's error). */
  validDate(x: string): string | undefined;
}

const dq = (name: string) => `"${name.replaceAll('"', '""')}"`;
const bq = (name: string) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
const sq = (s: string) => `'${s.replaceAll("'", "''")}'`;
/** Spark and BigQuery: backslashes escape in string literals. */
const sqBackslash = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

export const dialect: Record<DialectName, Dialect> = {
  duckdb: {
    name: 'duckdb',
    id: dq,
    str: sq,
    text: 'VARCHAR',
    decimal: (p, s) => `DECIMAL(${p}, ${s})`,
    matches: (x, re) => `regexp_full_match(${x}, ${sq(re)})`,
    validDate: (x) => `TRY_CAST(${x} AS DATE) IS NOT NULL`,
  },
  postgres: {
    name: 'postgres',
    id: dq,
    str: sq,
    text: 'TEXT',
    decimal: (p, s) => `NUMERIC(${p}, ${s})`,
    matches: (x, re) => `${x} ~ ${sq(`^(${re})$`)}`,
    validDate: () => undefined,
  },
  spark: {
    name: 'spark',
    id: bq,
    str: sqBackslash,
    text: 'STRING',
    decimal: (p, s) => `DECIMAL(${p}, ${s})`,
    matches: (x, re) => `${x} RLIKE ${sqBackslash(`^(${re})$`)}`,
    validDate: (x) => `TRY_CAST(${x} AS DATE) IS NOT NULL`,
  },
  bigquery: {
    name: 'bigquery',
    id: bq,
    str: sqBackslash,
    text: 'STRING',
    decimal: (p, s) => `BIGNUMERIC(${p}, ${s})`,
    matches: (x, re) => `REGEXP_CONTAINS(${x}, ${sqBackslash(`^(${re})$`)})`,
    validDate: (x) => `SAFE.PARSE_DATE('%Y-%m-%d', ${x}) IS NOT NULL`,
  },
};
