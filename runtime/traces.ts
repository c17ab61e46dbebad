/**
 * Traces and explanations (spec §11): what an award was made of — the events or measures it used
 * with their values, the band or level reached, every cap and rounding step — and why a rule gave
 * a partner nothing: the condition that was false with the values that made it so, the rank, or
 * the earlier award of a `once` rule.
 */
import { conversionsOf, conversionText } from './data/exchange.js';
import { notDrawnText } from './ledger/random-rule.js';
import type { IR } from './artifact.js';
import { compareValues, compileIR, type Ctx, type EventRow, type Fn, type Note, type PartnerEnv, type Value } from './compile-ir.js';
import * as N from './num.js';
import type { Num } from './num.js';
import { byDateId, onceKeyText, type RuleAcc, type RunIndex } from './pass1.js';
import { walkIR, type CompiledPot, type CompiledRule, type Plan } from './plan.js';
import type { RunState } from './run-state.js';
import { ordinal, potText, readableNumbers, valueFormatter, type ValueFormatter } from './text.js';

export function tieText(tiedWith: readonly string[] | undefined): string {
  return tiedWith?.length ? `, tied with ${tiedWith.join(', ')} (ties are settled by partner id)` : '';
}

export class Tracer {
  readonly format: ValueFormatter;
  private readonly currency: string;

  /**
   * The lets whose notes can show a band or an interpolation (`expandLets` evaluates those again):
   * those with a `bands` or `interpolate` in their expression, or that read an event-level let or
   * a record through a `ref` (whose notes they pass on). Another let's notes are its values only.
   */
  private readonly banded = new Set<string>();

  constructor(private readonly plan: Plan) {
    this.format = valueFormatter(plan.artifact);
    this.currency = plan.artifact.program.currency;
    for (const { step } of plan.steps) {
      if (step.kind !== 'let') continue;
      let may = false;
      walkIR(step.value, (x) => {
        if (x.k === 'bands' || x.k === 'interp' || x.k === 'elet' || x.k === 'deref') may = true;
      });
      if (may) this.banded.add(step.name);
    }
  }

  potText(v: Num, pot: CompiledPot): string {
    return potText(v, pot, this.currency);
  }

  /**
   * Notes with each `let` that reached a band replaced by what it used, so that a trace says
   * `hardware_revenue … reaches band "from 500,000 EUR" → 4%` rather than `rebate_rate 0.04`.
   */
  private expandLets(notes: Note[], env: PartnerEnv): Note[] {
    // (a new array only once a let is replaced: most traces have none, and keep `notes`)
    let out: Note[] | undefined;
    for (let i = 0; i < notes.length; i++) {
      const n = notes[i]!;
      const fn = n.kind === 'value' && this.banded.has(n.label) ? this.plan.letFns.get(n.label) : undefined;
      if (fn) {
        const sub: Note[] = [];
        try {
          fn({ p: env }, sub);
        } catch {
          /* traces never fail a run */
        }
        if (sub.some((x) => x.kind === 'band' || x.kind === 'interp')) {
          out ??= notes.slice(0, i);
          const expanded = this.expandLets(sub, env);
          for (let k = 0; k < expanded.length; k++) out.push(expanded[k]!);
          continue;
        }
      }
      out?.push(n);
    }
    return out ?? notes;
  }

  private describeNotes(notes: Note[]): string {
    // (a few notes: arrays searched, no sets made — a statement has a trace per award)
    const parts: string[] = [];
    // A value that a band or interpolation note already shows (`x 1,500.00 EUR reaches band …`) is
    // not repeated; a marginal subject is shown whole, then its slices (`revenue 3,000.00 USD,
    // 1,000.00 USD of it in band "below 1,000 USD" × 1%, …`), so that the slice is not taken for the measure.
    let banded: string[] | undefined;
    // (indexed loops: a run's first traces are made by V8's interpreter, where `for … of` makes an object per step)
    for (let k = 0; k < notes.length; k++) {
      const n = notes[k]!;
      if ((n.kind === 'band' && !n.slice) || n.kind === 'interp') (banded ??= []).push(n.subject);
    }
    for (let k = 0; k < notes.length; k++) {
      const n = notes[k]!;
      if (n.kind === 'value' && banded?.includes(n.label)) continue;
      const rate = n.kind === 'band' ? (n.rateSrc ?? this.format(n.rate, n.rateU)) : '';
      const text =
        n.kind === 'value'
          ? `${n.label} ${this.format(n.value, n.u, n.label)}`
          : n.kind === 'interp'
            ? n.lo === n.hi
              ? `${n.subject} ${this.format(n.x, n.xu)} is beyond the points: the value at ${readableNumbers(n.lo)} → ${this.format(n.value, n.u)}`
              : `${n.subject} ${this.format(n.x, n.xu)} is between ${readableNumbers(n.lo)} and ${readableNumbers(n.hi)}: interpolated → ${this.format(n.value, n.u)}`
            : n.slice
              ? `${this.format(n.value, n.u)} of ${n.subject} in band "${readableNumbers(n.label)}" × ${rate}`
              : `${n.subject} ${this.format(n.value, n.u)} reaches band "${readableNumbers(n.label)}" → ${rate}`;
      if (!parts.includes(text)) parts.push(text);
    }
    return parts.join(', ');
  }

  /** A rule's awards to one pot (made once per rule and pot). */
  private awardsTo(rule: CompiledRule, pot: CompiledPot): { a: CompiledRule['awards'][number]; ai: number }[] {
    let byPot = this.awardsByPot.get(rule);
    if (!byPot) this.awardsByPot.set(rule, (byPot = new Map()));
    let aws = byPot.get(pot);
    if (!aws) {
      const potIndex = this.plan.pots.indexOf(pot);
      byPot.set(pot, (aws = rule.awards.map((a, ai) => ({ a, ai })).filter(({ ai }) => rule.potIndex[ai] === potIndex)));
    }
    return aws;
  }

  private readonly awardsByPot = new Map<CompiledRule, Map<CompiledPot, { a: CompiledRule['awards'][number]; ai: number }[]>>();

  /** One award's trace: `RULE: what it used → amount → every step (cap, rounding) that changed it`. */
  award(rule: CompiledRule, acc: RuleAcc, env: PartnerEnv, pot: CompiledPot, total: Num, steps: string[], tie: readonly string[] | undefined): string {
    const spec = rule.spec;
    const parts: string[] = [];
    const aws = this.awardsTo(rule, pot);
    if (spec.scope.kind === 'each-event') {
      const ev = spec.scope.event;
      const items = acc.events.map((e) => {
        const amount = aws.reduce((s, { ai }) => N.add(s, e.amounts[ai]!), N.ZERO as Num);
        // §13.4: an amount in another currency shows its conversion
        const conv = conversionsOf(e.row);
        const shown = conv ? `${e.row.date}; ${conv.map((c) => conversionText(c, this.currency, this.plan.artifact.program.minorDigits)).join('; ')}` : e.row.date;
        return `${e.row.id} (${shown}) → ${this.potText(amount, pot)}`;
      });
      const more = acc.eventCount - acc.events.length;
      parts.push(`${acc.eventCount} ${ev} event${acc.eventCount === 1 ? '' : 's'}: ${items.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
      // What one award is made of, from the first event.
      const first = acc.events[0];
      if (first) {
        const notes: Note[] = [];
        try {
          for (const { a } of aws) a.amount({ p: env, ev: first.row }, notes);
        } catch {
          /* traces never fail a run */
        }
        const d = this.describeNotes(this.expandLets(notes, env));
        if (d) parts.push(`first: ${d}`);
      }
      if (spec.cap?.perEvent) parts.push(`each capped at ${this.potText(rule.cap!({ p: env, ev: first?.row }, []) as Num, pot)}`);
    } else {
      if (spec.scope.kind === 'top') parts.push(`ranked ${ordinal(acc.rank!)} of ${acc.qualifying} (top ${spec.scope.n})${tieText(tie)}`);
      if (spec.scope.kind === 'random') parts.push(`drawn ${ordinal(acc.rank!)} of ${spec.scope.n} (${acc.qualifying} entrant${acc.qualifying === 1 ? '' : 's'}, seed ${JSON.stringify(spec.scope.seed)})`);
      const notes: Note[] = [];
      try {
        if (spec.scope.kind === 'top') rule.keys!.forEach((k) => k({ p: env }, notes));
        for (let k = 0; k < aws.length; k++) aws[k]!.a.amount({ p: env }, notes);
      } catch {
        /* traces never fail a run */
      }
      const d = this.describeNotes(this.expandLets(notes, env));
      if (d) parts.push(d);
    }
    parts.push(this.potText(total, pot));
    return `${spec.name}: ${parts.join(' → ')}${steps.length ? ' → ' + steps.join(' → ') : ''}`;
  }

  /**
   * Why a rule gave a partner nothing in a period, as of that period: its events, its
   * condition, its rank, or an award of a `once` rule in an earlier period.
   */
  whyNot(rule: CompiledRule, env: PartnerEnv, idx: RunIndex, state: RunState, period: string, from: string, to: string): string {
    const spec = rule.spec;
    const scope = spec.scope;
    const ri = rule.index;
    const once = (): string | undefined => {
      if (!spec.once || spec.once.perPeriod) return undefined;
      const when = state.awardedBefore(ri, env.id, period);
      return when === undefined ? undefined : `once per partner: already awarded in ${when}`;
    };
    try {
      if (scope.kind === 'each-event') {
        const rows = idx.eventsOf(scope.event, env.id, from, to);
        if (rows.length === 0) return `no ${scope.event} event in ${period}`;
        const earlier = once();
        if (earlier) return earlier;
        const keyed = this.onceKeys(rule, env, rows, state, period);
        if (keyed) return keyed;
        if (rule.where) {
          const first = rows.reduce((a, b) => (byDateId(b, a) < 0 ? b : a));
          return `${rows.length} ${scope.event} event${rows.length === 1 ? '' : 's'} in ${period}, none where ${scope.where?.src ?? 'the condition holds'}; e.g. ${first.id}: ${this.explainFalse(scope.where!, rule.where, { p: env, ev: first })}`;
        }
        return `no award`;
      }
      const ctx: Ctx = { p: env };
      if (rule.where && !rule.where(ctx)) return this.explainFalse(scope.where!, rule.where, ctx);
      const earlier = once();
      if (earlier) return earlier;
      if (scope.kind === 'random') return notDrawnText(state.drawn[ri], env.id); // §13.5
      if (scope.kind === 'top') {
        const rank = state.ranks[ri]?.get(env.id);
        return rank ? `ranked ${ordinal(rank)} of ${state.rankCount[ri]}${tieText(state.ties[ri]?.get(env.id))}; only the top ${scope.n} are awarded` : 'not ranked';
      }
      return 'no award';
    } catch (e) {
      return `could not be evaluated: ${(e as Error).message}`;
    }
  }

  /**
   * `once per partner and FIELD` (§12.2): when every qualifying event of the period has a value
   * awarded in an earlier period, which values and when.
   */
  private onceKeys(rule: CompiledRule, env: PartnerEnv, rows: readonly EventRow[], state: RunState, period: string): string | undefined {
    const spec = rule.spec;
    if (!rule.onceKey || !spec.once || spec.once.perPeriod || spec.scope.kind !== 'each-event') return undefined;
    const awarded = state.onceKeys[rule.index]?.get(env.id);
    const keys = new Map<string, string>();
    for (const ev of rows) {
      const ctx: Ctx = { p: env, ev };
      if (rule.where && !rule.where(ctx)) continue;
      const k = onceKeyText(rule.onceKey(ctx));
      const when = awarded?.get(k);
      if (when === undefined || when >= period) return undefined;
      keys.set(k, when);
    }
    if (keys.size === 0) return undefined;
    const name = spec.once.key?.src ?? 'the field';
    const list = [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, when]) => `${k} in ${when}`);
    return `once per partner and ${name}: every ${name} of its ${spec.scope.event} events in ${period} was awarded before (${list.join(', ')})`;
  }

  /** Why a condition is false, with the values that made it so. */
  private explainFalse(ir: IR, fn: Fn | undefined, ctx: Ctx): string {
    const env = this.plan.compileEnv;
    const f = fn ?? compileIR(ir, env);
    const val = (x: IR): Value => compileIR(x, env)(ctx);
    const desc = (x: IR): string => {
      const v = val(x);
      const shown = this.format(v, x.u, x.k === 'ref' ? x.name : undefined);
      if (x.k === 'num' || x.k === 'money') return x.src ? readableNumbers(x.src) : shown;
      if (x.k === 'str' || x.k === 'bool' || x.k === 'level') return x.src ?? shown;
      return `${x.src ?? ''} ${shown}`.trim();
    };
    if (f(ctx)) return `${ir.src ?? 'the condition'} holds`;
    switch (ir.k) {
      case 'and': {
        const i = ir.args.findIndex((x) => !compileIR(x, env)(ctx)); // the first operand that is false
        return i < 0 ? `${ir.src ?? 'the condition'} holds` : this.explainFalse(ir.args[i]!, undefined, ctx);
      }
      case 'or':
        return ir.args.map((x) => this.explainFalse(x, undefined, ctx)).join(', and ');
      case 'not':
        return `${ir.a.src ?? 'the condition'} holds`;
      case 'if': {
        // The branch taken was false: why; when it is a literal (`… else false`), why it was taken.
        const c = val(ir.c) === true;
        const taken = c ? ir.a : ir.b;
        if (taken.k === 'bool') return c ? `${ir.c.src ?? 'the condition'} holds` : this.explainFalse(ir.c, undefined, ctx);
        return this.explainFalse(taken, undefined, ctx);
      }
      case 'cmp': {
        const c = compareValues(ir.t, val(ir.a), val(ir.b));
        const rel = ir.t === 'num' || ir.t === 'level' || (ir.t === 'str' && ir.a.u === 'date') ? (c < 0 ? '<' : c > 0 ? '>' : '=') : c === 0 ? '=' : '≠';
        return `${desc(ir.a)} ${rel} ${desc(ir.b)}`;
      }
      case 'range':
        return `${desc(ir.x)} is outside ${desc(ir.lo)}..${desc(ir.hi)}`;
      case 'set':
        return `${desc(ir.x)} is not in [${ir.items.map((i) => i.src ?? this.format(val(i), i.u)).join(', ')}]`;
      default:
        return `${desc(ir)} is false`;
    }
  }
}
