/**
 * Short programs are read by chevrotain's lexer in safe mode (made at once, tries the patterns in
 * turn), long ones by the lexer that dispatches on the first character (language/tokens.ts): both
 * must give the same tokens and the same lexing errors on every text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ILexingResult } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { lexerFor, SMALL_PROGRAM_CHARS } from '../../language/tokens.js';
import { messyProgramArb, programArb, tokenSoupArb } from '../generators/programs.js';
import { root } from '../helpers/cli.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 200);
const safe = lexerFor(0);
const analysed = lexerFor(SMALL_PROGRAM_CHARS + 1);

function plain(r: ILexingResult): unknown {
  return {
    tokens: r.tokens.map((t) => [t.tokenType.name, t.startOffset, t.image]),
    comments: ((r.groups['comments'] ?? []) as ILexingResult['tokens']).map((t) => [t.startOffset, t.image]),
    errors: r.errors.map((e) => [e.offset, e.length]),
  };
}

function same(text: string): void {
  expect(plain(safe.tokenize(text))).toEqual(plain(analysed.tokenize(text)));
}

describe('the two lexers', () => {
  it('are two lexers, chosen by the length of the text', () => {
    expect(safe).not.toBe(analysed);
    expect(lexerFor(SMALL_PROGRAM_CHARS)).toBe(safe);
  });

  it('give the same tokens on every example', () => {
    const dir = join(root, 'examples');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.incent'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) same(readFileSync(join(dir, f), 'utf8'));
  });

  it('give the same tokens and errors on generated programs, messy programs, token soups and arbitrary text', () => {
    fc.assert(fc.property(programArb, same), { numRuns: RUNS });
    fc.assert(fc.property(messyProgramArb, same), { numRuns: RUNS });
    fc.assert(fc.property(tokenSoupArb, same), { numRuns: RUNS });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), same), { numRuns: RUNS });
  });
});
