import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { format, formatFile, quote } from '../../language/format.js';
import { parse } from '../../language/parser.js';
import { commentTexts, meaning } from '../helpers/syntax.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, 'format');
const inputs = readdirSync(corpus).filter((f) => f.endsWith('.incent') && !f.endsWith('.formatted.incent')).sort();

function fmt(text: string): string {
  const r = format(text);
  if (r.text === undefined) throw new Error(JSON.stringify(r.diagnostics));
  return r.text;
}

describe('golden files (test/language/format/*.incent → *.formatted.incent)', () => {
  it('has a corpus of at least 10 programs', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of inputs) {
    describe(name, () => {
      const input = readFileSync(join(corpus, name), 'utf8');
      const expected = readFileSync(join(corpus, name.replace(/\.incent$/, '.formatted.incent')), 'utf8');

      it('formats to the expected text', () => {
        expect(fmt(input)).toBe(expected);
      });

      it('the expected text is a fixed point', () => {
        expect(fmt(expected)).toBe(expected);
      });

      it('keeps the meaning and every comment', () => {
        const a = parse(input).file;
        const b = parse(expected).file;
        expect(meaning(b)).toEqual(meaning(a));
        expect(commentTexts(b)).toEqual(commentTexts(a));
      });
    });
  }

  it('the fixtures in test/fixtures are in the corpus unchanged', () => {
    for (const f of ['northwind.incent', 'canonical.incent']) {
      expect(readFileSync(join(corpus, f), 'utf8')).toBe(readFileSync(join(here, '..', 'fixtures', f), 'utf8'));
    }
  });
});

describe('the spec §1 example', () => {
  // test/fixtures/spec-example.incent is the spec's first example, copied as written (the repository reads nothing outside itself).
  const example = readFileSync(join(here, '..', 'fixtures', 'spec-example.incent'), 'utf8');

  it('formats to itself, modulo the column alignment of the spec and the blank lines around multi-line payouts', () => {
    // The spec aligns `=` of consecutive measures, tier thresholds and band values; the canonical
    // form never aligns (a one-line change must not touch its neighbours). And only one-line
    // `payout`s stay grouped: a `payout … { … }` block is separated by blank lines like every
    // multi-line declaration.
    const unaligned = example.replace(/(\S) {2,}(?=\S)/g, '$1 ');
    const expected = unaligned
      .replace('payout points as points\npayout cash as cash {', 'payout points as points\n\npayout cash as cash {')
      .replace('  budget 250_000 EUR\n}\npayout credit as credit\npayout trip as item {', '  budget 250_000 EUR\n}\n\npayout credit as credit\n\npayout trip as item {');
    expect(expected).not.toBe(unaligned);
    expect(fmt(example)).toBe(expected);
    expect(fmt(expected)).toBe(expected);
  });
});

describe('refusal and API', () => {
  it('refuses text with syntax errors and returns the diagnostics', () => {
    const r = format('let x = (1 +\nrule "r" { for each sale award 1 to }');
    expect(r.text).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });

  it('formatFile formats a parsed file', () => {
    const src = 'let  a=1 # one\n';
    expect(formatFile(parse(src).file, src)).toBe('let a = 1 # one\n');
  });

  it('an empty file stays empty; a file of comments keeps them', () => {
    expect(fmt('')).toBe('');
    expect(fmt('  \n\n')).toBe('');
    expect(fmt('#a\n\n\n#b  \n')).toBe('#a\n\n#b\n');
  });

  it('CRLF line ends become LF', () => {
    expect(fmt('let a = 1\r\nlet b = 2 # two\r\n')).toBe('let a = 1\nlet b = 2 # two\n');
  });

  it('several trailing comments joined onto one line: the last stays, the others move before it', () => {
    expect(fmt('let a = 1 + # one\n  2 + # two\n  3 # three\n')).toBe('# one\n# two\nlet a = 1 + 2 + 3 # three\n');
  });

  it('quote re-escapes strings', () => {
    expect(quote('a"b\\c\nd\te')).toBe('"a\\"b\\\\c\\nd\\te"');
  });

  it('a lookup is one line up to exactly 100 columns', () => {
    const entries = (n: number) => `let x = lookup k { A: ${'1'.repeat(n)} }`;
    const at100 = entries(100 - 'let x = lookup k { A:  }'.length);
    expect(at100.length).toBe(100);
    expect(fmt(at100)).toBe(at100 + '\n');
    const at101 = entries(101 - 'let x = lookup k { A:  }'.length);
    expect(fmt(at101)).toBe(`let x = lookup k {\n  A: ${'1'.repeat(101 - 'let x = lookup k { A:  }'.length)}\n}\n`);
  });
});
