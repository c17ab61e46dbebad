/** Values as people read them in traces, notes and explanations: grouped digits, money with its currency, levels by name. */
import type { Artifact, ValueKind } from './artifact.js';
import type { Value } from './compile-ir.js';
import * as N from './num.js';
import type { Num } from './num.js';
import type { CompiledPot } from './plan.js';

/** The decimals a value needs: trailing zeros do not count (an exact sum at scale 4 that is 3,000.0000 needs none). */
export function scaleOf(v: Num): number {
  if (!(v instanceof N.Fixed)) return Math.max(0, v.decimalPlaces());
  let { n, s } = v;
  while (s > 0 && n % 10 === 0) {
    n /= 10;
    s--;
  }
  return s;
}

/** Prints a value for people: money with grouping and its currency, levels by name, text quoted. */
export function formatValue(v: Value, u: ValueKind | undefined, currency: string, digits: number, levelNames?: readonly string[]): string {
  switch (u) {
    case 'money': {
      const n = v as Num;
      const d = Math.max(digits, scaleOf(n));
      return `${N.groupedFixedText(n, d)} ${currency}`;
    }
    case 'num':
      return N.groupedText(v as Num);
    case 'str':
      return JSON.stringify(v);
    case 'date':
      return String(v);
    case 'bool':
      return String(v);
    case 'level':
      return typeof v === 'number' && levelNames?.[v] !== undefined ? levelNames[v]! : `level ${String(v)}`;
    default:
      return typeof v === 'object' ? N.toText(v) : String(v);
  }
}

/** How a program's values print: `format(value, kind, name)`, where the name of a tier (or of a let holding a level) gives the level names. */
export type ValueFormatter = (v: Value, u: ValueKind | undefined, name?: string) => string;

export function valueFormatter(a: Artifact): ValueFormatter {
  const levels = new Map(a.tiers.map((t) => [t.name, t.levels]));
  const tierOfName = new Map<string, string>();
  for (const t of a.tiers) tierOfName.set(t.name, t.name);
  for (const st of a.steps) if (st.kind === 'let' && st.tier) tierOfName.set(st.name, st.tier);
  const currency = a.program.currency;
  const digits = a.program.minorDigits;
  return (v, u, name) => formatValue(v, u, currency, digits, u === 'level' ? levels.get(tierOfName.get(name ?? '') ?? '') : undefined);
}

/** An amount of a pot: money with its currency (at least the minor digits), points, or items (`2 × trip`). */
export function potText(v: Num, pot: CompiledPot, currency: string): string {
  if (pot.spec.unit === 'money') {
    const d = Math.max(pot.digits, scaleOf(v));
    return `${N.groupedFixedText(N.round(v, d, 'half-even'), d)} ${currency}`;
  }
  const t = N.groupedText(v);
  return pot.spec.unit === 'points' ? `${t} points` : `${t} × ${pot.spec.name}`;
}

/** Numbers in source text as people read them: `from 500_000 EUR` → `from 500,000 EUR`. */
export function readableNumbers(text: string): string {
  let r = readable.get(text);
  if (r === undefined) {
    r = text.replace(/\b\d[\d_]*(\.\d[\d_]*)?/g, (m) => N.groupDigits(m.replace(/_/g, '')));
    if (readable.size < 4096) readable.set(text, r); // the texts are a program's (band labels, literals): few, and shown in every trace
  }
  return r;
}

const readable = new Map<string, string>();

export function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${s}`;
}
