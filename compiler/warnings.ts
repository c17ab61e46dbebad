/** Warnings: unused declarations, unbounded money pots, and conditions that can never hold. */
import { warning } from '../core/diagnostics.js';
import type { Decl, Expr, Ident, MeasureDecl, RuleCap, StringLit } from '../language/syntax.js';
import type { CheckContext } from './context.js';
import { childExprs } from '../language/syntax.js';
import { srcOf } from './exprs.js';
import { isValidDate } from '../core/periods.js';

/** Warns when a measure's `where` can never hold (its value would always be the empty aggregate). */
export function measureNeverHolds(ck: CheckContext, d: MeasureDecl): void {
  if (!d.where) return;
  const why = neverHolds(ck, d.where, false);
  if (why) ck.report(warning('W0003', `this condition can never hold: ${why}`, d.where.span, `measure \`${d.name.name}\` is always the aggregate of no events; fix or remove the condition`));
}

/** Warns when a rule's `where` can never hold (the rule never awards anything). */
export function ruleNeverHolds(ck: CheckContext, where: Expr): void {
  const why = neverHolds(ck, where, true);
  if (why) ck.report(warning('W0003', `this condition can never hold: ${why}`, where.span, 'the rule never awards anything: fix or remove the condition'));
}

/**
 * Why a condition is always false, or undefined when it may hold. Sound, not complete: a constant
 * false; an empty date range; (rules only) an event date condition outside the program's start..end;
 * an enumeration field required to equal two different values at once.
 */
function neverHolds(ck: CheckContext, where: Expr, isRule: boolean): string | undefined {
  const c = ck.x.constant(where);
  if (c?.kind === 'bool' && !c.value) return 'it is always false';
  // The conjuncts, in source order (a loop, not recursion: `a and b and …` may be long).
  const conj: Expr[] = [];
  const todo: (Expr | undefined)[] = [where];
  while (todo.length > 0) {
    const e = todo.pop();
    if (!e) continue;
    if (e.kind === 'Binary' && e.op === 'and') todo.push(e.right, e.left);
    else conj.push(e);
  }
  const { start, end } = ck.out.header;
  const isEventDate = (e: Expr | undefined) => {
    if (!e || (e.kind !== 'Name' && e.kind !== 'Field')) return false;
    const s = ck.refs.get(e);
    return s?.kind === 'eventField' && s.field === 'date';
  };
  const allowed = new Map<string, { label: string; members: Set<string> }>();
  const restrict = (e: Expr, values: string[]): string | undefined => {
    const t = ck.types.get(e);
    if (t?.kind !== 'enum' || (e.kind !== 'Name' && e.kind !== 'Field')) return undefined;
    const s = ck.refs.get(e);
    if (!s) return undefined;
    const key = JSON.stringify(s);
    const label = e.kind === 'Name' ? e.name : `${e.object?.name}.${e.field?.name}`;
    const prev = allowed.get(key) ?? { label, members: new Set(t.members) };
    const next = new Set([...prev.members].filter((m) => values.includes(m)));
    allowed.set(key, { label, members: next });
    if (next.size === 0) return `\`${label}\` cannot be ${values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`} and also what the rest of the condition requires`;
    return undefined;
  };
  for (const e of conj) {
    const k = ck.x.constant(e);
    if (k?.kind === 'bool' && !k.value) return `\`${short(e)}\` is always false`;
    if (e.kind === 'InRange') {
      const a = ck.x.constant(e.from);
      const b = ck.x.constant(e.to);
      if (a?.kind === 'date' && b?.kind === 'date' && isValidDate(a.value) && isValidDate(b.value)) {
        if (a.value > b.value) return `the range ${a.value}..${b.value} is empty`;
        if (isRule && isEventDate(e.value) && start && (b.value < start || (end && a.value > end))) {
          return `${a.value}..${b.value} lies outside the program (${start}..${end ?? ''})`;
        }
      }
      if (a?.kind === 'num' && b?.kind === 'num' && a.value.gt(b.value)) return `the range \`${short(e.from)}..${short(e.to)}\` is empty`;
    }
    if (e.kind === 'Binary' && isRule && start && ['<', '<=', '>', '>=', '='].includes(e.op)) {
      const [field, lit, op] = isEventDate(e.left) ? [e.left, e.right, e.op] : isEventDate(e.right) ? [e.right, e.left, flip(e.op)] : [undefined, undefined, e.op];
      const d = field ? ck.x.constant(lit) : undefined;
      if (d?.kind === 'date') {
        const v = d.value;
        const never =
          (op === '<' && v <= start) ||
          (op === '<=' && v < start) ||
          (end !== undefined && ((op === '>' && v >= end) || (op === '>=' && v > end))) ||
          (op === '=' && (v < start || (end !== undefined && v > end)));
        if (never) return `no event of the program (${start}..${end ?? ''}) has \`date ${op} ${v}\``;
      }
    }
    if (e.kind === 'Binary' && (e.op === '=' || e.op === '!=') && e.left && e.right) {
      const [field, lit] = e.right.kind === 'String' ? [e.left, e.right] : e.left.kind === 'String' ? [e.right, e.left] : [undefined, undefined];
      const t = field ? ck.types.get(field) : undefined;
      if (field && lit && t?.kind === 'enum' && t.members.includes((lit as StringLit).value)) {
        const v = (lit as StringLit).value;
        const why = restrict(field, e.op === '=' ? [v] : t.members.filter((m) => m !== v));
        if (why) return why;
      }
    }
    if (e.kind === 'InSet' && e.value && (e.items ?? []).every((i) => i?.kind === 'String')) {
      const why = restrict(
        e.value,
        (e.items as StringLit[]).map((i) => i.value),
      );
      if (why) return why;
    }
  }
  return undefined;
}

function flip(op: string): string {
  return ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as Record<string, string>)[op] ?? op;
}

/** A literal as written (`srcOf`), `true`/`false`, or `this` for a compound condition. */
function short(e: Expr | undefined): string {
  if (e?.kind === 'Bool') return String(e.value);
  const text = srcOf(e);
  return text === '…' && e && childExprs(e).length ? 'this' : text;
}

/**
 * W0001 (declared but never used) and W0002 (a money pot whose spending nothing bounds). A tier is
 * never unused: every statement shows each partner's level, so a tier that no rule reads (one a
 * test expects, or one kept for the statements) is still an output of the program.
 */
export function unusedAndUnbounded(ck: CheckContext, decls: readonly Decl[]): void {
  for (const d of decls) {
    if (d.kind !== 'LetDecl' && d.kind !== 'MeasureDecl' && d.kind !== 'PayoutDecl' && d.kind !== 'EventDecl') continue;
    const id = d.name as Ident | undefined;
    if (!id || ck.top.get(id.name)?.decl !== d || ck.used.has(id.name)) continue;
    const what = { LetDecl: 'let', MeasureDecl: 'measure', PayoutDecl: 'payout', EventDecl: 'event' }[d.kind];
    const hint = {
      LetDecl: 'use it in a rule, a measure or a tier, or remove it',
      MeasureDecl: 'use it in a rule, a tier or a let, or remove it',
      PayoutDecl: `award to it (\`award … to ${id.name}\`), or remove it`,
      EventDecl: `aggregate it in a measure or award for it (\`for each ${id.name}\`), or remove it`,
    }[d.kind];
    ck.report(warning('W0001', `${what} \`${id.name}\` is never used`, id.span, hint));
  }
  // A money pot with neither cap nor budget, awarded by a rule without a rule cap.
  for (const pot of ck.out.pots.values()) {
    if (pot.unit !== 'money' || !pot.kind || pot.cap || pot.budget) continue;
    const uncapped = ck.out.rules.filter((r) => r.awards.some((a) => a.pot?.name === pot.name) && !(r.cap && !(r.cap as RuleCap).perEvent && r.awards.length === 1));
    if (uncapped.length === 0) continue;
    const award = uncapped[0]!.awards.find((a) => a.pot?.name === pot.name)!;
    ck.report(
      warning('W0002', `pot \`${pot.name}\` pays money with neither a \`cap\` nor a \`budget\`: its spending is unbounded`, pot.decl.name.span, `add \`budget AMOUNT\` or \`cap AMOUNT per partner\` to the pot, or a \`cap\` to rule "${uncapped[0]!.name}"`, [
        { span: award.span, message: 'an uncapped award' },
      ]),
    );
  }
}
