import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format } from '../../language/format.js';
import { parse } from '../../language/parser.js';
import { messyProgramArb, programArb, syntaxExprArb } from '../generators/programs.js';
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

describe('formatter properties on syntax-only expressions (every operator, any nesting)', () => {
  it('keeps the tree, removes redundant parentheses, and is idempotent', () => {
    fc.assert(
      fc.property(syntaxExprArb, (e) => {
        const text = `let x = ${e}\n`;
        const before = parse(text);
        expect(before.diagnostics).toEqual([]);
        const once = formatted(text);
        expect(meaning(parse(once).file)).toEqual(meaning(before.file));
        expect(formatted(once)).toBe(once);
        // Minimal parentheses: removing any one pair from the output changes the tree or breaks it.
        const pairs = parenPairs(once);
        for (const [open, close] of pairs) {
          const without = once.slice(0, open) + ' ' + once.slice(open + 1, close) + ' ' + once.slice(close + 1);
          const p = parse(without);
          const same = p.diagnostics.length === 0 && JSON.stringify(meaning(p.file)) === JSON.stringify(meaning(before.file));
          // Kept on purpose (REFERENCE.md, "Parentheses"): around an `if`, a running total with a
          // `where` or a `days between` operand, and around an `and` inside an `or`.
          const inside = once.slice(open + 1, close);
          const inner = parse(`let x = ${inside}`).file.decls[0];
          const value = inner?.kind === 'LetDecl' ? inner.value : undefined;
          const nextToOr = /\bor\s*$/.test(once.slice(0, open)) || /^\s*or\b/.test(once.slice(close + 1));
          const isRunningWhere = /^\s*running (sum|count)\b/.test(inside) && /\bwhere\b/.test(inside);
          const kept = /^\(\s*(if|days between)\b/.test(once.slice(open)) || isRunningWhere || (value?.kind === 'Binary' && value.op === 'and' && nextToOr);
          if (same && !kept) throw new Error(`redundant parentheses at ${open} in:\n${once}`);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

/** The grouping parentheses of a text (not those of calls), outside strings and comments. */
function parenPairs(text: string): [number, number][] {
  const pairs: [number, number][] = [];
  const stack: (number | undefined)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(') stack.push(/[A-Za-z_]$/.test(text.slice(0, i)) ? undefined : i);
    else if (c === ')') {
      const open = stack.pop();
      if (open !== undefined) pairs.push([open, i]);
    }
  }
  return pairs;
}
