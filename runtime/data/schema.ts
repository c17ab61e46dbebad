/** Record schemas: the fields a data file must have (declared and implicit), and their compiled form — one converter per field, and a record's conversion. */
import { currencyDigits } from '../../core/money.js';
import type { Value as EvalValue } from '../compile-ir.js';
import { converterFor, Failure, type Converter } from './convert.js';
import { moneyAnyConverter } from './exchange.js';

/** `{ ref: KIND }` (§12.3): text, the id of a record of another event kind (checked against that kind's ids by the whole-set checks). */
export type FieldType = 'text' | 'integer' | 'decimal' | 'money' | 'date' | 'boolean' | { enum: readonly string[] } | { ref: string };

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** The CSV column or JSON key the field is read from, when it is not the field's name (`from "Net Amount (€)"`). */
  column?: string;
  /** What an empty cell, a missing key or `null` stands for, written as a test value is (`"0"`, `""`, `true`); without one, empty is an error. */
  default?: string | boolean;
  /** The declared range (`in A..B`, inclusive): plain decimals, or dates. A value outside it is rejected (D0220). */
  range?: { readonly min: string; readonly max: string };
  /** `money any` (§13.4): amounts in any currency, converted at the rate of the record's date; `by`: the text field that holds the code. */
  anyCurrency?: { readonly by?: string };
}

export interface RecordSchema {
  /** The base name of the data file: `partners` for partners, the event's name (`sale`) for events. */
  file: string;
  /** `rates`: the exchange rates of §13.4 (`rates.csv`), with no implicit fields. */
  kind: 'partner' | 'event' | 'rates';
  /** The declared fields, without the implicit ones (`id`; for events also `partner` and `date`). */
  fields: readonly FieldSpec[];
  /** The columns of implicit fields read from another column (`id: text from "Invoice"`), by field name. */
  implicitColumns?: Readonly<Record<string, string>>;
  /** The program's currency: money values may be followed by this code and no other. */
  currency: string;
  /** Of the rates schema: how often `rates.csv` gives a rate (§13.4). */
  exchangeRates?: 'monthly' | 'daily';
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

const IMPLICIT: Record<'partner' | 'event' | 'rates', FieldSpec[]> = {
  rates: [],
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
  /** The fields' names, as rows have them. */
  names: string[];
  /** The CSV column or JSON key of each field (its name unless mapped). */
  columns: string[];
  /** Whether a column differs from its field's name (JSON objects are then read by column). */
  mapped: boolean;
  /** Per field: its default's typed value, or NO_DEFAULT. */
  defaults: (Value | typeof NO_DEFAULT)[];
  /** Converters of present values; an absent or empty one takes the field's default (or fails). */
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
  const implicit = IMPLICIT[schema.kind].map((f) => {
    const column = schema.implicitColumns?.[f.name];
    return column !== undefined && column !== f.name ? { ...f, column } : f;
  });
  const fields = [...implicit, ...schema.fields];
  const names = fields.map((f) => f.name);
  const columns = fields.map((f) => f.column ?? f.name);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`internal: field "${n}" is declared twice in ${schema.file} (or is implicit)`);
    seen.add(n);
  }
  if (new Set(columns).size !== columns.length) throw new Error(`internal: two fields of ${schema.file} read one column`);
  for (const f of schema.fields) if (typeof f.type === 'object' && 'enum' in f.type && f.type.enum.length === 0) throw new Error(`internal: empty enumeration for ${f.name}`);
  const defaults = fields.map((f) => defaultValue(f, schema.currency));
  // An absent value takes the default (not range-checked here: the checker keeps a default inside its range, E0453).
  const converters = fields.map((f, i) => withDefault(f.anyCurrency ? moneyAnyConverter(schema.currency, f.anyCurrency.by) : converterFor(f.type, schema.currency, f.range), defaults[i]!));
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
  const c: CompiledSchema = {
    schema,
    fields,
    names,
    columns,
    mapped: columns.some((col, i) => col !== names[i]),
    defaults,
    converters,
    parse,
  };
  compiled.set(schema, c);
  return c;
}

/** A field without a default. */
export const NO_DEFAULT: unique symbol = Symbol('no default');

/** A field's default as a typed value: text as written (`""` included), anything else converted like a cell. */
function defaultValue(f: FieldSpec, currency: string): Value | typeof NO_DEFAULT {
  if (f.default === undefined) return NO_DEFAULT;
  if (f.type === 'text' && typeof f.default === 'string') return f.default;
  const v = converterFor(f.type, currency)(f.default);
  if (v instanceof Failure) throw new Error(`internal: the default of ${f.name} is not valid: ${v.message}`);
  return v;
}

/** Whether a raw value is absent: a missing key or column, JSON `null`, or an empty cell. */
export function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** A converter that gives an absent value the default (§12.1); without a default, the converter says it is missing or empty. */
function withDefault(convert: Converter, d: Value | typeof NO_DEFAULT): Converter {
  if (d === NO_DEFAULT) return convert;
  return (v) => (isAbsent(v) ? d : convert(v));
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
