/** Types (units) of values: constructors, equality, unification and how to name them in messages. */
import type { Level, Type } from './checked.js';

export const ERROR: Type = { kind: 'error' };
export const NUMBER: Type = { kind: 'number', integer: false };
export const INTEGER: Type = { kind: 'number', integer: true };
export const DATE: Type = { kind: 'date' };
export const TEXT: Type = { kind: 'text' };
export const BOOLEAN: Type = { kind: 'boolean' };
export const money = (currency: string): Type => ({ kind: 'money', currency });

export const isError = (t: Type): boolean => t.kind === 'error';

/** True when a value of this type has an order (`<`, `min`, ranges, tier thresholds, ranking). */
export function isOrdered(t: Type): boolean {
  return t.kind === 'number' || t.kind === 'money' || t.kind === 'date' || t.kind === 'tier' || t.kind === 'duration' || t.kind === 'error';
}

/** True when values of `a` and `b` can be compared with `=` (and, if ordered, with `<`). */
export function comparable(a: Type, b: Type): boolean {
  if (a.kind === 'error' || b.kind === 'error') return true;
  if ((a.kind === 'enum' || a.kind === 'text') && (b.kind === 'enum' || b.kind === 'text')) return true;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'tier' && b.kind === 'tier') return a.tier === b.tier;
  if (a.kind === 'money' && b.kind === 'money') return a.currency === b.currency;
  if (a.kind === 'duration' && b.kind === 'duration') return a.unit === b.unit;
  return true;
}

/** The common type of two values that must be of one type (if branches, lookup values…), or undefined. */
export function unify(a: Type, b: Type): Type | undefined {
  if (a.kind === 'error') return b;
  if (b.kind === 'error') return a;
  if (a.kind === 'number' && b.kind === 'number') return { kind: 'number', integer: a.integer && b.integer };
  if (a.kind === 'money' && b.kind === 'money') return a.currency === b.currency ? a : undefined;
  if (a.kind === 'tier' && b.kind === 'tier') return a.tier === b.tier ? a : undefined;
  if (a.kind === 'duration' && b.kind === 'duration') return a.unit === b.unit ? a : undefined;
  if (a.kind === 'enum' && b.kind === 'enum') {
    const same = a.members.length === b.members.length && a.members.every((m) => b.members.includes(m));
    return same ? a : undefined;
  }
  if ((a.kind === 'enum' && b.kind === 'text') || (a.kind === 'text' && b.kind === 'enum')) return TEXT;
  return a.kind === b.kind ? a : undefined;
}

/** A type in the program designer's words, with an article: `a number`, `money (EUR)`, `a level of \`status\``. */
export function describe(t: Type): string {
  switch (t.kind) {
    case 'number':
      return 'a number';
    case 'money':
      return `money (${t.currency})`;
    case 'date':
      return 'a date';
    case 'text':
      return 'text';
    case 'boolean':
      return 'a condition (true or false)';
    case 'enum':
      return t.name ? `a \`${t.name}\` (one of ${quoteList(t.members)})` : `one of ${quoteList(t.members)}`;
    case 'tier':
      return `a level of tier \`${t.tier}\``;
    case 'duration':
      return `a number of ${t.unit}`;
    case 'error':
      return 'an invalid value';
  }
}

/** `"a", "b", "c"` */
export function quoteList(items: readonly string[]): string {
  return items.map((m) => JSON.stringify(m)).join(', ');
}

/** `` `a`, `b` and `c` `` */
export function tickList(items: readonly string[]): string {
  const t = items.map((i) => `\`${i}\``);
  return t.length <= 1 ? t.join('') : `${t.slice(0, -1).join(', ')} and ${t[t.length - 1]}`;
}

const LEVEL_RANK: Record<Level, number> = { program: 0, partner: 1, event: 2 };

export function maxLevel(...levels: Level[]): Level {
  let best: Level = 'program';
  for (const l of levels) if (LEVEL_RANK[l] > LEVEL_RANK[best]) best = l;
  return best;
}

export function levelAbove(l: Level, limit: Level): boolean {
  return LEVEL_RANK[l] > LEVEL_RANK[limit];
}

/** An integer with thousands separators, for messages: `9,000`. */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
