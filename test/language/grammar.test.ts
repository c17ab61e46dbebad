/** The grammar and the token patterns pass chevrotain's validations (skipped when the command starts, for speed). */
import { expect, it } from 'vitest';
import { checkGrammar } from '../../language/parser.js';

it('the lexer and the parser pass chevrotain validations', () => {
  expect(() => checkGrammar()).not.toThrow();
});
