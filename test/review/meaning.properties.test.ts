/**
 * Properties of the comparison in meaning over random valid programs (test/generators/programs.ts):
 * a program compared with itself, with its formatted copy, with a messy copy (random spacing and
 * comments) and with its declarations shuffled is "no change"; one number literal changed anywhere
 * (an amount, a threshold, a pot option, a rate, a test value) is always a change of the declaration
 * that holds it, and of that one only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format } from '../../language/format.js';
import { parse } from '../../language/parser.js';
import { compareSources, type MeaningDiff } from '../../review/meaning.js';
import { fromGen, genProgram, messify, programArb } from '../generators/programs.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 100);

function diff(a: string, b: string): MeaningDiff {
  const r = compareSources(a, b);
  if ('diagnostics' in r) throw new Error(`${r.side} does not parse: ${JSON.stringify(r.diagnostics)}\n${r.side === 'old' ? a : b}`);
  return r.diff;
}

type Lit = { kind: string; text: string; value: string; currency?: string; span: { start: number; end: number } };

/** Every number and money literal of a tree, with the declaration that holds it. */
function literals(text: string): { lit: Lit; decl: { kind: string; name?: { name?: string; value?: string } } }[] {
  const out: { lit: Lit; decl: { kind: string; name?: { name?: string; value?: string } } }[] = [];
  const walk = (x: unknown, decl: { kind: string }) => {
    if (Array.isArray(x)) return x.forEach((e) => walk(e, decl));
    if (!x || typeof x !== 'object') return;
    const n = x as Lit;
    if (n.kind === 'Number' || n.kind === 'Money') out.push({ lit: n, decl });
    for (const [k, v] of Object.entries(n)) if (k !== 'span') walk(v, decl);
  };
  for (const d of parse(text).file.decls) walk(d, d);
  return out;
}

/** The literal's text with 1 added to its integer part (`1_000` → `1001`, `2.5%` → `3.5%`, `10 EUR` → `11 EUR`). */
function bumped(l: Lit): string {
  const plain = l.text.replace(/_/g, '').replace(/%$/, '');
  const [i, f] = plain.split('.') as [string, string?];
  const n = `${BigInt(i) + 1n}${f !== undefined ? '.' + f : ''}${l.text.endsWith('%') ? '%' : ''}`;
  return l.kind === 'Money' ? `${n} ${l.currency}` : n;
}

function labelOf(decl: { kind: string; name?: { name?: string; value?: string } }): string {
  const kind = decl.kind.replace(/Decl$/, '').toLowerCase();
  const name = decl.name?.name ?? (decl.name?.value !== undefined ? JSON.stringify(decl.name.value) : '');
  return name ? `${kind} ${name}` : kind;
}

describe('incent diff: meaning, over random programs', () => {
  it('a program and itself, its formatted copy, a messy copy: no change in meaning', () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const r = fromGen(g);
        const text = genProgram(r);
        expect(diff(text, text)).toEqual({ changed: false, changes: [] });
        expect(diff(text, format(text).text!)).toEqual({ changed: false, changes: [] });
        const messy = messify(r, text);
        expect(diff(text, messy)).toEqual({ changed: false, changes: [] });
        expect(diff(messy, text)).toEqual({ changed: false, changes: [] });
      }),
      { numRuns: RUNS },
    );
  });

  it('declarations in another order: no change in meaning', () => {
    fc.assert(
      fc.property(programArb, fc.integer(), (text, seed) => {
        const { file } = parse(text);
        const parts = [...(file.header ? [file.header] : []), ...file.decls].map((d) => text.slice(d.span.start, d.span.end));
        const shuffled = parts.map((p, i) => ({ p, k: (i * 7919 + seed) % 104729 })).sort((x, y) => x.k - y.k).map((x) => x.p);
        expect(diff(text, shuffled.join('\n\n'))).toEqual({ changed: false, changes: [] });
      }),
      { numRuns: RUNS },
    );
  });

  it('one number literal changed: a change of the declaration that holds it, and of no other', () => {
    fc.assert(
      fc.property(programArb, fc.nat(), (text, pick) => {
        const lits = literals(text);
        fc.pre(lits.length > 0);
        const { lit, decl } = lits[pick % lits.length]!;
        const mutated = text.slice(0, lit.span.start) + bumped(lit) + text.slice(lit.span.end);
        const d = diff(text, mutated);
        expect(d.changed).toBe(true);
        expect(d.changes.map((c) => `${c.change} ${c.label}`)).toEqual([`changed ${labelOf(decl)}`]);
        const clauses = d.changes[0]!.clauses;
        expect(clauses.length).toBeGreaterThan(0);
        for (const c of clauses) expect(c.summary).toContain('→');
      }),
      { numRuns: RUNS },
    );
  });
});
