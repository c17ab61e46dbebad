/**
 * What a period's values may reach beyond the partner and the event (§12.2, §12.3), as the
 * `RunLinks` of each period's partner environments: the records that `ref` fields name
 * (`refs.ts`), the running totals of the events (`running.ts`), and the partner's values in other
 * periods (`NAME at DATE`: a period already evaluated, or the current one; a date before the
 * program's start reads the first period).
 */
import { EvalError, type EventRow, type PartnerEnv, type RunLinks, type Value } from './compile-ir.js';
import { formatDate, formatPeriod, periodOf, firstDay, type Period, type PeriodUnit } from '../core/periods.js';
import type { RefIndex } from './refs.js';
import type { RunningIndex } from './running.js';
import type { PartnerEnvs } from './partner-envs.js';

/** What every period of a run shares: the indexes, and the partner environments of the periods evaluated so far. */
export class RunShared {
  /** The partner environments of each period of the run, in order (filled as they are evaluated). */
  readonly envs: PartnerEnvs[] = [];
  private readonly index: Map<string, number>;
  private readonly first: string;

  constructor(
    readonly periods: readonly Period[],
    private readonly unit: PeriodUnit,
    readonly refs: RefIndex,
    readonly running: RunningIndex,
  ) {
    this.index = new Map(periods.map((p, i) => [formatPeriod(p), i]));
    this.first = periods[0] ? formatDate(firstDay(periods[0])) : '';
  }

  /** The index in the run of the period containing `date`: −1 before the run, Infinity after it. */
  periodIndex(date: string): number {
    const i = this.index.get(formatPeriod(periodOf(this.unit, date)));
    if (i !== undefined) return i;
    return date < this.first ? -1 : Infinity;
  }

  /** The links of period `k` of the run. */
  forPeriod(k: number): RunLinks {
    return new PeriodLinks(this, k);
  }
}

class PeriodLinks implements RunLinks {
  constructor(
    private readonly s: RunShared,
    private readonly k: number,
  ) {}

  deref(kind: string, id: string): EventRow {
    return this.s.refs.get(kind, id);
  }

  running(i: number, ev: EventRow): Value {
    return this.s.running.value(i, ev);
  }

  valueAt(env: PartnerEnv, name: string, date: string): Value {
    const j = Math.max(0, this.s.periodIndex(date));
    if (j > this.k) {
      const at = formatPeriod(periodOf(this.s.periods[0]?.unit ?? 'month', date));
      const now = this.s.periods[this.k] ? formatPeriod(this.s.periods[this.k]!) : '?';
      throw new EvalError('R0005', `\`${name} at …\`: ${date} is in ${at}, after the period being evaluated (${now})`);
    }
    if (j === this.k) return env.vals[name]!;
    return this.s.envs[j]!.get(env.id)!.vals[name]!;
  }
}

/** The links of the values before the program (the first period's `previous`): every value is its own. */
export const BEFORE_PROGRAM: RunLinks = {
  deref: () => {
    throw new Error('internal: a record read through a `ref` before the program');
  },
  running: () => {
    throw new Error('internal: a running total before the program');
  },
  valueAt: (env, name) => env.vals[name]!,
};
