import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check.js';
import { format } from '../../language/format.js';
import { parse } from '../../language/parser.js';
import { messyProgramArb, programArb, tokenSoupArb } from '../generators/programs.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 300);

function neverThrows(text: string): void {
  const r = parse(text);
  expect(Array.isArray(r.diagnostics)).toBe(true);
  expect(r.file.kind).toBe('File');
  for (const d of r.diagnostics) {
    expect(d.severity).toBe('error');
    expect(d.code).toMatch(/^E0\d{3}$/);
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeLessThanOrEqual(text.length);
    expect(d.span.start).toBeLessThanOrEqual(d.span.end);
  }
  // The formatter refuses broken text instead of guessing.
  const f = format(text);
  if (r.diagnostics.length) expect(f.text).toBeUndefined();
}

describe('the parser never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), neverThrows), { numRuns: RUNS });
  });

  it('on token soups of Incent keywords, punctuation and literals', () => {
    fc.assert(fc.property(tokenSoupArb, neverThrows), { numRuns: RUNS * 3 });
  });

  it('on valid programs cut at a random point', () => {
    fc.assert(
      fc.property(programArb, fc.double({ min: 0, max: 1, noNaN: true }), (text, at) => neverThrows(text.slice(0, Math.floor(text.length * at)))),
      { numRuns: RUNS },
    );
  });
});

describe('the program generator', () => {
  it('produces programs that parse and check without errors', () => {
    fc.assert(
      fc.property(programArb, (text) => {
        const { file, diagnostics } = parse(text);
        expect(diagnostics).toEqual([]);
        const errors = check(file).diagnostics.filter((d) => d.severity === 'error');
        expect(errors, text).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('messified programs still parse without errors', () => {
    fc.assert(fc.property(messyProgramArb, (text) => {
        expect(parse(text).diagnostics).toEqual([]);
      }), { numRuns: RUNS });
  });
});
