/**
 * The Incent parser: source text → typed syntax tree (`syntax.ts`) plus syntax diagnostics.
 *
 * Never throws. The token stream is cut into top-level declarations (at brace depth 0, where a
 * declaration word starts), and each declaration is parsed on its own with Chevrotain's error
 * recovery, so a broken rule never hides the errors of the rules after it. Its recursion is
 * bounded: an expression nests at most MAX_NESTING levels (E0107; chains of binary operators are
 * loops, not nesting), and a program has at most MAX_PROGRAM_CHARS characters (E0005).
 */
import { EmbeddedActionsParser, EMPTY_ALT, EOF, LLkLookaheadStrategy, type ILookaheadStrategy, tokenMatcher, type IToken, type IParserErrorMessageProvider, type TokenType, type IRecognitionException } from 'chevrotain';
import { error, type Diagnostic } from '../core/diagnostics.js';
import { MAX_NESTING, MAX_PROGRAM_CHARS } from '../core/limits.js';
import { TableLookahead } from './lookahead.js';
import * as T from './tokens.js';
import type * as S from './syntax.js';

const Kw = T.Kw;

/** What a grammar rule is, in words, for "expected …" messages. */
const RULE_WORDS: Record<string, string> = {
  declaration: 'a declaration (`program`, `partner`, `event`, `let`, `measure`, `tier`, `payout`, `rule` or `test`)',
  headerClause: 'a header clause (`currency`, `period`, `start`, `end` or `rounding`)',
  fieldDecl: 'a field declaration such as `amount: money`',
  fieldRange: 'a range such as `in 0 EUR..1_000 EUR`',
  typeRef: 'a type (`text`, `integer`, `decimal`, `money`, `date`, `boolean` or `one of "a", "b"`)',
  measureDecl: 'an aggregate (`sum`, `count`, `count distinct`, `min`, `max` or `average`)',
  window: 'a window (`this period`, `previous period`, `year to date`, `half to date`, `previous year`, `last N months|quarters|years|periods` or `program to date`)',
  payoutOption: 'a payout option (`rounding`, `cap`, `budget`, `minimum`, `denominations`, `approval above`, `value`, `expire after`, `hold` or `draw`)',
  ruleClause: 'a rule clause (`for each …`, `for top …`, `award … to …`, `redeem … from …`, `cap …` or `once per partner`)',
  scope: 'a scope (`for each EVENT`, `for each partner` or `for top N partners by …`)',
  testItem: 'a test line (`period …`, `partner "ID" { … }`, an event, or `expect …`)',
  primary: 'an expression',
  postfix: 'an expression',
  unary: 'an expression',
  expr: 'an expression',
  andExpr: 'an expression',
  notExpr: 'an expression',
  comparison: 'an expression',
  additive: 'an expression',
  multiplicative: 'an expression',
  roundingMode: 'a rounding mode (`half-even`, `half-up`, `half-down`, `down`, `up`, `floor` or `ceiling`)',
  lookupKey: 'a lookup key (a tier level, a quoted enumeration value, or `else`)',
  periodUnit: 'a period (`month`, `quarter` or `year`)',
  windowUnit: '`periods`, `months`, `quarters` or `years`',
  fieldName: 'a field name',
  tierItem: 'a tier level such as `Silver from 250_000 EUR`, or `down at most N levels per period|year`',
  running: 'a running total (`running sum EXPR` or `running count`)',
};

function tokenWords(tok: IToken): string {
  if (tok.tokenType === EOF) return 'the end of the file';
  if (tok.tokenType === T.Identifier) return `\`${tok.image}\``;
  return `\`${tok.image}\``;
}

function labelOf(t: TokenType): string {
  return t.LABEL ?? `\`${t.name}\``;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${labelOf(expected)}, found ${tokenWords(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${tokenWords(firstRedundant)} after the end of the declaration`;
  },
  buildNoViableAltMessage({ actual, ruleName, expectedPathsPerAlt }) {
    const words = RULE_WORDS[ruleName];
    if (words) return `expected ${words}, found ${tokenWords(actual[0]!)}`;
    const firsts = [...new Set(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => labelOf(path[0]!))))];
    return `expected ${firsts.join(', ')}; found ${tokenWords(actual[0]!)}`;
  },
  buildEarlyExitMessage({ actual, ruleName, expectedIterationPaths }) {
    const words = RULE_WORDS[ruleName];
    if (words) return `expected ${words}, found ${tokenWords(actual[0]!)}`;
    const firsts = [...new Set(expectedIterationPaths.map((path) => labelOf(path[0]!)))];
    return `expected at least one ${firsts.join(' or ')}, found ${tokenWords(actual[0]!)}`;
  },
};

const CURRENCY_CODE = /^[A-Z]{3}$/;

/** The function names (`floor(`…). */
const FUNCTION_TOKENS = new Set<TokenType>([Kw.floor, Kw.ceil, Kw.round, Kw.min, Kw.max, Kw.abs]);
/** Tokens that join two operands: binary operators, `in` and `..` (for skipping an expression). */
const BINARY_TOKENS = new Set<TokenType>([
  T.Plus, T.Minus, T.Star, T.Slash, T.Equals, T.NotEquals, T.Less, T.LessEq, T.Greater, T.GreaterEq, Kw.and, Kw.or, Kw.in, T.DotDot, Kw.at,
]);

/**
 * Tokens that may follow an operand. A keyword before one of them, where an expression is
 * expected, is a bare name (§12.1: `where value > 5 EUR`, `award count * 2 to points`, `lookup
 * tier { … }`): there it cannot start an expression or a clause. Before anything else (a name,
 * a literal, `(`) it keeps its meaning (`lookup status { … }`, `max(a, b)`, `award to cash` is a
 * missing amount). An identifier never follows a bare keyword but for `day`/`month` (`count days`).
 */
const AFTER_OPERAND = new Set<TokenType>([
  EOF, T.Plus, T.Minus, T.Star, T.Slash, T.Equals, T.NotEquals, T.Less, T.LessEq, T.Greater, T.GreaterEq, T.DotDot,
  T.RParen, T.RBracket, T.RBrace, T.LBrace, T.Comma,
  Kw.and, Kw.or, Kw.in, Kw.then, Kw.else, Kw.to, Kw.where, Kw.over, Kw.per, Kw.by, Kw.from, Kw.below,
  Kw.award, Kw.cap, Kw.once, Kw.for, Kw.days, Kw.months,
]);

/**
 * Tokens that begin an operand and never follow one (a literal, `(`, a name that is not a word of
 * the language): after a keyword that follows a dot, they show the keyword to begin what follows
 * (`if partner. then 1 EUR …`), not to be a field's name (`partner.then`).
 */
function startsOperandOnly(t: IToken): boolean {
  const tt = t.tokenType;
  if (tt === T.StringLit || tt === T.DateLit || tt === T.PeriodLit || tt === T.NumberLit || tt === T.LParen) return true;
  return tt === T.Identifier && t.image !== 'day' && t.image !== 'month' && !(T.CONTEXTUAL_WORDS as readonly string[]).includes(t.image);
}

/** Whether `next` may follow a bare keyword name. */
function followsOperand(next: IToken, after: IToken | undefined): boolean {
  if (AFTER_OPERAND.has(next.tokenType)) return true;
  return next.tokenType === T.Identifier && (next.image === 'day' || next.image === 'month') && after?.tokenType !== T.Colon;
}

/** Whether a keyword token can be a bare name where an expression is expected, given the two tokens after it. */
export function bareKeywordAt(tok: IToken, next: IToken, after: IToken | undefined): boolean {
  return tokenMatcher(tok, T.BareKeyword) && followsOperand(next, after);
}

/**
 * The span from the start of `first` to the end of `last`. A token that error recovery inserted
 * has no offset: the span then ends where it starts (or starts where it ends), never before.
 */
function span(first: IToken, last: IToken): S.Span {
  const a = first.startOffset;
  const b = last.startOffset + (last.image?.length ?? 0);
  const start = Number.isNaN(a) ? (Number.isNaN(b) ? 0 : last.startOffset) : a;
  const end = Number.isNaN(b) ? start : Math.max(start, b);
  return { start, end };
}

function joinSpans(a: S.Span | undefined, b: S.Span | undefined): S.Span {
  if (!a) return b ?? { start: 0, end: 0 };
  if (!b) return a;
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** Removes `_` and applies `%` exactly, by moving the decimal point. */
export function numberValue(text: string): { value: string; percent: boolean } {
  const percent = text.endsWith('%');
  let digits = text.replace(/[_%]/g, '');
  if (!percent) return { value: normalizeDecimal(digits), percent };
  let [int, frac = ''] = digits.split('.') as [string, string?];
  int = int.padStart(3, '0');
  digits = `${int.slice(0, -2)}.${int.slice(-2)}${frac}`;
  return { value: normalizeDecimal(digits), percent };
}

function normalizeDecimal(s: string): string {
  let [int, frac] = s.split('.') as [string, string?];
  int = int.replace(/^0+(?=\d)/, '');
  if (frac !== undefined) {
    frac = frac.replace(/0+$/, '');
    return frac ? `${int}.${frac}` : int;
  }
  return int;
}

function unescapeString(image: string): string {
  const body = image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  return body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** A field's options in their canonical order (§12.1, §14.3). */
const OPTION_WORDS = ['in', 'from', 'default'] as const;

/** How many tokens the parser may look ahead to choose (chevrotain's LL(k)). */
export const MAX_LOOKAHEAD = 3;

class IncentParser extends EmbeddedActionsParser {
  /** How many nesting constructs (parentheses, `if`, calls, …) enclose the current position; reset per declaration. */
  nesting = 0;
  /** Diagnostics of the parser's own limits (E0107), collected per declaration. */
  readonly limitDiagnostics: Diagnostic[] = [];
  /** A contextual word (`most`, `level`, `served`…) where another name was written, collected per declaration (E0101). */
  readonly wordDiagnostics: Diagnostic[] = [];

  /**
   * Chevrotain's grammar validations (ambiguities, left recursion, …) cost ~60 ms at every start of
   * the command, for a grammar that does not change: they run in the tests (`checkGrammar`).
   */
  constructor(validate = false, lookaheadStrategy: ILookaheadStrategy = new TableLookahead({ maxLookahead: MAX_LOOKAHEAD })) {
    super(T.allTokens, { recoveryEnabled: true, errorMessageProvider: messages, maxLookahead: MAX_LOOKAHEAD, skipValidations: !validate, lookaheadStrategy });
    this.performSelfAnalysis();
  }

  /**
   * Parses a construct that opens a nesting level (`f` starts at its first token). Past
   * MAX_NESTING levels it reports E0107 once, skips the rest of the expression without recursion
   * and gives a `Skipped` node in its place, which the checker accepts silently, so one mistake
   * gives one error. This keeps the parser's recursion, and every later stage's, bounded.
   */
  private nest<R>(f: () => R): R | S.Skipped {
    if (this.RECORDING_PHASE) return f();
    if (this.nesting >= MAX_NESTING) {
      const at = this.LA(1);
      this.limitDiagnostics.push(
        error(
          'E0107',
          `this expression nests more than ${MAX_NESTING} levels deep`,
          span(at, at),
          'give an inner part a name with `let` and use the name here (parentheses, `if`, calls, `lookup`, `bands`, `-` and `not` each open a level)',
        ),
      );
      this.skipExpression();
      return { kind: 'Skipped', span: span(at, this.LA(0)) };
    }
    this.nesting++;
    try {
      return f();
    } finally {
      this.nesting--;
    }
  }

  /**
   * Skips, without building it and without recursion, the expression that starts at the next
   * token: as far as an expression can extend at this bracket level, up to a token that cannot
   * continue it (`)`, `,`, `to`, `where`, a `then` or `else` of an enclosing `if`…) or the end of
   * the declaration. The grammar then goes on from there as if the expression had been parsed.
   */
  private skipExpression(): void {
    let expectOperand = true;
    /** The pending `if`s of the skipped text, innermost last: the word each one waits for. */
    const ifs: ('then' | 'else')[] = [];
    /** `lookup`s and `bands` whose `{ … }` follows their key. */
    let blocks = 0;
    for (;;) {
      const tt = this.LA(1).tokenType;
      if (tt === EOF) return;
      if (expectOperand) {
        if (tt === T.Minus || tt === Kw.not || tt === Kw.previous) {
          this.SKIP_TOKEN();
          continue;
        }
        if (tt === Kw.running) {
          this.SKIP_TOKEN();
          if (this.LA(1).tokenType === Kw.sum) this.SKIP_TOKEN();
          else if (this.LA(1).tokenType === Kw.count) {
            this.SKIP_TOKEN();
            expectOperand = false;
          }
          continue;
        }
        if (tt === Kw.if) {
          ifs.push('then');
          this.SKIP_TOKEN();
          continue;
        }
        if (tt === Kw.lookup || tt === Kw.bands || tt === Kw.marginal || tt === Kw.interpolate) {
          blocks++;
          this.SKIP_TOKEN();
          continue;
        }
        if (tt === T.LParen || tt === T.LBracket) this.skipGroup();
        else if (FUNCTION_TOKENS.has(tt)) {
          this.SKIP_TOKEN();
          if (this.LA(1).tokenType === T.LParen) this.skipGroup();
        } else if (tt === T.NumberLit) {
          const n = this.LA(1);
          this.SKIP_TOKEN();
          const cur = this.LA(1);
          if (cur.tokenType === T.Identifier && CURRENCY_CODE.test(cur.image) && !n.image.endsWith('%')) this.SKIP_TOKEN();
        } else if (tt === T.Identifier || tt === Kw.partner || tt === Kw.period) {
          this.SKIP_TOKEN();
          while (this.LA(1).tokenType === T.Dot) {
            this.SKIP_TOKEN();
            if (this.LA(1).tokenType === T.Identifier || tokenMatcher(this.LA(1), T.AnyKeyword)) this.SKIP_TOKEN();
          }
        } else if (tt === Kw.days && this.LA(2).tokenType === Kw.between) {
          this.SKIP_TOKEN();
          this.SKIP_TOKEN();
          expectOperand = true; // A; the `and` before B is skipped as a binary operator
          continue;
        } else if (tt === T.StringLit || tt === T.DateLit || tt === Kw.true || tt === Kw.false) this.SKIP_TOKEN();
        else if (bareKeywordAt(this.LA(1), this.LA(2), this.LA(3))) this.SKIP_TOKEN();
        else return; // not an expression: left to the grammar
        if (this.durationAhead()) this.SKIP_TOKEN();
        while (blocks > 0 && this.LA(1).tokenType === T.LBrace) {
          this.skipGroup();
          blocks--;
        }
        expectOperand = false;
        continue;
      }
      if (BINARY_TOKENS.has(tt)) {
        this.SKIP_TOKEN();
        expectOperand = true;
      } else if (tt === Kw.then && ifs[ifs.length - 1] === 'then') {
        ifs[ifs.length - 1] = 'else';
        this.SKIP_TOKEN();
        expectOperand = true;
      } else if (tt === Kw.else && ifs[ifs.length - 1] === 'else') {
        ifs.pop();
        this.SKIP_TOKEN();
        expectOperand = true;
      } else return;
    }
  }

  /** Skips a bracketed group that starts at the next token (`(`, `[` or `{`) through its closing bracket. */
  private skipGroup(): void {
    let depth = 0;
    for (;;) {
      const tt = this.LA(1).tokenType;
      if (tt === EOF) return;
      if (tt === T.LParen || tt === T.LBracket || tt === T.LBrace) depth++;
      else if (tt === T.RParen || tt === T.RBracket || tt === T.RBrace) depth--;
      this.SKIP_TOKEN();
      if (depth <= 0) return;
    }
  }

  /**
   * A contextual word (tokens.ts's CONTEXTUAL_WORDS): an identifier read as a word of the
   * language. Where the grammar has already decided on the construct (`down at …`), another name
   * is reported here (E0101) rather than derailing the declaration.
   */
  private word(w: string, tok: IToken): void {
    this.ACTION(() => {
      if (tok.image !== w && tok.image !== undefined && !Number.isNaN(tok.startOffset)) {
        this.wordDiagnostics.push(error('E0101', `expected \`${w}\`, found \`${tok.image}\``, span(tok, tok), `write \`${w}\` here`));
      }
    });
  }

  /** Whether the next token is a duration's unit after its count (`30 days`), not the name of a field that follows (`{ a: 1 month: 2 }`). */
  private durationAhead(): boolean {
    const t = this.LA(1);
    if (t.tokenType !== Kw.days && t.tokenType !== Kw.months && !(t.tokenType === T.Identifier && (t.image === 'day' || t.image === 'month'))) return false;
    return this.LA(2).tokenType !== T.Colon;
  }

  private ident(tok: IToken): S.Ident {
    return { kind: 'Ident', name: tok.image ?? '', span: span(tok, tok) };
  }

  private str(tok: IToken): S.StringLit {
    return { kind: 'String', value: unescapeString(tok.image ?? '""'), span: span(tok, tok) };
  }

  private from(first: IToken): S.Span {
    return span(first, this.LA(0));
  }

  // -------------------------------------------------------------------------------------------
  // Declarations

  declaration = this.RULE('declaration', (): S.Decl | S.Header | undefined =>
    this.OR<S.Decl | S.Header | undefined>([
      { ALT: () => this.SUBRULE(this.header) },
      { ALT: () => this.SUBRULE(this.partnerDecl) },
      { ALT: () => this.SUBRULE(this.eventDecl) },
      { ALT: () => this.SUBRULE(this.letDecl) },
      { ALT: () => this.SUBRULE(this.measureDecl) },
      { ALT: () => this.SUBRULE(this.tierDecl) },
      { ALT: () => this.SUBRULE(this.payoutDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.testDecl) },
    ]),
  );

  header = this.RULE('header', (): S.Header => {
    const kw = this.CONSUME(Kw.program);
    const name = this.CONSUME(T.StringLit);
    this.CONSUME(T.LBrace);
    const clauses: S.HeaderClause[] = [];
    this.MANY(() => {
      const c = this.SUBRULE(this.headerClause);
      this.ACTION(() => c && clauses.push(c));
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'Header', name: this.str(name), clauses, span: this.from(kw) }))!;
  });

  headerClause = this.RULE('headerClause', (): S.HeaderClause =>
    this.OR<S.HeaderClause>([
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.currency);
          const code = this.CONSUME(T.Identifier);
          return this.ACTION(() => ({ kind: 'Currency', code: this.ident(code), span: this.from(kw) }) as S.HeaderClause)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.period);
          const unit = this.SUBRULE(this.periodUnit);
          return this.ACTION(() => ({ kind: 'PeriodClause', unit, span: this.from(kw) }) as S.HeaderClause)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.start);
          const d = this.CONSUME(T.DateLit);
          return this.ACTION(() => ({ kind: 'Start', date: { kind: 'Date', value: d.image, span: span(d, d) }, span: this.from(kw) }) as S.HeaderClause)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.end);
          const d = this.CONSUME2(T.DateLit);
          return this.ACTION(() => ({ kind: 'End', date: { kind: 'Date', value: d.image, span: span(d, d) }, span: this.from(kw) }) as S.HeaderClause)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.rounding);
          const mode = this.SUBRULE(this.roundingMode);
          return this.ACTION(() => ({ kind: 'Rounding', mode, span: this.from(kw) }) as S.HeaderClause)!;
        },
      },
      {
        // `exchange rates monthly|daily` (§13.4): ordinary words, recognised here only
        GATE: () => this.LA(1).image === 'exchange',
        ALT: () => {
          const kw = this.CONSUME3(T.Identifier);
          const rates = this.CONSUME4(T.Identifier);
          const every = this.CONSUME5(T.Identifier);
          return this.ACTION(() => ({ kind: 'ExchangeRates', rates: this.ident(rates), every: this.ident(every), span: this.from(kw) }) as S.HeaderClause)!;
        },
      },
    ]),
  );

  periodUnit = this.RULE('periodUnit', (): S.Ident => {
    const tok = this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(Kw.year) }]);
    return this.ACTION(() => this.ident(tok))!;
  });

  roundingMode = this.RULE('roundingMode', (): S.Ident => {
    const tok = this.OR([
      { ALT: () => this.CONSUME(T.HalfMode) },
      { ALT: () => this.CONSUME(Kw.floor) },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]);
    return this.ACTION(() => this.ident(tok))!;
  });

  partnerDecl = this.RULE('partnerDecl', (): S.PartnerDecl => {
    const kw = this.CONSUME(Kw.partner);
    const fields = this.SUBRULE(this.fieldBlock);
    return this.ACTION(() => ({ kind: 'PartnerDecl', fields: fields ?? [], span: this.from(kw) }) as S.PartnerDecl)!;
  });

  eventDecl = this.RULE('eventDecl', (): S.EventDecl => {
    const kw = this.CONSUME(Kw.event);
    const name = this.CONSUME(T.Identifier);
    const fields = this.SUBRULE(this.fieldBlock);
    return this.ACTION(() => ({ kind: 'EventDecl', name: this.ident(name), fields: fields ?? [], span: this.from(kw) }) as S.EventDecl)!;
  });

  fieldBlock = this.RULE('fieldBlock', (): S.FieldDecl[] => {
    const fields: S.FieldDecl[] = [];
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      const f = this.SUBRULE(this.fieldDecl);
      this.ACTION(() => f && fields.push(f));
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
    return fields;
  });

  /**
   * `FIELD: TYPE`, then its options, each optional: `in A..B`, `from "Column"`, `default VALUE`.
   * They are read in any order so that a misplaced or repeated option is one error (E0109) at the
   * option, not a cascade; the formatter writes them in the order above.
   */
  fieldDecl = this.RULE('fieldDecl', (): S.FieldDecl => {
    const name = this.SUBRULE(this.fieldName);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeRef);
    let range: S.FieldRange | undefined;
    let column: S.StringLit | undefined;
    let dflt: S.Expr | undefined;
    let rank = -1;
    const seen = (r: number, at: IToken): void => {
      if (this.RECORDING_PHASE) return;
      if (r <= rank) {
        const word = OPTION_WORDS[r]!;
        const again = r === rank || (r === 0 && range) || (r === 1 && column) || (r === 2 && dflt);
        this.wordDiagnostics.push(
          error(
            'E0109',
            again ? `this field already has its \`${word}\`` : `\`${word}\` comes before \`${OPTION_WORDS[rank]!}\` in a field's options`,
            span(at, at),
            again ? 'give each option once' : 'write the options in this order: `in A..B`, `from "Column header"`, then `default VALUE`',
          ),
        );
      }
      rank = Math.max(rank, r);
    };
    // Not an option but the next field's name when a `:` follows (`in: text`, `from: text`, `default: text`).
    this.MANY({
      GATE: () => this.LA(2).tokenType !== T.Colon,
      DEF: () =>
        this.OR([
          {
            ALT: () => {
              const at = this.LA(1);
              const r = this.SUBRULE(this.fieldRange);
              this.ACTION(() => {
                seen(0, at);
                range ??= r;
              });
            },
          },
          {
            ALT: () => {
              const at = this.LA(1);
              const c = this.SUBRULE(this.fieldColumn);
              this.ACTION(() => {
                seen(1, at);
                column ??= c;
              });
            },
          },
          {
            ALT: () => {
              const at = this.LA(1);
              const d = this.SUBRULE(this.fieldDefault);
              this.ACTION(() => {
                seen(2, at);
                dflt ??= d;
              });
            },
          },
        ]),
    });
    return this.ACTION(() => {
      const last = [range?.span, column?.span, dflt?.span, type?.span].filter((x): x is S.Span => x !== undefined).reduce<S.Span | undefined>((a, b) => (a === undefined || b.end > a.end ? b : a), undefined);
      return {
        kind: 'FieldDecl',
        name,
        type,
        ...(range ? { range } : {}),
        ...(column ? { column } : {}),
        ...(dflt ? { default: dflt } : {}),
        span: joinSpans(name?.span, last),
      } as S.FieldDecl;
    })!;
  });

  /** A field's optional range after its type: `in A..B` (constants of the field's type; the checker says which). */
  fieldRange = this.RULE('fieldRange', (): S.FieldRange => {
    const kw = this.CONSUME(Kw.in);
    const from = this.SUBRULE(this.additive);
    this.CONSUME(T.DotDot);
    const to = this.SUBRULE2(this.additive);
    return this.ACTION(() => ({ kind: 'FieldRange', from, to, span: this.from(kw) }) as S.FieldRange)!;
  });

  /** `from "Column header"`: the CSV column or JSON key a field is read from (§12.1). */
  fieldColumn = this.RULE('fieldColumn', (): S.StringLit | undefined => {
    this.CONSUME(Kw.from);
    const s = this.CONSUME(T.StringLit);
    // A string the parser inserted to recover from its absence (reported) is no column.
    return this.ACTION(() => (s.isInsertedInRecovery ? undefined : this.str(s)));
  });

  /** `default VALUE`: what an empty cell or a missing key stands for (§12.1). Additive, so that another option may follow. */
  fieldDefault = this.RULE('fieldDefault', (): S.Expr => {
    this.CONSUME(Kw.default);
    return this.SUBRULE(this.additive);
  });

  /** A field name: any word, keywords included (`value: money`, `partner` in test records; §12.1). */
  fieldName = this.RULE('fieldName', (): S.Ident => {
    const tok = this.CONSUME(T.Word);
    return this.ACTION(() => this.ident(tok))!;
  });

  /**
   * The name after a dot (`partner.region`, `sale.value`, `refund.activation.reward`): any word,
   * keywords included (§12.1) — but not a keyword followed by what begins an operand and never
   * follows one (`if partner. then 1 EUR …`): that keyword begins what follows, and the name is
   * missing. One error, at the keyword, which is then read as what it is (no second error). A
   * missing name is an identifier with no text, which the checker passes over.
   */
  dotField = this.RULE('dotField', (): S.Ident => {
    let tok: IToken | undefined;
    this.OR([
      { GATE: () => this.nameAfterDot(), ALT: () => (tok = this.CONSUME(T.Word)) },
      { ALT: EMPTY_ALT() },
    ]);
    return this.ACTION(() => {
      if (tok) return this.ident(tok);
      const next = this.LA(1);
      const keyword = tokenMatcher(next, T.AnyKeyword);
      this.wordDiagnostics.push(
        error('E0101', `expected a name, found ${tokenWords(next)}`, span(next, next), keyword ? `write the field's name after the dot (\`${next.image}\` here begins what follows)` : undefined),
      );
      const at = span(next, next).start;
      return { kind: 'Ident', name: '', span: { start: at, end: at } } as S.Ident;
    })!;
  });

  /** Whether the word after a dot is a name: any word but a keyword followed by what begins an operand and never follows one. */
  private nameAfterDot(): boolean {
    return !tokenMatcher(this.LA(1), T.AnyKeyword) || !startsOperandOnly(this.LA(2));
  }

  typeRef = this.RULE('typeRef', (): S.TypeRef =>
    this.OR<S.TypeRef>([
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.one);
          this.CONSUME(Kw.of);
          const members: S.StringLit[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () => {
              const s = this.CONSUME(T.StringLit);
              this.ACTION(() => members.push(this.str(s)));
            },
          });
          return this.ACTION(() => ({ kind: 'EnumType', members, span: this.from(kw) }) as S.TypeRef)!;
        },
      },
      {
        ALT: () => {
          const name = this.CONSUME(T.Identifier);
          // `ref EVENT` (§12.3): `ref` followed by a name that is not the next field's (`b:`).
          const target = this.OPTION({
            GATE: () => name.image === 'ref' && this.LA(1).tokenType === T.Identifier && this.LA(2).tokenType !== T.Colon,
            DEF: () => this.CONSUME2(T.Identifier),
          });
          // `money any [by FIELD]` (§13.4): `any` not followed by `:` (a next field named `any`)
          const any = this.OPTION2({
            GATE: () => !target && name.image === 'money' && this.LA(1).image === 'any' && this.LA(2).tokenType !== T.Colon,
            DEF: () => this.CONSUME3(T.Identifier),
          });
          const by = this.OPTION3({
            GATE: () => any !== undefined,
            DEF: () => {
              this.CONSUME(Kw.by);
              return this.CONSUME4(T.Identifier);
            },
          });
          return this.ACTION(() =>
            target
              ? ({ kind: 'RefType', event: this.ident(target), span: span(name, target) } as S.TypeRef)
              : any
                ? ({ kind: 'MoneyAnyType', ...(by ? { by: this.ident(by) } : {}), span: span(name, by ?? any) } as S.TypeRef)
                : ({ kind: 'SimpleType', name: this.ident(name), span: span(name, name) } as S.TypeRef),
          )!;
        },
      },
    ]),
  );

  letDecl = this.RULE('letDecl', (): S.LetDecl => {
    const kw = this.CONSUME(Kw.let);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expr);
    return this.ACTION(() => ({ kind: 'LetDecl', name: this.ident(name), value, span: this.from(kw) }) as S.LetDecl)!;
  });

  measureDecl = this.RULE('measureDecl', (): S.MeasureDecl => {
    const kw = this.CONSUME(Kw.measure);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    let op: S.AggregateOp = 'sum';
    let arg: S.Expr | undefined;
    let event: S.Ident | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.sum);
          op = 'sum';
          arg = this.SUBRULE(this.expr);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.count);
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(Kw.distinct);
                op = 'count distinct';
                arg = this.SUBRULE2(this.expr);
              },
            },
            {
              ALT: () => {
                const ev = this.CONSUME2(T.Identifier);
                op = 'count';
                this.ACTION(() => (event = this.ident(ev)));
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          const tok = this.OR3([{ ALT: () => this.CONSUME(Kw.min) }, { ALT: () => this.CONSUME(Kw.max) }, { ALT: () => this.CONSUME(Kw.average) }]);
          this.ACTION(() => (op = tok.image as S.AggregateOp));
          arg = this.SUBRULE3(this.expr);
        },
      },
    ]);
    let where: S.Expr | undefined;
    let window: S.Window | undefined;
    let otherwise: S.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(Kw.where);
      where = this.SUBRULE4(this.expr);
    });
    this.OPTION2(() => {
      this.CONSUME(Kw.over);
      window = this.SUBRULE(this.window);
    });
    this.OPTION3(() => {
      this.CONSUME(Kw.else);
      otherwise = this.SUBRULE5(this.expr);
    });
    return this.ACTION(
      () =>
        ({
          kind: 'MeasureDecl',
          name: this.ident(name),
          op,
          ...(arg ? { arg } : {}),
          ...(event ? { event } : {}),
          ...(where ? { where } : {}),
          ...(window ? { window } : {}),
          ...(otherwise ? { otherwise } : {}),
          span: this.from(kw),
        }) as S.MeasureDecl,
    )!;
  });

  window = this.RULE('window', (): S.Window =>
    this.OR<S.Window>([
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.this);
          this.CONSUME(Kw.period);
          return this.ACTION(() => ({ kind: 'Window', form: 'this period', span: this.from(kw) }) as S.Window)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.previous);
          const form = this.OR2([
            { ALT: () => (this.CONSUME2(Kw.period), 'previous period' as const) },
            { ALT: () => (this.CONSUME(Kw.year), 'previous year' as const) },
          ]);
          return this.ACTION(() => ({ kind: 'Window', form, span: this.from(kw) }) as S.Window)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME2(Kw.year);
          this.CONSUME(Kw.to);
          this.SUBRULE(this.dateWord);
          return this.ACTION(() => ({ kind: 'Window', form: 'year to date', span: this.from(kw) }) as S.Window)!;
        },
      },
      {
        GATE: () => this.LA(1).image === 'half',
        ALT: () => {
          const kw = this.CONSUME(T.Identifier);
          this.CONSUME3(Kw.to);
          this.SUBRULE3(this.dateWord);
          return this.ACTION(() => ({ kind: 'Window', form: 'half to date', span: this.from(kw) }) as S.Window)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.program);
          this.CONSUME2(Kw.to);
          this.SUBRULE2(this.dateWord);
          return this.ACTION(() => ({ kind: 'Window', form: 'program to date', span: this.from(kw) }) as S.Window)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.last);
          const n = this.CONSUME(T.NumberLit);
          const unit = this.SUBRULE(this.windowUnit);
          return this.ACTION(() => ({ kind: 'Window', form: 'last', count: this.numberLit(n), unit, span: this.from(kw) }) as S.Window)!;
        },
      },
    ]),
  );

  /** The word `date` (an identifier elsewhere) in `year to date`, `half to date` and `program to date`. */
  dateWord = this.RULE('dateWord', () => {
    this.CONSUME(T.Identifier, { LABEL: '`date`' } as never);
  });

  windowUnit = this.RULE('windowUnit', (): S.WindowUnit => {
    const tok = this.OR([
      { ALT: () => this.CONSUME(Kw.periods) },
      { ALT: () => this.CONSUME(Kw.months) },
      { ALT: () => this.CONSUME(Kw.quarters) },
      { ALT: () => this.CONSUME(Kw.years) },
    ]);
    return this.ACTION(() => tok.image as S.WindowUnit)!;
  });

  tierDecl = this.RULE('tierDecl', (): S.TierDecl => {
    const kw = this.CONSUME(Kw.tier);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(Kw.by);
    const by = this.SUBRULE(this.expr);
    this.CONSUME(T.LBrace);
    const levels: S.TierLevel[] = [];
    const down: S.TierDown[] = [];
    this.MANY(() => {
      const item = this.SUBRULE(this.tierItem);
      this.ACTION(() => {
        if (item?.kind === 'TierDown') down.push(item);
        else if (item) levels.push(item);
      });
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'TierDecl', name: this.ident(name), by, levels, ...(down.length ? { down } : {}), span: this.from(kw) }) as S.TierDecl)!;
  });

  /** A tier level (`Silver from 250_000 EUR`), or the option `down at most N level[s] per period|year` (§12.3). */
  tierItem = this.RULE('tierItem', (): S.TierLevel | S.TierDown =>
    this.OR<S.TierLevel | S.TierDown>([
      {
        GATE: () => this.LA(1).image === 'down' && this.LA(2).tokenType === Kw.at,
        ALT: () => this.SUBRULE(this.tierDown),
      },
      {
        ALT: () => {
          const lv = this.CONSUME2(T.Identifier);
          let threshold: S.Expr | undefined;
          this.OPTION(() => {
            this.CONSUME(Kw.from);
            threshold = this.SUBRULE2(this.expr);
          });
          this.OPTION2(() => this.CONSUME(T.Comma));
          return this.ACTION(() => ({ kind: 'TierLevel', name: this.ident(lv), ...(threshold ? { threshold } : {}), span: joinSpans(span(lv, lv), threshold?.span) }) as S.TierLevel)!;
        },
      },
    ]),
  );

  /** `down at most N level[s] per period|year`. */
  tierDown = this.RULE('tierDown', (): S.TierDown => {
    const kw = this.CONSUME(T.Identifier);
    this.word('down', kw);
    this.CONSUME(Kw.at);
    this.word('most', this.CONSUME2(T.Identifier));
    const n = this.CONSUME(T.NumberLit);
    const unit = this.CONSUME3(T.Identifier);
    this.ACTION(() => {
      if (unit.image !== 'level' && unit.image !== 'levels') this.word(n.image === '1' ? 'level' : 'levels', unit);
    });
    this.CONSUME(Kw.per);
    const per = this.OR([{ ALT: () => (this.CONSUME(Kw.period), 'period' as const) }, { ALT: () => (this.CONSUME(Kw.year), 'year' as const) }]);
    this.OPTION(() => this.CONSUME(T.Comma));
    return this.ACTION(() => ({ kind: 'TierDown', count: this.numberLit(n), per, span: this.from(kw) }) as S.TierDown)!;
  });

  payoutDecl = this.RULE('payoutDecl', (): S.PayoutDecl => {
    const kw = this.CONSUME(Kw.payout);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(Kw.as);
    const pk = this.CONSUME2(T.Identifier);
    let options: S.PayoutOption[] | undefined;
    this.OPTION(() => {
      this.CONSUME(T.LBrace);
      const opts: S.PayoutOption[] = [];
      this.MANY(() => {
        const o = this.SUBRULE(this.payoutOption);
        this.ACTION(() => o && opts.push(o));
      });
      this.CONSUME(T.RBrace);
      options = opts;
    });
    return this.ACTION(
      () => ({ kind: 'PayoutDecl', name: this.ident(name), payoutKind: this.ident(pk), ...(options ? { options } : {}), span: this.from(kw) }) as S.PayoutDecl,
    )!;
  });

  payoutOption = this.RULE('payoutOption', (): S.PayoutOption =>
    this.OR<S.PayoutOption>([
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.rounding);
          const mode = this.SUBRULE(this.roundingMode);
          return this.ACTION(() => ({ kind: 'PotRounding', mode, span: this.from(kw) }) as S.PayoutOption)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.cap);
          const amount = this.SUBRULE(this.expr);
          let per: 'period' | 'year' | undefined;
          this.OPTION(() => {
            this.CONSUME(Kw.per);
            this.CONSUME(Kw.partner);
          });
          this.OPTION2(() => {
            this.CONSUME2(Kw.per);
            per = this.OR2([{ ALT: () => (this.CONSUME(Kw.period), 'period' as const) }, { ALT: () => (this.CONSUME(Kw.year), 'year' as const) }]);
          });
          return this.ACTION(() => ({ kind: 'PotCap', amount, ...(per ? { per } : {}), span: this.from(kw) }) as S.PayoutOption)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.budget);
          const amount = this.SUBRULE2(this.expr);
          const order = this.OPTION3({ GATE: () => this.LA(1).image === 'first' || this.LA(1).image === 'pro', DEF: () => this.SUBRULE(this.budgetOrder) });
          return this.ACTION(() => ({ kind: 'PotBudget', amount, ...(order ? { order } : {}), span: this.from(kw) }) as S.PayoutOption)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.minimum);
          const amount = this.SUBRULE3(this.expr);
          return this.ACTION(() => ({ kind: 'PotMinimum', amount, span: this.from(kw) }) as S.PayoutOption)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.denominations);
          const values: S.Expr[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () => {
              const v = this.SUBRULE4(this.expr);
              this.ACTION(() => v && values.push(v));
            },
          });
          return this.ACTION(() => ({ kind: 'PotDenominations', values, span: this.from(kw) }) as S.PayoutOption)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.approval);
          this.CONSUME(Kw.above);
          const amount = this.SUBRULE5(this.expr);
          return this.ACTION(() => ({ kind: 'PotApproval', amount, span: this.from(kw) }) as S.PayoutOption)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.value);
          const amount = this.SUBRULE6(this.expr);
          return this.ACTION(() => ({ kind: 'PotValue', amount, span: this.from(kw) }) as S.PayoutOption)!;
        },
      },
      // §13.1: `expire after N months|periods` (contextual words).
      { GATE: () => this.LA(1).image === 'expire', ALT: () => this.SUBRULE(this.potExpire) },
      // §13.2: `hold N days|months`.
      { GATE: () => this.LA(1).image === 'hold', ALT: () => this.SUBRULE(this.potHold) },
      // §13.3: `draw AMOUNT per period recoverable|non-recoverable [for N periods from DATE] [where COND]`.
      { GATE: () => this.LA(1).image === 'draw', ALT: () => this.SUBRULE(this.potDraw) },
    ]),
  );

  /** `draw AMOUNT per period recoverable|non-recoverable [for N periods from DATE] [where COND]` (§13.3). */
  potDraw = this.RULE('potDraw', (): S.PayoutOption => {
    const kw = this.CONSUME(T.Identifier);
    this.word('draw', kw);
    const amount = this.SUBRULE(this.expr);
    this.CONSUME(Kw.per);
    this.CONSUME(Kw.period);
    const first = this.CONSUME2(T.Identifier);
    let recoverable = true;
    this.OPTION(() => {
      this.CONSUME(T.Minus);
      this.word('recoverable', this.CONSUME3(T.Identifier));
      recoverable = false;
    });
    this.ACTION(() => this.word(recoverable ? 'recoverable' : 'non', first));
    const window = this.OPTION2(() => {
      this.CONSUME(Kw.for);
      const n = this.CONSUME(T.NumberLit);
      this.CONSUME(Kw.periods);
      this.CONSUME(Kw.from);
      const from = this.SUBRULE2(this.expr);
      return { count: n, from };
    });
    const where = this.OPTION3(() => this.SUBRULE(this.whereClause));
    return this.ACTION(
      () =>
        ({
          kind: 'PotDraw',
          amount,
          recoverable,
          ...(window ? { window: { count: this.numberLit(window.count), from: window.from } } : {}),
          ...(where ? { where } : {}),
          span: this.from(kw),
        }) as S.PayoutOption,
    )!;
  });

  /** `hold N days|months` (§13.2). */
  potHold = this.RULE('potHold', (): S.PayoutOption => {
    const kw = this.CONSUME(T.Identifier);
    this.word('hold', kw);
    const n = this.CONSUME(T.NumberLit);
    const unit = this.OR([
      { ALT: () => (this.CONSUME(Kw.months), 'months' as const) },
      { ALT: () => (this.CONSUME(Kw.days), 'days' as const) },
    ]);
    return this.ACTION(() => ({ kind: 'PotHold', count: this.numberLit(n), unit, span: this.from(kw) }) as S.PayoutOption)!;
  });

  /** `expire after N months|periods` (§13.1). */
  potExpire = this.RULE('potExpire', (): S.PayoutOption => {
    const kw = this.CONSUME(T.Identifier);
    this.word('expire', kw);
    this.word('after', this.CONSUME2(T.Identifier));
    const n = this.CONSUME(T.NumberLit);
    const unit = this.OR([{ ALT: () => (this.CONSUME(Kw.months), 'months' as const) }, { ALT: () => (this.CONSUME(Kw.periods), 'periods' as const) }]);
    return this.ACTION(() => ({ kind: 'PotExpire', count: this.numberLit(n), unit, span: this.from(kw) }) as S.PayoutOption)!;
  });

  /** A budget's order (§12.5): `first come first served` or `pro rata`. */
  budgetOrder = this.RULE('budgetOrder', (): S.BudgetOrder => {
    const first = this.CONSUME(T.Identifier);
    if (first.image === 'pro') {
      this.word('rata', this.CONSUME2(T.Identifier));
      return 'pro rata';
    }
    this.word('first', first);
    this.word('come', this.CONSUME3(T.Identifier));
    this.word('first', this.CONSUME4(T.Identifier));
    this.word('served', this.CONSUME5(T.Identifier));
    return 'first come first served';
  });

  ruleDecl = this.RULE('ruleDecl', (): S.RuleDecl => {
    const kw = this.CONSUME(Kw.rule);
    const name = this.CONSUME(T.StringLit);
    this.CONSUME(T.LBrace);
    const clauses: S.RuleClause[] = [];
    this.MANY(() => {
      const c = this.SUBRULE(this.ruleClause);
      this.ACTION(() => c && clauses.push(c));
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'RuleDecl', name: this.str(name), clauses, span: this.from(kw) }) as S.RuleDecl)!;
  });

  ruleClause = this.RULE('ruleClause', (): S.RuleClause =>
    this.OR<S.RuleClause>([
      { ALT: () => this.SUBRULE(this.scope) },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.award);
          const amount = this.SUBRULE(this.expr);
          this.CONSUME(Kw.to);
          const pot = this.SUBRULE(this.fieldName); // any word: a keyword is no pot, which the checker says
          return this.ACTION(() => ({ kind: 'Award', amount, pot, span: this.from(kw) }) as S.RuleClause)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.cap);
          const amount = this.SUBRULE2(this.expr);
          let perEvent = false;
          this.OPTION(() => {
            this.CONSUME(Kw.per);
            this.CONSUME(Kw.event);
            perEvent = true;
          });
          return this.ACTION(() => ({ kind: 'RuleCap', amount, perEvent, span: this.from(kw) }) as S.RuleClause)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.once);
          this.CONSUME2(Kw.per);
          this.CONSUME(Kw.partner);
          let perPeriod = false;
          // `once per partner and FIELD` (§12.2)
          const key = this.OPTION3(() => {
            this.CONSUME(Kw.and);
            return this.CONSUME2(T.Identifier);
          });
          this.OPTION2(() => {
            this.CONSUME3(Kw.per);
            this.CONSUME(Kw.period);
            perPeriod = true;
          });
          return this.ACTION(() => ({ kind: 'Once', perPeriod, ...(key ? { key: this.ident(key) } : {}), span: this.from(kw) }) as S.RuleClause)!;
        },
      },
      {
        // §13.1: `redeem EXPR from POT` (a contextual word).
        GATE: () => this.LA(1).image === 'redeem',
        ALT: () => {
          const kw = this.CONSUME3(T.Identifier);
          this.word('redeem', kw);
          const amount = this.SUBRULE3(this.expr);
          this.CONSUME(Kw.from);
          const pot = this.SUBRULE2(this.fieldName); // any word, as an award's pot
          return this.ACTION(() => ({ kind: 'Redeem', amount, pot, span: this.from(kw) }) as S.RuleClause)!;
        },
      },
    ]),
  );

  scope = this.RULE('scope', (): S.Scope => {
    const kw = this.CONSUME(Kw.for);
    return this.OR<S.Scope>([
      {
        ALT: () => {
          this.CONSUME(Kw.each);
          return this.OR2<S.Scope>([
            {
              ALT: () => {
                this.CONSUME(Kw.partner);
                const where = this.OPTION(() => this.SUBRULE(this.whereClause));
                return this.ACTION(() => ({ kind: 'ForEachPartner', ...(where ? { where } : {}), span: this.from(kw) }) as S.Scope)!;
              },
            },
            {
              // Any word: a keyword is no event kind, which the checker says (one diagnostic, no cascade).
              IGNORE_AMBIGUITIES: true,
              ALT: () => {
                const ev = this.SUBRULE(this.fieldName);
                const where = this.OPTION2(() => this.SUBRULE2(this.whereClause));
                return this.ACTION(() => ({ kind: 'ForEachEvent', event: ev, ...(where ? { where } : {}), span: this.from(kw) }) as S.Scope)!;
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.top);
          const n = this.CONSUME(T.NumberLit);
          this.CONSUME(Kw.partners);
          this.CONSUME(Kw.by);
          const by = this.SUBRULE(this.expr);
          const thenBy: S.Expr[] = [];
          this.MANY(() => {
            this.CONSUME(Kw.then);
            this.CONSUME2(Kw.by);
            const k = this.SUBRULE2(this.expr);
            this.ACTION(() => k && thenBy.push(k));
          });
          const where = this.OPTION3(() => this.SUBRULE3(this.whereClause));
          return this.ACTION(
            () => ({ kind: 'ForTop', count: this.numberLit(n), by, thenBy, ...(where ? { where } : {}), span: this.from(kw) }) as S.Scope,
          )!;
        },
      },
      {
        // §13.5: `for random N partners [weighted by EXPR] seed "TEXT" [where COND]` (contextual words).
        GATE: () => this.LA(1).image === 'random',
        ALT: () => {
          this.word('random', this.CONSUME4(T.Identifier));
          const n = this.CONSUME2(T.NumberLit);
          this.CONSUME2(Kw.partners);
          const weight = this.OPTION4(() => {
            this.word('weighted', this.CONSUME5(T.Identifier));
            this.CONSUME3(Kw.by);
            return this.SUBRULE4(this.expr);
          });
          this.word('seed', this.CONSUME6(T.Identifier));
          const seed = this.CONSUME(T.StringLit);
          const where = this.OPTION5(() => this.SUBRULE4(this.whereClause));
          return this.ACTION(
            () => ({ kind: 'ForRandom', count: this.numberLit(n), ...(weight ? { weight } : {}), seed: this.str(seed), ...(where ? { where } : {}), span: this.from(kw) }) as S.Scope,
          )!;
        },
      },
    ]);
  });

  whereClause = this.RULE('whereClause', (): S.Expr => {
    this.CONSUME(Kw.where);
    return this.SUBRULE(this.expr);
  });

  testDecl = this.RULE('testDecl', (): S.TestDecl => {
    const kw = this.CONSUME(Kw.test);
    const name = this.CONSUME(T.StringLit);
    this.CONSUME(T.LBrace);
    const items: S.TestItem[] = [];
    this.MANY(() => {
      const it = this.SUBRULE(this.testItem);
      this.ACTION(() => it && items.push(it));
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'TestDecl', name: this.str(name), items, span: this.from(kw) }) as S.TestDecl)!;
  });

  testItem = this.RULE('testItem', (): S.TestItem =>
    this.OR<S.TestItem>([
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.period);
          const p = this.OR2([{ ALT: () => this.CONSUME(T.PeriodLit) }, { ALT: () => this.CONSUME(T.NumberLit) }]);
          return this.ACTION(() => ({ kind: 'TestPeriod', period: { kind: 'PeriodLit', text: p.image, span: span(p, p) }, span: this.from(kw) }) as S.TestItem)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.partner);
          const id = this.CONSUME(T.StringLit);
          const fields = this.SUBRULE(this.fieldValues);
          return this.ACTION(() => ({ kind: 'TestPartner', id: this.str(id), fields: fields ?? [], span: this.from(kw) }) as S.TestItem)!;
        },
      },
      {
        ALT: () => {
          const ev = this.CONSUME(T.Identifier);
          const fields = this.SUBRULE2(this.fieldValues);
          return this.ACTION(() => ({ kind: 'TestEvent', event: this.ident(ev), fields: fields ?? [], span: this.from(ev) }) as S.TestItem)!;
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.expect);
          const id = this.CONSUME2(T.StringLit);
          const name = this.SUBRULE(this.fieldName); // any word: the checker says what it is not
          // §13.1: a pot's figure (`balance`, `expired`, …), validated by the checker.
          const figure = this.OPTION(() => this.CONSUME3(T.Identifier));
          this.CONSUME(T.Equals);
          const value = this.SUBRULE(this.expr);
          return this.ACTION(() => ({ kind: 'Expect', partner: this.str(id), name, ...(figure ? { figure: this.ident(figure) } : {}), value, span: this.from(kw) }) as S.TestItem)!;
        },
      },
    ]),
  );

  fieldValues = this.RULE('fieldValues', (): S.FieldValue[] => {
    const fields: S.FieldValue[] = [];
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      const name = this.SUBRULE(this.fieldName);
      this.CONSUME(T.Colon);
      const value = this.SUBRULE(this.expr);
      this.OPTION(() => this.CONSUME(T.Comma));
      this.ACTION(() => name && fields.push({ kind: 'FieldValue', name, value, span: joinSpans(name.span, value?.span) }));
    });
    this.CONSUME(T.RBrace);
    return fields;
  });

  // -------------------------------------------------------------------------------------------
  // Expressions, lowest precedence first: or, and, not, comparison/in, + -, * /, unary -, primary.

  expr = this.RULE('expr', (): S.Expr => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(Kw.or);
      const right = this.SUBRULE2(this.andExpr);
      left = this.ACTION(() => this.binary('or', left, right, first))!;
    });
    return left;
  });

  andExpr = this.RULE('andExpr', (): S.Expr => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(Kw.and);
      const right = this.SUBRULE2(this.notExpr);
      left = this.ACTION(() => this.binary('and', left, right, first))!;
    });
    return left;
  });

  notExpr = this.RULE('notExpr', (): S.Expr =>
    this.OR([
      {
        ALT: () =>
          this.nest(() => {
            const kw = this.CONSUME(Kw.not);
            const operand = this.SUBRULE(this.notExpr);
            return this.ACTION(() => ({ kind: 'Unary', op: 'not', operand, span: this.from(kw) }) as S.Expr)!;
          })!,
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]),
  );

  comparison = this.RULE('comparison', (): S.Expr => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.OR2([
              { ALT: () => this.CONSUME(T.Equals) },
              { ALT: () => this.CONSUME(T.NotEquals) },
              { ALT: () => this.CONSUME(T.LessEq) },
              { ALT: () => this.CONSUME(T.GreaterEq) },
              { ALT: () => this.CONSUME(T.Less) },
              { ALT: () => this.CONSUME(T.Greater) },
            ]);
            const right = this.SUBRULE2(this.additive);
            left = this.ACTION(() => this.binary(op.image as S.BinaryOp, left, right, first))!;
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.in);
            this.OR3([
              {
                ALT: () => {
                  const items: S.Expr[] = [];
                  this.nest(() => {
                    this.CONSUME(T.LBracket);
                    this.MANY_SEP({
                      SEP: T.Comma,
                      DEF: () => {
                        const it = this.SUBRULE3(this.additive);
                        this.ACTION(() => it && items.push(it));
                      },
                    });
                    return this.CONSUME(T.RBracket);
                  });
                  left = this.ACTION(() => ({ kind: 'InSet', value: left, items, span: this.from(first) }) as S.Expr)!;
                },
              },
              {
                ALT: () => {
                  const from = this.SUBRULE4(this.additive);
                  this.CONSUME(T.DotDot);
                  const to = this.SUBRULE5(this.additive);
                  left = this.ACTION(() => ({ kind: 'InRange', value: left, from, to, span: this.from(first) }) as S.Expr)!;
                },
              },
            ]);
          },
        },
      ]);
    });
    return left;
  });

  additive = this.RULE('additive', (): S.Expr => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => this.binary(op.image as S.BinaryOp, left, right, first))!;
    });
    return left;
  });

  multiplicative = this.RULE('multiplicative', (): S.Expr => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => this.binary(op.image as S.BinaryOp, left, right, first))!;
    });
    return left;
  });

  unary = this.RULE('unary', (): S.Expr =>
    this.OR([
      {
        ALT: () =>
          this.nest(() => {
            const kw = this.CONSUME(T.Minus);
            const operand = this.SUBRULE(this.unary);
            return this.ACTION(() => ({ kind: 'Unary', op: '-', operand, span: this.from(kw) }) as S.Expr)!;
          })!,
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]),
  );

  /** A primary, or a duration: `N days`, `N months` (§12.4). */
  postfix = this.RULE('postfix', (): S.Expr => {
    const first = this.LA(1);
    const count = this.SUBRULE(this.primary);
    const unit = this.OPTION({
      GATE: () => this.durationAhead(),
      DEF: () => this.OR([{ ALT: () => this.CONSUME(Kw.days) }, { ALT: () => this.CONSUME(Kw.months) }, { ALT: () => this.CONSUME(T.Identifier) }]),
    });
    return this.ACTION(() => {
      if (!unit) return count;
      const word = unit.image as S.Duration['word'];
      return { kind: 'Duration', count, unit: word.startsWith('day') ? 'days' : 'months', word, span: span(first, unit) } as S.Expr;
    })!;
  });

  primary = this.RULE('primary', (): S.Expr =>
    this.OR<S.Expr>([
      {
        ALT: () => {
          const n = this.CONSUME(T.NumberLit);
          const cur = this.OPTION({
            GATE: () => this.LA(1).tokenType === T.Identifier && CURRENCY_CODE.test(this.LA(1).image) && !n.image.endsWith('%'),
            DEF: () => this.CONSUME(T.Identifier),
          });
          return this.ACTION(() => {
            if (cur) {
              const { value } = numberValue(n.image);
              return { kind: 'Money', text: n.image, value, currency: cur.image, span: span(n, cur) } as S.Expr;
            }
            return this.numberLit(n);
          })!;
        },
      },
      {
        ALT: () => {
          const d = this.CONSUME(T.DateLit);
          return this.ACTION(() => ({ kind: 'Date', value: d.image, span: span(d, d) }) as S.Expr)!;
        },
      },
      {
        ALT: () => {
          const s = this.CONSUME(T.StringLit);
          return this.ACTION(() => this.str(s))!;
        },
      },
      {
        ALT: () => {
          const b = this.OR2([{ ALT: () => this.CONSUME(Kw.true) }, { ALT: () => this.CONSUME(Kw.false) }]);
          return this.ACTION(() => ({ kind: 'Bool', value: b.image === 'true', span: span(b, b) }) as S.Expr)!;
        },
      },
      {
        ALT: () => {
          const obj = this.CONSUME(Kw.partner);
          this.CONSUME(T.Dot);
          const field = this.SUBRULE(this.dotField);
          return this.ACTION(() => ({ kind: 'Field', object: this.ident(obj), field, span: joinSpans(span(obj, obj), field?.span) }) as S.Expr)!;
        },
      },
      {
        ALT: () => {
          const obj = this.CONSUME(Kw.period);
          this.CONSUME2(T.Dot);
          const field = this.SUBRULE2(this.dotField);
          return this.ACTION(() => {
            const sp = joinSpans(span(obj, obj), field?.span);
            // `period.start`, `period.end`; any other `period.X` is left to the checker, which says what the period has.
            if (field?.name === 'start' || field?.name === 'end') return { kind: 'PeriodBound', bound: field.name, span: sp } as S.Expr;
            return { kind: 'Field', object: this.ident(obj), field, span: sp } as S.Expr;
          })!;
        },
      },
      { ALT: () => this.SUBRULE(this.nameOrPath) },
      { ALT: () => this.SUBRULE(this.previous) },
      { ALT: () => this.SUBRULE(this.running) },
      { ALT: () => this.SUBRULE(this.interpolate) },
      {
        ALT: () =>
          this.nest(() => {
            const kw = this.CONSUME(Kw.days);
            this.CONSUME(Kw.between);
            const from = this.SUBRULE6(this.additive);
            this.CONSUME(Kw.and);
            const to = this.SUBRULE7(this.additive);
            return this.ACTION(() => ({ kind: 'DaysBetween', from, to, span: this.from(kw) }) as S.Expr)!;
          })!,
      },
      {
        ALT: () =>
          this.nest(() => {
            this.CONSUME(T.LParen);
            const e = this.SUBRULE(this.expr);
            this.CONSUME(T.RParen);
            return e;
          })!,
      },
      {
        ALT: () =>
          this.nest(() => {
            const kw = this.CONSUME(Kw.if);
            const cond = this.SUBRULE2(this.expr);
            this.CONSUME(Kw.then);
            const then = this.SUBRULE3(this.expr);
            this.CONSUME(Kw.else);
            const otherwise = this.SUBRULE4(this.expr);
            return this.ACTION(() => ({ kind: 'If', cond, then, otherwise, span: this.from(kw) }) as S.Expr)!;
          })!,
      },
      {
        ALT: () =>
          this.nest(() => {
            const fn = this.OR3([
              { ALT: () => this.CONSUME(Kw.floor) },
              { ALT: () => this.CONSUME(Kw.ceil) },
              { ALT: () => this.CONSUME(Kw.round) },
              { ALT: () => this.CONSUME(Kw.min) },
              { ALT: () => this.CONSUME(Kw.max) },
              { ALT: () => this.CONSUME(Kw.abs) },
            ]);
            this.CONSUME2(T.LParen);
            const args: S.Expr[] = [];
            this.MANY_SEP({
              SEP: T.Comma,
              DEF: () => {
                const a = this.SUBRULE5(this.expr);
                this.ACTION(() => a && args.push(a));
              },
            });
            this.CONSUME2(T.RParen);
            return this.ACTION(() => ({ kind: 'Call', fn: fn.image as S.FunctionName, args, span: this.from(fn) }) as S.Expr)!;
          })!,
      },
      { ALT: () => this.SUBRULE(this.lookup) },
      { ALT: () => this.SUBRULE(this.bands) },
      {
        // A keyword where it cannot start an expression or a clause: a bare field name (§12.1).
        // Last, so that every other reading of the keyword comes first.
        GATE: () => bareKeywordAt(this.LA(1), this.LA(2), this.LA(3)),
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          const k = this.CONSUME(T.BareKeyword);
          return this.ACTION(() => ({ kind: 'Name', name: k.image, span: span(k, k) }) as S.Expr)!;
        },
      },
    ]),
  );

  /**
   * A name (`revenue`), a field (`sale.amount`), a path through `ref` fields (§12.3:
   * `refund.activation.reward`), or a name's value at a date (`rate at sale.date`).
   */
  nameOrPath = this.RULE('nameOrPath', (): S.Expr => {
    const name = this.CONSUME2(T.Identifier);
    // A field may be named by any word, keywords included (§12.1): `sale.value`, `refund.activation.year`.
    const parts: S.Ident[] = [];
    this.MANY(() => {
      this.CONSUME2(T.Dot);
      const p = this.SUBRULE3(this.dotField);
      this.ACTION(() => parts.push(p));
    });
    const date = this.OPTION({ GATE: () => parts.length === 0, DEF: () => this.nest(() => (this.CONSUME(Kw.at), this.SUBRULE(this.primary))) });
    return this.ACTION(() => {
      if (parts.length === 0) {
        const ref: S.Expr = { kind: 'Name', name: name.image, span: span(name, name) };
        return date ? ({ kind: 'At', name: this.ident(name), date, span: this.from(name) } as S.Expr) : ref;
      }
      const last = parts[parts.length - 1]!;
      const via = parts.slice(0, -1);
      return { kind: 'Field', object: this.ident(name), ...(via.length ? { via } : {}), field: last, span: joinSpans(span(name, name), last.span) } as S.Expr;
    })!;
  });

  /** `previous NAME` (§12.3). */
  previous = this.RULE('previous', (): S.Expr => {
    const kw = this.CONSUME(Kw.previous);
    const name = this.CONSUME(T.Identifier);
    return this.ACTION(() => ({ kind: 'Previous', name: this.ident(name), span: this.from(kw) }) as S.Expr)!;
  });

  /** `running sum EXPR [where COND] [over WINDOW]`, `running count [where COND] [over WINDOW]` (§12.2). */
  running = this.RULE('running', (): S.Expr => this.nest(() => this.runningBody())!);

  private runningBody(): S.Expr {
    const kw = this.CONSUME(Kw.running);
    let op: 'sum' | 'count' = 'sum';
    let arg: S.Expr | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.sum);
          arg = this.SUBRULE(this.primary);
        },
      },
      { ALT: () => (this.CONSUME(Kw.count), (op = 'count')) },
    ]);
    const where = this.OPTION(() => {
      this.CONSUME(Kw.where);
      return this.SUBRULE(this.notExpr);
    });
    const window = this.OPTION2(() => {
      this.CONSUME(Kw.over);
      return this.SUBRULE(this.window);
    });
    return this.ACTION(() => ({ kind: 'Running', op, ...(arg ? { arg } : {}), ...(where ? { where } : {}), ...(window ? { window } : {}), span: this.from(kw) }) as S.Expr)!;
  }

  /** `interpolate X { P1: V1, P2: V2, … }` (§12.3). */
  interpolate = this.RULE('interpolate', (): S.Expr => this.nest(() => this.interpolateBody())!);

  private interpolateBody(): S.Expr {
    const kw = this.CONSUME(Kw.interpolate);
    const subject = this.SUBRULE(this.primary);
    this.CONSUME(T.LBrace);
    const points: S.InterpPoint[] = [];
    this.MANY(() => {
      const at = this.SUBRULE(this.additive);
      this.CONSUME(T.Colon);
      const value = this.SUBRULE(this.expr);
      this.OPTION(() => this.CONSUME(T.Comma));
      this.ACTION(() => points.push({ kind: 'InterpPoint', at, value, span: joinSpans(at?.span, value?.span) }));
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'Interpolate', subject, points, span: this.from(kw) }) as S.Expr)!;
  }

  lookup = this.RULE('lookup', (): S.Expr => this.nest(() => this.lookupBody())!);

  private lookupBody(): S.Expr {
    const kw = this.CONSUME(Kw.lookup);
    const key = this.SUBRULE(this.primary);
    this.CONSUME(T.LBrace);
    const entries: S.LookupEntry[] = [];
    let otherwise: S.Expr | undefined;
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.else);
            this.CONSUME(T.Colon);
            otherwise = this.SUBRULE(this.expr);
          },
        },
        {
          ALT: () => {
            const k = this.OR2([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.StringLit) }]);
            this.CONSUME2(T.Colon);
            const value = this.SUBRULE2(this.expr);
            this.ACTION(() => {
              const keyNode = k.tokenType === T.StringLit ? this.str(k) : this.ident(k);
              entries.push({ kind: 'LookupEntry', key: keyNode, value, span: joinSpans(keyNode.span, value?.span) });
            });
          },
        },
      ]);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'Lookup', key, entries, ...(otherwise ? { otherwise } : {}), span: this.from(kw) }) as S.Expr)!;
  }

  bands = this.RULE('bands', (): S.Expr => this.nest(() => this.bandsBody())!);

  private bandsBody(): S.Expr {
    const kw = this.OR([{ ALT: () => this.CONSUME(Kw.bands) }, { ALT: () => this.CONSUME(Kw.marginal) }]);
    const subject = this.SUBRULE(this.primary);
    this.CONSUME(T.LBrace);
    const bands: S.Band[] = [];
    this.MANY(() => {
      const b = this.OR2([{ ALT: () => this.CONSUME(Kw.below) }, { ALT: () => this.CONSUME(Kw.from) }]);
      const threshold = this.SUBRULE(this.additive);
      this.CONSUME(T.Colon);
      const value = this.SUBRULE(this.expr);
      this.OPTION(() => this.CONSUME(T.Comma));
      this.ACTION(() => bands.push({ kind: 'Band', bound: b.image as 'below' | 'from', threshold, value, span: joinSpans(span(b, b), value?.span ?? threshold?.span) }));
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ kind: 'Bands', mode: kw.image as 'bands' | 'marginal', subject, bands, span: this.from(kw) }) as S.Expr)!;
  }

  // -------------------------------------------------------------------------------------------

  /** The next token not yet consumed (EOF at the end of the input). */
  next(): IToken {
    return this.LA(1);
  }

  private numberLit(n: IToken): S.NumberLit {
    const { value, percent } = numberValue(n.image || '0');
    return { kind: 'Number', text: n.image, value, percent, span: span(n, n) };
  }

  /** A binary operation whose left operand starts at token `first`: its span runs to the last token read, so that it includes the parentheses of its operands (`(a + b) * (c + d)`). */
  private binary(op: S.BinaryOp, left: S.Expr, right: S.Expr, first: IToken): S.Expr {
    return { kind: 'Binary', op, left, right, span: joinSpans(this.from(first), right?.span) };
  }
}

/** Builds the lexer and the parser with chevrotain's validations (they throw on a grammar error): for the tests. */
export function checkGrammar(): void {
  T.validatingLexer();
  new IncentParser(true);
}

let shared: IncentParser | undefined;
function parser(): IncentParser {
  return (shared ??= new IncentParser());
}

/** Runs `f` with `p` as the parser `parse` uses. */
function withParser<R>(p: IncentParser, f: () => R): R {
  const usual = shared;
  shared = p;
  try {
    return f();
  } finally {
    shared = usual;
  }
}

/** Runs `f` with a parser using another lookahead strategy (for the tests, and `npm run lookahead`, which records the table). */
export function withLookahead<R>(strategy: ILookaheadStrategy, f: () => R): R {
  return withParser(new IncentParser(false, strategy), f);
}

/** The parser with chevrotain's own lookahead, made once (for the tests). */
let eager: IncentParser | undefined;

/** Runs `f` with a parser whose lookahead functions are all computed by chevrotain when it is made (its default), for the tests that compare it with the table. */
export function withEagerLookahead<R>(f: () => R): R {
  return withParser((eager ??= new IncentParser(false, new LLkLookaheadStrategy({ maxLookahead: MAX_LOOKAHEAD }))), f);
}

const DECL_START = new Set<TokenType>([Kw.let, Kw.measure, Kw.tier, Kw.payout, Kw.rule, Kw.test]);
const NAME_EXPECTED_AFTER = new Set<TokenType>([Kw.let, Kw.measure, Kw.tier, Kw.event, Kw.payout]);

/** Tokens after which an expression is expected (an operand). */
const OPERAND_EXPECTED_AFTER = new Set<TokenType>([
  ...BINARY_TOKENS, T.LParen, T.LBracket, T.Comma, Kw.where, Kw.by, Kw.then, Kw.else, Kw.if, Kw.not, Kw.sum, Kw.distinct, Kw.min, Kw.max, Kw.average,
  Kw.lookup, Kw.bands, Kw.marginal, Kw.between, Kw.interpolate, Kw.at,
]);

/** Whether the token at `i` starts a top-level declaration (only meaningful at brace depth 0). */
/**
 * Whether the keyword at `j` is a bare field name (as the parser reads it): an operand is expected
 * there, and what follows may follow an operand, or starts the next declaration
 * (`measure m = sum amount where rule = "x"`, `… where tier` at the end of a declaration).
 */
function bareNameAt(tokens: IToken[], j: number): boolean {
  const tok = tokens[j];
  const prev = tokens[j - 1];
  const next = tokens[j + 1];
  if (!tok || !prev || !tokenMatcher(tok, T.BareKeyword) || !OPERAND_EXPECTED_AFTER.has(prev.tokenType)) return false;
  // The end of the file may follow an operand (`let x = 1 + tier` as the last line).
  if (!next) return true;
  return followsOperand(next, tokens[j + 2]) || startsDeclaration(tokens, j + 1, true);
}

/** Whether the token at `i` starts a top-level declaration (only meaningful at brace depth 0); `afterBareName`: the token before it is a bare field name. */
function startsDeclaration(tokens: IToken[], i: number, afterBareName = false): boolean {
  const t = tokens[i]!.tokenType;
  if (!afterBareName) {
    // A declaration word where a name is expected (`let tier = …`) is a misused keyword, not a new declaration.
    const prev = tokens[i - 1]?.tokenType;
    if (prev && NAME_EXPECTED_AFTER.has(prev) && !bareNameAt(tokens, i - 1)) return false;
    // A declaration word that is a bare field name is not a new declaration.
    if (bareNameAt(tokens, i)) return false;
  }
  if (DECL_START.has(t)) return true;
  const next = tokens[i + 1]?.tokenType;
  if (t === Kw.program) return next === T.StringLit;
  if (t === Kw.partner) return next === T.LBrace;
  // `event from { … }`: a keyword as the name is reported as such, not as a missing declaration.
  if (t === Kw.event) return next === T.Identifier || (next !== undefined && T.KEYWORDS.some((k) => Kw[k] === next) && tokens[i + 2]?.tokenType === T.LBrace);
  return false;
}

function exceptionCode(e: IRecognitionException): string {
  switch (e.name) {
    case 'MismatchedTokenException':
      return 'E0101';
    case 'NoViableAltException':
      return 'E0102';
    case 'EarlyExitException':
      return 'E0103';
    default:
      return 'E0104';
  }
}

/** The event kind of the rule a token is in (`for each sale` before it in its declaration), for hints. */
function eventInScope(seg: IToken[], before: number): string | undefined {
  for (let i = seg.findIndex((t) => t.startOffset >= before) - 1; i >= 2; i--) {
    if (seg[i]!.tokenType === T.Identifier && seg[i - 1]!.tokenType === Kw.each && seg[i - 2]!.tokenType === Kw.for) return seg[i]!.image;
  }
  return undefined;
}

/**
 * E0108: a keyword where an expression is expected (`award to cash`, `where to = 1` when a field is
 * named `to`). One diagnostic at the keyword, which says both fixes.
 */
function keywordForExpression(e: IRecognitionException, seg: IToken[]): Diagnostic | undefined {
  const tok = e.token;
  if (e.name !== 'NoViableAltException' || !tokenMatcher(tok, T.AnyKeyword) || !e.message.startsWith('expected an expression')) return undefined;
  const ev = eventInScope(seg, tok.startOffset) ?? 'EVENT';
  const word = tok.image;
  return error(
    'E0108',
    `expected an expression, found \`${word}\``,
    span(tok, tok),
    `write the value here; a field named \`${word}\` is written \`${ev}.${word}\` where \`${word}\` could be read as the keyword`,
  );
}

function hintFor(e: IRecognitionException, following: IToken | undefined, previous: IToken | undefined): string | undefined {
  const tok = e.token;
  if (e.message.startsWith('expected `:`') && (previous?.tokenType === Kw.from || previous?.tokenType === Kw.default || previous?.tokenType === Kw.in)) {
    return 'a field\'s options come after its type, in this order: `in A..B`, `from "Column header"`, then `default VALUE`';
  }
  if (tok.tokenType === EOF) return e.message.includes('`}`') ? 'a `{` is missing its `}`' : following ? 'the declaration ends before it is complete' : undefined;
  if (e.message.includes('expected `=`') && tok.image === '==') return 'write `=` for equality';
  const kwName = T.KEYWORDS.find((k) => k === tok.image);
  if (kwName && e.message.includes('a name')) return `\`${kwName}\` is a keyword; choose another name`;
  return undefined;
}

export interface ParseResult {
  file: S.ProgramFile;
  diagnostics: Diagnostic[];
  /** Set when the text is over the size limit (E0005) and was not parsed: there is nothing to check. */
  tooLarge?: true;
}


/** Parses a whole program. Never throws: syntax errors come back as diagnostics. */
export function parse(text: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  if (text.length > MAX_PROGRAM_CHARS) {
    // Not even lexed: the limit bounds the time and memory every later stage takes.
    const file: S.ProgramFile = { kind: 'File', decls: [], comments: [], span: { start: 0, end: 0 } };
    const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return {
      file,
      diagnostics: [
        error('E0005', `this program has ${grouped(text.length)} characters, but a program has at most ${grouped(MAX_PROGRAM_CHARS)}`, { start: 0, end: 0 }, 'split it into smaller programs; data belongs in data files'),
      ],
      tooLarge: true,
    };
  }
  const lexed = T.tokenize(text);
  for (const e of lexed.errors) {
    const ch = text.slice(e.offset, e.offset + e.length);
    diagnostics.push(error('E0001', `unexpected character \`${ch.length > 12 ? ch.slice(0, 12) + '…' : ch}\``, { start: e.offset, end: e.offset + Math.max(1, e.length) }, 'remove it; comments start with `#`'));
  }
  const tokens: IToken[] = [];
  for (const t of lexed.tokens) {
    if (t.tokenType === T.UnterminatedString) {
      diagnostics.push(error('E0002', 'this string has no closing `"`', { start: t.startOffset, end: t.startOffset + t.image.length }, 'close it with `"` on the same line'));
      tokens.push({ ...t, tokenType: T.StringLit, tokenTypeIdx: T.StringLit.tokenTypeIdx!, image: t.image + '"' });
    } else tokens.push(t);
  }
  const comments: S.Comment[] = ((lexed.groups['comments'] as IToken[] | undefined) ?? []).map((c) => ({
    kind: 'Comment',
    text: c.image.slice(1),
    span: { start: c.startOffset, end: c.startOffset + c.image.length },
  }));

  // Cut the token stream into top-level declarations.
  const segments: IToken[][] = [];
  let depth = 0;
  let current: IToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (depth <= 0 && startsDeclaration(tokens, i) && current.length > 0) {
      segments.push(current);
      current = [];
      depth = 0;
    }
    if (t.tokenType === T.LBrace) depth++;
    else if (t.tokenType === T.RBrace) depth--;
    current.push(t);
  }
  if (current.length) segments.push(current);

  const p = parser();
  let header: S.Header | undefined;
  const decls: S.Decl[] = [];
  for (let si = 0; si < segments.length; si++) {
    const seg = segments[si]!;
    const following = segments[si + 1]?.[0];
    if (!startsDeclaration(seg, 0)) {
      const first = seg[0]!;
      const last = seg[seg.length - 1]!;
      diagnostics.push(
        error('E0105', `expected ${RULE_WORDS['declaration']}, found ${tokenWords(first)}`, span(first, first), undefined, last !== first ? [{ span: span(first, last), message: 'skipped up to here' }] : undefined),
      );
      continue;
    }
    p.input = seg;
    p.nesting = 0;
    p.limitDiagnostics.length = 0;
    p.wordDiagnostics.length = 0;
    let node: S.Decl | S.Header | undefined;
    try {
      node = p.declaration();
    } catch (e) {
      // Chevrotain recovers from syntax errors; anything thrown here is an internal error, reported as a diagnostic.
      diagnostics.push(error('E0199', `the parser stopped unexpectedly here (${(e as Error).message}); please report this`, span(seg[0]!, seg[0]!)));
    }
    diagnostics.push(...p.limitDiagnostics);
    // A character that starts no token (E0001) was left out of the tokens: the syntax errors that
    // follow it in its declaration are usually that one mistake again (`5 @ 2` reads as `5 2`),
    // so they are not reported; fixing the character shows whatever else is wrong.
    const segStart = seg[0]!.startOffset;
    const segEnd = span(seg[seg.length - 1]!, seg[seg.length - 1]!).end;
    const badChar = lexed.errors.find((e) => e.offset >= segStart && e.offset < segEnd)?.offset;
    const syntax: Diagnostic[] = [];
    for (const e of p.errors) {
      const tok = e.token;
      let at = span(tok, tok);
      let message = e.message;
      if (tok.tokenType === EOF) {
        // The segment ended: point just after its last token, and name what actually follows.
        const last = span(seg[seg.length - 1]!, seg[seg.length - 1]!);
        at = { start: last.end, end: last.end };
        if (following) message = message.replace('the end of the file', `${tokenWords(following)}`);
      }
      const previous = seg[seg.findIndex((t) => t === tok) - 1];
      syntax.push(keywordForExpression(e, seg) ?? error(exceptionCode(e), message, at, hintFor(e, following, previous)));
    }
    if (p.errors.length === 0 && p.next().tokenType !== EOF) {
      const extra = p.next();
      syntax.push(error('E0104', `unexpected ${tokenWords(extra)} after the end of the declaration`, span(extra, extra), 'each declaration starts with a keyword such as `rule` or `let`'));
    }
    if (p.errors.length === 0) syntax.push(...p.wordDiagnostics);
    for (const d of syntax) if (badChar === undefined || d.span.start < badChar) diagnostics.push(d);
    if (!node) continue;
    if (node.kind === 'Header') {
      if (header) {
        diagnostics.push(error('E0106', 'a file has one `program` header; this is a second one', node.span, 'remove this header or merge its clauses into the first', [{ span: header.span, message: 'the first header is here' }]));
      } else header = node;
    } else decls.push(node);
  }

  const file: S.ProgramFile = { kind: 'File', ...(header ? { header } : {}), decls, comments, span: { start: 0, end: text.length } };
  // An unterminated string is closed with a `"` that is not in the text: keep every span inside the text.
  const clamp = (sp: S.Span): S.Span => ({ start: Math.min(sp.start, text.length), end: Math.min(sp.end, text.length) });
  const inText = diagnostics.map((d) => ({ ...d, span: clamp(d.span), ...(d.related ? { related: d.related.map((r) => ({ ...r, span: clamp(r.span) })) } : {}) }));
  return { file, diagnostics: dedupe(inText) };
}

function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const k = `${d.span.start}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
