/**
 * Plausible sample data for a program's declarations, from a seed (same seed, same data): partners
 * with their attributes, and events spread over the program's dates. Text fields take the values the
 * program compares them with (`sku = "NW-RTR-9"`) part of the time so that rules fire, and money
 * amounts are scaled to the program's thresholds so that partners spread over the tiers. Pure.
 */
import { currencyDigits } from '../../core/money.js';
import { dayFromCivil, formatDate, parseDate } from '../../core/periods.js';
import type { FieldSchema, ProgramSchema } from './schema.js';
import type { Table } from './tables.js';

export interface SampleOptions {
  seed: number;
  partners?: number;
  /** Events of each kind, in all. */
  events?: number;
}

/** mulberry32: a small, fast, seedable generator of numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS: Record<string, string[]> = {
  sku: ['NW-RTR-9', 'NW-SW-1', 'NW-AP-6', 'NW-FW-2', 'NW-SVC-INST'],
  course: ['Router Pro', 'Switching Basics', 'Wi-Fi Design', 'Security Essentials'],
  name: ['Acme Networks', 'Blue Harbor IT', 'Crestline Systems', 'Delta Digital', 'Evergreen Tech', 'Fjord Solutions'],
  country: ['DE', 'FR', 'US', 'JP', 'BR', 'IN'],
  city: ['Berlin', 'Lyon', 'Austin', 'Osaka', 'Recife', 'Pune'],
  product: ['Router', 'Switch', 'Access point', 'Firewall'],
};

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function generateSample(schema: ProgramSchema, opts: SampleOptions): Record<string, Table> {
  const r = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const nPartners = Math.max(1, opts.partners ?? 12);
  const nEvents = Math.max(0, opts.events ?? 300);
  const digits = currencyDigits(schema.currency) ?? 2;

  const startDay = parseDate(schema.start) ?? dayFromCivil(2026, 1, 1);
  const endDay = (schema.end ? parseDate(schema.end) : undefined) ?? startDay + 364;
  const span = Math.max(1, endDay - startDay + 1);

  const hints = schema.moneyHints.map(Number).filter((x) => x > 0);
  const top = hints.length ? Math.max(...hints) : 100_000;
  // A typical event is a small share of the largest threshold; partners differ in size.
  const typical = top / 80;
  const ids = Array.from({ length: nPartners }, (_, i) => `P${pad(i + 1, String(nPartners).length < 3 ? 3 : String(nPartners).length)}`);
  const size = ids.map(() => Math.exp((r() - 0.35) * 3));

  const money = (scale: number) => {
    const v = typical * scale * Math.exp((r() - 0.5) * 2);
    const m = 10 ** digits;
    return (Math.max(1, Math.round(v * m)) / m).toFixed(digits);
  };
  // Event ids are the kind's initial and a number (below), so a `ref` field names one of them.
  const width = Math.max(4, String(nEvents).length);
  const refId = (kind: string) => (nEvents === 0 ? '' : `${kind.slice(0, 1).toUpperCase()}${pad(1 + Math.floor(r() * nEvents), width)}`);
  /** A value drawn as below, or, when the field declares a range that it falls outside, one drawn within the range. */
  const value = (file: string, f: FieldSchema, i: number, scale: number): string => {
    const v = draw(file, f, i, scale);
    return f.range && v !== '' ? withinRange(v, f, f.range) : v;
  };
  const withinRange = (v: string, f: FieldSchema, range: { min: string; max: string }): string => {
    if (f.type === 'date') {
      if (v >= range.min && v <= range.max) return v;
      const lo = parseDate(range.min)!;
      const hi = parseDate(range.max)!;
      return formatDate(lo + Math.floor(r() * (hi - lo + 1)));
    }
    const lo = Number(range.min);
    const hi = Number(range.max);
    const x = Number(v);
    if (x >= lo && x <= hi) return v;
    const d = f.type === 'integer' ? 0 : f.type === 'money' ? digits : 2;
    const m = 10 ** d;
    const a = Math.ceil(lo * m);
    const b = Math.floor(hi * m);
    if (a > b) return range.min; // no value of this precision in the range: the data will say so
    return ((a + Math.floor(r() * (b - a + 1))) / m).toFixed(d);
  };
  // §13.4: amounts in other currencies, a few of them, and the program's own.
  const foreign = ['GBP', 'CHF', 'USD', 'EUR'].filter((c) => c !== schema.currency).slice(0, 2);
  const currencies = [schema.currency, ...foreign];
  const codeFields = new Set(schema.tables.flatMap((t) => t.fields.flatMap((f) => (f.any?.by ? [`${t.file}.${f.any.by}`] : []))));
  const draw = (file: string, f: FieldSchema, i: number, scale: number): string => {
    const t = f.type;
    if (codeFields.has(`${file}.${f.field}`)) return pick(currencies); // the code of a `money any by FIELD`
    if (f.any) return f.any.by !== undefined || (f.optional && r() < 0.2) ? money(scale) : `${money(scale)} ${pick(currencies)}`;
    // A field with a default is left empty now and then: the default stands in (§12.1).
    if (f.optional && r() < 0.2) return '';
    if (typeof t === 'object') return 'ref' in t ? refId(t.ref) : pick(t.enum);
    switch (t) {
      case 'money':
        return money(scale);
      case 'integer':
        return String(1 + Math.floor(r() * r() * 40));
      case 'decimal':
        return (Math.round(r() * 10000) / 100).toFixed(2);
      case 'boolean':
        return r() < 0.5 ? 'true' : 'false';
      case 'date':
        return formatDate(startDay + Math.floor(r() * span));
      default: {
        const hinted = schema.textHints[`${file}.${f.field}`];
        if (hinted?.length && r() < 0.45) return pick(hinted);
        const words = WORDS[f.field.toLowerCase()];
        if (words) return pick(words);
        if (hinted?.length) return pick(hinted);
        return `${f.field}-${1 + Math.floor(r() * 8)}`;
      }
    }
  };

  const out: Record<string, Table> = {};
  for (const t of schema.tables) {
    const columns = t.fields.map((f) => f.name);
    const rows: string[][] = [];
    if (t.kind === 'rates') {
      // A rate per month (or day) of the program's dates for each other currency, near 1 (four decimals).
      const monthly = t.fields[0]!.field === 'month';
      const seen = new Set<string>();
      for (let d = startDay; d < startDay + span; d++) {
        const at = monthly ? formatDate(d).slice(0, 7) : formatDate(d);
        if (seen.has(at)) continue;
        seen.add(at);
        for (const c of foreign) {
          const n = 5000 + Math.floor(r() * 10000); // 0.5000 .. 1.4999, as ten-thousandths
          rows.push([at, c, `${Math.floor(n / 10000)}.${String(n % 10000).padStart(4, '0')}`]);
        }
      }
    } else if (t.kind === 'partner') {
      ids.forEach((id, i) => rows.push(t.fields.map((f) => (f.field === 'id' ? id : value(t.file, f, i, 1)))));
    } else {
      // Events go to partners in proportion to their size; ids are the kind's initial and a number.
      const total = size.reduce((a, b) => a + b, 0);
      const prefix = t.file.slice(0, 1).toUpperCase();
      for (let i = 0; i < nEvents; i++) {
        let x = r() * total;
        let p = 0;
        while (p < ids.length - 1 && x >= size[p]!) x -= size[p++]!;
        rows.push(
          t.fields.map((f) => {
            if (f.field === 'id') return '';
            if (f.field === 'partner') return ids[p]!;
            if (f.field === 'date') return formatDate(startDay + Math.floor(r() * span));
            return value(t.file, f, i, Math.sqrt(size[p]!));
          }),
        );
      }
      rows.sort((a, b) => (a[2]! < b[2]! ? -1 : a[2]! > b[2]! ? 1 : 0));
      rows.forEach((row, i) => (row[0] = `${prefix}${pad(i + 1, width)}`));
    }
    out[t.file] = { columns, rows };
  }
  return out;
}
