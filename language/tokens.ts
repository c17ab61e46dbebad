/**
 * The tokens of Incent (a Chevrotain lexer). Keywords are reserved; type names, payout kinds, period
 * units and rounding words other than `floor` are ordinary identifiers (validated by the checker).
 */
import { createToken, Lexer, type ILexingResult, type TokenType } from 'chevrotain';

/** Any word: an identifier or a keyword (a field, an event kind or a pot written where a name is expected; the checker says what it is not). */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA, label: 'a name' });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name', categories: [Word] });

/** Every reserved word, in the order the formatter and the editor list them. */
export const KEYWORDS = [
  'program', 'currency', 'period', 'start', 'end', 'rounding',
  'partner', 'event', 'one', 'of', 'default',
  'let', 'measure', 'sum', 'count', 'distinct', 'average', 'min', 'max', 'where', 'over', 'else',
  'this', 'previous', 'year', 'to', 'last', 'periods', 'months', 'quarters', 'years', 'days', 'between',
  'tier', 'by', 'from', 'below', 'lookup', 'bands', 'marginal',
  // v0.2 (§12.2, §12.3): interpolating tables, running totals, a value at a date.
  'interpolate', 'running', 'at',
  'payout', 'as', 'cap', 'per', 'budget', 'minimum', 'denominations', 'approval', 'above', 'value',
  'rule', 'for', 'each', 'top', 'partners', 'then', 'award', 'once',
  'test', 'expect',
  'and', 'or', 'not', 'in', 'if', 'true', 'false',
  'floor', 'ceil', 'round', 'abs',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

/**
 * Keywords that always start an expression where one is expected (`if`, `not`, `true`, `false`):
 * never a bare field name. Every other keyword is one where it cannot start an expression or a
 * clause (§12.1: `where value > 5 EUR`), see the parser.
 */
export const EXPRESSION_KEYWORDS: readonly Keyword[] = ['if', 'not', 'true', 'false'];

/** Every keyword is an `AnyKeyword` (a field may be named by any word: `value: money`, `sale.value`). */
export const AnyKeyword = createToken({ name: 'AnyKeyword', pattern: Lexer.NA, label: 'a keyword' });
/** Every keyword but EXPRESSION_KEYWORDS is a `BareKeyword`: one that may stand for a field of the event in scope. */
export const BareKeyword = createToken({ name: 'BareKeyword', pattern: Lexer.NA, label: 'a keyword' });

const keywordTokens = Object.fromEntries(
  KEYWORDS.map((k) => [k, createToken({ name: `Kw_${k}`, pattern: new RegExp(`${k}\\b`), longer_alt: Identifier, label: `\`${k}\`` })]),
) as Record<Keyword, TokenType>;
// A keyword's categories are set here rather than given to `createToken`: chevrotain links a new
// token to its categories by going over every token each category already has, so that the
// keywords, made one by one, cost ~5 ms at every start of the command. The lexer and the parser
// link every token to its categories once when they are made (both run chevrotain's
// `augmentTokenTypes` over their tokens), and tokens are only matched after that
// (test/language/tokens.test.ts checks the links).
for (const k of KEYWORDS) keywordTokens[k].CATEGORIES = EXPRESSION_KEYWORDS.includes(k) ? [AnyKeyword, Word] : [AnyKeyword, BareKeyword, Word];
export const Kw = keywordTokens;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });

export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\r\n]|\\.)*"/, label: 'a string' });
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\r\n]|\\.)*/, label: 'a string' });
export const DateLit = createToken({ name: 'DateLit', pattern: /\d{4}-\d{2}-\d{2}(?![\w])/, label: 'a date' });
export const PeriodLit = createToken({ name: 'PeriodLit', pattern: /\d{4}-(?:Q\d|H\d|\d{2})(?![\w-])/, label: 'a period' });
export const NumberLit = createToken({ name: 'NumberLit', pattern: /\d(?:_?\d)*(?:\.\d(?:_?\d)*)?%?/, label: 'a number' });
/** `half-even`, `half-up`, `half-down`: rounding modes written with a hyphen. */
export const HalfMode = createToken({ name: 'HalfMode', pattern: /half-(?:even|up|down)\b/, label: 'a rounding mode' });

export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: '`{`' });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: '`}`' });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '`(`' });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: '`)`' });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: '`[`' });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: '`]`' });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '`,`' });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: '`:`' });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./, label: '`..`' });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: '`.`' });
export const NotEquals = createToken({ name: 'NotEquals', pattern: /!=/, label: '`!=`' });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, label: '`<=`' });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, label: '`>=`' });
export const Less = createToken({ name: 'Less', pattern: /</, label: '`<`' });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: '`>`' });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: '`=`' });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: '`+`' });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: '`-`' });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: '`*`' });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: '`/`' });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  UnterminatedString,
  DateLit,
  PeriodLit,
  NumberLit,
  HalfMode,
  ...KEYWORDS.map((k) => keywordTokens[k]),
  Identifier,
  LBrace, RBrace, LParen, RParen, LBracket, RBracket, Comma, Colon, DotDot, Dot,
  NotEquals, LessEq, GreaterEq, Less, Greater, Equals, Plus, Minus, Star, Slash,
  AnyKeyword, BareKeyword, Word,
];

/**
 * Programs up to this many characters are read by a lexer that tries the token patterns in turn
 * (chevrotain's `safeMode`): it is made in ~1 ms, against ~20 ms for the lexer that first analyses
 * every pattern to dispatch on the first character — a cost paid at every start of the command —,
 * and reads a typical program in well under a millisecond. Longer texts use the analysed lexer
 * (about four times faster per character), made the first time one is met. Both produce the same
 * tokens (test/language/lexers.test.ts).
 */
export const SMALL_PROGRAM_CHARS = 64 * 1024;

// Validations of the token patterns cost ~35 ms at every start of the command: the tests run them (`validatingLexer`).
let small: Lexer | undefined;
let large: Lexer | undefined;

/** The lexer for a text of this length (see SMALL_PROGRAM_CHARS). */
export function lexerFor(length: number): Lexer {
  if (length <= SMALL_PROGRAM_CHARS) return (small ??= new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false, skipValidations: true, safeMode: true }));
  return (large ??= new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false, skipValidations: true }));
}

/** Splits a text into tokens (and lexing errors), with the lexer suited to its length. */
export function tokenize(text: string): ILexingResult {
  return lexerFor(text.length).tokenize(text);
}

/** The lexer with chevrotain's validations of the token patterns (it throws on an error): for the tests. */
export function validatingLexer(): Lexer {
  return new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });
}

/**
 * Contextual words of the ledger (§13.1–§13.3): `expire after N months|periods`, `hold N
 * days|months` and `draw X per period recoverable|non-recoverable …` (pot options), `for random N
 * partners [weighted by X] seed "TEXT"` (§13.5, a rule's scope), `redeem EXPR from POT` (a rule clause), and the figures a test can
 * expect of a pot (`expect "P1" stars balance = 50`, `… pending = 100`).
 */
export const LEDGER_WORDS = ['expire', 'after', 'redeem', 'balance', 'expired', 'redeemed', 'carried', 'hold', 'pending', 'available', 'draw', 'recoverable', 'non', 'random', 'weighted', 'seed', 'cancelled', 'debt'] as const;

/**
 * Contextual words (§12.2, §12.3, §12.5): ordinary names everywhere, read as words of the language
 * only where the grammar expects them — `ref EVENT` (a field type), `down at most N level[s] per
 * period|year` (a tier option), `first come first served` and `pro rata` (a budget's order). They
 * are not reserved, so a field or a let may still be called `first` or `level`.
 */
export const CONTEXTUAL_WORDS = ['ref', 'down', 'most', 'level', 'levels', 'first', 'come', 'served', 'pro', 'rata', ...LEDGER_WORDS] as const;

/** Words that start a top-level declaration (used to resynchronise after a syntax error). */
export const DECLARATION_WORDS = ['program', 'partner', 'event', 'let', 'measure', 'tier', 'payout', 'rule', 'test'] as const;
