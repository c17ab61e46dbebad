/**
 * The tokens' categories (language/tokens.ts sets a keyword's after making it; the lexer and the
 * parser link them): what the parser matches a keyword against.
 */
import { tokenMatcher } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { parse } from '../../language/parser.js';
import { AnyKeyword, BareKeyword, EXPRESSION_KEYWORDS, Identifier, KEYWORDS, tokenize, Word, type Keyword } from '../../language/tokens.js';

describe('token categories', () => {
  it('every keyword is a word and a keyword, and a bare keyword unless it starts an expression', () => {
    const { tokens, errors } = tokenize(KEYWORDS.join(' ') + ' name');
    expect(errors).toEqual([]);
    expect(tokens.map((t) => t.tokenType.name)).toEqual([...KEYWORDS.map((k) => `Kw_${k}`), 'Identifier']);
    for (const t of tokens) {
      const keyword = t.tokenType !== Identifier;
      expect(tokenMatcher(t, Word), t.image).toBe(true);
      expect(tokenMatcher(t, AnyKeyword), t.image).toBe(keyword);
      expect(tokenMatcher(t, BareKeyword), t.image).toBe(keyword && !EXPRESSION_KEYWORDS.includes(t.image as Keyword));
    }
  });

  it('a keyword names a field where a name is expected (the parser matches it as a word)', () => {
    const r = parse('event sale {\n  value: money\n  period: text\n}\nmeasure m = sum sale.value where sale.period = "x"\n');
    expect(r.diagnostics).toEqual([]);
  });
});
