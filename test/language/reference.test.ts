/**
 * The language reference's examples are real Incent (every ```incent block parses without errors),
 * its code tables are what `npm run reference` generates from core/codes.ts and the tested
 * examples, and every code any part of Incent gives is in that one table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, REFERENCE } from '../../bin/reference.js';
import { CODES } from '../../core/codes.js';
import { parse } from '../../language/parser.js';

const text = readFileSync(REFERENCE, 'utf8');
const blocks = [...text.matchAll(/```incent\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('language/REFERENCE.md', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThan(8));
  it.each(blocks.map((b, i) => [i, b] as const))('example %i parses', (_, b) => {
    expect(parse(b).diagnostics.map((d) => d.message)).toEqual([]);
  });
  it('holds the code tables `npm run reference` writes (run it after changing a code or an example)', () => {
    expect(text).toBe(generate(text));
  });
});

describe('diagnostic codes', () => {
  /** Every `'X0000'` literal in the sources of these folders. */
  function used(dirs: readonly string[]): Set<string> {
    const codes = new Set<string>();
    for (const dir of dirs) {
      const url = new URL(`../../${dir}/`, import.meta.url);
      for (const f of readdirSync(url, { recursive: true }) as string[]) {
        if (!f.endsWith('.ts') || f === 'codes.ts') continue;
        for (const m of readFileSync(new URL(f, url), 'utf8').matchAll(/'([EWDTR]0\d{3})'/g)) codes.add(m[1]!);
      }
    }
    return codes;
  }

  it('every code a part of Incent gives is in the one table of codes (core/codes.ts)', () => {
    const codes = used(['language', 'compiler', 'runtime', 'core', 'cli']);
    expect(codes.size).toBeGreaterThan(120);
    expect([...codes].filter((c) => !(c in CODES)).sort()).toEqual([]);
  });

  it('every code in that table has a row in the reference, and every program code an example', () => {
    const rows = new Set([...text.matchAll(/^\| `([EWDTR]0\d{3})` \|/gm)].map((m) => m[1]!));
    expect(Object.keys(CODES).filter((c) => !rows.has(c)).sort()).toEqual([]);
    const examples = text.slice(text.indexOf('<!-- generated: syntax examples -->'));
    const withExample = new Set([...examples.matchAll(/^\| `([EW]0\d{3})` \|/gm)].map((m) => m[1]!));
    expect(Object.keys(CODES).filter((c) => /^[EW]/.test(c) && c !== 'E0199' && !withExample.has(c)).sort()).toEqual([]);
  });
});
