/** The language reference's examples are real Incent: every ```incent block parses without errors. */
import { readFileSync } from 'node:fs';
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
