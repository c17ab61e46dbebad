/**
 * The integer fast path: compiles a numeric expression to a closure that computes it on plain safe
 * integers at a scale fixed at compile time (the value is n × 10^-scale), with no allocation.
 *
 * Exactness is proven, not assumed: every operation checks that its result is a safe integer, and a
 * value the fast path cannot hold exactly (a field with more decimals than its scale, an overflow)
 * makes the closure return NaN — which every later operation propagates — so the caller evaluates
 * that event with the general (decimal) closure instead. Only operations that are exact on
 * integers are compiled: +, −, ×, unary −, floor, ceil, abs, division by a literal one, `if`,
 * `lookup`, min/max, `days between` two dates (the dates from the general path), and event-level lets made of these; anything else (division, `round`, bands, partner-level values) is left to
 * the general path (`compileInt` returns undefined).
 */
import type { IR } from './artifact.js';
import type { Ctx, EventRow } from './compile-ir.js';
import { ceilDiv, Fixed, floorDiv, parseNum } from './num.js';
import { parseDate } from '../core/periods.js';

export interface IntFn {
  /** The value × 10^scale as a safe integer, or NaN when the fast path cannot hold it exactly. */
  fn: (ctx: Ctx) => number;
  scale: number;
}

export interface IntEnv {
  /** The scale a field's values are read at (money: the currency's minor digits; integers: 0), or undefined when not on the fast path. */
  fieldScale(field: string): number | undefined;
  /** A general closure for conditions and lookup keys. */
  general(ir: IR): (ctx: Ctx) => unknown;
  /** An event-level let's value (§12.2), compiled in place on the fast path. */
  eventLet?(name: string): IR | undefined;
}

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_SCALE = 12;
const POW10: number[] = [];
for (let i = 0, p = 1; i <= 15; i++, p *= 10) POW10.push(p);

/** n × 10^k, or NaN if that is not a safe integer. */
function up(n: number, k: number): number {
  if (k === 0) return n;
  const r = n * POW10[k]!;
  return Math.abs(r) <= MAX ? r : NaN;
}

/** Rescales a compiled operand to `scale` (≥ its own). */
function rescale(f: IntFn, scale: number): (ctx: Ctx) => number {
  const k = scale - f.scale;
  const g = f.fn;
  return k === 0 ? g : (ctx) => up(g(ctx), k);
}

function checked(r: number): number {
  return Math.abs(r) <= MAX ? r : NaN;
}

/** `a op b` on the fast path, or undefined when its scale would exceed MAX_SCALE. */
function binary(a: IntFn, op: '+' | '-' | '*', b: IntFn): IntFn | undefined {
  const fa = a.fn;
  const fb = b.fn;
  if (op === '*') {
    const scale = a.scale + b.scale;
    if (scale > MAX_SCALE) return undefined;
    return { scale, fn: (ctx) => checked(fa(ctx) * fb(ctx)) };
  }
  const scale = Math.max(a.scale, b.scale);
  const ra = rescale(a, scale);
  const rb = rescale(b, scale);
  return op === '+' ? { scale, fn: (ctx) => checked(ra(ctx) + rb(ctx)) } : { scale, fn: (ctx) => checked(ra(ctx) - rb(ctx)) };
}

/**
 * A chain of +, − and × (`a + b * c` is not one: `b * c` is an operand), combined from the left in
 * one loop — not as nested closures, which would recurse as deep as the chain is long. The scale
 * of every step, and the powers of ten that bring the operands to it, are fixed here.
 */
function chain(a: IntFn, steps: { op: '+' | '-' | '*'; b: IntFn }[]): IntFn | undefined {
  let scale = a.scale;
  const ups: number[] = []; // the running value's rescale before each step
  const bUps: number[] = []; // the operand's rescale
  for (const st of steps) {
    if (st.op === '*') {
      scale += st.b.scale;
      if (scale > MAX_SCALE) return undefined;
      ups.push(0);
      bUps.push(0);
    } else {
      const next = Math.max(scale, st.b.scale);
      ups.push(next - scale);
      bUps.push(next - st.b.scale);
      scale = next;
    }
  }
  const fa = a.fn;
  const fs = steps.map((st) => st.b.fn);
  const ops = steps.map((st) => st.op);
  return {
    scale,
    fn: (ctx) => {
      let v = fa(ctx);
      for (let i = 0; i < fs.length; i++) {
        const x = up(fs[i]!(ctx), bUps[i]!);
        v = up(v, ups[i]!);
        v = checked(ops[i] === '*' ? v * x : ops[i] === '+' ? v + x : v - x); // NaN stays NaN
      }
      return v;
    },
  };
}

export function compileInt(ir: IR, env: IntEnv): IntFn | undefined {
  const c = (x: IR) => compileInt(x, env);
  switch (ir.k) {
    case 'num':
    case 'money': {
      const v = parseNum(ir.v);
      if (!(v instanceof Fixed) || v.s > MAX_SCALE) return undefined;
      const n = v.n;
      return { fn: () => n, scale: v.s };
    }
    case 'efield': {
      const scale = env.fieldScale(ir.f);
      if (scale === undefined) return undefined;
      const f = ir.f;
      return {
        scale,
        fn: (ctx) => {
          const v = (ctx.ev as EventRow)[f];
          if (v instanceof Fixed) {
            if (v.s === scale) return v.n;
            if (v.s < scale) return up(v.n, scale - v.s);
          }
          return NaN;
        },
      };
    }
    case 'arith': {
      // Only +, −, × and dividing by a literal one (`amount / 1 EUR`), which changes the unit, not the value.
      const a = c(ir.a);
      if (!a) return undefined;
      const steps: { op: '+' | '-' | '*'; b: IntFn }[] = [];
      for (const st of ir.rest) {
        if (st.op === '/') {
          if ((st.b.k === 'num' || st.b.k === 'money') && /^1(\.0*)?$/.test(st.b.v)) continue;
          return undefined;
        }
        const b = c(st.b);
        if (!b) return undefined;
        steps.push({ op: st.op, b });
      }
      if (steps.length === 0) return a;
      if (steps.length === 1) return binary(a, steps[0]!.op, steps[0]!.b);
      return chain(a, steps);
    }
    case 'neg': {
      const a = c(ir.a);
      if (!a) return undefined;
      const fa = a.fn;
      return { scale: a.scale, fn: (ctx) => 0 - fa(ctx) };
    }
    case 'floor':
    case 'ceil':
    case 'abs': {
      const a = c(ir.a);
      if (!a) return undefined;
      const fa = a.fn;
      if (ir.k === 'abs') return { scale: a.scale, fn: (ctx) => Math.abs(fa(ctx)) };
      if (a.scale === 0) return a;
      const p = POW10[a.scale]!;
      const floor = ir.k === 'floor';
      return {
        scale: 0,
        fn: floor ? (ctx) => floorDiv(fa(ctx), p) : (ctx) => ceilDiv(fa(ctx), p),
      };
    }
    case 'if': {
      const a = c(ir.a);
      const b = c(ir.b);
      if (!a || !b) return undefined;
      const scale = Math.max(a.scale, b.scale);
      const cond = env.general(ir.c);
      const fa = rescale(a, scale);
      const fb = rescale(b, scale);
      return { scale, fn: (ctx) => (cond(ctx) ? fa(ctx) : fb(ctx)) };
    }
    case 'lookup': {
      const values = ir.values.map(c);
      const otherwise = ir.otherwise ? c(ir.otherwise) : undefined;
      if (values.some((v) => !v) || (ir.otherwise && !otherwise)) return undefined;
      const all = [...(values as IntFn[]), ...(otherwise ? [otherwise] : [])];
      const scale = Math.max(...all.map((v) => v.scale));
      const table = new Map<unknown, (ctx: Ctx) => number>();
      ir.keys.forEach((k, i) => table.set(k, rescale(values[i]!, scale)));
      const other = otherwise ? rescale(otherwise, scale) : undefined;
      const key = env.general(ir.key);
      return {
        scale,
        fn: (ctx) => {
          const f = table.get(key(ctx)) ?? other;
          return f ? f(ctx) : NaN; // a missing entry is reported by the general path
        },
      };
    }
    case 'elet': {
      // An event-level let is its expression on the event in scope (lets never use themselves).
      const value = env.eventLet?.(ir.name);
      return value ? c(value) : undefined;
    }
    case 'days': {
      // `days between a and b`: the dates come from the general path; their difference is a whole number of days.
      const a = env.general(ir.a);
      const b = env.general(ir.b);
      return {
        scale: 0,
        fn: (ctx) => {
          const x = parseDate(a(ctx) as string);
          const y = parseDate(b(ctx) as string);
          return x === undefined || y === undefined ? NaN : y - x;
        },
      };
    }
    case 'min':
    case 'max': {
      if (ir.t !== 'num') return undefined;
      const args = ir.args.map(c);
      if (args.some((v) => !v)) return undefined;
      const scale = Math.max(...(args as IntFn[]).map((v) => v.scale));
      const fs = (args as IntFn[]).map((v) => rescale(v, scale));
      const pick = ir.k === 'min' ? Math.min : Math.max;
      return { scale, fn: (ctx) => fs.reduce((best, f) => pick(best, f(ctx)), ir.k === 'min' ? Infinity : -Infinity) };
    }
    default:
      return undefined;
  }
}
