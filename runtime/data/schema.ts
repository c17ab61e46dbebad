/** Record schemas: the fields a data file must have (declared and implicit), and their compiled form — one converter per field, and a record's conversion. */
import { currencyDigits } from '../../core/money.js';
import type { Value as EvalValue } from '../compile-ir.js';
import { converterFor, Failure, type Converter } from './convert.js';

export type FieldType = 'text' | 'integer' | 'decimal' | 'money' | 'date' | 'boolean' | { enum: readonly string[] };

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** The declared range (`in A..B`, inclusive): plain decimals, or dates. A value outside it is rejected (D0220). */
  range?: { readonly min: string; readonly max: string };
}

export interface RecordSchema {
  /** The base name of the data file: `partners` for partners, the event's name (`sale`) for events. */
  file: string;
  kind: 'partner' | 'event';
  /** The declared fields, without the implicit ones (`id`; for events also `partner` and `date`). */
  fields: readonly FieldSpec[];
  /** The program's currency: money values may be followed by this code and no other. */
  currency: string;
}

/**
 * A typed value, as the evaluator reads it: text, dates and enumeration members are strings;
 * money, decimals and integers `Num` (exact, from `num.ts`); booleans.
 */
export type Value = EvalValue;

/**
 * A valid record, as the evaluator reads it: every field by name, the implicit ones included. For
 * events this is the evaluator's `EventRow` (`id`, `partner`, `date` and the declared fields); for
 * partners `id` and the declared fields. Where a valid record was read (file, line) is not kept
 * with it: only rejected records need their place.
 */
export type Row = Record<string, Value>;

const IMPLICIT: Record<'partner' | 'event', FieldSpec[]> = {
  partner: [{ name: 'id', type: 'text' }],
  event: [
    { name: 'id', type: 'text' },
    { name: 'partner', type: 'text' },
    { name: 'date', type: 'date' },
  ],
};

export interface CompiledSchema {
  schema: RecordSchema;
  /** Implicit fields first, then the declared ones. */
  fields: FieldSpec[];
  names: string[];
  converters: Converter[];
  /**
   * A record (an object of raw strings or JSON values, by field name) → its typed row, every field
   * converted, or undefined when any field fails (the converters then say why, field by field).
   * Unknown keys are not copied. No zod here: it would be loaded by every command that reads data.
   */
  parse(record: Record<string, unknown>): Row | undefined;
}

const compiled = new WeakMap<RecordSchema, CompiledSchema>();

/** Checks a schema description (an internal error if the compiler produced a bad one) and compiles it, once. */
export function compileSchema(schema: RecordSchema): CompiledSchema {
  const hit = compiled.get(schema);
  if (hit) return hit;
  if (currencyDigits(schema.currency) === undefined) throw new Error(`internal: unknown currency ${schema.currency}`);
  const fields = [...IMPLICIT[schema.kind], ...schema.fields];
  const names = fields.map((f) => f.name);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`internal: field "${n}" is declared twice in ${schema.file} (or is implicit)`);
    seen.add(n);
  }
  for (const f of schema.fields) if (typeof f.type === 'object' && f.type.enum.length === 0) throw new Error(`internal: empty enumeration for ${f.name}`);
  const converters = fields.map((f) => converterFor(f.type, schema.currency, f.range));
  const values: Value[] = fields.map(() => '');
  const make = rowMaker(names);
  const parse = (record: Record<string, unknown>): Row | undefined => {
    for (let i = 0; i < converters.length; i++) {
      const v = converters[i](record[names[i]]);
      if (v instanceof Failure) return undefined;
      values[i] = v;
    }
    return make(values);
  };
  const c: CompiledSchema = { schema, fields, names, converters, parse };
  compiled.set(schema, c);
  return c;
}

/**
 * A function building a row object from values in field order. Where the platform allows it, a
 * generated object literal (all fields in-object, one allocation, the same hidden class for every
 * record; the names are JSON-quoted, nothing else is generated); else a loop.
 */
export function rowMaker(names: readonly string[]): (values: Value[]) => Row {
  try {
    const body = `return {${names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ')}};`;
    return new Function('v', body) as (values: Value[]) => Row;
  } catch {
    return (values) => {
      const o: Row = {};
      for (let i = 0; i < names.length; i++) o[names[i]] = values[i];
      return o;
    };
  }
}
