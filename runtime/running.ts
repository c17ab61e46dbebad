/**
 * Running totals (§12.2): `running sum X [where C] [over W]` and `running count …` inside
 * `for each EVENT` — for each event, the partner's total over the events of that kind, in the
 * window W of the event's period, that come before it in (date, id) order.
 *
 * The first pass gives every event of the kind (in any order) to `add`, which keeps, per partner,
 * its day, its id and its value (X, or 1 for a count; nothing when C is false): this is what a
 * running total keeps per record, since the order is known only once every event is read. `finish`
 * sorts each partner's events by (date, id) and sweeps them once, keeping the window's total with
 * an exact accumulator that adds the events entering the window and takes away those leaving it;
 * each event's total is then found by a binary search on (date, id). The result never depends on
 * the order of the records.
 */
import type { RunningSpec } from './artifact.js';
import type { Ctx, EventRow, Fn, Value } from './compile-ir.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { formatPeriod, parseDate, periodOf, windowRange, type Day, type DayRange, type PeriodUnit, type Window } from '../core/periods.js';
import { wrapEvalError } from './errors.js';

/** A running total compiled: its spec, and its value and condition as closures. */
export interface CompiledRunning {
  index: number;
  spec: RunningSpec;
  arg?: Fn;
  where?: Fn;
}

/** One partner's events of a running total: as read (pass 1), then sorted with each one's total (after `finish`). */
interface Series {
  days: number[];
  ids: string[];
  /** The event's own value, or undefined when the condition is false. */
  vals: (Num | undefined)[];
  /** After `finish`: sorted days and ids, and the total before each event. */
  sortedDays?: Int32Array;
  sortedIds?: string[];
  totals?: Num[];
}

function toWindow(w: RunningSpec['window']): Window {
  return w.form === 'last' ? { kind: 'last', n: w.count, unit: w.unit } : { kind: w.form };
}

export class RunningIndex {
  /** Per running total: per partner, its series. */
  private readonly series: Map<string, Series>[];
  private finished = false;

  constructor(
    private readonly totals: readonly CompiledRunning[],
    private readonly unit: PeriodUnit,
    private readonly start: string,
  ) {
    this.series = totals.map(() => new Map());
  }

  /** Pass 1: one event of the kind of `rs` (the running totals over that kind). */
  add(rs: readonly CompiledRunning[], ctx: Ctx): void {
    const r = ctx.ev!;
    const day = parseDate(r.date)!;
    for (const t of rs) {
      let v: Num | undefined;
      try {
        if (!t.where || t.where(ctx)) v = t.arg ? (t.arg(ctx) as Num) : N.ONE;
      } catch (e) {
        throw wrapEvalError(e, `running total \`${t.spec.arg ? 'sum' : 'count'}\``, `${t.spec.event} ${JSON.stringify(r.id)} of partner ${JSON.stringify(r.partner)}`, '');
      }
      const by = this.series[t.index]!;
      let s = by.get(r.partner);
      if (!s) by.set(r.partner, (s = { days: [], ids: [], vals: [] }));
      s.days.push(day);
      s.ids.push(r.id);
      s.vals.push(v);
    }
  }

  /** After pass 1: every event's total, per running total and partner. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const ranges = new Map<string, DayRange>();
    for (const t of this.totals) {
      const w = toWindow(t.spec.window);
      const rangeOf = (day: Day): DayRange => {
        const p = periodOf(this.unit, day);
        const key = `${t.index}\u0000${formatPeriod(p)}`;
        let r = ranges.get(key);
        if (!r) ranges.set(key, (r = windowRange(w, p, this.start)));
        return r;
      };
      for (const s of this.series[t.index]!.values()) sweep(s, rangeOf, t.spec.op);
    }
  }

  /** Running total `i` for this event (the events before it, in its window). */
  value(i: number, ev: EventRow): Value {
    const s = this.series[i]?.get(ev.partner);
    const day = parseDate(ev.date);
    if (!s?.sortedDays || day === undefined) throw new Error(`internal: no running total for ${JSON.stringify(ev.id)}`);
    const days = s.sortedDays;
    const ids = s.sortedIds!;
    let lo = 0;
    let hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const d = days[mid]!;
      if (d < day || (d === day && ids[mid]! < ev.id)) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= days.length || days[lo] !== day || ids[lo] !== ev.id) throw new Error(`internal: event ${JSON.stringify(ev.id)} is not in its running total`);
    return s.totals![lo]!;
  }
}

/**
 * Sorts a partner's events by (date, id) and computes, for each, the total of the events before
 * it in its window: two pointers over the sorted events (a window's bounds never move back as the
 * events move forward), the total kept exactly (a count as an integer).
 */
function sweep(s: Series, rangeOf: (day: Day) => DayRange, op: 'sum' | 'count'): void {
  const n = s.days.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => s.days[a]! - s.days[b]! || (s.ids[a]! < s.ids[b]! ? -1 : s.ids[a]! > s.ids[b]! ? 1 : 0));
  const days = new Int32Array(n);
  const ids: string[] = new Array<string>(n);
  const vals: (Num | undefined)[] = new Array<Num | undefined>(n);
  order.forEach((k, j) => {
    days[j] = s.days[k]!;
    ids[j] = s.ids[k]!;
    vals[j] = s.vals[k];
  });
  const totals: Num[] = new Array<Num>(n);
  const acc = new N.Accumulator();
  let count = 0;
  let lo = 0; // first event at or after the window's start
  let hi = 0; // first event not counted yet (before it: the window's events that come before j)
  for (let j = 0; j < n; j++) {
    const { from, to } = rangeOf(days[j]!);
    let target = hi;
    while (target < j && days[target]! <= to) target++;
    for (; hi < target; hi++) {
      const v = vals[hi];
      if (hi < lo || v === undefined) continue;
      if (op === 'count') count++;
      else acc.add(v);
    }
    for (; lo < n && days[lo]! < from; lo++) {
      const v = vals[lo];
      if (lo >= hi || v === undefined) continue;
      if (op === 'count') count--;
      else acc.add(N.neg(v));
    }
    totals[j] = op === 'count' ? N.int(count) : acc.value();
  }
  s.sortedDays = days;
  s.sortedIds = ids;
  s.totals = totals;
  // What pass 1 kept as read is no longer needed.
  s.days = [];
  s.ids = [];
  s.vals = [];
}
