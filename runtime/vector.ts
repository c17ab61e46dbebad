/**
 * Expressions over a batch of events held as columns (`data/columns.ts`): each node computes its
 * value for every record of the batch in one loop, into its own typed array — no closure call, no
 * allocation per record. What the column kernel (`fast-pass1.ts`) evaluates.
 *
 * Numbers follow the integer fast path (`compile-int.ts`) exactly: the same operations, the same
 * scale for every node, NaN where that path gives NaN (a value it cannot hold exactly). Conditions
 * have three values: 0 false, 1 true, 2 unknown — where the general closure could throw or see a
 * value the vector cannot hold; a record with an unknown that matters goes the general way.
 *
 * Only what can be proven equal to the general evaluation is compiled: anything else (an unknown
 * expression kind, text compared with anything but a literal, a partner-level value, …) makes
 * `numVec`/`boolVec` return undefined, and the kind is read as rows.
 */
import type { IR } from './artifact.js';
import type { FieldType } from './data/schema.js';
import type { ColumnBatch, ColumnUse } from './data/columns.js';
import { parseDate } from '../core/periods.js';
import { ceilDiv, Fixed, floorDiv, parseNum } from './num.js';
import type { Value } from './compile-ir.js';

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_SCALE = 12;
const POW10: number[] = [];
for (let i = 0, p = 1; i <= 15; i++, p *= 10) POW10.push(p);

/** A number per record (× 10^scale, a safe integer; NaN where it is not known exactly). */
export interface NumVec {
  scale: number;
  out: Float64Array;
  run(b: ColumnBatch): void;
  /** The value, when it is the same for every record (a literal, or made of literals): computed once. */
  value?: number;
  /** The same as a JavaScript expression of record `i` (see `Gen`); undefined where none is written. */
  src(g: Gen): string | undefined;
}

/** A condition per record: 0 false, 1 true, 2 unknown. */
export interface BoolVec {
  out: Uint8Array;
  run(b: ColumnBatch): void;
  /** The same as a JavaScript expression of record `i` (see `Gen`); undefined where none is written. */
  src(g: Gen): string | undefined;
}

/**
 * What a node's `src` writes with, for the kernel generated per program (`kernel-gen.ts`): one
 * loop over the batch's records (`i`), each node's value an expression with the same operations
 * as its `run` loop — so that a record's values are computed in one place, without a loop and an
 * array per node. `MAX` is `Number.MAX_SAFE_INTEGER` there.
 */
export interface Gen {
  /** The name of `v`, a value the generated function is made with (a table, a function). */
  value(v: unknown): string;
  /** The name of an array that `read` gives once per batch, before the loop (a column; it may do a node's per-batch work). */
  column(read: (b: ColumnBatch) => ArrayLike<number>): string;
  /** The name of a new temporary variable (a number). */
  temp(): string;
}

/** A number as a JavaScript literal (NaN, −0 and negative numbers included). */
function numLit(n: number): string {
  return Object.is(n, -0) ? '(-0)' : n < 0 ? `(${n})` : String(n);
}

/** `src` of every node, or undefined when one has none. */
function srcs(g: Gen, vs: readonly { src(g: Gen): string | undefined }[]): string[] | undefined {
  const out: string[] = [];
  for (const v of vs) {
    const x = v.src(g);
    if (x === undefined) return undefined;
    out.push(x);
  }
  return out;
}

/** `r` with `MAX` as `checked` applies it: NaN beyond a safe integer. */
function checkedSrc(g: Gen, r: string): string {
  const t = g.temp();
  return `((${t} = ${r}) <= MAX && ${t} >= -MAX ? ${t} : NaN)`;
}

export interface VecEnv {
  capacity: number;
  /** The event's fields, in the order of the batch's columns. */
  fields: readonly { name: string; type: FieldType }[];
  /** Money's scale: the currency's minor digits. */
  digits: number;
  /** The program's constants (values of program-level lets). */
  constants: Readonly<Record<string, Value>>;
  /** Records that the kernel reads a field in this way. */
  need(field: string, use: ColumnUse): void;
}

function fieldOf(env: VecEnv, name: string): { index: number; type: FieldType } | undefined {
  const index = env.fields.findIndex((f) => f.name === name);
  return index < 0 ? undefined : { index, type: env.fields[index]!.type };
}

/** The scale the fast path reads a field at (money: the minor digits; integers: 0), as `plan.ts` gives `compileInt`. */
function fieldScale(env: VecEnv, name: string): number | undefined {
  const f = fieldOf(env, name);
  return f?.type === 'money' ? env.digits : f?.type === 'integer' ? 0 : undefined;
}

function constNum(env: VecEnv, n: number, scale: number): NumVec {
  const out = new Float64Array(env.capacity);
  out.fill(n);
  return { scale, out, run() {}, value: n, src: () => numLit(n) };
}

/** A safe integer, or NaN. */
function checked(r: number): number {
  return r <= MAX && r >= -MAX ? r : NaN;
}

/** `v` rescaled from `from` to `to` (≥ from) into `out` (NaN where it overflows). */
function rescale(env: VecEnv, v: NumVec, to: number): NumVec {
  const k = to - v.scale;
  if (k === 0) return v;
  if (v.value !== undefined) return constNum(env, checked(v.value * POW10[k]!), to);
  const out = new Float64Array(env.capacity);
  const p = POW10[k]!;
  return {
    scale: to,
    out,
    run(b) {
      v.run(b);
      const x = v.out;
      for (let i = 0; i < b.n; i++) {
        const r = x[i]! * p;
        out[i] = r <= MAX && r >= -MAX ? r : NaN;
      }
    },
    src(g) {
      const x = v.src(g);
      return x === undefined ? undefined : checkedSrc(g, `${x} * ${p}`);
    },
  };
}

/** `a op b` of one step of an arithmetic chain (`b` compiled by `c`), or undefined when the kernel cannot compute it. */
function arith(env: VecEnv, op: '+' | '-' | '*' | '/', a: NumVec, bIR: IR, c: (ir: IR) => NumVec | undefined): NumVec | undefined {
  if (op === '/') {
    if ((bIR.k === 'num' || bIR.k === 'money') && /^1(\.0*)?$/.test(bIR.v)) return a;
    return undefined;
  }
  const b = c(bIR);
  if (!b) return undefined;
  const out = new Float64Array(env.capacity);
  if (op === '*') {
    const scale = a.scale + b.scale;
    if (scale > MAX_SCALE) return undefined;
    if (a.value !== undefined && b.value !== undefined) return constNum(env, checked(a.value * b.value), scale);
    return {
      scale,
      out,
      run(batch) {
        a.run(batch);
        b.run(batch);
        const x = a.out;
        const y = b.out;
        for (let i = 0; i < batch.n; i++) {
          const r = x[i]! * y[i]!;
          out[i] = r <= MAX && r >= -MAX ? r : NaN;
        }
      },
      src(g) {
        const xy = srcs(g, [a, b]);
        return xy && checkedSrc(g, `${xy[0]} * ${xy[1]}`);
      },
    };
  }
  const scale = Math.max(a.scale, b.scale);
  const fa = rescale(env, a, scale);
  const fb = rescale(env, b, scale);
  const plus = op === '+';
  if (fa.value !== undefined && fb.value !== undefined) return constNum(env, checked(plus ? fa.value + fb.value : fa.value - fb.value), scale);
  return {
    scale,
    out,
    run(batch) {
      fa.run(batch);
      fb.run(batch);
      const x = fa.out;
      const y = fb.out;
      for (let i = 0; i < batch.n; i++) {
        const r = plus ? x[i]! + y[i]! : x[i]! - y[i]!;
        out[i] = r <= MAX && r >= -MAX ? r : NaN;
      }
    },
    src(g) {
      const xy = srcs(g, [fa, fb]);
      return xy && checkedSrc(g, `${xy[0]} ${plus ? '+' : '-'} ${xy[1]}`);
    },
  };
}

/** A numeric expression over the batch, as `compileInt` computes it; undefined when it does not compile there. */
export function numVec(ir: IR, env: VecEnv): NumVec | undefined {
  const c = (x: IR) => numVec(x, env);
  switch (ir.k) {
    case 'num':
    case 'money': {
      const v = parseNum(ir.v);
      if (!(v instanceof Fixed) || v.s > MAX_SCALE) return undefined;
      return constNum(env, v.n, v.s);
    }
    case 'efield': {
      const scale = fieldScale(env, ir.f);
      const f = fieldOf(env, ir.f);
      if (scale === undefined || !f) return undefined;
      env.need(ir.f, { as: 'num' });
      const index = f.index;
      const v: NumVec = {
        scale,
        out: new Float64Array(0),
        run(b) {
          v.out = b.nums[index]!;
        },
        src: (g) => `${g.column((b) => b.nums[index]!)}[i]`,
      };
      return v;
    }
    case 'arith': {
      // a chain, left to right: ((a op b) op c) …
      let acc = c(ir.a);
      for (const { op, b } of ir.rest) {
        if (!acc) return undefined;
        acc = arith(env, op, acc, b, c);
      }
      return acc;
    }
    case 'neg': {
      const a = c(ir.a);
      if (!a) return undefined;
      const out = new Float64Array(env.capacity);
      return {
        scale: a.scale,
        out,
        run(b) {
          a.run(b);
          const x = a.out;
          for (let i = 0; i < b.n; i++) out[i] = 0 - x[i]!;
        },
        src(g) {
          const x = a.src(g);
          return x === undefined ? undefined : `(0 - ${x})`;
        },
      };
    }
    case 'floor':
    case 'ceil':
    case 'abs': {
      const a = c(ir.a);
      if (!a) return undefined;
      const out = new Float64Array(env.capacity);
      if (ir.k === 'abs') {
        return {
          scale: a.scale,
          out,
          run(b) {
            a.run(b);
            const x = a.out;
            for (let i = 0; i < b.n; i++) out[i] = Math.abs(x[i]!);
          },
          src(g) {
            const x = a.src(g);
            return x === undefined ? undefined : `Math.abs(${x})`;
          },
        };
      }
      if (a.scale === 0) return a;
      const p = POW10[a.scale]!;
      const floor = ir.k === 'floor';
      return {
        scale: 0,
        out,
        run(b) {
          a.run(b);
          const x = a.out;
          if (floor) for (let i = 0; i < b.n; i++) out[i] = floorDiv(x[i]!, p);
          else for (let i = 0; i < b.n; i++) out[i] = ceilDiv(x[i]!, p);
        },
        src(g) {
          const x = a.src(g);
          return x === undefined ? undefined : `${g.value(floor ? floorDiv : ceilDiv)}(${x}, ${p})`;
        },
      };
    }
    case 'if': {
      const a = c(ir.a);
      const b = c(ir.b);
      const cond = boolVec(ir.c, env);
      if (!a || !b || !cond) return undefined;
      const scale = Math.max(a.scale, b.scale);
      const fa = rescale(env, a, scale);
      const fb = rescale(env, b, scale);
      const out = new Float64Array(env.capacity);
      return {
        scale,
        out,
        run(batch) {
          cond.run(batch);
          fa.run(batch);
          fb.run(batch);
          const k = cond.out;
          const x = fa.out;
          const y = fb.out;
          for (let i = 0; i < batch.n; i++) out[i] = k[i] === 1 ? x[i]! : k[i] === 0 ? y[i]! : NaN;
        },
        src(g) {
          const kxy = srcs(g, [cond, fa, fb]);
          if (!kxy) return undefined;
          const t = g.temp();
          return `((${t} = ${kxy[0]}) === 1 ? ${kxy[1]} : ${t} === 0 ? ${kxy[2]} : NaN)`;
        },
      };
    }
    case 'lookup': {
      const values = ir.values.map(c);
      const otherwise = ir.otherwise ? c(ir.otherwise) : undefined;
      if (values.some((v) => !v) || (ir.otherwise && !otherwise)) return undefined;
      const all = [...(values as NumVec[]), ...(otherwise ? [otherwise] : [])];
      const scale = Math.max(...all.map((v) => v.scale));
      const vs = (values as NumVec[]).map((v) => rescale(env, v, scale));
      const other = otherwise ? rescale(env, otherwise, scale) : undefined;
      const key = keyVec(ir.key, ir.keys, env);
      if (!key) return undefined;
      const out = new Float64Array(env.capacity);
      if (vs.every((v) => v.value !== undefined) && (!other || other.value !== undefined)) {
        // literal entries: a table by the key's entry (−1: none, −2: unknown)
        const table = Float64Array.from(vs, (v) => v.value!);
        const none = other ? other.value! : NaN;
        return {
          scale,
          out,
          run(b) {
            key.run(b);
            const k = key.out;
            for (let i = 0; i < b.n; i++) {
              const e = k[i]!;
              out[i] = e >= 0 ? table[e]! : e === -1 ? none : NaN;
            }
          },
          src(g) {
            const k = key.src(g);
            if (k === undefined) return undefined;
            const t = g.temp();
            return `((${t} = ${k}) >= 0 ? ${g.value(table)}[${t}] : ${t} === -1 ? ${numLit(none)} : NaN)`;
          },
        };
      }
      return {
        scale,
        out,
        run(b) {
          key.run(b);
          for (const v of vs) v.run(b);
          other?.run(b);
          const k = key.out;
          for (let i = 0; i < b.n; i++) {
            const e = k[i]!;
            // −1: no entry (the general path reports it, or takes `otherwise`); −2: unknown
            out[i] = e >= 0 ? vs[e]!.out[i]! : e === -1 && other ? other.out[i]! : NaN;
          }
        },
        src(g) {
          const k = key.src(g);
          const xs = srcs(g, vs);
          const o = other ? other.src(g) : 'NaN';
          if (k === undefined || !xs || o === undefined) return undefined;
          const t = g.temp();
          const entry = xs.reduceRight((rest, x, e) => `${t} === ${e} ? ${x} : ${rest}`, 'NaN');
          return `((${t} = ${k}) >= 0 ? (${entry}) : ${t} === -1 ? ${o} : NaN)`;
        },
      };
    }
    case 'min':
    case 'max': {
      if (ir.t !== 'num') return undefined;
      const args = ir.args.map(c);
      if (args.some((v) => !v)) return undefined;
      const scale = Math.max(...(args as NumVec[]).map((v) => v.scale));
      const fs = (args as NumVec[]).map((v) => rescale(env, v, scale));
      const pick = ir.k === 'min' ? Math.min : Math.max;
      const start = ir.k === 'min' ? Infinity : -Infinity;
      const out = new Float64Array(env.capacity);
      return {
        scale,
        out,
        run(b) {
          for (const f of fs) f.run(b);
          for (let i = 0; i < b.n; i++) {
            let best = start;
            for (const f of fs) best = pick(best, f.out[i]!);
            out[i] = best;
          }
        },
        src(g) {
          const xs = srcs(g, fs);
          const name = ir.k === 'min' ? 'Math.min' : 'Math.max';
          return xs && xs.reduce((best, x) => `${name}(${best}, ${x})`, numLit(start));
        },
      };
    }
    default:
      return undefined;
  }
}

/**
 * For a lookup: the index of the key's entry per record (−1: none; −2: unknown). The key must
 * be an event field holding an enumeration member or a text, or a partner attribute: their values
 * are strings, matched against the lookup's keys as `Map.get` does.
 */
function keyVec(ir: IR, keys: readonly (string | number)[], env: VecEnv): { out: Int32Array; run(b: ColumnBatch): void; src(g: Gen): string } | undefined {
  const strings = keys.map((k) => (typeof k === 'string' ? k : undefined));
  if (new Set(keys).size !== keys.length) return undefined; // (the checker refuses it) a Map would keep the last
  const s = strSource(ir, env, strings.filter((k): k is string => k !== undefined));
  if (!s) return undefined;
  const out = new Int32Array(env.capacity);
  const answers = new Answers();
  const before = (b: ColumnBatch): Int32Array => {
    s.run(b);
    const m = s.match(b);
    answers.for(s.identity(b), (code) => m(code, strings));
    return s.out;
  };
  return {
    out,
    run(b) {
      const x = before(b);
      for (let i = 0; i < b.n; i++) {
        const code = x[i]!;
        if (code === UNKNOWN) out[i] = -2;
        else {
          out[i] = answers.at(code);
        }
      }
    },
    src(g) {
      const t = g.temp();
      return `((${t} = ${g.column(before)}[i]) === ${UNKNOWN} ? -2 : ${g.value(answers)}.at(${t}))`;
    },
  };
}

/**
 * Answers by code (−1 and up: literal codes, members, partner indexes), kept across batches while
 * the codes mean the same (`for(identity)`: the batch's partner table or literal list): a record's
 * answer is a table look-up, made once per distinct code.
 */
export class Answers {
  /** By code + 1: the answer, or −3 when not made yet. */
  table = new Int32Array(64).fill(-3);
  private identity: unknown;
  private make: (code: number) => number = () => -1;

  /** Before a batch: what the codes mean, and how to answer one. */
  for(identity: unknown, make: (code: number) => number): void {
    this.make = make;
    if (identity !== this.identity) {
      this.identity = identity;
      this.table = new Int32Array(64).fill(-3);
    }
  }

  /**
   * The answer for a code (made when first asked). The generated kernel (`kernel-gen.ts`) calls it
   * for each record: it is kept under the bytecode size up to which the command's V8 inlines a
   * function (`cli/entry.ts`, 50 bytes), so that the call is inlined (a read past the table's end
   * is undefined: `get` grows it).
   */
  at(code: number): number {
    const r = this.table[code + 1];
    return r !== undefined && r !== -3 ? r : this.get(code);
  }

  private get(code: number): number {
    const c = code + 1;
    if (c < 0) return this.make(code); // (no code is below −1: not kept)
    let t = this.table;
    if (c >= t.length) {
      let size = t.length;
      while (size <= c) size *= 2;
      const grown = new Int32Array(size).fill(-3);
      grown.set(t);
      this.table = t = grown;
    }
    let r = t[c]!;
    if (r === -3) t[c] = r = this.make(code);
    return r;
  }
}

const UNKNOWN = -2147483648;

/**
 * A string-valued operand (an enumeration or text field, the partner's id, a partner attribute)
 * as codes per record, with `match(b)` telling which of some strings a code is (the index of the
 * first equal one, or −1). Text fields are read as the index of the literal they equal, so only
 * comparisons with the `literals` given here can be answered.
 */
interface StrSource {
  out: Int32Array;
  run(b: ColumnBatch): void;
  match(b: ColumnBatch): (code: number, strings: readonly (string | undefined)[]) => number;
  /** What the codes' meaning depends on (answers by code are kept while it is the same). */
  identity(b: ColumnBatch): unknown;
}

function strSource(ir: IR, env: VecEnv, literals: readonly string[]): StrSource | undefined {
  if (ir.k === 'efield') {
    const f = fieldOf(env, ir.f);
    if (!f) return undefined;
    const index = f.index;
    // a `ref` field (§12.3): its kind is never read on bytes (`KindStream.columnar`); no kernel reads it
    if (typeof f.type === 'object' && 'ref' in f.type) return undefined;
    if (typeof f.type === 'object') {
      const members = f.type.enum;
      env.need(ir.f, { as: 'code' });
      const s: StrSource = {
        out: new Int32Array(0),
        run(b) {
          s.out = b.codes[index]!;
        },
        match: () => (code, strings) => strings.indexOf(members[code]!),
        identity: () => members,
      };
      return s;
    }
    if (f.type !== 'text') return undefined;
    if (ir.f === 'partner') {
      // the partner's index in the batch's partner table
      const s: StrSource = {
        out: new Int32Array(0),
        run(b) {
          s.out = b.partner;
        },
        match: (b) => (code, strings) => strings.indexOf(b.partners.ids[code]),
        identity: (b) => b.partners,
      };
      return s;
    }
    if (ir.f === 'id') return undefined;
    env.need(ir.f, { as: 'literal', literals });
    const s: StrSource = {
      out: new Int32Array(0),
      run(b) {
        s.out = b.codes[index]!;
      },
      // a code is the index of the literal the text equals (−1: none of them), in the batch's list
      match: (b) => {
        const lits = b.literals[index]!;
        return (code, strings) => (code < 0 ? -1 : strings.indexOf(lits[code]));
      },
      identity: (b) => b.literals[index],
    };
    return s;
  }
  if (ir.k === 'pfield') {
    const f = ir.f;
    const s: StrSource = {
      out: new Int32Array(0),
      run(b) {
        s.out = b.partner;
      },
      match: (b) => (code, strings) => {
        const v = f === 'id' ? b.partners.ids[code] : b.partners.attrs[code]?.[f];
        return typeof v === 'string' ? strings.indexOf(v) : -1;
      },
      identity: (b) => b.partners,
    };
    return s;
  }
  return undefined;
}

/** A string literal (or a constant holding one). */
function strLiteral(ir: IR, env: VecEnv): string | undefined {
  if (ir.k === 'str') return ir.v;
  if (ir.k === 'ref' && typeof env.constants[ir.name] === 'string') return env.constants[ir.name] as string;
  return undefined;
}

/** A date field's day numbers, for comparisons with date literals. */
function dayVec(ir: IR, env: VecEnv): { run(b: ColumnBatch): Int32Array } | undefined {
  if (ir.k !== 'efield') return undefined;
  const f = fieldOf(env, ir.f);
  if (f?.type !== 'date') return undefined;
  if (ir.f === 'date') return { run: (b) => b.day };
  env.need(ir.f, { as: 'day' });
  const index = f.index;
  return { run: (b) => b.codes[index]! };
}

/** A date field's day number at record `i` (`dayVec`), in a generated kernel. */
function daySrc(g: Gen, d: { run(b: ColumnBatch): Int32Array }): string {
  return `${g.column(d.run)}[i]`;
}

function dayLiteral(ir: IR, env: VecEnv): number | undefined {
  const s = strLiteral(ir, env);
  return s === undefined ? undefined : parseDate(s);
}

function constBool(env: VecEnv, v: boolean): BoolVec {
  const out = new Uint8Array(env.capacity);
  out.fill(v ? 1 : 0);
  return { out, run() {}, src: () => (v ? '1' : '0') };
}

/** `cmpOut(op)(d)` of the expression `d` (a temporary: it is read more than once), in a generated kernel. */
function cmpSrc(op: string, d: string): string {
  const rel = op === '=' ? '===' : op === '!=' ? '!==' : op === '<' || op === '<=' || op === '>' ? op : '>=';
  return `(${d} ${rel} 0 ? 1 : 0)`;
}

/** Compares per record with an operator; `c(i)` gives the comparison's sign (NaN: unknown). */
function cmpOut(op: string): (sign: number) => number {
  switch (op) {
    case '=':
      return (s) => (s === 0 ? 1 : 0);
    case '!=':
      return (s) => (s !== 0 ? 1 : 0);
    case '<':
      return (s) => (s < 0 ? 1 : 0);
    case '<=':
      return (s) => (s <= 0 ? 1 : 0);
    case '>':
      return (s) => (s > 0 ? 1 : 0);
    default:
      return (s) => (s >= 0 ? 1 : 0);
  }
}

/** A condition over the batch, as the general closure decides it (or unknown); undefined when it does not compile. */
export function boolVec(ir: IR, env: VecEnv): BoolVec | undefined {
  const out = new Uint8Array(env.capacity);
  switch (ir.k) {
    case 'bool':
      return constBool(env, ir.v);
    case 'ref': {
      const v = env.constants[ir.name];
      return typeof v === 'boolean' ? constBool(env, v) : undefined;
    }
    case 'efield': {
      const f = fieldOf(env, ir.f);
      if (f?.type !== 'boolean') return undefined;
      env.need(ir.f, { as: 'code' });
      const index = f.index;
      return {
        out,
        run(b) {
          const x = b.codes[index]!;
          for (let i = 0; i < b.n; i++) out[i] = x[i]!;
        },
        src: (g) => `${g.column((b) => b.codes[index]!)}[i]`,
      };
    }
    case 'and':
    case 'or': {
      const args = ir.args.map((a) => boolVec(a, env));
      if (args.some((a) => !a)) return undefined;
      const vs = args as BoolVec[];
      const and = ir.k === 'and';
      return {
        out,
        run(batch) {
          // left to right, as `((a && b) && c)`: an operand is only evaluated (and can only fail) when the ones before do not decide
          vs[0]!.run(batch);
          const x0 = vs[0]!.out;
          for (let i = 0; i < batch.n; i++) out[i] = x0[i]!;
          for (let q = 1; q < vs.length; q++) {
            vs[q]!.run(batch);
            const y = vs[q]!.out;
            for (let i = 0; i < batch.n; i++) {
              const x = out[i]!;
              out[i] = and ? (x === 1 ? y[i]! : x) : x === 0 ? y[i]! : x;
            }
          }
        },
        src(g) {
          const xs = srcs(g, vs);
          return xs?.reduce((x, y) => {
            const t = g.temp();
            return `((${t} = ${x}) === ${and ? 1 : 0} ? ${y} : ${t})`;
          });
        },
      };
    }
    case 'not': {
      const a = boolVec(ir.a, env);
      if (!a) return undefined;
      return {
        out,
        run(b) {
          a.run(b);
          const x = a.out;
          for (let i = 0; i < b.n; i++) out[i] = x[i] === 2 ? 2 : 1 - x[i]!;
        },
        src(g) {
          const x = a.src(g);
          if (x === undefined) return undefined;
          const t = g.temp();
          return `((${t} = ${x}) === 2 ? 2 : 1 - ${t})`;
        },
      };
    }
    case 'cmp': {
      const sign = cmpOut(ir.op);
      if (ir.t === 'num') {
        const a = numVec(ir.a, env);
        const b = numVec(ir.b, env);
        if (!a || !b) return undefined;
        const scale = Math.max(a.scale, b.scale);
        const fa = rescale(env, a, scale);
        const fb = rescale(env, b, scale);
        return {
          out,
          run(batch) {
            fa.run(batch);
            fb.run(batch);
            const x = fa.out;
            const y = fb.out;
            for (let i = 0; i < batch.n; i++) {
              const d = x[i]! - y[i]!;
              out[i] = d !== d ? 2 : sign(d);
            }
          },
          src(g) {
            const xy = srcs(g, [fa, fb]);
            if (!xy) return undefined;
            const d = g.temp();
            return `((${d} = ${xy[0]} - ${xy[1]}) !== ${d} ? 2 : ${cmpSrc(ir.op, d)})`;
          },
        };
      }
      if (ir.t === 'str') {
        // dates: day numbers against a date literal
        const dayA = dayVec(ir.a, env);
        const dayB = dayVec(ir.b, env);
        if (dayA || dayB) {
          const lit = dayA ? dayLiteral(ir.b, env) : dayLiteral(ir.a, env);
          if (lit === undefined) return undefined;
          const d = (dayA ?? dayB)!;
          const flip = !dayA;
          return {
            out,
            run(b) {
              const x = d.run(b);
              for (let i = 0; i < b.n; i++) out[i] = sign(flip ? lit - x[i]! : x[i]! - lit);
            },
            src(g) {
              const x = daySrc(g, d);
              const t = g.temp();
              return `((${t} = ${flip ? `${lit} - ${x}` : `${x} - ${lit}`}), ${cmpSrc(ir.op, t)})`;
            },
          };
        }
        if (ir.op !== '=' && ir.op !== '!=') return undefined;
        return strIn(ir.a, ir.b, [ir.b], ir.op === '!=', env) ?? strIn(ir.b, ir.a, [ir.a], ir.op === '!=', env);
      }
      if (ir.t === 'bool' && (ir.op === '=' || ir.op === '!=')) {
        const field = boolVec(ir.a.k === 'efield' ? ir.a : ir.b, env);
        const other = ir.a.k === 'efield' ? ir.b : ir.a;
        const lit = other.k === 'bool' ? other.v : other.k === 'ref' && typeof env.constants[other.name] === 'boolean' ? (env.constants[other.name] as boolean) : undefined;
        if (!field || lit === undefined || (ir.a.k !== 'efield' && ir.b.k !== 'efield')) return undefined;
        const want = (lit ? 1 : 0) ^ (ir.op === '!=' ? 1 : 0);
        return {
          out,
          run(b) {
            field.run(b);
            const x = field.out;
            for (let i = 0; i < b.n; i++) out[i] = x[i] === 2 ? 2 : x[i] === want ? 1 : 0;
          },
          src(g) {
            const x = field.src(g);
            if (x === undefined) return undefined;
            const t = g.temp();
            return `((${t} = ${x}) === 2 ? 2 : ${t} === ${want} ? 1 : 0)`;
          },
        };
      }
      return undefined;
    }
    case 'range': {
      if (ir.t === 'num') {
        const x = numVec(ir.x, env);
        const lo = numVec(ir.lo, env);
        const hi = numVec(ir.hi, env);
        if (!x || !lo || !hi) return undefined;
        const scale = Math.max(x.scale, lo.scale, hi.scale);
        const fx = rescale(env, x, scale);
        const fl = rescale(env, lo, scale);
        const fh = rescale(env, hi, scale);
        return {
          out,
          run(b) {
            fx.run(b);
            fl.run(b);
            fh.run(b);
            for (let i = 0; i < b.n; i++) {
              const v = fx.out[i]!;
              const l = fl.out[i]!;
              const h = fh.out[i]!;
              // `x >= lo && x <= hi`, evaluated in that order
              if (v !== v || l !== l) out[i] = 2;
              else if (v < l) out[i] = 0;
              else out[i] = h !== h ? 2 : v <= h ? 1 : 0;
            }
          },
          src(g) {
            const xlh = srcs(g, [fx, fl, fh]);
            if (!xlh) return undefined;
            const [v, l, h] = [g.temp(), g.temp(), g.temp()];
            return `((${v} = ${xlh[0]}), (${l} = ${xlh[1]}), ${v} !== ${v} || ${l} !== ${l} ? 2 : ${v} < ${l} ? 0 : (${h} = ${xlh[2]}) !== ${h} ? 2 : ${v} <= ${h} ? 1 : 0)`;
          },
        };
      }
      if (ir.t !== 'str') return undefined;
      const d = dayVec(ir.x, env);
      const lo = dayLiteral(ir.lo, env);
      const hi = dayLiteral(ir.hi, env);
      if (!d || lo === undefined || hi === undefined) return undefined;
      return {
        out,
        run(b) {
          const x = d.run(b);
          for (let i = 0; i < b.n; i++) out[i] = x[i]! >= lo && x[i]! <= hi ? 1 : 0;
        },
        src(g) {
          const t = g.temp();
          return `((${t} = ${daySrc(g, d)}) >= ${lo} && ${t} <= ${hi} ? 1 : 0)`;
        },
      };
    }
    case 'set': {
      if (ir.t === 'str') {
        const d = dayVec(ir.x, env);
        if (d) {
          const days = ir.items.map((it) => dayLiteral(it, env));
          if (days.some((x) => x === undefined)) return undefined;
          return {
            out,
            run(b) {
              const x = d.run(b);
              for (let i = 0; i < b.n; i++) out[i] = days.includes(x[i]!) ? 1 : 0;
            },
            src(g) {
              const t = g.temp();
              return `((${t} = ${daySrc(g, d)}), ${days.length ? days.map((x) => `${t} === ${x}`).join(' || ') : 'false'} ? 1 : 0)`;
            },
          };
        }
        return strIn(ir.x, undefined, ir.items, false, env);
      }
      if (ir.t === 'num') {
        const x = numVec(ir.x, env);
        const items = ir.items.map((it) => numVec(it, env));
        if (!x || items.some((v) => !v)) return undefined;
        const scale = Math.max(x.scale, ...(items as NumVec[]).map((v) => v.scale));
        const fx = rescale(env, x, scale);
        const fs = (items as NumVec[]).map((v) => rescale(env, v, scale));
        return {
          out,
          run(b) {
            fx.run(b);
            for (const f of fs) f.run(b);
            for (let i = 0; i < b.n; i++) {
              const v = fx.out[i]!;
              // `items.some(it => x = it)`: the first equal item decides; an unknown before it makes the answer unknown
              let r = v !== v ? 2 : 0;
              for (let k = 0; r === 0 && k < fs.length; k++) {
                const w = fs[k]!.out[i]!;
                r = w !== w ? 2 : w === v ? 1 : 0;
              }
              out[i] = r;
            }
          },
          src(g) {
            const x = fx.src(g);
            const ws = srcs(g, fs);
            if (x === undefined || !ws) return undefined;
            const [v, w] = [g.temp(), g.temp()];
            return `((${v} = ${x}) !== ${v} ? 2 : ${ws.reduceRight((rest, y) => `(${w} = ${y}) !== ${w} ? 2 : ${w} === ${v} ? 1 : ${rest}`, '0')})`;
          },
        };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** `x = lit` / `x != lit` (`negate`), or `x in [lits]`: x a string source, the literals strings (or constants holding them). */
function strIn(x: IR, _other: IR | undefined, items: readonly IR[], negate: boolean, env: VecEnv): BoolVec | undefined {
  const lits = items.map((it) => strLiteral(it, env));
  if (lits.some((l) => l === undefined)) return undefined;
  const strings = lits as string[];
  const s = strSource(x, env, strings);
  if (!s) return undefined;
  const out = new Uint8Array(env.capacity);
  const answers = new Answers();
  const before = (b: ColumnBatch): Int32Array => {
    s.run(b);
    const m = s.match(b);
    answers.for(s.identity(b), (code) => (m(code, strings) >= 0 ? 1 : 0) ^ (negate ? 1 : 0));
    return s.out;
  };
  return {
    out,
    run(b) {
      const codes = before(b);
      for (let i = 0; i < b.n; i++) {
        const code = codes[i]!;
        out[i] = answers.at(code);
      }
    },
    src: (g) => `${g.value(answers)}.at(${g.column(before)}[i])`,
  };
}
