/**
 * The checker's lets, measures and tiers: each checked once, dependencies first (check.ts's
 * `ensure`), so that they may be declared in any order.
 */
import { error } from '../core/diagnostics.js';
import { MAX_WINDOW_MONTHS } from '../core/limits.js';
import { formatPeriod, isValidDate, periodOf, windowFirstMonth, windowMonths } from '../core/periods.js';
import type { Expr, FieldRef, LetDecl, MeasureDecl, Span, TierDecl, Window } from '../language/syntax.js';
import { walkExpr } from '../language/syntax.js';
import type { LetInfo, MeasureInfo, Type, WindowInfo } from './checked.js';
import type { Const } from './consts.js';
import type { CheckContext } from './context.js';
import type { ExprScope } from './exprs.js';
import { INTEGER, NUMBER, ERROR, describe, grouped, isOrdered } from './types.js';
import { measureNeverHolds } from './warnings.js';

/**
 * A `let`: its type and level; a constant one is folded now (E0322). A let that uses the fields of
 * an event kind is event-level (§12.2): its kind is inferred as a measure's is (the first
 * qualified field, else the one kind with an unqualified field it uses), and it may use a running
 * total.
 */
export function checkLet(ck: CheckContext, d: LetDecl): void {
  const m: NonNullable<ExprScope['measure']> = { name: d.name.name, owner: 'let' };
  const firstRef = collectRefs(d.value).find((r) => ck.out.events.has(r.object?.name ?? ''));
  if (firstRef) {
    m.event = firstRef.object.name;
    m.eventSpan = firstRef.span;
  }
  const scope: ExprScope = { measure: m, running: true, place: `\`let ${d.name.name}\``, noEventHint: '' };
  let type = ck.x.check(d.value, scope);
  const level = ck.x.level(d.value);
  // An event-level let whose kind is unknown has had its error reported: its uses say nothing more.
  if (level === 'event' && !m.event) type = ERROR;
  const info: LetInfo = { name: d.name.name, decl: d, type, level, ...(level === 'event' && m.event ? { event: m.event } : {}), ...(m.running ? { running: true } : {}) };
  ck.out.lets.set(d.name.name, info);
  // A constant is computed once at the start of a run: fold it now, so that a computation that
  // leaves the size of numbers is a diagnostic (E0322) rather than an error of every run.
  if (info.level === 'program') ck.x.reportOverflow(ck.letConst(d.name.name));
}

/** A measure: its event kind, its type, its `else` and its window. */
export function checkMeasure(ck: CheckContext, d: MeasureDecl): void {
  const name = d.name.name;
  const m: NonNullable<ExprScope['measure']> = { name };
  if (d.event) {
    if (ck.out.events.has(d.event.name)) {
      m.event = d.event.name;
      m.eventSpan = d.event.span;
    } else ck.unknownEvent(d.event);
  } else {
    // The event kind is that of the first qualified field (`sale.amount`), if any.
    const firstRef = [d.arg, d.where].flatMap((e) => collectRefs(e)).find((r) => ck.out.events.has(r.object?.name ?? ''));
    if (firstRef) {
      m.event = firstRef.object.name;
      m.eventSpan = firstRef.span;
    }
  }
  const scope: ExprScope = { measure: m, place: `measure \`${name}\``, noEventHint: '' };
  const argType = d.arg ? ck.x.check(d.arg, scope) : ERROR;
  const whereType = ck.x.check(d.where, scope);
  ck.x.expectBoolean(d.where, whereType, '`where`');
  if (m.event) ck.markUsed(m.event);
  let type: Type = ERROR;
  const argErr = argType.kind === 'error';
  const badArg = (what: string, hint: string) => {
    if (!argErr && d.arg) ck.report(error('E0321', `\`${d.op}\` needs ${what}, but this is ${describe(argType)}`, d.arg.span, hint));
  };
  switch (d.op) {
    case 'count':
    case 'count distinct':
      type = INTEGER;
      break;
    case 'sum':
      if (argType.kind === 'number' || argType.kind === 'money') type = argType;
      else badArg('numbers or money', 'sum an amount or a quantity, e.g. `sum sale.amount`; to count events write `count sale`');
      break;
    case 'average':
      if (argType.kind === 'number') type = NUMBER;
      else if (argType.kind === 'money') type = argType;
      else badArg('numbers or money', 'average an amount or a quantity, e.g. `average sale.amount`');
      break;
    case 'min':
    case 'max':
      if (isOrdered(argType) && !argErr) type = argType;
      else badArg('numbers, money or dates', `\`${d.op}\` picks the smallest or largest of ordered values`);
      break;
  }
  if (!m.event && !d.event && (d.arg || d.where) && !argErr) {
    ck.report(
      error('E0224', `measure \`${name}\` uses no event field, so it has no events to aggregate`, (d.arg ?? d.where)!.span, 'aggregate a field of an event, e.g. `sum sale.amount`, or count events: `count sale`'),
    );
  }
  // else DEFAULT
  const needsElse = d.op === 'min' || d.op === 'max' || d.op === 'average';
  if (needsElse && !d.otherwise) {
    ck.report(
      error('E0410', `measure \`${name}\` needs an \`else\`: the ${d.op} of no events is undefined`, d.name.span, `add the value for a partner with no events, e.g. \`else 0${type.kind === 'money' ? ` ${type.currency}` : ''}\``),
    );
  }
  if (d.otherwise) {
    const ot = ck.x.check(d.otherwise, ck.noEvent(`the \`else\` of measure \`${name}\``));
    if (!needsElse) {
      ck.report(
        error(
          'E0411',
          `\`${d.op}\` takes no \`else\`: ${d.op === 'sum' ? 'the sum of no events is zero' : 'the count of no events is zero'}`,
          d.otherwise.span,
          'remove `else …`; only `min`, `max` and `average` need one',
        ),
      );
    } else if (type.kind !== 'error') ck.x.expectType(d.otherwise, ot, type, `the \`else\` of measure \`${name}\``);
  }
  const window: WindowInfo = d.window ? checkWindow(ck, d.window) : { form: 'this period' };
  const info: MeasureInfo = {
    name,
    decl: d,
    op: d.op,
    ...(m.event ? { event: m.event } : {}),
    type,
    window,
    ...(d.arg ? { arg: d.arg } : {}),
    ...(d.where ? { where: d.where } : {}),
    ...(d.otherwise ? { otherwise: d.otherwise } : {}),
  };
  ck.out.measures.set(name, info);
  measureNeverHolds(ck, d);
}

/** A window as written (of a measure or a running total), normalized; `this period` after an error (E0412, reported). */
export function checkWindow(ck: CheckContext, w: Window): WindowInfo {
  let window: WindowInfo = { form: 'this period' };
  if (w.form === 'last') {
    const n = w.count?.value;
    if (!w.count || !/^\d+$/.test(n ?? '') || Number(n) < 1 || w.count.percent) {
      if (w.count) ck.report(error('E0412', `\`last ${w.count.text}\` needs a whole number of ${w.unit} above zero`, w.count.span, `write e.g. \`last 4 ${w.unit}\``));
      return window;
    }
    window = { form: 'last', count: Number(n), unit: w.unit };
  } else window = { form: w.form };
  return windowInRange(ck, window, w.span) ? window : { form: 'this period' };
}

/**
 * E0412 for a window that reaches back further than a window may (MAX_WINDOW_MONTHS), or
 * before 0001-01-01 from the program's first period (the calendar's first day).
 */
function windowInRange(ck: CheckContext, w: WindowInfo, at: Span): boolean {
  const { period, start } = ck.out.header;
  if (w.form === 'last') {
    const months = windowMonths({ n: w.count, unit: w.unit }, period);
    if (months > MAX_WINDOW_MONTHS) {
      const span = !Number.isSafeInteger(months) ? 'thousands of years' : months % 12 === 0 ? `${grouped(months / 12)} years` : `${grouped(months)} months`;
      ck.report(
        error('E0412', `this window spans ${span}, but a window spans at most ${MAX_WINDOW_MONTHS / 12} years`, at, 'use a shorter window, or `program to date` for everything since the program started'),
      );
      return false;
    }
  }
  if (!isValidDate(start)) return true;
  const first = periodOf(period, start);
  const kind = w.form === 'last' ? { kind: 'last' as const, n: w.count, unit: w.unit } : { kind: w.form };
  if (windowFirstMonth(kind, first) < 12) {
    ck.report(
      error('E0412', `this window reaches back before 0001-01-01 from the program's first period (${formatPeriod(first)})`, at, 'Incent counts dates from 0001-01-01: start the program later, or use a shorter window'),
    );
    return false;
  }
  return true;
}

/** A tier: its `by`, and thresholds that are constants of its unit and increase. */
export function checkTier(ck: CheckContext, d: TierDecl): void {
  const info = ck.out.tiers.get(d.name.name)!;
  const byType = ck.x.check(d.by, ck.noEvent(`the \`by\` of tier \`${d.name.name}\``, 'a tier is computed once per partner: rank by a measure, e.g. `tier status by revenue { … }`'));
  if (d.by && byType.kind !== 'error' && byType.kind !== 'number' && byType.kind !== 'money') {
    ck.report(error('E0320', `tier \`${d.name.name}\` must be by a number or money, but this is ${describe(byType)}`, d.by.span, 'rank partners by a measure, e.g. `tier status by revenue { … }`'));
  }
  info.byType = byType.kind === 'number' || byType.kind === 'money' ? byType : ERROR;
  checkTierDown(ck, d);
  const levels = d.levels ?? [];
  if (levels.length === 0) {
    ck.report(error('E0416', `tier \`${d.name.name}\` has no levels`, d.name.span, 'list the levels from the base level up, e.g. `Member`, then `Silver from 250_000 EUR`'));
    return;
  }
  let prev: { e: Expr; v: Const } | undefined;
  levels.forEach((l, i) => {
    if (!l?.name) return;
    if (i === 0 && l.threshold) {
      ck.report(
        error('E0413', `the first level, \`${l.name.name}\`, is the base level and takes no threshold`, l.threshold.span, `remove \`from …\`, or add a base level before \`${l.name.name}\` (every partner starts there)`),
      );
    }
    if (i > 0 && !l.threshold) {
      ck.report(error('E0413', `level \`${l.name.name}\` needs a threshold`, l.name.span, `only the first level is the base level: write \`${l.name.name} from AMOUNT\``));
    }
    if (!l.threshold) return;
    const tt = ck.x.check(l.threshold, ck.noEvent(`a threshold of tier \`${d.name.name}\``));
    if (!ck.requireConstant(l.threshold, `a threshold of tier \`${d.name.name}\``)) return;
    if (info.byType.kind !== 'error' && !ck.x.expectType(l.threshold, tt, info.byType, `a threshold of tier \`${d.name.name}\``)) return;
    if (i === 0) return;
    const c = ck.x.constant(l.threshold);
    if (c?.kind !== 'num') return;
    if (prev && prev.v.kind === 'num' && !c.value.gt(prev.v.value)) {
      ck.report(
        error('E0414', `the thresholds of tier \`${d.name.name}\` must increase: \`${l.name.name}\` starts at or below the level before it`, l.threshold.span, 'order the levels from the lowest threshold to the highest', [
          { span: prev.e.span, message: 'the previous threshold' },
        ]),
      );
    }
    prev = { e: l.threshold, v: c };
  });
}

/**
 * `down at most N level[s] per period|year` (§12.3): N a whole number (0: the level never falls
 * within the period or year), given once (E0444, E0423).
 */
function checkTierDown(ck: CheckContext, d: TierDecl): void {
  const info = ck.out.tiers.get(d.name.name)!;
  const [first, ...more] = d.down ?? [];
  for (const extra of more) {
    ck.report(error('E0423', `tier \`${d.name.name}\` gives \`down at most\` twice`, extra.span, 'keep one', [{ span: first!.span, message: 'first given here' }]));
  }
  if (!first?.count) return;
  const c = first.count;
  if (!/^\d+$/.test(c.value) || c.percent) {
    ck.report(error('E0444', `\`down at most ${c.text}\` needs a whole number of levels`, c.span, 'write e.g. `down at most 1 level per year` (0: the level never falls)'));
    return;
  }
  // At most every level: a larger count means the same.
  info.down = { count: Math.min(Number(c.value), Math.max(0, info.levels.length - 1)), per: first.per };
}

/** The qualified field references (`sale.amount`) in an expression, in source order. */
export function collectRefs(e: Expr | undefined): FieldRef[] {
  const out: FieldRef[] = [];
  walkExpr(e, (x) => {
    if (x.kind === 'Field') out.push(x);
  });
  return out;
}
