/**
 * Incent expressions as SQL, for pass 1 in a database: a measure's condition and value over one
 * event, exactly. Numbers are DECIMALs whose digits are tracked here (at most 38, the widest exact
 * decimal every dialect has), never DOUBLE; only operations exact on decimals are written (+, −, ×,
 * unary −, abs, floor, ceil, min, max, `if`, a `lookup` that covers every member of an
 * enumeration, dividing by a literal 1); anything else — division, `round`, bands, a partner's
 * attribute, a partner-level value — is refused with the reason, and the event kind is then read by
 * the streaming runtime.
 *
 * Every column is read as text (`src` in `sql.ts`): a number field is cast to DECIMAL(18, 6) or
 * DECIMAL(18, 0), which the validation query has proven to hold every value of the table exactly.
 */
import type { Artifact, IR } from '../artifact.js';
import type { Value } from '../compile-ir.js';
import { Dec } from '../../core/decimal.js';
import * as N from '../num.js';
import type { Dialect } from './dialects.js';

/** Digits of a money or decimal field as the database reads it: up to 12 before the point, 6 after (18 in all: a DECIMAL(18, 6) is a 64-bit integer to DuckDB, whose 128-bit decimals are ten times slower). */
export const FIELD_INT = 12;
export const FIELD_SCALE = 6;
/** An integer field: at most 15 digits (every integer Incent reads is below 2^53). */
export const INT_DIGITS = 15;

/** An exact decimal expression: at most `p` digits, `s` of them after the point. */
export interface NumSql {
  sql: string;
  p: number;
  s: number;
}

export class NotPushable extends Error {}

export interface ExprEnv {
  artifact: Artifact;
  /** The event kind in scope, its fields' types by name (the implicit `id`, `partner`, `date` too). */
  kind: string;
  fields: ReadonlyMap<string, string>;
  constants: Record<string, Value>;
  d: Dialect;
}

/** The SQL type of an event field, as `fieldTypes` names them. */
export function fieldTypes(a: Artifact, kind: string): Map<string, string> {
  const ev = a.events.find((e) => e.name === kind);
  const out = new Map<string, string>([
    ['id', 'text'],
    ['partner', 'text'],
    ['date', 'date'],
  ]);
  for (const f of ev?.fields ?? []) out.set(f.name, typeof f.type === 'string' ? f.type : 'enum' in f.type ? 'enum' : 'ref');
  return out;
}

function literal(env: ExprEnv, text: string): NumSql {
  const t = text.replace(/^-/, '');
  const [i = '', f = ''] = t.split('.');
  const intDigits = Math.max(1, i.replace(/^0+/, '').length);
  const s = f.length;
  // An integer literal is an INTEGER to some databases: as a decimal, 10 digits.
  const p = s === 0 ? Math.max(10, intDigits) : intDigits + s;
  if (p > 38) throw new NotPushable(`the number ${text} has more than 38 digits`);
  return { sql: env.d.name === 'bigquery' ? `BIGNUMERIC '${text}'` : text.startsWith('-') ? `(${text})` : text, p, s };
}

function checkDigits(x: NumSql, what: string): NumSql {
  if (x.p > 38) throw new NotPushable(`${what} could need more than 38 digits, the most an exact SQL decimal holds`);
  return x;
}

/** A numeric expression over the event in scope, exact. */
export function numSql(ir: IR, env: ExprEnv, seen = new Set<string>()): NumSql {
  const n = (x: IR) => numSql(x, env, seen);
  switch (ir.k) {
    case 'num':
    case 'money':
      return literal(env, ir.v);
    case 'efield': {
      const t = env.fields.get(ir.f);
      const col = env.d.id(ir.f);
      if (t === 'money' || t === 'decimal') return { sql: `CAST(${col} AS ${env.d.decimal(FIELD_INT + FIELD_SCALE, FIELD_SCALE)})`, p: FIELD_INT + FIELD_SCALE, s: FIELD_SCALE };
      if (t === 'integer') return { sql: `CAST(${col} AS ${env.d.decimal(18, 0)})`, p: 18, s: 0 };
      throw new NotPushable(`the field ${ir.f} is not a number`);
    }
    case 'ref': {
      const v = env.constants[ir.name];
      if (v instanceof N.Fixed || v instanceof Dec) return literal(env, N.toText(v));
      throw new NotPushable(`it reads ${ir.name}, a partner-level value`);
    }
    case 'arith': {
      let acc = n(ir.a);
      for (const st of ir.rest) {
        if (st.op === '/') {
          if ((st.b.k === 'num' || st.b.k === 'money') && /^1(\.0*)?$/.test(st.b.v)) continue; // `amount / 1 EUR`: the unit changes, not the value
          throw new NotPushable('it divides (a quotient is not always an exact decimal)');
        }
        const b = n(st.b);
        if (st.op === '*') acc = checkDigits({ sql: `${acc.sql} * ${b.sql}`, p: acc.p + b.p, s: acc.s + b.s }, 'a product');
        else {
          const s = Math.max(acc.s, b.s);
          acc = checkDigits({ sql: `${acc.sql} ${st.op} ${b.sql}`, p: Math.max(acc.p - acc.s, b.p - b.s) + s + 1, s }, 'a sum');
        }
      }
      return { ...acc, sql: `(${acc.sql})` };
    }
    case 'neg': {
      const a = n(ir.a);
      return { ...a, sql: `(-${a.sql})` };
    }
    case 'abs': {
      const a = n(ir.a);
      return { ...a, sql: `ABS(${a.sql})` };
    }
    case 'floor':
    case 'ceil': {
      const a = n(ir.a);
      return checkDigits({ sql: `${ir.k === 'floor' ? 'FLOOR' : 'CEIL'}(${a.sql})`, p: a.p - a.s + 1, s: 0 }, 'a rounded value');
    }
    case 'min':
    case 'max': {
      if (ir.t !== 'num') throw new NotPushable(`${ir.k} of values that are not numbers`);
      const args = ir.args.map(n);
      const s = Math.max(...args.map((x) => x.s));
      const p = Math.max(...args.map((x) => x.p - x.s)) + s;
      return checkDigits({ sql: `${ir.k === 'min' ? 'LEAST' : 'GREATEST'}(${args.map((x) => x.sql).join(', ')})`, p, s }, ir.k);
    }
    case 'if': {
      const c = boolSql(ir.c, env, seen);
      const a = n(ir.a);
      const b = n(ir.b);
      const s = Math.max(a.s, b.s);
      return checkDigits({ sql: `CASE WHEN ${c} THEN ${a.sql} ELSE ${b.sql} END`, p: Math.max(a.p - a.s, b.p - b.s) + s, s }, 'an if');
    }
    case 'lookup': {
      if (ir.t !== 'str') throw new NotPushable('a lookup by tier level');
      const total = ir.otherwise !== undefined || enumCovered(ir.key, ir.keys, env);
      if (!total) throw new NotPushable('a lookup without `else` whose key is not an enumeration it covers (a missing entry is an error only the runtime reports)');
      const key = strSql(ir.key, env, seen);
      const values = ir.values.map(n);
      const other = ir.otherwise ? n(ir.otherwise) : undefined;
      const all = [...values, ...(other ? [other] : [])];
      const s = Math.max(...all.map((x) => x.s));
      const p = Math.max(...all.map((x) => x.p - x.s)) + s;
      const whens = ir.keys.map((k, i) => `WHEN ${env.d.str(String(k))} THEN ${values[i]!.sql}`).join(' ');
      return checkDigits({ sql: `CASE ${key} ${whens}${other ? ` ELSE ${other.sql}` : ''} END`, p, s }, 'a lookup');
    }
    case 'elet':
      return numSql(eventLet(ir.name, env, seen), env, new Set([...seen, ir.name]));
    default:
      throw new NotPushable(reasonOf(ir));
  }
}

/** Whether a lookup's key is an enumeration field whose every member is a key. */
function enumCovered(key: IR, keys: readonly (string | number)[], env: ExprEnv): boolean {
  if (key.k !== 'efield') return false;
  const f = env.artifact.events.find((e) => e.name === env.kind)?.fields.find((x) => x.name === key.f);
  if (!f || typeof f.type !== 'object' || !('enum' in f.type)) return false;
  const ks = new Set(keys.map(String));
  return f.type.enum.every((m) => ks.has(m));
}

function eventLet(name: string, env: ExprEnv, seen: Set<string>): IR {
  if (seen.has(name)) throw new NotPushable(`the event-level let ${name} refers to itself`);
  const l = env.artifact.eventLets.find((x) => x.name === name && x.event === env.kind) ?? env.artifact.eventLets.find((x) => x.name === name);
  if (!l) throw new NotPushable(`the event-level let ${name} is unknown`);
  return l.value;
}

/** A text (or date, as ISO text) expression over the event in scope. */
export function strSql(ir: IR, env: ExprEnv, seen = new Set<string>()): string {
  switch (ir.k) {
    case 'str':
      return env.d.str(ir.v);
    case 'efield': {
      const t = env.fields.get(ir.f);
      if (t === 'text' || t === 'enum' || t === 'date' || t === 'ref') return env.d.id(ir.f);
      throw new NotPushable(`the field ${ir.f} is not text`);
    }
    case 'ref': {
      const v = env.constants[ir.name];
      if (typeof v === 'string') return env.d.str(v);
      throw new NotPushable(`it reads ${ir.name}, a partner-level value`);
    }
    case 'elet':
      return strSql(eventLet(ir.name, env, seen), env, new Set([...seen, ir.name]));
    default:
      throw new NotPushable(reasonOf(ir));
  }
}

/** Whether a text expression is a date (ISO text orders as dates do, in every collation). */
function isDate(ir: IR, env: ExprEnv): boolean {
  if (ir.k === 'efield') return env.fields.get(ir.f) === 'date';
  if (ir.k === 'str') return /^\d{4}-\d{2}-\d{2}$/.test(ir.v);
  return false;
}

const OPS: Record<string, string> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** A condition over the event in scope. */
export function boolSql(ir: IR, env: ExprEnv, seen = new Set<string>()): string {
  const b = (x: IR) => boolSql(x, env, seen);
  switch (ir.k) {
    case 'bool':
      return ir.v ? 'TRUE' : 'FALSE';
    case 'efield':
      if (env.fields.get(ir.f) === 'boolean') return `(${env.d.id(ir.f)} = 'true')`;
      throw new NotPushable(`the field ${ir.f} is not a boolean`);
    case 'ref': {
      const v = env.constants[ir.name];
      if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
      throw new NotPushable(`it reads ${ir.name}, a partner-level value`);
    }
    case 'and':
    case 'or':
      return `(${ir.args.map(b).join(ir.k === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${b(ir.a)})`;
    case 'cmp': {
      const op = OPS[ir.op]!;
      if (ir.t === 'num') return `(${numSql(ir.a, env, seen).sql} ${op} ${numSql(ir.b, env, seen).sql})`;
      if (ir.t === 'bool') return `(${b(ir.a)} ${op} ${b(ir.b)})`;
      if (ir.t === 'str') {
        if (op !== '=' && op !== '<>' && !(isDate(ir.a, env) && isDate(ir.b, env))) throw new NotPushable('it orders text (databases order text by their own collation)');
        return `(${strSql(ir.a, env, seen)} ${op} ${strSql(ir.b, env, seen)})`;
      }
      throw new NotPushable('it compares tier levels');
    }
    case 'set': {
      if (ir.t === 'num') return `(${numSql(ir.x, env, seen).sql} IN (${ir.items.map((x) => numSql(x, env, seen).sql).join(', ')}))`;
      if (ir.t === 'str') return `(${strSql(ir.x, env, seen)} IN (${ir.items.map((x) => strSql(x, env, seen)).join(', ')}))`;
      throw new NotPushable('a set of tier levels or booleans');
    }
    case 'range': {
      if (ir.t === 'num') return `(${numSql(ir.x, env, seen).sql} BETWEEN ${numSql(ir.lo, env, seen).sql} AND ${numSql(ir.hi, env, seen).sql})`;
      if (ir.t === 'str' && isDate(ir.x, env) && isDate(ir.lo, env) && isDate(ir.hi, env)) return `(${strSql(ir.x, env, seen)} BETWEEN ${strSql(ir.lo, env, seen)} AND ${strSql(ir.hi, env, seen)})`;
      throw new NotPushable('a range of values that are neither numbers nor dates');
    }
    case 'elet':
      return boolSql(eventLet(ir.name, env, seen), env, new Set([...seen, ir.name]));
    default:
      throw new NotPushable(reasonOf(ir));
  }
}

/** Why an expression cannot be written in SQL, said of its kind. */
function reasonOf(ir: IR): string {
  switch (ir.k) {
    case 'pfield':
      return `it reads the partner's attribute ${ir.f}`;
    case 'round':
      return 'it rounds (rounding stays in the runtime: databases round through DOUBLE or by their own rule)';
    case 'bands':
    case 'interp':
      return 'it uses bands';
    case 'days':
    case 'dateadd':
      return 'it computes with dates';
    case 'deref':
      return `it reads a ${ir.kind} record through a ref field`;
    case 'prev':
    case 'at':
    case 'running':
    case 'period':
      return 'it reads a value known only per period';
    default:
      return `\`${ir.src ?? ir.k}\` has no exact SQL form here`;
  }
}
