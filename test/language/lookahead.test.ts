/**
 * The parser decides from a table of lookahead paths computed once from the grammar
 * (language/lookahead.ts) rather than computing them at every start. The table must be the one
 * chevrotain computes for the current grammar, and every parse must be the same as with chevrotain's
 * own lookahead: the same syntax tree and the same diagnostics, on every example, every syntax
 * error case, every checker case and generated valid, messy and broken programs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TableLookahead } from '../../language/lookahead.js';
import { lookaheadTableSource } from '../../language/lookahead-source.js';
import { MAX_LOOKAHEAD, parse, withEagerLookahead, withLookahead } from '../../language/parser.js';
import { declarations, names, tests, units, warnings } from '../compiler/cases.js';
import { messyProgramArb, programArb, tokenSoupArb } from '../generators/programs.js';
import { root } from '../helpers/cli.js';
import { syntax } from './syntax-cases.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 200);

function sameAsEager(text: string): void {
  const lazy = parse(text);
  const eager = withEagerLookahead(() => parse(text));
  expect(lazy).toEqual(eager);
}

function programs(): string[] {
  const dir = join(root, 'examples');
  const found: string[] = [];
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) if (f.endsWith('.incent')) found.push(readFileSync(join(dir, f), 'utf8'));
  return found;
}

describe('the lookahead table', () => {
  it('is what chevrotain computes for the current grammar (`npm run lookahead` writes it)', () => {
    expect(readFileSync(join(root, 'language', 'lookahead-table.ts'), 'utf8')).toBe(lookaheadTableSource());
  });

  it('has every production of the grammar', () => {
    const table = new TableLookahead({ maxLookahead: MAX_LOOKAHEAD });
    withLookahead(table, () => parse('let x = 1'));
    expect(table.missing).toEqual([]);
  });

  it('parses every example, syntax case and checker case as the eager parser does', () => {
    const texts = [...programs(), ...syntax.map((c) => c.source), ...[...names, ...units, ...declarations, ...tests, ...warnings].map((c) => c.source)];
    expect(texts.length).toBeGreaterThan(100);
    for (const text of texts) sameAsEager(text);
  });

  it('parses generated programs, messy programs, token soups and cut programs as the eager parser does', () => {
    fc.assert(fc.property(programArb, sameAsEager), { numRuns: RUNS });
    fc.assert(fc.property(messyProgramArb, sameAsEager), { numRuns: RUNS });
    fc.assert(fc.property(tokenSoupArb, sameAsEager), { numRuns: RUNS });
    fc.assert(
      fc.property(programArb, fc.double({ min: 0, max: 1, noNaN: true }), (text, at) => sameAsEager(text.slice(0, Math.floor(text.length * at)))),
      { numRuns: RUNS },
    );
  });

});
