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
  /** Whether `x` (text of the form YYYY-MM-DD) is a real calendar date, never failing on any text. */
  validDate(x: string): string;
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
    // No cast that returns NULL on failure: the day is compared with the month's last, once the text is known to be a date's shape.
    validDate: (x) =>
      `CASE WHEN ${x} ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' AND ${x} >= '0001-01-01' THEN CAST(SUBSTR(${x}, 9, 2) AS INTEGER) <= EXTRACT(DAY FROM CAST(SUBSTR(${x}, 1, 7) || '-01' AS DATE) + INTERVAL '1 month' - INTERVAL '1 day') ELSE FALSE END`,
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
