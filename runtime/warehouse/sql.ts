/**
 * The queries of pass 1 in a database (`incent sql`, and what `incent run --source/--engine` runs),
 * per pushed event kind:
 * - `src`: the kind's table read as text, one column per field (a field read `from "Column"` is
 *   renamed; an empty value takes the field's default), so that the same checks and casts apply
 *   to a typed warehouse table and to a CSV file read as text;
 * - validation: the keys of the records that Incent's reader might not accept as they are (a value
 *   not in the strict form the casts below read exactly, a duplicate id, an unknown partner). The
 *   checks are conservative: a record they name may still be valid, and the run then reads that
 *   event kind with the streaming reader, which reports each problem with its code and place (or
 *   accepts it); a record they pass is read by the runtime as the database reads it;
 * - aggregation: one `GROUP BY partner, month` with, per measure, a `CASE`-filtered count and an
 *   exact DECIMAL sum (or min, max), and per `for each EVENT` rule its events' count and the exact
 *   sum of each award, sent back as text; rounding stays in the runtime;
 * - traces: per rule, the few events per partner and month that its trace can list.
 */
import type { Artifact } from '../artifact.js';
import { recordSchemas } from '../data/load.js';
import { MAX_FIELD_CHARS } from '../data/limits.js';
import { compileSchema, type FieldSpec } from '../data/schema.js';
import { dialect, type Dialect, type DialectName } from './dialects.js';
import { FIELD_INT, FIELD_SCALE, INT_DIGITS } from './expr.js';
import type { PushedKind, PushedRule, Pushdown } from './pushdown.js';

/** Where a kind's (or the partners') records are: a SQL relation (a table name, `read_csv(…)`). */
export type Relations = (file: string) => string;

/** Tables named after the event kinds, and `partners`. */
export const tables = (d: Dialect): Relations => (file) => d.id(file);

/** Most offending keys a validation query returns per check. */
export const SHOWN_KEYS = 100;

export interface KindQueries {
  kind: string;
  validation: string;
  aggregate: string;
  traces: string[];
}

function fieldsOf(a: Artifact, file: string): FieldSpec[] {
  const schema = recordSchemas(a).find((s) => s.file === file);
  return schema ? compileSchema(schema).fields : [];
}

/** `src`: the records as text, a column per field (its default for an empty value). */
function source(a: Artifact, d: Dialect, file: string, rel: Relations): string {
  const cols = fieldsOf(a, file).map((f) => {
    const raw = `CAST(${d.id(f.column ?? f.name)} AS ${d.text})`;
    const value = f.default === undefined ? raw : `COALESCE(NULLIF(${raw}, ''), ${d.str(String(f.default))})`;
    return `    ${value} AS ${d.id(f.name)}`;
  });
  return `src AS (\n  SELECT\n${cols.join(',\n')}\n  FROM ${rel(file)}\n)`;
}

const NUMBER = `-?[0-9]{1,${FIELD_INT}}([.][0-9]{1,${FIELD_SCALE}})?`;
const INTEGER = `-?[0-9]{1,${INT_DIGITS}}`;
const DATE = '[0-9]{4}-[0-9]{2}-[0-9]{2}';

/** The condition that a field's text is in the strict form it is read in, or undefined when any non-empty text is. */
function wellFormed(d: Dialect, f: FieldSpec): { ok: string; expected: string } {
  const x = d.id(f.name);
  const t = f.type;
  const present = `${x} IS NOT NULL AND ${x} <> ''`;
  // A CASE, so that the cast is made only of a value that has the form it reads (SQL's AND need not stop early).
  const range = (lo: string, hi: string, num: boolean) => (num ? `CASE WHEN ${d.matches(x, NUMBER)} THEN CAST(${x} AS ${d.decimal(FIELD_INT + FIELD_SCALE, FIELD_SCALE)}) BETWEEN ${lo} AND ${hi} ELSE FALSE END` : `${x} BETWEEN ${d.str(lo)} AND ${d.str(hi)}`);
  if (t === 'money' || t === 'decimal') {
    const r = f.range ? ` AND ${range(f.range.min, f.range.max, true)}` : '';
    return { ok: `${present} AND ${d.matches(x, NUMBER)}${r}`, expected: `a decimal of at most ${FIELD_INT} digits before the point and ${FIELD_SCALE} after` };
  }
  if (t === 'integer') {
    const r = f.range ? ` AND ${range(f.range.min, f.range.max, true)}` : '';
    return { ok: `${present} AND ${d.matches(x, INTEGER)}${r}`, expected: `an integer of at most ${INT_DIGITS} digits` };
  }
  if (t === 'date') {
    const valid = d.validDate(x);
    const r = f.range ? ` AND ${range(f.range.min, f.range.max, false)}` : '';
    return { ok: `${present} AND ${d.matches(x, DATE)} AND ${x} >= '0001-01-01' AND ${valid}${r}`, expected: 'a date YYYY-MM-DD' };
  }
  if (t === 'boolean') return { ok: `${x} IS NOT NULL AND ${x} IN ('true', 'false')`, expected: 'true or false' };
  if (typeof t === 'object' && 'enum' in t) return { ok: `${x} IS NOT NULL AND ${x} IN (${t.enum.map((m) => d.str(m)).join(', ')})`, expected: `one of ${t.enum.map((m) => JSON.stringify(m)).join(', ')}` };
  return { ok: `${present} AND LENGTH(${x}) <= ${MAX_FIELD_CHARS / 2}`, expected: 'a text that is not empty' };
}

/**
 * The validation query of a kind: `(id, partner, problem)` of records that a check names — a
 * value not in the form read exactly, a duplicate id, a partner the partners table does not have
 * (when the program declares partners) — at most SHOWN_KEYS per check.
 */
export function validationQuery(a: Artifact, name: DialectName, kind: string, rel: Relations): string {
  const d = dialect[name];
  const id = d.id('id');
  const partner = d.id('partner');
  const fields = fieldsOf(a, kind);
  const checks = fields.map((f) => ({ f, ...wellFormed(d, f) }));
  const problem = `CASE\n${checks.map((c) => `      WHEN NOT (${c.ok}) THEN ${d.str(`${c.f.name}: expected ${c.expected}`)}`).join('\n')}\n    END`;
  const parts = [
    `malformed AS (\n  SELECT ${id}, ${partner}, ${problem} AS problem\n  FROM src\n  WHERE ${checks.map((c) => `NOT (${c.ok})`).join('\n     OR ')}\n  LIMIT ${SHOWN_KEYS}\n)`,
    `duplicate AS (\n  SELECT ${id}, CAST(NULL AS ${d.text}) AS ${partner}, ${d.str('id: the same id on more than one record')} AS problem\n  FROM src\n  GROUP BY ${id}\n  HAVING COUNT(*) > 1\n  LIMIT ${SHOWN_KEYS}\n)`,
  ];
  const selects = ['SELECT * FROM malformed', 'SELECT * FROM duplicate'];
  if (a.partner.declared) {
    const pid = fieldsOf(a, 'partners').find((f) => f.name === 'id')!;
    parts.push(
      `unknown_partner AS (\n  SELECT ${id}, ${partner}, ${d.str('partner: not in the partners table')} AS problem\n  FROM src\n  WHERE NOT EXISTS (SELECT 1 FROM ${rel('partners')} AS p WHERE CAST(p.${d.id(pid.column ?? 'id')} AS ${d.text}) = src.${partner})\n  LIMIT ${SHOWN_KEYS}\n)`,
    );
    selects.push('SELECT * FROM unknown_partner');
  }
  return `WITH ${[source(a, d, kind, rel), ...parts].join(',\n')}\n${selects.join('\nUNION ALL\n')};`;
}

/**
 * The aggregation query of a kind: per partner and month (`YYYY-MM`), how many events and the
 * latest date, then per measure how many events met its condition and (but for `count`) the exact
 * sum, least or greatest of its value, as text. Columns in that order: partner, month, events,
 * latest, then two per measure.
 */
export function aggregateQuery(a: Artifact, name: DialectName, k: PushedKind, rel: Relations): string {
  const d = dialect[name];
  const partner = d.id('partner');
  const date = d.id('date');
  const month = `SUBSTR(${date}, 1, 7)`;
  const text = (x: string) => `CAST(${x} AS ${d.text})`;
  const cols = [`${partner}`, `${month} AS ${d.id('month')}`, `${text('COUNT(*)')} AS ${d.id('events')}`, `MAX(${date}) AS ${d.id('latest')}`];
  k.measures.forEach((m, i) => {
    const count = m.where ? `SUM(CASE WHEN ${m.where} THEN 1 ELSE 0 END)` : 'COUNT(*)';
    cols.push(`${text(count)} AS ${d.id(`n${i + 1}`)}`);
    if (m.op === 'count') cols.push(`${text('NULL')} AS ${d.id(`v${i + 1}`)}`);
    else {
      const fn = m.op === 'min' ? 'MIN' : m.op === 'max' ? 'MAX' : 'SUM';
      const v = m.where ? `CASE WHEN ${m.where} THEN ${m.value} END` : m.value!;
      cols.push(`${text(`${fn}(${v})`)} AS ${d.id(`v${i + 1}`)}`);
    }
  });
  const inRange = programDates(a, d);
  k.rules.forEach((r, j) => {
    const cond = r.where ? `${inRange} AND ${r.where}` : inRange;
    cols.push(`${text(`SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`)} AS ${d.id(`r${j + 1}`)}`);
    r.amounts.forEach((am, ai) => cols.push(`${text(`SUM(CASE WHEN ${cond} THEN ${am} END)`)} AS ${d.id(`r${j + 1}_${ai + 1}`)}`));
  });
  const legend = [
    ...k.measures.map((m, i) => `-- n${i + 1}, v${i + 1}: measure ${m.name} (${m.op})`),
    ...k.rules.map((r, j) => `-- r${j + 1}, r${j + 1}_1…: rule ${JSON.stringify(r.name)} (its events, and the sum of each award)`),
  ].join('\n');
  return `${legend ? `${legend}\n` : ''}WITH ${source(a, d, k.kind, rel)}\nSELECT\n  ${cols.join(',\n  ')}\nFROM src\nGROUP BY ${partner}, ${month};`;
}

/** The condition that an event's date is in the program (before its start, or after its end, it earns nothing). */
function programDates(a: Artifact, d: Dialect): string {
  const date = d.id('date');
  return a.program.end === undefined ? `${date} >= ${d.str(a.program.start)}` : `${date} BETWEEN ${d.str(a.program.start)} AND ${d.str(a.program.end)}`;
}

/** Most events of a rule a trace lists per period (`pass1.ts`'s TRACE_EVENTS). */
export const TRACE_EVENTS = 10;

/**
 * The events of a pushed rule that can be among the first ten by (date, id) of a partner's period,
 * for its trace: those with fewer than ten events of an earlier date in their month (ids are
 * ordered in the runtime, as JavaScript orders them, not by the database's collation). Every field,
 * as text, in the order of the kind's fields.
 */
export function traceQuery(a: Artifact, name: DialectName, kind: string, r: PushedRule, rel: Relations): string {
  const d = dialect[name];
  const cond = r.where ? `${programDates(a, d)} AND ${r.where}` : programDates(a, d);
  const fields = fieldsOf(a, kind).map((f) => d.id(f.name));
  return (
    `-- rule ${JSON.stringify(r.name)}: the events its trace can list\n` +
    `WITH ${source(a, d, kind, rel)},\nhit AS (\n  SELECT ${fields.join(', ')}, RANK() OVER (PARTITION BY ${d.id('partner')}, SUBSTR(${d.id('date')}, 1, 7) ORDER BY ${d.id('date')}) AS ${d.id('rank')}\n  FROM src\n  WHERE ${cond}\n)\n` +
    `SELECT ${fields.join(', ')}\nFROM hit\nWHERE ${d.id('rank')} <= ${TRACE_EVENTS};`
  );
}

export function queriesOf(a: Artifact, p: Pushdown, rel: Relations): KindQueries[] {
  return p.pushed.map((k) => ({
    kind: k.kind,
    validation: validationQuery(a, p.dialect, k.kind, rel),
    aggregate: aggregateQuery(a, p.dialect, k, rel),
    traces: k.rules.map((r) => traceQuery(a, p.dialect, k.kind, r, rel)),
  }));
}
