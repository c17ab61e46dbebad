/** Constant folding of program-level expressions, for static checks (thresholds increase, amounts positive, conditions that never hold, numbers that leave their range). */
import type { Binary, Expr } from '../language/syntax.js';
import { leftSpine } from '../language/syntax.js';
import { Dec } from '../core/decimal.js';
import { inRange } from '../core/limits.js';
import { addDays, addMonths, daysBetween, formatDate, isValidDate, parseDate } from '../core/periods.js';

export type Const =
  | { kind: 'num'; value: Dec }
  | { kind: 'bool'; value: boolean }
  | { kind: 'date'; value: string }
  | { kind: 'str'; value: string }
  /** `N days`, `N months` (§12.4): a whole number of a unit. */
  | { kind: 'duration'; unit: 'days' | 'months'; value: Dec }
  /** A computation of constants whose result leaves the size of numbers: `at` is the operation, `value` its result. */
  | { kind: 'overflow'; at: Binary; value: Dec };

/** The constant value of a bare name (a program-level `let`), if it has one. */
export type LetConst = (name: string) => Const | undefined;

/**
 * The value of an expression when it is a constant (literals, arithmetic and logic over constants,
 * program-level lets); undefined otherwise, or when it cannot be computed (division by zero, a
 * literal out of range, which the parser reports). An operation of constants whose result is out
 * of range gives `overflow`, and so does every operation it is an operand of (unless a constant
 * condition leaves it out: `if false then …`). Chains of binary operators are folded in a loop.
 */
export function fold(e: Expr | undefined, letConst: LetConst): Const | undefined {
  if (!e) return undefined;
  const f = (x: Expr | undefined) => fold(x, letConst);
  switch (e.kind) {
    case 'Number':
    case 'Money': {
      try {
        const value = new Dec(e.value);
        return inRange(value) ? { kind: 'num', value } : undefined;
      } catch {
        return undefined;
      }
    }
    case 'Bool':
      return { kind: 'bool', value: e.value };
    case 'Date':
      return isValidDate(e.value) ? { kind: 'date', value: e.value } : undefined;
    case 'String':
      return { kind: 'str', value: e.value };
    case 'Name':
      return letConst(e.name);
    case 'Unary': {
      const v = f(e.operand);
      if (v?.kind === 'overflow') return v;
      if (e.op === '-' && v?.kind === 'num') return { kind: 'num', value: v.value.neg() };
      if (e.op === '-' && v?.kind === 'duration') return { ...v, value: v.value.neg() };
      if (e.op === 'not' && v?.kind === 'bool') return { kind: 'bool', value: !v.value };
      return undefined;
    }
    case 'Binary': {
      const spine = leftSpine(e);
      let acc = f(spine[spine.length - 1]!.left);
      for (let i = spine.length - 1; i >= 0; i--) acc = binary(spine[i]!, acc, f(spine[i]!.right));
      return acc;
    }
    case 'If': {
      const c = f(e.cond);
      if (c?.kind === 'overflow') return c;
      if (c?.kind !== 'bool') return undefined;
      return c.value ? f(e.then) : f(e.otherwise);
    }
    case 'Duration': {
      const n = f(e.count);
      if (n?.kind === 'overflow') return n;
      return n?.kind === 'num' && n.value.isInteger() ? { kind: 'duration', unit: e.unit, value: n.value } : undefined;
    }
    case 'DaysBetween': {
      const a = f(e.from);
      const b = f(e.to);
      if (a?.kind === 'overflow') return a;
      if (b?.kind === 'overflow') return b;
      if (a?.kind !== 'date' || b?.kind !== 'date') return undefined;
      return { kind: 'num', value: new Dec(daysBetween(parseDate(a.value)!, parseDate(b.value)!)) };
    }
    default:
      return undefined;
  }
}

/** A date moved by a constant duration (`2026-01-31 + 1 month`), or undefined when it leaves the calendar. */
function shiftDate(date: string, d: Const & { kind: 'duration' }, sign: 1 | -1): Const | undefined {
  const n = d.value.times(sign);
  if (!n.abs().lte(Number.MAX_SAFE_INTEGER)) return undefined;
  const day = (d.unit === 'days' ? addDays : addMonths)(parseDate(date)!, n.toNumber());
  return day === undefined ? undefined : { kind: 'date', value: formatDate(day) };
}

/** A literal as written in a test (`5 EUR`, `-2.5`, `"reseller"`, `2026-01-05`, `true`): lowered as its text, without folding. */
export function isLiteral(e: Expr | undefined): boolean {
  if (!e) return false;
  if (e.kind === 'Unary') return e.op === '-' && (e.operand?.kind === 'Number' || e.operand?.kind === 'Money');
  return e.kind === 'Number' || e.kind === 'Money' || e.kind === 'Date' || e.kind === 'String' || e.kind === 'Bool';
}

/** One binary operation of folded operands. */
function binary(e: Binary, l: Const | undefined, r: Const | undefined): Const | undefined {
  if (e.op === 'and' || e.op === 'or') {
    const lb = l?.kind === 'bool' ? l.value : undefined;
    const rb = r?.kind === 'bool' ? r.value : undefined;
    if (e.op === 'and') {
      if (lb === false) return { kind: 'bool', value: false };
      if (l?.kind === 'overflow') return l;
      if (r?.kind === 'overflow') return r;
      if (rb === false) return { kind: 'bool', value: false };
      if (lb === true && rb === true) return { kind: 'bool', value: true };
    } else {
      if (lb === true) return { kind: 'bool', value: true };
      if (l?.kind === 'overflow') return l;
      if (r?.kind === 'overflow') return r;
      if (rb === true) return { kind: 'bool', value: true };
      if (lb === false && rb === false) return { kind: 'bool', value: false };
    }
    return undefined;
  }
  if (l?.kind === 'overflow') return l;
  if (r?.kind === 'overflow') return r;
  // Dates and durations (§12.4).
  if (l?.kind === 'date' && r?.kind === 'duration' && (e.op === '+' || e.op === '-')) return shiftDate(l.value, r, e.op === '+' ? 1 : -1);
  if (l?.kind === 'duration' && r?.kind === 'date' && e.op === '+') return shiftDate(r.value, l, 1);
  if (l?.kind === 'duration' && r?.kind === 'duration' && l.unit === r.unit && (e.op === '+' || e.op === '-')) return { ...l, value: e.op === '+' ? l.value.plus(r.value) : l.value.minus(r.value) };
  if (e.op === '*' && l?.kind === 'num' && r?.kind === 'duration') return { ...r, value: r.value.times(l.value) };
  if (e.op === '*' && l?.kind === 'duration' && r?.kind === 'num') return { ...l, value: l.value.times(r.value) };
  if (l?.kind === 'duration' && r?.kind === 'duration' && l.unit === r.unit && !['+', '-', '*', '/'].includes(e.op)) return { kind: 'bool', value: compare(e.op, l.value.cmp(r.value)) };
  if (!l || !r || l.kind !== r.kind) return undefined;
  if (l.kind === 'num' && r.kind === 'num') {
    let value: Dec;
    switch (e.op) {
      case '+':
        value = l.value.plus(r.value);
        break;
      case '-':
        value = l.value.minus(r.value);
        break;
      case '*':
        value = l.value.times(r.value);
        break;
      case '/':
        if (r.value.isZero()) return undefined;
        value = l.value.div(r.value);
        break;
      default:
        return { kind: 'bool', value: compare(e.op, l.value.cmp(r.value)) };
    }
    return inRange(value) ? { kind: 'num', value } : { kind: 'overflow', at: e, value };
  }
  if (['=', '!=', '<', '<=', '>', '>='].includes(e.op)) {
    const a = l.value as string | boolean;
    const b = r.value as string | boolean;
    const c = a === b ? 0 : a < b ? -1 : 1;
    if (l.kind !== 'date' && e.op !== '=' && e.op !== '!=') return undefined;
    return { kind: 'bool', value: compare(e.op, c) };
  }
  return undefined;
}

function compare(op: string, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** Structural equality of two expressions, ignoring spans (for `below T` = first `from T`). Iterative: expressions may be deep. */
export function sameExpr(a: unknown, b: unknown): boolean {
  const pairs: [unknown, unknown][] = [[a, b]];
  while (pairs.length > 0) {
    const [x, y] = pairs.pop()!;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const kx = Object.keys(x).filter((k) => k !== 'span');
    const ky = Object.keys(y).filter((k) => k !== 'span');
    if (kx.length !== ky.length) return false;
    for (const k of kx) pairs.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
  }
  return true;
}
