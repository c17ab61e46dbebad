/**
 * The evaluator: runs an artifact over a dataset, period after period, in the order of the spec's
 * §9 — measures, tiers and lets per partner; awards per rule; rule totals (cap, then one rounding);
 * pot caps; pot budgets; balances and payments — carrying state (balances, yearly caps, `once per
 * partner`) from one period to the next.
 *
 * Its parts: the plan made once per program (`plan.ts`), the first pass over the events
 * (`pass1.ts`, and `fast-pass1.ts` for events read as columns), the finishing of a period partner
 * by partner (`finish.ts`, with the settlement of pots in `settle.ts`), traces and explanations
 * (`traces.ts`), and what a run carries between periods (`run-state.ts`).
 */
import { compareValues, type CoverageProbe, type Ctx, type EventRow, type PartnerEnv, type Value } from './compile-ir.js';
import type { Artifact, WindowSpec } from './artifact.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { formatDate, formatPeriod, runPeriods, windowRange, type Period, type Window } from '../core/periods.js';
import { wrapEvalError } from './errors.js';
import { addEventAward, EventAwards, RunIndex, type RuleAcc } from './pass1.js';
import { finishPeriod } from './finish.js';
import { KindKernel, together, type ColumnReader } from './fast-pass1.js';
import { recordSchemas } from './data/load.js';
import { compileSchema, type FieldSpec } from './data/schema.js';
import { Plan, type CompiledStep } from './plan.js';
import type { Dataset, PartnerResult, PartnerRow, PeriodResult } from './results.js';
import { RunState } from './run-state.js';
import { Tracer } from './traces.js';
import type { ValueFormatter } from './text.js';

export type { Adjustment, AwardResult, Dataset, PartnerResult, PartnerRow, PeriodResult, PotResult } from './results.js';

/**
 * Where a run reads its events from: in-memory rows, or a file read again for each pass. `scan`
 * calls `each` with every valid event of a kind, in any order; a run scans each kind at most twice.
 */
export interface EventSource {
  scan(kind: string, each: (row: EventRow) => void): void;
  /**
   * Asked once pass 1 has scanned every kind: whether a row it was given turned out invalid, or a
   * valid one was held back (a source that validates while it reads, and finds a duplicate id
   * later in the file). Then pass 1 is run again, with a fresh index; by then the source must
   * know its valid rows (it returns false). May throw, to stop the run (data that must not run).
   */
  invalidated?(): boolean;
  /** How many input records were rejected, when known only once the events are read (after pass 1). */
  rejected?(): number;
  /**
   * `scan`, as columns (optional): the kind's valid events as batches for the column kernels'
   * `reader` (`fast-pass1.ts`), and as rows those the batches cannot hold; false (nothing read)
   * when the source cannot read that kind so — then `scan` is called.
   */
  scanColumns?(kind: string, reader: ColumnReader): boolean;
}

export interface RunOptions {
  /** Evaluate only through this period (periods before it are still evaluated, for carried state). */
  through?: string;
  /**
   * Also say why each rule that gave a partner nothing did not fire (`PartnerResult.unfired`): for
   * every partner (`true`) or for some. Off by default: statements do not need it.
   */
  explain?: boolean | ReadonlySet<string>;
  /** Told how far the run has got (events read per pass, periods evaluated), for a progress display. */
  progress?: (what: string) => void;
}

const EMPTY: EventRow[] = [];

/** One period of a run, to finish (`Evaluator.stream`). */
export interface PeriodStream {
  readonly period: string;
  /** Its place among the run's periods (0-based), and how many there are. */
  readonly index: number;
  readonly count: number;
  /** Input records rejected (the statements say how many). */
  readonly rejected: number;
  /**
   * Finishes the period: `each` gets every partner's statement, in order of id, as it is made;
   * returns the period's totals and cost. At most once (and before the next period is given).
   */
  finish(each: (p: PartnerResult) => void): Pick<PeriodResult, 'totals' | 'cost'>;
}

/** One evaluator's pass 1: its index of the events, its early rules, and what it does with a row of a kind (nothing: undefined). */
interface Pass1 {
  idx: RunIndex;
  early: EventAwards;
  feed(kind: string): ((row: EventRow) => void) | undefined;
  /** The kind's column kernel (`fast-pass1.ts`), when pass 1 can read it as columns. */
  kernel(kind: string): KindKernel | undefined;
}

/** One evaluator's run after pass 1: its periods, partners, their values per period, state, late rules, and its pass 2 per kind. */
interface Pass2 {
  run: Period[];
  partnerList: PartnerRow[];
  envs: Map<string, PartnerEnv>[];
  state: RunState;
  late: EventAwards;
  feed(kind: string): ((row: EventRow) => void) | undefined;
}

export class Evaluator {
  readonly artifact: Artifact;
  private readonly plan: Plan;
  private readonly tracer: Tracer;
  /** How the program's values print (`format(value, kind, name)`): money with its currency, levels by name. */
  readonly format: ValueFormatter;

  /** `probe`: a run that records coverage (`CoverageProbe`, used by `review/coverage.ts`); an ordinary run has none. */
  constructor(artifact: Artifact, opts: { probe?: CoverageProbe } = {}) {
    this.artifact = artifact;
    this.plan = new Plan(artifact, opts.probe);
    this.tracer = new Tracer(this.plan);
    this.format = this.tracer.format;
  }

  /** Runs every period of the program over in-memory data and returns one result per period. */
  run(data: Dataset, opts: RunOptions = {}): PeriodResult[] {
    const src: EventSource = { scan: (kind, each) => (data.events[kind] ?? EMPTY).forEach(each) };
    return this.runSource(data.partners, src, { ...opts, rejected: data.rejected ?? 0 });
  }

  /**
   * Runs every period over an event source, in two passes over the events, so that memory grows
   * with the number of partners (and months), not with the number of events:
   * 1. measures are aggregated per partner and month (a window is a run of whole months); a measure
   *    whose condition or value uses a partner-level value (a tier, another measure) cannot be, and
   *    keeps its kind's events in memory instead;
   * 2. after measures, tiers and lets are known for every period, `for each EVENT` rules are
   *    evaluated event by event;
   * then each period is finished in order (partner rules, rule totals, pots), carrying state.
   */
  runSource(partners: readonly PartnerRow[], src: EventSource, opts: RunOptions & { rejected?: number } = {}): PeriodResult[] {
    return Evaluator.runTogether([this], partners, src, opts)[0]!;
  }

  /**
   * Runs several evaluators (several versions of a program, as `incent diff` compares) over one
   * event source, reading it as one run would: pass 1 scans each kind once and gives every row to
   * each evaluator's pass 1; pass 2 scans once each kind that any evaluator's late rules need.
   * The evaluators must read the same records (equal record schemas: `recordSchemas` of their
   * artifacts), since each is given the rows the source makes. One result list per evaluator, in
   * order, each equal to what `runSource` gives it alone.
   */
  static runTogether(evaluators: readonly Evaluator[], partners: readonly PartnerRow[], src: EventSource, opts: RunOptions & { rejected?: number } = {}): PeriodResult[][] {
    const results: PeriodResult[][] = evaluators.map(() => []);
    Evaluator.streamTogether(evaluators, partners, src, opts, (i, s) => {
      const statements: PartnerResult[] = [];
      const { totals, cost } = s.finish((p) => statements.push(p));
      results[i]!.push({ period: s.period, partners: statements, totals, cost, rejected: s.rejected });
    });
    return results;
  }

  /**
   * `runSource`, streamed: each period, in order, is given to `onPeriod` to finish
   * (`PeriodStream.finish`), which gives each partner's statement as it is made — so that the
   * statements need not all be held (`incent run` writes each and drops it). A period not finished
   * by `onPeriod` is finished when it returns (later periods carry its balances).
   */
  stream(partners: readonly PartnerRow[], src: EventSource, opts: RunOptions & { rejected?: number }, onPeriod: (p: PeriodStream) => void): void {
    Evaluator.streamTogether([this], partners, src, opts, (_, p) => onPeriod(p));
  }

  /** `runTogether`, streamed as `stream` is: `onPeriod(i, period)` for evaluator i's periods (every evaluator's first period, then their second, …). */
  static streamTogether(evaluators: readonly Evaluator[], partners: readonly PartnerRow[], src: EventSource, opts: RunOptions & { rejected?: number }, onPeriod: (i: number, p: PeriodStream) => void): void {
    const explain = opts.explain ?? false;
    const progress = opts.progress;
    const kinds = [...new Set(evaluators.flatMap((ev) => ev.artifact.events.map((e) => e.name)))];
    // Pass 1 (again, with a fresh index, if the source says a row it gave was not valid after all).
    let firsts: Pass1[];
    for (let attempt = 0; ; attempt++) {
      firsts = evaluators.map((ev) => ev.startPass1(partners, explain));
      let read = 0;
      const counted = progress ? (n: number) => {
        if (Math.floor((read + n) / 100_000) > Math.floor(read / 100_000)) progress(`${(Math.floor((read + n) / 100_000) * 100_000).toLocaleString('en-US')} events read`);
        read += n;
      } : undefined;
      for (const kind of kinds) {
        const feeds = firsts.flatMap((f) => f.feed(kind) ?? []);
        const reader = src.scanColumns && feeds.length ? together(firsts.map((f) => f.kernel(kind)), counted) : undefined;
        if (reader && src.scanColumns!(kind, reader)) continue;
        src.scan(kind, (r) => {
          for (const feed of feeds) feed(r);
          if (progress && ++read % 100_000 === 0) progress(`${read.toLocaleString('en-US')} events read`);
        });
      }
      if (!src.invalidated?.()) break;
      if (attempt > 0) throw new Error('internal: the event source invalidated pass 1 twice');
      for (const ev of evaluators) ev.plan.probe?.restart?.();
    }
    const rejected = opts.rejected ?? src.rejected?.() ?? 0;
    const seconds = evaluators.map((ev, i) => ev.startPass2(partners, firsts[i]!, opts.through));
    const periods = Math.max(...seconds.map((s) => s.run.length));
    progress?.(`measures evaluated for ${periods} period${periods === 1 ? '' : 's'}`);
    // Pass 2: the `for each EVENT` rules that need every period's partner values.
    for (const kind of kinds) {
      const feeds = seconds.flatMap((s) => s.feed(kind) ?? []);
      if (feeds.length) src.scan(kind, (r) => feeds.forEach((feed) => feed(r)));
    }
    const eventAccs = evaluators.map((ev, i) => {
      const { run, envs, state, late } = seconds[i]!;
      return ev.collectEventRules(run, envs, state, firsts[i]!.early, late);
    });
    for (let j = 0; j < periods; j++) {
      evaluators.forEach((ev, i) => {
        const { run, partnerList, envs, state } = seconds[i]!;
        const p = run[j];
        if (p === undefined) return;
        const period = formatPeriod(p);
        let done: Pick<PeriodResult, 'totals' | 'cost'> | undefined;
        const finish = (each: (p: PartnerResult) => void) => {
          if (done) throw new Error('internal: a period finished twice');
          done = finishPeriod({ artifact: ev.artifact, plan: ev.plan, tracer: ev.tracer }, p, partnerList, envs[j]!, eventAccs[i]![j]!, firsts[i]!.idx, state, explain, each);
          envs[j] = new Map(); // its statements are made: the period's values are not needed any more
          progress?.(`period ${period} evaluated (${j + 1} of ${run.length})`);
          return done;
        };
        onPeriod(i, { period, index: j, count: run.length, rejected, finish });
        if (!done) finish(() => {});
      });
    }
  }

  /**
   * Pass 1 over the events: measures aggregated per partner and month (a window is a run of whole
   * months); a measure whose condition or value uses a partner-level value (a tier, another
   * measure) cannot be, and keeps its kind's events in memory instead.
   */
  private startPass1(partners: readonly PartnerRow[], explain: boolean | ReadonlySet<string>): Pass1 {
    const plan = this.plan;
    const idx = new RunIndex(plan, partners, explain);
    // `for each EVENT` rules that use only the event, the partner's attributes and constants are
    // evaluated in pass 1 too, so that their kind need not be read a second time.
    const early = new EventAwards(plan, plan.earlyRules);
    const feed = (kind: string) => {
      if (!this.artifact.events.some((e) => e.name === kind)) return undefined;
      const rules = early.rulesFor(kind);
      return (r: EventRow) => {
        const env = idx.add(kind, r);
        if (rules) early.feed(rules, r, env);
      };
    };
    // With a coverage probe, no column kernel: the probe is told by the value closures it wraps, which a kernel does not call.
    const kernel = (kind: string) => {
      const f = feed(kind);
      return f && !plan.probe ? KindKernel.build(plan, kind, this.eventFields(kind), idx, early, f, explain) : undefined;
    };
    return { idx, early, feed, kernel };
  }

  /** An event kind's fields as its data file has them (the implicit `id`, `partner`, `date` first): the columns a kernel reads. */
  private eventFields(kind: string): readonly FieldSpec[] {
    const schema = recordSchemas(this.artifact).find((s) => s.kind === 'event' && s.file === kind);
    return schema ? compileSchema(schema).fields : [];
  }

  /** Measures, tiers and lets for every period of the run; then pass 2 over the kinds whose rules need them. */
  private startPass2(partners: readonly PartnerRow[], first: Pass1, through: string | undefined): Pass2 {
    const a = this.artifact;
    const { idx } = first;
    const periods = runPeriods(a.program.period, a.program.start, a.program.end, idx.latest);
    const last = through === undefined ? periods.length : periods.findIndex((p) => formatPeriod(p) === through) + 1 || periods.length;
    const run = periods.slice(0, last);
    const partnerList = idx.partnerList(partners, a.partner.declared);
    const envs = run.map((p) => this.evaluateEnvs(p, partnerList, idx));
    const state = new RunState(this.plan.rules.length, this.plan.pots.length);
    const late = new EventAwards(this.plan, this.plan.lateRules);
    const index = new Map(run.map((p, i) => [formatPeriod(p), i]));
    const feed = (kind: string) => {
      const kindRules = late.rulesFor(kind);
      if (!kindRules) return undefined;
      return (r: EventRow) => {
        const pi = index.get(late.periodOf(r.date) ?? '');
        if (pi === undefined) return; // before the start or outside the run: never earns
        const env = envs[pi]!.get(r.partner);
        if (env) late.feed(kindRules, r, env);
      };
    };
    return { run, partnerList, envs, state, late, feed };
  }

  /** The periods a run covers, as text (`2026-Q1` …). */
  periods(data: Dataset): string[] {
    let latest: string | undefined;
    for (const rows of Object.values(data.events)) for (const r of rows) if (latest === undefined || r.date > latest) latest = r.date;
    const a = this.artifact;
    return runPeriods(a.program.period, a.program.start, a.program.end, latest).map(formatPeriod);
  }

  /** 1. Measures, tiers and lets for every partner in one period. */
  private evaluateEnvs(period: Period, partners: readonly PartnerRow[], idx: RunIndex): Map<string, PartnerEnv> {
    const envs = new Map<string, PartnerEnv>();
    for (const partner of partners) {
      const env: PartnerEnv = { id: partner.id, attrs: partner.attrs, vals: Object.create(this.plan.constants) as Record<string, Value> };
      for (const cs of this.plan.steps) {
        const at: { ev?: EventRow } = {};
        try {
          env.vals[cs.step.name] = this.evaluateStep(cs, env, period, idx, at);
        } catch (e) {
          // Like a rule's errors, a measure's, tier's or let's name what it was evaluating.
          const what = `${cs.step.kind} ${cs.step.name}`;
          const ev = cs.step.kind === 'measure' ? cs.step.event : undefined;
          throw wrapEvalError(e, what, `${at.ev && ev ? `${ev} ${JSON.stringify(at.ev.id)} of ` : ''}partner ${JSON.stringify(partner.id)}`, '');
        }
      }
      envs.set(partner.id, env);
    }
    return envs;
  }

  /** A measure's window in a period, as dates (the same for every partner: made once per period). */
  private windowOf(step: CompiledStep['step'] & { kind: 'measure' }, period: Period): { from: string; to: string } {
    let byStep = this.windows.get(period);
    if (!byStep) this.windows.set(period, (byStep = new Map()));
    let w = byStep.get(step);
    if (!w) {
      const range = windowRange(toWindow(step.window), period, this.artifact.program.start);
      byStep.set(step, (w = { from: formatDate(range.from), to: formatDate(range.to) }));
    }
    return w;
  }

  private readonly windows = new WeakMap<Period, Map<object, { from: string; to: string }>>();

  private evaluateStep(cs: CompiledStep, env: PartnerEnv, period: Period, idx: RunIndex, at: { ev?: EventRow } = {}): Value {
    const step = cs.step;
    const ctx: Ctx = { p: env };
    if (step.kind === 'let') return cs.fns.value!(ctx);
    if (step.kind === 'tier') {
      const v = cs.fns.by!(ctx);
      let level = 0;
      const th = cs.fns.thresholds!;
      for (let i = 0; i < th.length; i++) if (compareValues(step.byKind === 'level' ? 'level' : step.byKind === 'date' || step.byKind === 'str' ? 'str' : 'num', v, th[i]!(ctx)) >= 0) level = i + 1;
      return level;
    }
    const { from, to } = this.windowOf(step, period);
    if (idx.isLocal(step.name)) return idx.aggregated(step.name, env.id, from, to, ctx);
    const rows = idx.eventsOf(step.event, env.id, from, to);
    const { arg, where, otherwise } = cs.fns;
    const ectx: Ctx = { p: env };
    // The event being aggregated, for an error message (ectx.ev is set before each use).
    Object.defineProperty(at, 'ev', { get: () => ectx.ev, configurable: true });
    switch (step.op) {
      case 'sum': {
        const total = new N.Accumulator();
        const a = arg!;
        for (const r of rows) {
          if (r.date < from || r.date > to) continue;
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          total.add(a(ectx) as Num);
        }
        return total.value();
      }
      case 'count': {
        let n = 0;
        for (const r of rows) {
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          n++;
        }
        return N.int(n);
      }
      case 'count distinct': {
        const seen = new Set<string>();
        for (const r of rows) {
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          const v = arg!(ectx);
          seen.add(typeof v === 'object' ? N.toText(v) : String(v));
        }
        return N.int(seen.size);
      }
      case 'average': {
        let total: Num = N.ZERO;
        let n = 0;
        for (const r of rows) {
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          total = N.add(total, arg!(ectx) as Num);
          n++;
        }
        return n === 0 ? otherwise!(ctx) : N.div(total, N.int(n));
      }
      case 'min':
      case 'max': {
        let best: Value | undefined;
        const t = step.value === 'level' ? 'level' : step.value === 'str' || step.value === 'date' ? 'str' : 'num';
        for (const r of rows) {
          ectx.ev = r;
          if (where && !where(ectx)) continue;
          const v = arg!(ectx);
          if (best === undefined || compareValues(t, v, best) * (step.op === 'min' ? -1 : 1) > 0) best = v;
        }
        return best === undefined ? otherwise!(ctx) : best;
      }
    }
  }

  /**
   * 2. `for each EVENT` rules: those evaluated in pass 1 (`early`) and in pass 2 (`late`), now that
   * every period's partner values are known, gathered per period and rule.
   * Sums do not depend on the order events come in; `once per partner` keeps the first qualifying
   * event by (date, id), and traces list the first events by (date, id), whatever the input order.
   */
  private collectEventRules(periods: readonly Period[], envs: readonly Map<string, PartnerEnv>[], state: RunState, early: EventAwards, late: EventAwards): Map<string, RuleAcc>[][] {
    const rules = this.plan.rules;
    const index = new Map(periods.map((p, i) => [formatPeriod(p), i]));
    const accs = periods.map(() => rules.map(() => new Map<string, RuleAcc>()));
    for (const part of [early, late]) {
      for (const [period, perRule] of part.awards) {
        const pi = index.get(period);
        if (pi === undefined) continue;
        perRule.forEach((m, ri) => {
          for (const [pid, acc] of m) accs[pi]![ri]!.set(pid, acc);
        });
      }
      // `once`: the winning event of each partner (and period), now that all are known.
      part.candidates.forEach((byKey, ri) => {
        const rule = rules[ri]!;
        for (const { row, period } of byKey.values()) {
          const pi = index.get(period);
          if (pi === undefined) continue;
          const env = envs[pi]!.get(row.partner);
          if (!env) continue;
          try {
            addEventAward(rule, accs[pi]![ri]!, { p: env, ev: row });
          } catch (e) {
            throw wrapEvalError(e, rule.spec.name, `${(rule.spec.scope as { event: string }).event} ${JSON.stringify(row.id)} of partner ${JSON.stringify(row.partner)}`);
          }
          if (!rule.spec.once!.perPeriod) state.onceWhen[ri]!.set(row.partner, period);
        }
      });
    }
    return accs;
  }
}

function toWindow(w: WindowSpec): Window {
  return w.form === 'last' ? { kind: 'last' as const, n: w.count, unit: w.unit } : { kind: w.form };
}
