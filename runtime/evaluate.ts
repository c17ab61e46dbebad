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
import { compareValues, PERIOD_END, PERIOD_START, type CoverageProbe, type Ctx, type EventRow, type PartnerEnv, type RunLinks, type Value } from './compile-ir.js';
import type { Artifact, WindowSpec } from './artifact.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { firstDay, formatDate, formatPeriod, lastDay, previousPeriod, runPeriods, windowRange, type Period, type Window } from '../core/periods.js';
import { wrapEvalError } from './errors.js';
import { addEventAward, EventAwards, RunIndex, type MeasureWindow, type RuleAcc } from './pass1.js';
export type { EventAwards, RunIndex } from './pass1.js';
import { finishPeriod } from './finish.js';
import { KindKernel, together, type ColumnReader } from './fast-pass1.js';
import { recordSchemas } from './data/load.js';
import { compileSchema, type FieldSpec } from './data/schema.js';
import type { ColumnBatch } from './data/columns.js';
import { monthNumber, Plan, type CompiledStep } from './plan.js';
import type { Dataset, PartnerResult, PartnerRow, PeriodResult } from './results.js';
import { RunState } from './run-state.js';
import { BEFORE_PROGRAM, RunShared } from './links.js';
import { heldLevel } from './memory.js';
import { PartnerEnvs } from './partner-envs.js';
import { RefIndex } from './refs.js';
import { RunningIndex } from './running.js';
import { Tracer } from './traces.js';
import { Ledger, ledgerOutcome, usesLedger, type LedgerProblem } from './ledger/ledger.js';
import type { DrawOutcome } from './ledger/random-rule.js';
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
  /** Told when pass 1 (the events read and aggregated) and pass 2 (the partners' values) are over, for a report of where a run's time went (`incent run --timings`). */
  phase?: (done: 'pass 1' | 'pass 2') => void;
  /**
   * §13.1: set aside the redemptions that cannot be applied (a data problem of their record) and
   * count them as rejected; without it, such a redemption fails the run (`LedgerProblemsError`,
   * thrown once every period is evaluated, with every problem).
   */
  rejectRedemptions?: boolean | ((problems: readonly LedgerProblem[]) => void);
  /**
   * Pass 1 of some event kinds done elsewhere (`warehouse/`: a database's `GROUP BY partner,
   * month`): those kinds are not scanned, and `fill` gives each evaluator's pass 1 their measures'
   * aggregates and early rules' awards once the other kinds are read. Only kinds that nothing else
   * reads event by event may be (`warehouse/pushdown.ts` says which): no late or `once` rule,
   * running total, `ref`, redemption or kept measure over them.
   */
  pushed?: PushedPass1;
}

/** What a database computed of pass 1 (`RunOptions.pushed`). */
export interface PushedPass1 {
  kinds: ReadonlySet<string>;
  /** Gives an evaluator's pass 1 what the database computed: measures' aggregates to `idx`, early rules' awards to `early`. */
  fill(idx: RunIndex, early: EventAwards): void;
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
  finish(each: (p: PartnerResult) => void): Pick<PeriodResult, 'totals' | 'cost' | 'draws'>;
}

/** One evaluator's pass 1: its index of the events, its early rules, and what it does with a row of a kind (nothing: undefined). */
interface Pass1 {
  idx: RunIndex;
  early: EventAwards;
  /** The records read through `ref` fields, and the running totals (§12.2, §12.3). */
  refs: RefIndex;
  running: RunningIndex;
  feed(kind: string): ((row: EventRow) => void) | undefined;
  /** The kind's column kernel (`fast-pass1.ts`), when pass 1 can read it as columns (`back`: a tail kernel, `KindKernel.build`). */
  kernel(kind: string, back?: (b: ColumnBatch, i: number) => void): KindKernel | undefined;
}

/** What evaluating one period's partner values reads of the others (§12.3). */
interface PeriodContext {
  links: RunLinks;
  /** The previous period's environments (none in the first period). */
  prev?: PartnerEnvs;
  /** What `previous` reads: the previous period's environments, or in the first those before the program. */
  previous?: PartnerEnvs;
  /** Whether the period starts a calendar year (that is not the run's first). */
  newYear: boolean;
}

/** One evaluator's run after pass 1: its periods, partners, their values per period, state, late rules, and its pass 2 per kind. */
interface Pass2 {
  run: Period[];
  partnerList: PartnerRow[];
  envs: PartnerEnvs[];
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
    const set = Evaluator.streamTogether(evaluators, partners, src, opts, (i, s) => {
      const statements: PartnerResult[] = [];
      const { totals, cost, draws } = s.finish((p) => statements.push(p));
      results[i]!.push({ period: s.period, partners: statements, totals, cost, rejected: s.rejected, ...(draws ? { draws } : {}) });
    });
    // §13.1: the records of redemptions set aside are rejected records too.
    set.forEach((n, i) => {
      if (n) for (const r of results[i]!) r.rejected += n;
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
  static streamTogether(evaluators: readonly Evaluator[], partners: readonly PartnerRow[], src: EventSource, opts: RunOptions & { rejected?: number }, onPeriod: (i: number, p: PeriodStream) => void): number[] {
    const explain = opts.explain ?? false;
    const progress = opts.progress;
    const kinds = scanOrder(evaluators.map((ev) => ev.artifact));
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
        if (opts.pushed?.kinds.has(kind)) continue;
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
    if (opts.pushed) for (const f of firsts) opts.pushed.fill(f.idx, f.early);
    opts.phase?.('pass 1');
    const rejected = opts.rejected ?? src.rejected?.() ?? 0;
    const seconds = evaluators.map((ev, i) => ev.startPass2(partners, firsts[i]!, opts.through));
    const periods = Math.max(...seconds.map((s) => s.run.length));
    progress?.(`measures evaluated for ${periods} period${periods === 1 ? '' : 's'}`);
    // Pass 2: the `for each EVENT` rules that need every period's partner values.
    for (const kind of kinds) {
      const feeds = seconds.flatMap((s) => s.feed(kind) ?? []);
      if (feeds.length && opts.pushed?.kinds.has(kind)) throw new Error(`internal: event kind ${kind} is read in pass 2, but its pass 1 was pushed down`);
      if (feeds.length) src.scan(kind, (r) => feeds.forEach((feed) => feed(r)));
    }
    opts.phase?.('pass 2');
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
        let done: Pick<PeriodResult, 'totals' | 'cost' | 'draws'> | undefined;
        const finish = (each: (p: PartnerResult) => void) => {
          if (done) throw new Error('internal: a period finished twice');
          done = finishPeriod({ artifact: ev.artifact, plan: ev.plan, tracer: ev.tracer }, p, partnerList, envs[j]!, eventAccs[i]![j]!, firsts[i]!.idx, state, explain, each);
          const draws = state.drawn.filter((d) => d?.period === period) as DrawOutcome[]; // §13.5
          if (draws.length) done = { ...done, draws };
          envs[j] = new PartnerEnvs([]); // its statements are made: the period's values are not needed any more
          progress?.(`period ${period} evaluated (${j + 1} of ${run.length})`);
          return done;
        };
        onPeriod(i, { period, index: j, count: run.length, rejected, finish });
        if (!done) finish(() => {});
      });
    }
    // §13.1: redemptions that could not be applied fail the run, or are set aside (how many records, per evaluator).
    return seconds.map((s) => ledgerOutcome(s.state.ledger, opts.rejectRedemptions));
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
    const refs = new RefIndex(plan.derefKinds);
    const running = new RunningIndex(plan.running, this.artifact.program.period, this.artifact.program.start);
    const feed = (kind: string) => {
      if (!this.artifact.events.some((e) => e.name === kind)) return undefined;
      const rules = early.rulesFor(kind);
      const totals = plan.runningByKind.get(kind);
      const keep = refs.keeps(kind);
      if (!totals && !keep) {
        return (r: EventRow) => {
          const env = idx.add(kind, r);
          if (rules) early.feed(rules, r, env);
        };
      }
      // v0.2: the records read through `ref` fields, and the running totals' events (§12.2, §12.3).
      const ctx: Ctx = { p: undefined as unknown as PartnerEnv };
      return (r: EventRow) => {
        const env = idx.add(kind, r);
        if (rules) early.feed(rules, r, env);
        if (keep) refs.add(kind, r);
        if (totals) {
          ctx.p = env;
          ctx.ev = r;
          running.add(totals, ctx);
        }
      };
    };
    // With a coverage probe, no column kernel: the probe is told by the value closures it wraps, which a kernel does not call.
    // Nor for a kind whose records are kept for `ref` fields or counted by running totals (§12.2, §12.3): `feed` does that per row.
    const kernel = (kind: string, back?: (b: ColumnBatch, i: number) => void) => {
      const f = feed(kind);
      if (!f || plan.probe || plan.runningByKind.has(kind) || refs.keeps(kind)) return undefined;
      return KindKernel.build(plan, kind, this.eventFields(kind), idx, early, f, explain, back);
    };
    return { idx, early, refs, running, feed, kernel };
  }

  /**
   * The column kernel of `kind` for the tail of its file read in another thread (`data/tail.ts`):
   * the records that go as rows are given to `back`, not evaluated; undefined when the kind is read as rows.
   */
  tailKernel(kind: string, partners: readonly PartnerRow[], back: (b: ColumnBatch, i: number) => void): KindKernel | undefined {
    return this.startPass1(partners, false).kernel(kind, back);
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
    first.running.finish();
    // Period after period: each reads the one before it (`previous`, tiers that fall at most N
    // levels) and the ones before it (`NAME at DATE`).
    const shared = new RunShared(run, a.program.period, first.refs, first.running);
    const envs = shared.envs;
    const plan = this.plan;
    const before = plan.usesPrevious ? this.beforeProgram(partnerList, run[0]!) : undefined;
    const holds = plan.steps.some((cs) => cs.step.kind === 'tier' && cs.step.down);
    run.forEach((p, k) => {
      // Only what the program reads: previous values, the levels a tier holds.
      const prev = holds ? envs[k - 1] : undefined;
      const previous = plan.usesPrevious ? (envs[k - 1] ?? before) : undefined;
      envs.push(this.evaluateEnvs(p, partnerList, idx, { links: shared.forPeriod(k), ...(prev ? { prev } : {}), ...(previous ? { previous } : {}), newYear: k > 0 && p.year !== run[k - 1]!.year }));
    });
    const state = new RunState(this.plan.rules.length, this.plan.pots.length);
    const late = new EventAwards(this.plan, this.plan.lateRules);
    const index = new Map(run.map((p, i) => [formatPeriod(p), i]));
    if (usesLedger(a)) state.ledger = new Ledger(this.plan, a.program.currency);
    const feed = (kind: string) => {
      const kindRules = late.rulesFor(kind);
      // §13.1: the redemptions of the kind, for the periods of the run.
      const redeem = state.ledger?.feedFor(kind, (period, partner) => envs[index.get(period) ?? -1]?.get(partner));
      if (!kindRules) return redeem;
      return (r: EventRow) => {
        redeem?.(r);
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

  /**
   * The partner values before the program (§12.3): what `previous NAME` reads in the first period —
   * every measure on no events (zero, or its `else`), every tier and let computed from those; a
   * `previous` met there reads the value of its kind where nothing is known (zero, false, "", the
   * base level, the program's start), so nothing goes back further. `period.start` and
   * `period.end` there are the bounds of the period before the first.
   */
  private beforeProgram(partners: readonly PartnerRow[], first: Period): PartnerEnvs {
    const envs: PartnerEnv[] = [];
    const before = previousPeriod(first);
    const start = formatDate(firstDay(before));
    const end = formatDate(lastDay(before));
    for (const partner of partners) {
      const env: PartnerEnv = { id: partner.id, attrs: partner.attrs, vals: Object.create(this.plan.constants) as Record<string, Value>, prev: this.plan.defaults, run: BEFORE_PROGRAM };
      env.vals[PERIOD_START] = start;
      env.vals[PERIOD_END] = end;
      const ctx: Ctx = { p: env };
      for (const cs of this.plan.steps) {
        const step = cs.step;
        try {
          if (step.kind === 'measure') env.vals[step.name] = step.op === 'sum' || step.op === 'count' || step.op === 'count distinct' ? N.ZERO : cs.fns.otherwise!(ctx);
          else env.vals[step.name] = step.kind === 'let' ? cs.fns.value!(ctx) : this.tierLevel(step, cs, ctx);
        } catch (e) {
          throw wrapEvalError(e, `${step.kind} ${step.name}`, `partner ${JSON.stringify(partner.id)}, before the program`, '');
        }
      }
      envs.push(env);
    }
    return new PartnerEnvs(envs);
  }

  /** 1. Measures, tiers and lets for every partner in one period. */
  private evaluateEnvs(period: Period, partners: readonly PartnerRow[], idx: RunIndex, pc: PeriodContext): PartnerEnvs {
    const envs: PartnerEnv[] = [];
    const start = formatDate(firstDay(period));
    const end = formatDate(lastDay(period));
    const steps = this.plan.steps;
    // each measure's window in the period, as dates and months: the same for every partner
    const windows = steps.map((cs) => (cs.step.kind === 'measure' ? this.windowOf(cs.step, period) : undefined));
    // the event a measure was aggregating, for an error's message (one holder, emptied by each step)
    const at: { ectx?: Ctx } = {};
    // which steps are measures aggregated by month (read from the index directly), found once
    const local = steps.map((cs) => cs.step.kind === 'measure' && idx.isLocal(cs.step.name));
    for (let i = 0; i < partners.length; i++) {
      const partner = partners[i]!;
      const prevPeriod = pc.prev?.at(i, partner.id);
      // (one shape for every partner: no spread of an optional `prev`, which costs an object a partner)
      const env: PartnerEnv = {
        id: partner.id,
        attrs: partner.attrs,
        vals: Object.create(this.plan.constants) as Record<string, Value>,
        prev: pc.previous?.at(i, partner.id)?.vals,
        run: pc.links,
      };
      env.vals[PERIOD_START] = start;
      env.vals[PERIOD_END] = end;
      // (one context a partner, read by every step: the steps' functions never write to it)
      const ctx: Ctx = { p: env };
      for (let k = 0; k < steps.length; k++) {
        const cs = steps[k]!;
        try {
          at.ectx = undefined;
          const v = local[k] ? idx.aggregated(cs.step.name, env.id, windows[k]!, ctx) : this.evaluateStep(cs, env, ctx, windows[k], idx, at);
          env.vals[cs.step.name] = cs.step.kind === 'tier' && cs.step.down ? heldLevel(cs.step, v as number, env, prevPeriod, pc.newYear) : v;
        } catch (e) {
          // Like a rule's errors, a measure's, tier's or let's name what it was evaluating.
          const what = `${cs.step.kind} ${cs.step.name}`;
          const ev = cs.step.kind === 'measure' ? cs.step.event : undefined;
          const row = at.ectx?.ev;
          throw wrapEvalError(e, what, `${row && ev ? `${ev} ${JSON.stringify(row.id)} of ` : ''}partner ${JSON.stringify(partner.id)}`, '');
        }
      }
      envs.push(env);
    }
    return new PartnerEnvs(envs);
  }

  /** A measure's window in a period, as dates and month numbers (the same for every partner: made once per period). */
  private windowOf(step: CompiledStep['step'] & { kind: 'measure' }, period: Period): MeasureWindow {
    let byStep = this.windows.get(period);
    if (!byStep) this.windows.set(period, (byStep = new Map()));
    let w = byStep.get(step);
    if (!w) {
      const range = windowRange(toWindow(step.window), period, this.artifact.program.start);
      const from = formatDate(range.from);
      const to = formatDate(range.to);
      byStep.set(step, (w = { from, to, lo: monthNumber(from), hi: monthNumber(to) }));
    }
    return w;
  }

  private readonly windows = new WeakMap<Period, Map<object, MeasureWindow>>();

  /** One step's value for a partner — a let, a tier, or a measure over kept events (`evaluateEnvs` reads a measure aggregated by month from the index itself); `ctx`: the partner's; `w`: a measure's window in the period; `at` is given the context of the event being aggregated, for an error's message. */
  private evaluateStep(cs: CompiledStep, env: PartnerEnv, ctx: Ctx, w: MeasureWindow | undefined, idx: RunIndex, at: { ectx?: Ctx }): Value {
    const step = cs.step;
    if (step.kind === 'let') return cs.fns.value!(ctx);
    if (step.kind === 'tier') return this.tierLevel(step, cs, ctx);
    const { from, to } = w!;
    const rows = idx.eventsOf(step.event, env.id, from, to);
    const { arg, where, otherwise } = cs.fns;
    const ectx: Ctx = { p: env };
    at.ectx = ectx; // (ectx.ev is set before each use)
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

  /** A tier's level: the highest whose threshold its `by` reaches. */
  private tierLevel(step: CompiledStep['step'] & { kind: 'tier' }, cs: CompiledStep, ctx: Ctx): number {
    const v = cs.fns.by!(ctx);
    let level = 0;
    const th = cs.fns.thresholds!;
    for (let i = 0; i < th.length; i++) if (compareValues(step.byKind === 'level' ? 'level' : step.byKind === 'date' || step.byKind === 'str' ? 'str' : 'num', v, th[i]!(ctx)) >= 0) level = i + 1;
    return level;
  }

  /**
   * 2. `for each EVENT` rules: those evaluated in pass 1 (`early`) and in pass 2 (`late`), now that
   * every period's partner values are known, gathered per period and rule.
   * Sums do not depend on the order events come in; `once per partner` keeps the first qualifying
   * event by (date, id), and traces list the first events by (date, id), whatever the input order.
   */
  private collectEventRules(periods: readonly Period[], envs: readonly PartnerEnvs[], state: RunState, early: EventAwards, late: EventAwards): Map<string, RuleAcc>[][] {
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
        for (const { row, period, key } of byKey.values()) {
          const pi = index.get(period);
          if (pi === undefined) continue;
          const env = envs[pi]!.get(row.partner);
          if (!env) continue;
          try {
            addEventAward(rule, accs[pi]![ri]!, { p: env, ev: row });
          } catch (e) {
            throw wrapEvalError(e, rule.spec.name, `${(rule.spec.scope as { event: string }).event} ${JSON.stringify(row.id)} of partner ${JSON.stringify(row.partner)}`);
          }
          if (key !== undefined) {
            const byPartner = state.onceKeys[ri]!;
            let keys = byPartner.get(row.partner);
            if (!keys) byPartner.set(row.partner, (keys = new Map()));
            const when = keys.get(key);
            if (when === undefined || period < when) keys.set(key, period);
          } else if (!rule.spec.once!.perPeriod) state.onceWhen[ri]!.set(row.partner, period);
        }
      });
    }
    return accs;
  }
}

/**
 * The order in which a run reads the event kinds: a kind whose records `ref` fields name before the
 * kinds that name them (§12.3: a streamed folder then knows a kind's valid ids when it checks the
 * records that name them, without reading it one more time); otherwise the order declared.
 */
function scanOrder(artifacts: readonly Artifact[]): string[] {
  const kinds = [...new Set(artifacts.flatMap((a) => a.events.map((e) => e.name)))];
  const targets = new Map<string, Set<string>>();
  for (const a of artifacts) {
    for (const ev of a.events) {
      for (const f of ev.fields) if (typeof f.type === 'object' && 'ref' in f.type) (targets.get(ev.name) ?? targets.set(ev.name, new Set()).get(ev.name)!).add(f.type.ref);
    }
  }
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (k: string, depth: number) => {
    if (done.has(k) || depth > kinds.length) return; // `ref` fields never go in a circle (checked); the bound is for a damaged artifact
    for (const t of targets.get(k) ?? []) visit(t, depth + 1);
    if (!done.has(k) && kinds.includes(k)) {
      done.add(k);
      out.push(k);
    }
  };
  for (const k of kinds) visit(k, 0);
  return out;
}

function toWindow(w: WindowSpec): Window {
  return w.form === 'last' ? { kind: 'last' as const, n: w.count, unit: w.unit } : { kind: w.form };
}
