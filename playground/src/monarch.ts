/**
 * The Monarch tokenizer of Incent for Monaco, generated from the lexer's own lists (language/tokens.ts)
 * so that the editor colours exactly what the compiler reads. Each rule mirrors one lexer token, in the
 * lexer's order (first match wins in both). test/playground/monarch.test.ts runs Monaco's Monarch
 * engine and the Chevrotain lexer over the fixtures and compares every token.
 */
import { KEYWORDS } from '../../language/tokens.js';

/** Ordinary names that the editor shows as types: the field types and payout kinds (not reserved). */
export const TYPE_NAMES = ['text', 'integer', 'decimal', 'money', 'date', 'boolean'] as const;
export const PAYOUT_KIND_NAMES = ['points', 'cash', 'credit', 'fund', 'giftcard', 'item'] as const;

/**
 * The Monarch token type that each lexer token becomes. Identifiers may also be shown as
 * `type.identifier` (type names and payout kinds) — still identifiers for the compiler.
 */
export const TOKEN_CLASS: Record<string, string> = {
  Comment: 'comment',
  StringLit: 'string',
  UnterminatedString: 'string.invalid',
  DateLit: 'number.date',
  PeriodLit: 'number.period',
  NumberLit: 'number',
  HalfMode: 'constant',
  Keyword: 'keyword',
  Identifier: 'identifier',
  LBrace: 'delimiter.curly',
  RBrace: 'delimiter.curly',
  LParen: 'delimiter.parenthesis',
  RParen: 'delimiter.parenthesis',
  LBracket: 'delimiter.square',
  RBracket: 'delimiter.square',
  Comma: 'delimiter',
  Colon: 'delimiter',
  DotDot: 'operator',
  Dot: 'delimiter',
  NotEquals: 'operator',
  LessEq: 'operator',
  GreaterEq: 'operator',
  Less: 'operator',
  Greater: 'operator',
  Equals: 'operator',
  Plus: 'operator',
  Minus: 'operator',
  Star: 'operator',
  Slash: 'operator',
};

/** A Monarch language definition (the shape of monaco.languages.IMonarchLanguage, kept free of Monaco types). */
export interface MonarchLanguage {
  defaultToken: string;
  keywords: readonly string[];
  typeNames: readonly string[];
  tokenizer: Record<string, unknown[]>;
  [key: string]: unknown;
}

export const incentMonarch: MonarchLanguage = {
  defaultToken: 'invalid',
  keywords: [...KEYWORDS],
  typeNames: [...TYPE_NAMES, ...PAYOUT_KIND_NAMES],
  tokenizer: {
    root: [
      [/[ \t\r\n\f\v\u00a0\ufeff]+/, 'white'],
      [/#[^\r\n]*/, 'comment'],
      [/"(?:[^"\\\r\n]|\\.)*"/, 'string'],
      [/"(?:[^"\\\r\n]|\\.)*/, 'string.invalid'],
      [/\d{4}-\d{2}-\d{2}(?![\w])/, 'number.date'],
      [/\d{4}-(?:Q\d|\d{2})(?![\w-])/, 'number.period'],
      [/\d(?:_?\d)*(?:\.\d(?:_?\d)*)?%?/, 'number'],
      [/half-(?:even|up|down)\b/, 'constant'],
      [/[A-Za-z_][A-Za-z0-9_]*/, { cases: { '@keywords': 'keyword', '@typeNames': 'type.identifier', '@default': 'identifier' } }],
      [/[{}]/, 'delimiter.curly'],
      [/[()]/, 'delimiter.parenthesis'],
      [/[[\]]/, 'delimiter.square'],
      [/[,:]/, 'delimiter'],
      [/\.\./, 'operator'],
      [/\./, 'delimiter'],
      [/!=|<=|>=|[<>=+\-*/]/, 'operator'],
    ],
  },
};

/** Brackets and comments for Monaco's language configuration. */
export const incentLanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ] as [string, string][],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"' },
  ],
  wordPattern: /[A-Za-z_][A-Za-z0-9_]*|-?\d(?:_?\d)*(?:\.\d(?:_?\d)*)?%?/,
  indentationRules: { increaseIndentPattern: /\{[^}"]*$/, decreaseIndentPattern: /^\s*\}/ },
};
