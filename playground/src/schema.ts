/** What the data panel and the sample generator need to know of a program: its record declarations. Pure. */
import type { CheckedProgram, FieldInfo } from '../../compiler/checked.js';
import type { Const } from '../../compiler/consts.js';
import { formatDecimal } from '../../core/decimal.js';
import { walkExpr, type Expr } from '../../language/syntax.js';

/** `{ ref: KIND }`: the id of a record of another event kind (§12.3). */
export type FieldKind = 'text' | 'integer' | 'decimal' | 'money' | 'date' | 'boolean' | { enum: string[] } | { ref: string };

export interface FieldSchema {
  /** The column as the data file has it: the field's name, or the header it is read from (`from "Net Amount (€)"`). */
  name: string;
  /** The field's name in the program. */
  field: string;
  type: FieldKind;
  /** The field has a default: an empty cell is allowed (and takes it). */
  optional?: true;
  /** The declared range (`in A..B`): plain decimals or dates, as the artifact keeps them. */
  range?: { min: string; max: string };
  /** `money any` (§13.4): amounts in any currency; `by`: the column (field) that holds each record's code. */
  any?: { by?: string };
}

export interface TableSchema {
  /** The data file's base name: `partners`, the event kind, or `rates` (§13.4). */
  file: string;
  kind: 'partner' | 'event' | 'rates';
  /** Every column a data file has, the implicit ones first (`id`; events: `id`, `partner`, `date`). */
  fields: FieldSchema[];
}

export interface ProgramSchema {
  tables: TableSchema[];
  currency: string;
  period: 'month' | 'quarter' | 'half' | 'year';
  start: string;
  end?: string;
  /** `exchange rates monthly|daily` (§13.4): the data has a `rates` table. */
  exchangeRates?: 'monthly' | 'daily';
  /**
   * Values a rule or measure compares a text field with (`sku = "NW-RTR-9"`), by `file.field`,
   * and money amounts the program mentions (thresholds), for plausible sample data.
   */
  textHints: Record<string, string[]>;
  moneyHints: string[];
}

function fieldKind(t: import('../../language/syntax.js').TypeRef | undefined, fallback: FieldKind): FieldKind {
  if (!t) return fallback;
  if (t.kind === 'EnumType') return { enum: t.members.map((m) => m.value) };
  if (t.kind === 'RefType') return { ref: t.event.name };
  if (t.kind === 'MoneyAnyType') return 'money';
  const n = t.name.name;
  return n === 'text' || n === 'integer' || n === 'decimal' || n === 'money' || n === 'date' || n === 'boolean' ? n : 'text';
}

function boundText(x: Const): string {
  return x.kind === 'num' ? formatDecimal(x.value) : String(x.value);
}

/** A field as a column of its data file: implicit fields keep their own type; declared ones their declared type, default and range. */
function column(f: FieldInfo): FieldSchema {
  const type: FieldKind = f.implicit ? (f.name === 'date' ? 'date' : 'text') : fieldKind(f.decl?.type, 'text');
  return {
    name: f.column,
    field: f.name,
    type,
    ...(f.default && !f.implicit ? { optional: true as const } : {}),
    ...(f.range && !f.implicit ? { range: { min: boundText(f.range.min), max: boundText(f.range.max) } } : {}),
    ...(f.anyCurrency && !f.implicit ? { any: f.anyCurrency.by === undefined ? {} : { by: f.anyCurrency.by } } : {}),
  };
}

/** The table of `rates.csv` (§13.4): `month` (monthly) or `date` (daily), `currency`, `rate`. */
export function ratesTable(every: 'monthly' | 'daily'): TableSchema {
  return {
    file: 'rates',
    kind: 'rates',
    fields: [every === 'monthly' ? { name: 'month', field: 'month', type: 'text' } : { name: 'date', field: 'date', type: 'date' }, { name: 'currency', field: 'currency', type: 'text' }, { name: 'rate', field: 'rate', type: 'decimal' }],
  };
}

export function programSchema(c: CheckedProgram): ProgramSchema {
  const tables: TableSchema[] = [];
  // Implicit fields first (`id`; events: `id`, `partner`, `date`), as the checker lists them.
  if (c.partner.declared) tables.push({ file: 'partners', kind: 'partner', fields: [...c.partner.fields.values()].map(column) });
  for (const ev of c.events.values()) tables.push({ file: ev.name, kind: 'event', fields: [...ev.fields.values()].map(column) });
  if (c.header.exchangeRates) tables.push(ratesTable(c.header.exchangeRates));
  const textHints: Record<string, string[]> = {};
  const moneyHints = new Set<string>();
  const addHint = (key: string, v: string) => {
    const list = (textHints[key] ??= []);
    if (!list.includes(v)) list.push(v);
  };
  const fieldKey = (e: Expr): string | undefined => {
    if (e.kind !== 'Name' && e.kind !== 'Field') return undefined;
    const s = c.refs.get(e);
    if (s?.kind === 'eventField') return `${s.event}.${s.field}`;
    if (s?.kind === 'partnerField') return `partners.${s.field}`;
    return undefined;
  };
  const visit = (root: Expr | undefined) =>
    walkExpr(root, (e) => {
      if (e.kind === 'Money') moneyHints.add(e.value);
      if (e.kind === 'Binary' && (e.op === '=' || e.op === '!=')) {
        const k = fieldKey(e.left) ?? fieldKey(e.right);
        const lit = e.right.kind === 'String' ? e.right : e.left.kind === 'String' ? e.left : undefined;
        if (k && lit) addHint(k, lit.value);
      }
      if (e.kind === 'InSet') {
        const k = fieldKey(e.value);
        if (k) for (const it of e.items) if (it.kind === 'String') addHint(k, it.value);
      }
    });
  for (const m of c.measures.values()) {
    visit(m.arg);
    visit(m.where);
  }
  for (const t of c.tiers.values()) for (const l of t.levels) visit(l.threshold);
  for (const l of c.lets.values()) visit(l.decl.value);
  for (const r of c.rules) {
    if (r.scope && 'where' in r.scope) visit(r.scope.where);
    for (const a of r.awards) visit(a.amount);
  }
  return {
    tables,
    currency: c.header.currency || 'EUR',
    period: c.header.period,
    start: c.header.start,
    ...(c.header.end ? { end: c.header.end } : {}),
    ...(c.header.exchangeRates ? { exchangeRates: c.header.exchangeRates } : {}),
    textHints,
    moneyHints: [...moneyHints],
  };
}

/** A stable key for comparing schemas (the data panel rebuilds only when it changes). */
export function schemaKey(s: ProgramSchema): string {
  return JSON.stringify(s.tables);
}
