/**
 * What of a program's pass 1 a database can do (issue 13): per event kind, either its measures
 * aggregated per partner × month in SQL (`pushed`), or the rule, measure or field that keeps it in
 * the streaming runtime, and why (`streamed`).
 *
 * A kind is pushed down when nothing reads its events one by one: no `for each EVENT` rule over it
 * (their awards and traces are evaluated event by event in the runtime), no running total, no
 * redemption, no `ref` field to or from it, and every measure over it is aggregated in pass 1
 * (`Plan.local`: it uses only the event and constants) as a sum, count, average, min or max of
 * numbers whose condition and value have an exact SQL form (`expr.ts`).
 */
import type { Artifact } from '../artifact.js';
import { Plan, type CompiledRule, type LocalMeasure } from '../plan.js';
import { dialect, type Dialect, type DialectName } from './dialects.js';
import { boolSql, fieldTypes, NotPushable, numSql, type ExprEnv } from './expr.js';

/** A measure in SQL: its count's condition, and the value it sums or compares (none for `count`). */
export interface PushedMeasure {
  name: string;
  op: 'sum' | 'count' | 'average' | 'min' | 'max';
  where?: string;
  value?: string;
}

/**
 * A `for each EVENT` rule evaluated in the database: its events' count and the exact sum of each
 * award (each limited by the rule's `cap … per event`), per partner and month, over the events of
 * the program's dates that meet its condition; and, for its trace, the events that can be among a
 * period's first ten by (date, id).
 */
export interface PushedRule {
  /** Its index in the program's rules. */
  index: number;
  name: string;
  where?: string;
  amounts: string[];
}

export interface PushedKind {
  kind: string;
  measures: PushedMeasure[];
  rules: PushedRule[];
}

export interface StreamedKind {
  kind: string;
  /** What keeps it in the runtime (`rule "SPIFF"`, `measure on_time`, `field order`). */
  what: string;
  why: string;
}

export interface Pushdown {
  dialect: DialectName;
  pushed: PushedKind[];
  streamed: StreamedKind[];
}

/** The pushdown of a program's pass 1 in one dialect (`plan`: the program's plan, when already made). */
export function pushdown(a: Artifact, name: DialectName, plan: Plan = new Plan(a)): Pushdown {
  const d = dialect[name];
  const pushed: PushedKind[] = [];
  const streamed: StreamedKind[] = [];
  const refTargets = new Set(a.events.flatMap((e) => e.fields.flatMap((f) => (typeof f.type === 'object' && 'ref' in f.type ? [f.type.ref] : []))));
  for (const ev of a.events) {
    const kind = ev.name;
    const why = streamReason(a, plan, kind, refTargets);
    if (why) {
      streamed.push({ kind, ...why });
      continue;
    }
    const env: ExprEnv = { artifact: a, kind, fields: fieldTypes(a, kind), constants: plan.constants, d };
    const measures: PushedMeasure[] = [];
    const rules: PushedRule[] = [];
    let refused: StreamedKind | undefined;
    for (const m of plan.localByKind.get(kind) ?? []) {
      try {
        measures.push(measureSql(m, env));
      } catch (e) {
        if (!(e instanceof NotPushable)) throw e;
        refused = { kind, what: `measure ${m.step.name}`, why: e.message };
        break;
      }
    }
    for (const r of refused ? [] : plan.earlyRules.filter((x) => x.spec.scope.kind === 'each-event' && x.spec.scope.event === kind)) {
      try {
        rules.push(ruleSql(r, env));
      } catch (e) {
        if (!(e instanceof NotPushable)) throw e;
        refused = { kind, what: `rule ${JSON.stringify(r.spec.name)}`, why: e.message };
        break;
      }
    }
    if (refused) streamed.push(refused);
    else pushed.push({ kind, measures, rules });
  }
  return { dialect: name, pushed, streamed };
}

function measureSql(m: LocalMeasure, env: ExprEnv): PushedMeasure {
  const st = m.step;
  const op = st.op;
  if (op === 'count distinct') throw new NotPushable('count distinct: distinct values do not add up month by month (not pushed down yet)');
  if ((op === 'min' || op === 'max') && st.value !== 'num' && st.value !== 'money') throw new NotPushable(`${op} of values that are not numbers`);
  const where = st.where ? boolSql(st.where, env) : undefined;
  const value = op === 'count' ? undefined : numSql(st.arg!, env).sql;
  return { name: st.name, op, ...(where ? { where } : {}), ...(value ? { value } : {}) };
}

function ruleSql(r: CompiledRule, env: ExprEnv): PushedRule {
  const spec = r.spec;
  if (spec.once) throw new NotPushable('it awards once per partner (the winning event is chosen in the runtime)');
  if (r.keepAll) throw new NotPushable('it awards to a pot that holds its awards or serves its budget first come first served (every award is kept, event by event)');
  const where = spec.scope.where ? boolSql(spec.scope.where, env) : undefined;
  const cap = spec.cap?.perEvent ? numSql(spec.cap.amount, env).sql : undefined;
  const amounts = spec.awards.map((aw) => {
    const v = numSql(aw.amount, env).sql;
    return cap ? `LEAST(${v}, ${cap})` : v;
  });
  return { index: r.index, name: spec.name, ...(where ? { where } : {}), amounts };
}

/** Why a kind's events must be read one by one by the runtime, or undefined. */
function streamReason(a: Artifact, plan: Plan, kind: string, refTargets: ReadonlySet<string>): { what: string; why: string } | undefined {
  const late = plan.lateRules.find((r) => r.spec.scope.kind === 'each-event' && r.spec.scope.event === kind);
  if (late) return { what: `rule ${JSON.stringify(late.spec.name)}`, why: `it awards for each ${kind} event and reads partner-level values, known only after pass 1` };
  const running = (a.running ?? []).find((r) => r.event === kind);
  if (running) return { what: 'running total', why: `a running total counts ${kind} events one by one, in order` };
  const redemption = (a.redemptions ?? []).find((r) => r.event === kind);
  if (redemption) return { what: `redemption ${JSON.stringify(redemption.name)}`, why: 'redemptions are applied event by event to the ledger' };
  if (plan.keptKinds.has(kind)) {
    const m = plan.steps.find((s) => s.step.kind === 'measure' && s.step.event === kind && !plan.local.has(s.step.name));
    return { what: `measure ${m?.step.name ?? '?'}`, why: 'its condition or value reads a partner-level value (a tier, a let, another measure), known only after pass 1' };
  }
  if (plan.derefKinds.has(kind) || refTargets.has(kind)) return { what: `${kind} records`, why: 'they are read through ref fields' };
  const any = a.events.find((e) => e.name === kind)!.fields.find((f) => f.anyCurrency);
  if (any) return { what: `field ${any.name}`, why: 'a `money any` amount is converted at the rate of its date, in the runtime (§13.4)' };
  const ref = a.events.find((e) => e.name === kind)!.fields.find((f) => typeof f.type === 'object' && 'ref' in f.type);
  if (ref) return { what: `field ${ref.name}`, why: 'a ref field is checked against the records it names' };
  return undefined;
}

/** The pushdown for people: which kinds are aggregated in the database and which are streamed, and why. */
export function describePushdown(p: Pushdown): string {
  const lines: string[] = [];
  for (const k of p.pushed) {
    const what = [...k.measures.map((m) => `measure ${m.name}`), ...k.rules.map((r) => `rule ${JSON.stringify(r.name)}`)];
    lines.push(`-- ${k.kind}: pushed down (${what.length === 0 ? 'no measure or rule: partners and dates only' : what.join(', ')})`);
  }
  for (const k of p.streamed) lines.push(`-- ${k.kind}: streamed by the runtime: ${k.what}: ${k.why}`);
  return lines.join('\n');
}

export type { Dialect };
