/**
 * The language reference's examples are real Incent (every ```incent block parses without errors),
 * and it documents every diagnostic code the parser and the checker can give.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../language/parser.js';

const text = readFileSync(new URL('../../language/REFERENCE.md', import.meta.url), 'utf8');
const blocks = [...text.matchAll(/```incent\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('language/REFERENCE.md', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThan(8));
  it.each(blocks.map((b, i) => [i, b] as const))('example %i parses', (_, b) => {
    expect(parse(b).diagnostics.map((d) => d.message)).toEqual([]);
  });
});

describe('diagnostic codes', () => {
  it('every code in language/ and compiler/ is in the reference, with an example', () => {
    const codes = new Set<string>();
    for (const dir of ['language', 'compiler']) {
      const url = new URL(`../../${dir}/`, import.meta.url);
      for (const f of readdirSync(url)) {
        if (!f.endsWith('.ts')) continue;
        for (const m of readFileSync(new URL(f, url), 'utf8').matchAll(/'([EW]0\d{3})'/g)) codes.add(m[1]!);
      }
    }
    expect(codes.size).toBeGreaterThan(80);
    // A code is documented by a table row that starts with it: `| E0107 | what | example | message |`.
    const rows = new Set([...text.matchAll(/^\| `?([EW]0\d{3})`? \|/gm)].map((m) => m[1]!));
    expect([...codes].filter((c) => !rows.has(c)).sort()).toEqual([]);
  });
});
