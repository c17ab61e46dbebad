import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format } from '../../language/format.js';
import { parse } from '../../language/parser.js';
import { messyProgramArb, programArb } from '../generators/programs.js';
import { commentTexts, meaning } from '../helpers/syntax.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 150);

function formatted(text: string): string {
  const r = format(text);
  if (r.text === undefined) throw new Error(`refused: ${JSON.stringify(r.diagnostics)}\n${text}`);
  return r.text;
}

describe('formatter properties', () => {
  for (const [name, arb] of [
    ['clean programs', programArb],
    ['messy programs (random spacing, comments everywhere)', messyProgramArb],
  ] as const) {
    describe(name, () => {
      it('formatting is idempotent', () => {
        fc.assert(
          fc.property(arb, (text) => {
            const once = formatted(text);
            expect(formatted(once)).toBe(once);
          }),
          { numRuns: RUNS },
        );
      });

      it('parse(format(p)) equals parse(p) modulo spans', () => {
        fc.assert(
          fc.property(arb, (text) => {
            const before = parse(text);
            const after = parse(formatted(text));
            expect(after.diagnostics).toEqual([]);
            expect(meaning(after.file)).toEqual(meaning(before.file));
          }),
          { numRuns: RUNS },
        );
      });

      it('every comment survives exactly once', () => {
        fc.assert(
          fc.property(arb, (text) => {
            const before = parse(text).file;
            const after = parse(formatted(text)).file;
            expect(commentTexts(after)).toEqual(commentTexts(before));
          }),
          { numRuns: RUNS },
        );
      });

      it('the output is canonical text: no trailing spaces or tabs, two-space indents, one final newline', () => {
        fc.assert(
          fc.property(arb, (text) => {
            const out = formatted(text);
            expect(out.endsWith('\n')).toBe(true);
            expect(out).not.toMatch(/\n\n\n/);
            for (const line of out.slice(0, -1).split('\n')) {
              expect(line).not.toMatch(/[ \t]$/);
              expect(line).not.toMatch(/^(  )* \S/);
              expect(line).not.toMatch(/\t|\r/);
            }
          }),
          { numRuns: RUNS },
        );
      });
    });
  }
});
