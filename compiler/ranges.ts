/**
 * The checker's field-ranges stage: `FIELD: TYPE in A..B` (`amount: money in 0 EUR..1_000_000 EUR`).
 * A range is data validation (a value outside it is a data problem, D0220) and an input to the
 * exposure analysis (`review/exposure.ts`). Its bounds are constants of the field's type — literals,
 * arithmetic of literals, program-level lets — on a type that has an order (numbers, money, dates),
 * lower bound first (E0450, E0451, E0452; E0223 for a bound that varies by partner).
 */
import { error } from '../core/diagnostics.js';
import type { Decl, Expr, FieldRange } from '../language/syntax.js';
import type { FieldInfo, Type } from './checked.js';
import type { Const } from './consts.js';
import type { CheckContext } from './context.js';
import { srcOf } from './exprs.js';
import { comparable, describe, isOrdered } from './types.js';

/** The field-ranges stage: every declared field of partners and events that has `in A..B`. */
export function checkFieldRanges(ck: CheckContext, _decls: readonly Decl[]): void {
  const owners: Map<string, FieldInfo>[] = [ck.out.partner.fields, ...[...ck.out.events.values()].map((e) => e.fields)];
  for (const fields of owners) for (const f of fields.values()) if (f.decl?.range) checkRange(ck, f, f.decl.range);
}

function checkRange(ck: CheckContext, f: FieldInfo, r: FieldRange): void {
  const what = `the range of \`${f.name}\``;
  const scope = ck.noEvent(what, 'a range is checked on every record: use constants (numbers, amounts, dates, or lets of constants)');
  const types = [ck.x.check(r.from, scope), ck.x.check(r.to, scope)];
  if (f.type.kind === 'error') return;
  if (!isOrdered(f.type) || f.type.kind === 'tier') {
    ck.report(error('E0450', `\`${f.name}\` is ${describe(f.type)}, which has no order: it cannot have a range`, r.span, 'a range bounds numbers, money or dates; for text, list the values: `one of "a", "b"`'));
    return;
  }
  const bounds: (Const | undefined)[] = [];
  let ok = true;
  [r.from, r.to].forEach((e, i) => {
    if (!e) return (ok = false);
    const t = types[i]!;
    if (t.kind === 'error') return (ok = false);
    if (!comparable(f.type, t)) {
      ck.report(error('E0451', `${what} must be ${describe(f.type)}, but \`${srcOf(e)}\` is ${describe(t)}`, e.span, fixFor(f.type, e)));
      return (ok = false);
    }
    if (!ck.requireConstant(e, what)) return (ok = false);
    const c = ck.x.constant(e);
    if (c?.kind !== 'num' && c?.kind !== 'date') {
      ck.report(error('E0451', `${what} must be a constant the checker can compute, but this one cannot be computed`, e.span, 'write the bound as a literal, e.g. `1_000_000 EUR`'));
      return (ok = false);
    }
    bounds[i] = c;
  });
  if (!ok) return;
  const [lo, hi] = bounds as [Const, Const];
  const above = lo.kind === 'num' && hi.kind === 'num' ? lo.value.gt(hi.value) : lo.kind === 'date' && hi.kind === 'date' && lo.value > hi.value;
  if (above) {
    ck.report(
      error('E0452', `${what} is empty: \`${srcOf(r.from)}\` is above \`${srcOf(r.to)}\``, r.span, `write the lower bound first: \`in ${srcOf(r.to)}..${srcOf(r.from)}\``),
    );
    return;
  }
  f.range = { min: lo, max: hi };
  // A default (§12.1) is what an empty cell reads as: it must be a value the range allows.
  if (f.default && !f.implicit) {
    const d = ck.x.constant(f.default);
    const outside =
      d?.kind === 'num' && lo.kind === 'num' && hi.kind === 'num'
        ? d.value.lt(lo.value) || d.value.gt(hi.value)
        : d?.kind === 'date' && lo.kind === 'date' && hi.kind === 'date' && (d.value < lo.value || d.value > hi.value);
    if (outside) {
      ck.report(
        error('E0453', `the default of \`${f.name}\`, \`${srcOf(f.default)}\`, is outside its range \`${srcOf(r.from)}..${srcOf(r.to)}\``, f.default.span, 'give a default within the range, or widen the range'),
      );
    }
  }
}

function fixFor(t: Type, e: Expr): string {
  if (t.kind === 'money') return e.kind === 'Number' && !e.percent ? `write it with the currency: \`${e.text} ${t.currency}\`` : `give an amount of money, e.g. \`0 ${t.currency}\``;
  if (t.kind === 'number') return e.kind === 'Money' ? `write it without a currency: \`${e.text}\`` : 'give a number, e.g. `0`';
  return 'give a date, e.g. `2026-01-01`';
}
