/** The editor's Monarch tokenizer agrees with the compiler's lexer on every token of the fixtures and examples. */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// Monaco's own Monarch engine (pure modules: no DOM needed).
// @ts-expect-error no type declarations for Monaco's internal modules
import { compile as compileMonarch } from 'monaco-editor/editor/standalone/common/monarch/monarchCompile.js';
// @ts-expect-error no type declarations for Monaco's internal modules
import { MonarchTokenizer } from 'monaco-editor/editor/standalone/common/monarch/monarchLexer.js';
import { tokenize } from '../../language/tokens.js';
import { KEYWORDS } from '../../language/tokens.js';
import { incentMonarch, TOKEN_CLASS } from '../../playground/src/monarch.js';

interface MToken {
  offset: number;
  type: string;
}

function monarchTokens(text: string): MToken[] {
  const compiled = compileMonarch('incent', incentMonarch);
  const config = { getValue: () => 20_000, onDidChangeConfiguration: () => ({ dispose() {} }) };
  const tokenizer = new MonarchTokenizer({ isRegisteredLanguageId: () => false, requestBasicLanguageFeatures() {} }, {}, 'incent', compiled, config);
  let state = tokenizer.getInitialState();
  const out: MToken[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const r = tokenizer.tokenize(line, true, state);
    for (const t of r.tokens as { offset: number; type: string }[]) out.push({ offset: lineStart + t.offset, type: t.type.replace(/\.incent$/, '') });
    state = r.endState;
    lineStart += line.length + 1;
  }
  return out;
}

function lexerTokens(text: string): { offset: number; end: number; name: string }[] {
  const r = tokenize(text);
  const all = [...r.tokens, ...((r.groups['comments'] as typeof r.tokens | undefined) ?? [])];
  return all
    .map((t) => ({ offset: t.startOffset, end: t.startOffset + t.image.length, name: t.tokenType.name.startsWith('Kw_') ? 'Keyword' : t.tokenType.name }))
    .sort((a, b) => a.offset - b.offset);
}

function sources(): [string, string][] {
  const out: [string, string][] = [];
  const fx = 'test/fixtures';
  for (const f of readdirSync(fx)) if (f.endsWith('.incent')) out.push([join(fx, f), readFileSync(join(fx, f), 'utf8')]);
  if (existsSync('examples')) {
    for (const d of readdirSync('examples')) {
      const p = join('examples', d, 'program.incent');
      if (existsSync(p)) out.push([p, readFileSync(p, 'utf8')]);
    }
  }
  // Corners of the lexer that the fixtures may not reach.
  out.push([
    'corners',
    [
      'let a = 1..5 # range of numbers',
      'let b = 2026-03-01..2026-03-31',
      'let c = 2.5% + 1_000.50 EUR - 3',
      'let years_x = year_x != 2026-Q1 <= 2026-03 >= 2026',
      'rounding half-even half-up half-down halfway',
      'let s = "esc \\" \\\\ q" "unterminated',
      'x.y(z)[w], a:b { } * / < > = + -',
      'periods period per perioda toa to _to text money points cash',
      'running sum interpolate at previous ref down most level levels first come served pro rata',
    ].join('\n'),
  ]);
  return out;
}

describe('Monarch tokenizer agrees with the lexer', () => {
  it('lists every keyword of the lexer', () => {
    expect(incentMonarch.keywords).toEqual([...KEYWORDS]);
  });

  for (const [name, text] of sources()) {
    it(name, () => {
      const m = monarchTokens(text);
      const l = lexerTokens(text);
      // Monarch merges adjacent tokens of one type (`))`), so compare the type covering each lexer token.
      const covering = (offset: number) => {
        let lo = 0;
        for (let hi = m.length - 1; lo < hi; ) {
          const mid = (lo + hi + 1) >> 1;
          if (m[mid]!.offset <= offset) lo = mid;
          else hi = mid - 1;
        }
        return m[lo]!.type;
      };
      const lexStarts = new Set(l.map((t) => t.offset));
      for (const t of l) {
        for (const at of [t.offset, t.end - 1]) expect(covering(at), `${name}:${at} inside ${t.name}`).toBe(covering(t.offset));
        const got = covering(t.offset);
        const want = TOKEN_CLASS[t.name];
        const ok = got === want || (t.name === 'Identifier' && got === 'type.identifier');
        expect(ok, `${name}:${t.offset} ${JSON.stringify(text.slice(t.offset, t.end))}: lexer ${t.name}, Monarch ${got}`).toBe(true);
      }
      // And Monarch starts no token where the lexer does not.
      for (const t of m) if (t.type !== 'white') expect(lexStarts.has(t.offset), `${name}:${t.offset}: Monarch token ${t.type} starts inside a lexer token`).toBe(true);
    });
  }
});
