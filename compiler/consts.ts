/** Constant folding of program-level expressions, for static checks (thresholds increase, amounts positive, conditions that never hold). */
import type { Expr } from '../language/syntax.js';
import { Dec } from '../core/decimal.js';
import { isValidDate } from '../core/periods.js';

export type Const =
  | { kind: 'num'; value: Dec }
  | { kind: 'bool'; value: boolean }
  | { kind: 'date'; value: string }
  | { kind: 'str'; value: string };

/** Resolves a bare name to the expression it stands for (a program-level `let`), if any. */
export type LetValue = (name: string) => Expr | undefined;

/**
 * The value of an expression when it is a constant (literals, arithmetic and logic over constants,
 * program-level lets); undefined otherwise, or when it cannot be computed (division by zero).
 */
export function fold(e: Expr | undefined, letValue: LetValue, seen: Set<string> = new Set()): Const | undefined {
  if (!e) return undefined;
  const f = (x: Expr | undefined) => fold(x, letValue, seen);
  switch (e.kind) {
    case 'Number':
    case 'Money': {
      try {
        return { kind: 'num', value: new Dec(e.value) };
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
    case 'Name': {
      if (seen.has(e.name)) return undefined;
      const v = letValue(e.name);
      if (!v) return undefined;
      seen.add(e.name);
      const r = f(v);
      seen.delete(e.name);
      return r;
    }
    case 'Unary': {
      const v = f(e.operand);
      if (e.op === '-' && v?.kind === 'num') return { kind: 'num', value: v.value.neg() };
      if (e.op === 'not' && v?.kind === 'bool') return { kind: 'bool', value: !v.value };
      return undefined;
    }
    case 'Binary': {
      if (e.op === 'and' || e.op === 'or') {
        const l = f(e.left);
        const r = f(e.right);
        const lb = l?.kind === 'bool' ? l.value : undefined;
        const rb = r?.kind === 'bool' ? r.value : undefined;
        if (e.op === 'and') {
          if (lb === false || rb === false) return { kind: 'bool', value: false };
          if (lb === true && rb === true) return { kind: 'bool', value: true };
        } else {
          if (lb === true || rb === true) return { kind: 'bool', value: true };
          if (lb === false && rb === false) return { kind: 'bool', value: false };
        }
        return undefined;
      }
      const l = f(e.left);
      const r = f(e.right);
      if (!l || !r || l.kind !== r.kind) return undefined;
      if (l.kind === 'num' && r.kind === 'num') {
        switch (e.op) {
          case '+':
            return { kind: 'num', value: l.value.plus(r.value) };
          case '-':
            return { kind: 'num', value: l.value.minus(r.value) };
          case '*':
            return { kind: 'num', value: l.value.times(r.value) };
          case '/':
            return r.value.isZero() ? undefined : { kind: 'num', value: l.value.div(r.value) };
        }
        return { kind: 'bool', value: compare(e.op, l.value.cmp(r.value)) };
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
    case 'If': {
      const c = f(e.cond);
      if (c?.kind !== 'bool') return undefined;
      return c.value ? f(e.then) : f(e.otherwise);
    }
    default:
      return undefined;
  }
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

/** Structural equality of two expressions, ignoring spans (for `below T` = first `from T`). */
export function sameExpr(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => k !== 'span');
  const kb = Object.keys(b).filter((k) => k !== 'span');
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameExpr((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
