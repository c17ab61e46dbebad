/**
 * Pass 1 in a database, read back into the runtime: for each event kind the pushdown allows, its
 * validation query (any record it names sends the kind back to the streaming reader, which reports
 * or accepts it exactly as a run over files does), then its aggregation query, whose small result
 * — partners × months × measures — fills the run's index as the row path would have
 * (`RunIndex.addAggregate`). The runtime finishes every period exactly as it does over files.
 */
import type { Artifact } from '../artifact.js';
import { decimalNum } from '../data/convert.js';
import { recordSchemas } from '../data/load.js';
import { compileSchema } from '../data/schema.js';
import type { EventRow } from '../compile-ir.js';
import type { EventAwards, PushedPass1, RunIndex } from '../evaluate.js';
import type { Num } from '../num.js';
import { byDateId, eventAmounts, newRuleAcc, TRACE_EVENTS, type RuleAcc } from '../pass1.js';
import { monthNumber, Plan } from '../plan.js';
import { formatPeriod, periodOf } from '../../core/periods.js';
import type { DialectName } from './dialects.js';
import { pushdown, type Pushdown, type PushedKind, type StreamedKind } from './pushdown.js';
import { aggregateQuery, traceQuery, validationQuery, type Relations } from './sql.js';

/** A database connection, as pass 1 uses it (`duckdb.ts`, `pglite.ts`). */
export interface SqlConnection {
  readonly dialect: DialectName;
  /** A query's rows, each value as text or null (the queries cast every column they return to text). */
  query(sql: string): Promise<(string | null)[][]>;
  /** The column names of a relation (a table, `read_csv(…)`). */
  columns(relation: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A database the run needs is not installed or cannot be opened: a message for the user, no stack. */
export class WarehouseUnavailable extends Error {}

/** A kind's aggregates: partner, month (YYYY-MM), events, latest date, then a count and a value per measure. */
type AggregateRow = (string | null)[];

export interface WarehousePass1 {
  pushdown: Pushdown;
  /** What the run takes from the database (undefined when no kind could be pushed down). */
  pushed?: PushedPass1;
  /** The kinds read by the streaming runtime: the pushdown's, and those sent back at run time (a column missing, a record the checks name), with why. */
  streamed: StreamedKind[];
}

/**
 * Runs the validation and aggregation queries of every kind the pushdown allows and `eligible`
 * accepts (a kind whose data the database can read: a CSV file, a table), and gives what the run
 * takes from them.
 */
export async function pass1InDatabase(a: Artifact, conn: SqlConnection, rel: Relations, eligible: (kind: string) => StreamedKind | undefined = () => undefined): Promise<WarehousePass1> {
  const plan = new Plan(a);
  const p = pushdown(a, conn.dialect, plan);
  const streamed = [...p.streamed];
  const results: { k: PushedKind; rows: AggregateRow[]; traces: AggregateRow[][] }[] = [];
  for (const k of p.pushed) {
    const not = eligible(k.kind);
    if (not) {
      streamed.push(not);
      continue;
    }
    // A query the database cannot run (a table it cannot read, an overflow it reports) sends the kind to the streaming reader too.
    try {
      const missing = await missingColumns(a, conn, rel, k.kind);
      if (missing) {
        streamed.push({ kind: k.kind, what: `${k.kind} data`, why: missing });
        continue;
      }
      const flagged = await conn.query(validationQuery(a, conn.dialect, k.kind, rel));
      if (flagged.length > 0) {
        const [id, partner, problem] = flagged[0]!;
        const first = `${id === null ? 'a record with no id' : `id ${JSON.stringify(id)}`}${partner ? ` of partner ${JSON.stringify(partner)}` : ''}: ${problem}`;
        streamed.push({ kind: k.kind, what: `${k.kind} data`, why: `the validation query names ${flagged.length >= 100 ? 'at least 100 records' : `${flagged.length} record${flagged.length === 1 ? '' : 's'}`} (first: ${first}); the streaming reader reports or accepts each` });
        continue;
      }
      const rows = await conn.query(aggregateQuery(a, conn.dialect, k, rel));
      const traces: AggregateRow[][] = [];
      for (const r of k.rules) traces.push(await conn.query(traceQuery(a, conn.dialect, k.kind, r, rel)));
      results.push({ k, rows, traces });
    } catch (e) {
      if (e instanceof WarehouseUnavailable) throw e;
      streamed.push({ kind: k.kind, what: `${k.kind} data`, why: `the database could not run its queries (${String((e as Error)?.message ?? e).split('\n')[0]}); the streaming reader reads it` });
    }
  }
  if (results.length === 0) return { pushdown: p, streamed };
  const kinds = new Set(results.map((r) => r.k.kind));
  const fill = (idx: RunIndex, early: EventAwards) => {
    for (const { k, rows, traces } of results) {
      for (const row of rows) fillRow(idx, k, row);
      if (k.rules.length) fillRules(a, idx, early, k, rows, traces);
    }
  };
  return { pushdown: p, pushed: { kinds, fill }, streamed };
}

/** Why a kind's relation cannot be read by the queries (a field's column is missing), or undefined. */
async function missingColumns(a: Artifact, conn: SqlConnection, rel: Relations, kind: string): Promise<string | undefined> {
  const schema = recordSchemas(a).find((s) => s.file === kind)!;
  const have = new Set(await conn.columns(rel(kind)));
  const missing = compileSchema(schema).columns.filter((c) => !have.has(c));
  return missing.length ? `it has no column ${missing.map((c) => JSON.stringify(c)).join(', ')}; the streaming reader reports it` : undefined;
}

function count(text: string | null, what: string): number {
  const n = Number(text ?? 'x'); // allow-number: a count of events (an integer, checked below)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`internal: the database returned ${JSON.stringify(text)} for ${what}, not a count`);
  return n;
}

function exact(text: string | null, what: string): Num {
  const n = text === null ? undefined : decimalNum(text);
  if (n === undefined) throw new Error(`internal: the database returned ${JSON.stringify(text)} for ${what}, not a decimal`);
  return n;
}

function fillRow(idx: RunIndex, k: PushedKind, row: AggregateRow): void {
  const [partner, month, , latest] = row;
  if (partner === null || month === null || latest === null || !/^\d{4}-\d{2}$/.test(month)) throw new Error(`internal: the database returned the aggregate row ${JSON.stringify(row)} for ${k.kind}`);
  idx.addPartnerEvents(partner, latest);
  const m = monthNumber(`${month}-01`);
  k.measures.forEach((ms, i) => {
    const n = count(row[4 + 2 * i]!, `measure ${ms.name}`);
    if (n === 0) return;
    if (ms.op === 'count') idx.addAggregate(partner, m, ms.name, { n });
    else if (ms.op === 'min' || ms.op === 'max') idx.addAggregate(partner, m, ms.name, { n, best: exact(row[5 + 2 * i]!, `measure ${ms.name}`) });
    else idx.addAggregate(partner, m, ms.name, { n, sum: exact(row[5 + 2 * i]!, `measure ${ms.name}`) });
  });
}

/**
 * The awards of a kind's pushed rules, as `EventAwards.feed` accumulates them: per period, rule and
 * partner, the exact sum of each award and the count of events (from the aggregate rows), and the
 * first events by (date, id) with their amounts, computed here by the rule itself (from the trace
 * rows: every event that can be among them).
 */
function fillRules(a: Artifact, idx: RunIndex, early: EventAwards, k: PushedKind, rows: readonly AggregateRow[], traces: readonly AggregateRow[][]): void {
  const unit = a.program.period;
  const periodOfMonth = new Map<string, string>();
  const periodFor = (date: string) => {
    const month = date.slice(0, 7);
    let p = periodOfMonth.get(month);
    if (p === undefined) periodOfMonth.set(month, (p = formatPeriod(periodOf(unit, `${month}-01`))));
    return p;
  };
  const compiled = early.rulesFor(k.kind) ?? [];
  const base = 4 + 2 * k.measures.length;
  const accOf = (period: string, ri: number, partner: string, create: boolean): RuleAcc | undefined => {
    let perRule = early.awards.get(period);
    if (!perRule) {
      if (!create) return undefined;
      early.awards.set(period, (perRule = a.rules.map(() => new Map<string, RuleAcc>())));
    }
    let acc = perRule[ri]!.get(partner);
    if (!acc && create) perRule[ri]!.set(partner, (acc = newRuleAcc(compiled.find((r) => r.index === ri)!)));
    return acc;
  };
  for (const row of rows) {
    const partner = row[0]!;
    const period = periodFor(row[1]!);
    let at = base;
    for (const r of k.rules) {
      const n = count(row[at]!, `rule ${JSON.stringify(r.name)}`);
      if (n > 0) {
        const acc = accOf(period, r.index, partner, true)!;
        acc.eventCount += n;
        r.amounts.forEach((_, ai) => acc.sums[ai]!.add(exact(row[at + 1 + ai]!, `rule ${JSON.stringify(r.name)}`)));
      }
      at += 1 + r.amounts.length;
    }
  }
  const schema = compileSchema(recordSchemas(a).find((s) => s.file === k.kind)!);
  k.rules.forEach((r, j) => {
    const rule = compiled.find((x) => x.index === r.index)!;
    const candidates = new Map<RuleAcc, EventRow[]>();
    for (const cells of traces[j]!) {
      const rec: Record<string, string | null> = {};
      schema.names.forEach((name, i) => (rec[name] = cells[i] ?? null));
      const row = schema.parse(rec) as EventRow | undefined;
      if (!row) throw new Error(`internal: the database returned a ${k.kind} record the validation passed but the reader refuses: ${JSON.stringify(rec)}`);
      const acc = accOf(periodFor(row.date), r.index, row.partner, false);
      if (!acc) throw new Error(`internal: the database returned a ${k.kind} event of rule ${JSON.stringify(r.name)} that its counts do not have`);
      (candidates.get(acc) ?? candidates.set(acc, []).get(acc)!).push(row);
    }
    for (const [acc, list] of candidates) {
      list.sort(byDateId);
      acc.events = list.slice(0, TRACE_EVENTS).map((ev) => ({ row: ev, amounts: eventAmounts(rule, { p: idx.envFor(ev.partner), ev }) }));
    }
  });
}
