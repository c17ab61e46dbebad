/**
 * The canonical formatter (`incent fmt`). The rules, and the reasons for each choice, are in
 * language/REFERENCE.md ("The canonical form"). In short: header first, then declarations in source order; one clause per line;
 * two-space indent; no column alignment; literals exactly as written; minimal parentheses; comments
 * kept where they were (placed by their offsets against the offsets of the printed tokens).
 *
 * Formatting never changes the meaning: `parse(format(x))` equals `parse(x)` modulo spans
 * (and the order of the comment list), and formatting formatted text changes nothing.
 */
import { hasErrors, type Diagnostic } from '../core/diagnostics.js';
import { parse } from './parser.js';
import type * as S from './syntax.js';
import * as T from './tokens.js';

/** Lines are kept within this many columns where the formatter has a choice (lookups). */
export const MAX_WIDTH = 100;
const INDENT = '  ';

export interface FormatResult {
  /** The canonical text; absent when the source has syntax errors. */
  text?: string;
  diagnostics: Diagnostic[];
}

/** Formats a whole source text. Refuses (no `text`) when it has syntax errors. */
export function format(text: string): FormatResult {
  const { file, diagnostics } = parse(text);
  if (hasErrors(diagnostics)) return { diagnostics };
  return { text: formatFile(file, text), diagnostics };
}

/** Formats a parsed file (which must have no syntax errors); `source` is the text it was parsed from. */
export function formatFile(file: S.ProgramFile, source: string): string {
  return new Printer(file, source).run();
}

// ---------------------------------------------------------------------------------------------
// Output model: lines of pieces; a piece that prints a source token remembers the token's offset.

interface Piece {
  text: string;
  /** Offset of the source token this piece prints, if any. */
  src?: number;
  /** A `}` that closes a block written over several lines. */
  close?: boolean;
}

interface Line {
  indent: number;
  pieces: Piece[];
  /** Own-line comments placed before this line. */
  before: S.Comment[];
  /** Comments at the end of this line (at most one survives; the others move before the line). */
  trailing: S.Comment[];
}

class Writer {
  readonly lines: Line[] = [];
  cur: Line;
  constructor(indent: number) {
    this.cur = newLine(indent);
    this.lines.push(this.cur);
  }
  put(text: string, src?: number, close?: boolean): void {
    this.cur.pieces.push({ text, ...(src !== undefined ? { src } : {}), ...(close ? { close } : {}) });
  }
  nl(indent: number): void {
    this.cur = newLine(indent);
    this.lines.push(this.cur);
  }
  get column(): number {
    let n = this.cur.indent * INDENT.length;
    for (const p of this.cur.pieces) n += p.text.length;
    return n;
  }
}

function newLine(indent: number): Line {
  return { indent, pieces: [], before: [], trailing: [] };
}

function lineText(l: Line): string {
  return l.pieces.map((p) => p.text).join('');
}

// ---------------------------------------------------------------------------------------------
// Precedence (higher binds tighter), mirroring the parser's expression rules.

const PRIMARY = 8;

function prec(e: S.Expr): number {
  switch (e.kind) {
    case 'Binary':
      switch (e.op) {
        case 'or':
          return 1;
        case 'and':
          return 2;
        case '+':
        case '-':
          return 5;
        case '*':
        case '/':
          return 6;
        default:
          return 4;
      }
    case 'Unary':
      return e.op === 'not' ? 3 : 7;
    case 'Duration':
      // `N days` is read after its count's primary, like a unary operator: `-30 days` is `-(30 days)`.
      return 7;
    case 'InRange':
    case 'InSet':
      return 4;
    default:
      return PRIMARY;
  }
}

/** The minimum precedence of a binary operator's left and right operands. */
function operandPrec(op: S.BinaryOp): [number, number] {
  switch (op) {
    case 'or':
      return [1, 2];
    case 'and':
      return [2, 3];
    case '+':
    case '-':
      return [5, 6];
    case '*':
    case '/':
      return [6, 7];
    default:
      return [5, 5]; // comparisons do not chain: both sides are `additive`
  }
}

/** Whitespace as the lexer skips it. */
const WS = /^[ \t\r\n\f\v\u00a0\ufeff]*$/;
const BLANK_LINE = /\n[ \t\r\f\v\u00a0\ufeff]*\n/;
const CURRENCY_LIKE = /^[A-Z]{3}$/;

interface Tok {
  start: number;
  image: string;
}

interface Item {
  node: S.Header | S.Decl;
  lines: Line[];
}

class Printer {
  private readonly toks: Tok[];
  /** Comment start offsets, sorted (for "is there a comment inside this block?"). */
  private readonly commentStarts: number[];
  /** While measuring a lookup's one-line form: print every lookup on one line. */
  private forceFlat = false;

  constructor(
    private readonly file: S.ProgramFile,
    private readonly source: string,
  ) {
    this.toks = T.tokenize(source).tokens.map((t) => ({ start: t.startOffset, image: t.image }));
    this.commentStarts = file.comments.map((c) => c.span.start).sort((a, b) => a - b);
  }

  run(): string {
    const nodes: (S.Header | S.Decl)[] = [...(this.file.header ? [this.file.header] : []), ...this.file.decls];
    const items: Item[] = nodes.map((node) => ({ node, lines: this.decl(node) }));
    const eof = this.placeComments(items);
    return this.assemble(items, eof);
  }

  // -------------------------------------------------------------------------------------------
  // Comments

  /** Attaches every comment to a line (before it, or at its end); returns the comments left for the end of the file. */
  private placeComments(items: Item[]): S.Comment[] {
    const index: { src: number; line: Line }[] = [];
    for (const it of items) for (const l of it.lines) for (const p of l.pieces) if (p.src !== undefined) index.push({ src: p.src, line: l });
    index.sort((a, b) => a.src - b.src);
    const eof: S.Comment[] = [];
    for (const c of this.file.comments) {
      const start = c.span.start;
      const lineStart = this.source.lastIndexOf('\n', start - 1) + 1;
      const ownLine = WS.test(this.source.slice(lineStart, start));
      if (!ownLine) {
        const prev = this.tokenBefore(start);
        const at = prev === undefined ? undefined : lastAtMost(index, prev.start);
        if (at) {
          at.line.trailing.push(c);
          continue;
        }
      }
      const next = this.tokenAfter(start);
      const at = next === undefined ? undefined : firstAtLeast(index, next.start);
      if (at) at.line.before.push(c);
      else eof.push(c);
    }
    // One comment can end a line; earlier ones move onto their own lines before it.
    for (const it of items)
      for (const l of it.lines) {
        if (l.trailing.length > 1) {
          l.trailing.sort((a, b) => a.span.start - b.span.start);
          l.before.push(...l.trailing.splice(0, l.trailing.length - 1));
        }
        l.before.sort((a, b) => a.span.start - b.span.start);
      }
    return eof;
  }

  /** Index of the first token starting at or after `offset` (strictly after when `strict`). */
  private tokenIndex(offset: number, strict: boolean): number {
    let lo = 0;
    let hi = this.toks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = this.toks[mid]!.start;
      if (s < offset || (strict && s === offset)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private tokenBefore(offset: number): Tok | undefined {
    return this.toks[this.tokenIndex(offset, false) - 1];
  }

  private tokenAfter(offset: number): Tok | undefined {
    return this.toks[this.tokenIndex(offset, true)];
  }

  /** The offset of the first token `image` at or after `from` (for keywords and braces the tree does not keep). */
  private find(image: string, from: number): number | undefined {
    for (let i = this.tokenIndex(from, false); i < this.toks.length; i++) if (this.toks[i]!.image === image) return this.toks[i]!.start;
    return undefined;
  }

  /** The offset of the last token `image` before `before`. */
  private findBack(image: string, before: number): number | undefined {
    for (let i = this.tokenIndex(before, false) - 1; i >= 0; i--) if (this.toks[i]!.image === image) return this.toks[i]!.start;
    return undefined;
  }

  private hasCommentIn(start: number | undefined, end: number): boolean {
    if (start === undefined) return false;
    let lo = 0;
    let hi = this.commentStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.commentStarts[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.commentStarts.length && this.commentStarts[lo]! < end;
  }

  private comment(c: S.Comment): string {
    return `#${c.text.trimEnd()}`;
  }

  /** Whether the source has whitespace only, with a blank line, between two offsets. */
  private blankBetween(from: number, to: number, whitespaceOnly: boolean): boolean {
    if (to < from) return false;
    const s = this.source.slice(from, to);
    if (whitespaceOnly && !WS.test(s)) return false;
    return BLANK_LINE.test(s);
  }

  // -------------------------------------------------------------------------------------------
  // Assembly

  private assemble(items: Item[], eof: S.Comment[]): string {
    const out: string[] = [];
    const emitComments = (list: S.Comment[], indent: number, endAt: number | undefined) => {
      list.forEach((c, i) => {
        out.push(INDENT.repeat(indent) + this.comment(c));
        const next = list[i + 1]?.span.start ?? endAt;
        if (next !== undefined && this.blankBetween(c.span.end, next, true)) out.push('');
      });
    };
    items.forEach((it, i) => {
      const prev = items[i - 1];
      if (prev && this.separated(prev, it)) out.push('');
      it.lines.forEach((l, k) => {
        if (k === 0) emitComments(l.before, 0, it.node.span.start);
        else {
          const inside = l.pieces[0]?.close ? 1 : 0;
          for (const c of l.before) out.push(INDENT.repeat(l.indent + inside) + this.comment(c));
        }
        const text = INDENT.repeat(l.indent) + lineText(l);
        out.push(l.trailing.length ? `${text} ${this.comment(l.trailing[0]!)}` : text);
      });
    });
    if (eof.length) {
      const lastTok = this.toks[this.toks.length - 1];
      if (out.length && lastTok && this.blankBetween(lastTok.start, eof[0]!.span.start, false)) out.push('');
      emitComments(eof, 0, undefined);
    }
    return out.length ? out.map((l) => l.replace(/[ \t]+$/, '')).join('\n') + '\n' : '';
  }

  /** Whether a blank line separates two consecutive top-level items. */
  private separated(a: Item, b: Item): boolean {
    const groupable = a.node.kind === b.node.kind && (a.node.kind === 'LetDecl' || a.node.kind === 'MeasureDecl' || a.node.kind === 'PayoutDecl');
    if (!groupable || a.lines.length > 1 || b.lines.length > 1) return true;
    let start = b.node.span.start;
    for (const c of b.lines[0]!.before) if (c.span.start > a.node.span.end) start = Math.min(start, c.span.start);
    if (start < a.node.span.end) return true;
    return this.blankBetween(a.node.span.end, start, false);
  }

  // -------------------------------------------------------------------------------------------
  // Declarations

  private decl(n: S.Header | S.Decl): Line[] {
    const w = new Writer(0);
    switch (n.kind) {
      case 'Header':
        w.put('program', n.span.start);
        w.put(' ');
        this.string(w, n.name);
        this.block(w, n.name.span.end, n.span, n.clauses, (c) => {
          switch (c.kind) {
            case 'Currency':
              w.put('currency', c.span.start);
              w.put(' ');
              this.ident(w, c.code);
              break;
            case 'PeriodClause':
              w.put('period', c.span.start);
              w.put(' ');
              this.ident(w, c.unit);
              break;
            case 'Start':
            case 'End':
              w.put(c.kind === 'Start' ? 'start' : 'end', c.span.start);
              w.put(' ');
              w.put(c.date.value, c.date.span.start);
              break;
            case 'Rounding':
              w.put('rounding', c.span.start);
              w.put(' ');
              this.ident(w, c.mode);
              break;
            case 'ExchangeRates':
              w.put('exchange', c.span.start);
              w.put(' ');
              this.ident(w, c.rates);
              w.put(' ');
              this.ident(w, c.every);
              break;
          }
        });
        break;
      case 'PartnerDecl':
        w.put('partner', n.span.start);
        this.block(w, n.span.start, n.span, n.fields, (f, i) => this.fieldDecl(w, f, n.fields[i + 1]));
        break;
      case 'EventDecl':
        w.put('event', n.span.start);
        w.put(' ');
        this.ident(w, n.name);
        this.block(w, n.name.span.end, n.span, n.fields, (f, i) => this.fieldDecl(w, f, n.fields[i + 1]));
        break;
      case 'LetDecl':
        w.put('let', n.span.start);
        w.put(' ');
        this.ident(w, n.name);
        w.put(' = ');
        this.expr(w, n.value);
        break;
      case 'MeasureDecl':
        this.measure(w, n);
        break;
      case 'TierDecl':
        w.put('tier', n.span.start);
        w.put(' ');
        this.ident(w, n.name);
        w.put(' by ');
        this.expr(w, n.by);
        // The levels, then the option `down at most …` (§12.3), wherever the source had it.
        this.block(w, n.by?.span.end ?? n.name.span.end, n.span, [...n.levels, ...(n.down ?? [])], (lv, i) => {
          if (lv.kind === 'TierDown') {
            this.tierDown(w, lv);
            return;
          }
          this.ident(w, lv.name);
          if (lv.threshold) {
            w.put(' from ');
            this.expr(w, lv.threshold);
            // `Silver from 100` followed by a level named like a currency (`VIP`) would read as money;
            // a threshold that ends with a keyword used as a name needs what follows it to be one.
            const next = n.levels[i + 1];
            if (next && ((CURRENCY_LIKE.test(next.name.name) && /\d$/.test(lineText(w.cur))) || endsWithKeywordName(lv.threshold))) w.put(',');
          }
        });
        break;
      case 'PayoutDecl':
        w.put('payout', n.span.start);
        w.put(' ');
        this.ident(w, n.name);
        w.put(' as ');
        this.ident(w, n.payoutKind);
        if (n.options) this.block(w, n.payoutKind.span.end, n.span, n.options, (o) => this.payoutOption(w, o));
        break;
      case 'RuleDecl':
        w.put('rule', n.span.start);
        w.put(' ');
        this.string(w, n.name);
        this.block(w, n.name.span.end, n.span, n.clauses, (c) => this.ruleClause(w, c));
        break;
      case 'TestDecl':
        w.put('test', n.span.start);
        w.put(' ');
        this.string(w, n.name);
        this.block(w, n.name.span.end, n.span, n.items, (t) => this.testItem(w, t));
        break;
    }
    return w.lines;
  }

  /** ` { items one per line }`, or ` {}` when empty and without comments. */
  private block<X>(w: Writer, after: number, span: S.Span, items: readonly X[], each: (x: X, i: number) => void): void {
    const open = this.find('{', after);
    const close = span.end - 1;
    if (items.length === 0 && !this.hasCommentIn(open, close)) {
      w.put(' {', open);
      w.put('}', close);
      return;
    }
    const indent = w.cur.indent;
    w.put(' {', open);
    items.forEach((x, i) => {
      w.nl(indent + 1);
      each(x, i);
    });
    w.nl(indent);
    w.put('}', close, true);
  }

  /** `down at most N level[s] per period|year`: `level` after 1, `levels` otherwise. */
  private tierDown(w: Writer, d: S.TierDown): void {
    w.put('down at most', d.span.start);
    w.put(' ');
    w.put(d.count.text, d.count.span.start);
    w.put(` ${d.count.value === '1' ? 'level' : 'levels'} per ${d.per}`);
  }

  /** `name: type`, then its options in their order: `in A..B`, `from "Column"`, `default VALUE`. */
  private fieldDecl(w: Writer, f: S.FieldDecl, next: S.FieldDecl | undefined): void {
    this.ident(w, f.name);
    w.put(': ');
    const t = f.type;
    if (t.kind === 'SimpleType') this.ident(w, t.name);
    else if (t.kind === 'MoneyAnyType') {
      w.put('money any', t.span.start);
      if (t.by) {
        w.put(' by ');
        this.ident(w, t.by);
      }
    } else if (t.kind === 'RefType') {
      w.put('ref', t.span.start);
      w.put(' ');
      this.ident(w, t.event);
    } else {
      w.put('one of', t.span.start);
      w.put(' ');
      t.members.forEach((m, i) => {
        if (i) w.put(', ');
        this.string(w, m);
      });
    }
    this.fieldOptions(w, f, next);
  }

  private fieldOptions(w: Writer, f: S.FieldDecl, next: S.FieldDecl | undefined): void {
    if (f.range) {
      w.put(' in', f.range.span.start);
      w.put(' ');
      this.sub(w, f.range.from, 5);
      w.put('..');
      this.sub(w, f.range.to, 5);
    }
    if (f.column) {
      w.put(' from', this.findBack('from', f.column.span.start));
      w.put(' ');
      this.string(w, f.column);
    }
    if (f.default) {
      w.put(' default', this.findBack('default', f.default.span.start));
      w.put(' ');
      this.sub(w, f.default, 5);
      // The next field's name cannot follow a keyword used as a name: keep a comma there.
      if (endsWithKeywordName(f.default)) {
        w.put(',');
        return;
      }
    }
    // `in 0..100` or `default 0` followed by a field named like a currency (`VIP: text`) would read as money.
    if (next && CURRENCY_LIKE.test(next.name.name) && /\d$/.test(lineText(w.cur))) w.put(',');
  }

  private measure(w: Writer, n: S.MeasureDecl): void {
    w.put('measure', n.span.start);
    w.put(' ');
    this.ident(w, n.name);
    w.put(' = ');
    if (n.op === 'count' && n.event) {
      w.put('count ');
      this.ident(w, n.event);
    } else {
      w.put(`${n.op} `);
      this.expr(w, n.arg);
    }
    if (n.where) {
      w.put(' where ');
      this.expr(w, n.where);
    }
    if (n.window) {
      w.put(' over ');
      const win = n.window;
      w.put(win.form === 'last' ? `last ${win.count.text} ${win.unit}` : win.form, win.span.start);
    }
    if (n.otherwise) {
      w.put(' else ');
      this.expr(w, n.otherwise);
    }
  }

  private payoutOption(w: Writer, o: S.PayoutOption): void {
    const amount = (kw: string, e: S.Expr) => {
      w.put(kw, o.span.start);
      w.put(' ');
      this.expr(w, e);
    };
    switch (o.kind) {
      case 'PotRounding':
        w.put('rounding', o.span.start);
        w.put(' ');
        this.ident(w, o.mode);
        break;
      case 'PotCap':
        amount('cap', o.amount);
        w.put(' per partner');
        if (o.per) w.put(` per ${o.per}`);
        break;
      case 'PotBudget':
        amount('budget', o.amount);
        if (o.order) w.put(` ${o.order}`);
        break;
      case 'PotMinimum':
        amount('minimum', o.amount);
        break;
      case 'PotApproval':
        amount('approval above', o.amount);
        break;
      case 'PotValue':
        amount('value', o.amount);
        break;
      case 'PotDraw':
        amount('draw', o.amount);
        w.put(` per period ${o.recoverable ? 'recoverable' : 'non-recoverable'}`);
        if (o.window) {
          w.put(' for ');
          w.put(o.window.count.text, o.window.count.span.start);
          w.put(' periods from ');
          this.expr(w, o.window.from);
        }
        if (o.where) {
          w.put(' where ');
          this.expr(w, o.where);
        }
        break;
      case 'PotHold':
        w.put('hold', o.span.start);
        w.put(' ');
        w.put(o.count.text, o.count.span.start);
        w.put(` ${o.unit}`);
        break;
      case 'PotExpire':
        w.put('expire after', o.span.start);
        w.put(' ');
        w.put(o.count.text, o.count.span.start);
        w.put(` ${o.unit}`);
        break;
      case 'PotDenominations':
        w.put('denominations', o.span.start);
        w.put(' ');
        o.values.forEach((v, i) => {
          if (i) w.put(', ');
          this.expr(w, v);
        });
        break;
    }
  }

  private ruleClause(w: Writer, c: S.RuleClause): void {
    const where = (e: S.Expr | undefined) => {
      if (!e) return;
      w.put(' where ');
      this.expr(w, e);
    };
    switch (c.kind) {
      case 'ForEachEvent':
        w.put('for each', c.span.start);
        w.put(' ');
        this.ident(w, c.event);
        where(c.where);
        break;
      case 'ForEachPartner':
        w.put('for each partner', c.span.start);
        where(c.where);
        break;
      case 'ForTop':
        w.put('for top', c.span.start);
        w.put(' ');
        w.put(c.count.text, c.count.span.start);
        w.put(' partners by ');
        this.expr(w, c.by);
        for (const k of c.thenBy) {
          w.put(' then by ');
          this.expr(w, k);
        }
        where(c.where);
        break;
      case 'ForRandom':
        w.put('for random', c.span.start);
        w.put(' ');
        w.put(c.count.text, c.count.span.start);
        w.put(' partners');
        if (c.weight) {
          w.put(' weighted by ');
          this.expr(w, c.weight);
        }
        w.put(' seed ');
        this.string(w, c.seed);
        where(c.where);
        break;
      case 'Award':
        w.put('award', c.span.start);
        w.put(' ');
        this.expr(w, c.amount);
        w.put(' to ');
        this.ident(w, c.pot);
        break;
      case 'Redeem':
        w.put('redeem', c.span.start);
        w.put(' ');
        this.expr(w, c.amount);
        w.put(' from ');
        this.ident(w, c.pot);
        break;
      case 'RuleCap':
        w.put('cap', c.span.start);
        w.put(' ');
        this.expr(w, c.amount);
        if (c.perEvent) w.put(' per event');
        break;
      case 'Once':
        w.put('once per partner', c.span.start);
        if (c.key) {
          w.put(' and ');
          this.ident(w, c.key);
        }
        if (c.perPeriod) w.put(' per period');
        break;
    }
  }

  private testItem(w: Writer, t: S.TestItem): void {
    switch (t.kind) {
      case 'TestPeriod':
        w.put('period', t.span.start);
        w.put(' ');
        w.put(t.period.text, t.period.span.start);
        break;
      case 'TestPartner':
        w.put('partner', t.span.start);
        w.put(' ');
        this.string(w, t.id);
        this.fieldValues(w, t.fields, t.id.span.end, t.span);
        break;
      case 'TestEvent':
        this.ident(w, t.event);
        this.fieldValues(w, t.fields, t.event.span.end, t.span);
        break;
      case 'Expect':
        w.put('expect', t.span.start);
        w.put(' ');
        this.string(w, t.partner);
        w.put(' ');
        this.ident(w, t.name);
        if (t.figure) {
          w.put(' ');
          this.ident(w, t.figure);
        }
        w.put(' = ');
        this.expr(w, t.value);
        break;
    }
  }

  /** ` { a: 1, b: 2 }` — always on one line. */
  private fieldValues(w: Writer, fields: S.FieldValue[], after: number, span: S.Span): void {
    w.put(' {', this.find('{', after));
    fields.forEach((f, i) => {
      w.put(i ? ', ' : ' ');
      this.ident(w, f.name);
      w.put(': ');
      this.expr(w, f.value);
    });
    w.put(fields.length ? ' }' : '}', span.end - 1);
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private ident(w: Writer, id: S.Ident): void {
    w.put(id.name, id.span.start);
  }

  private string(w: Writer, s: S.StringLit): void {
    w.put(quote(s.value), s.span.start);
  }

  /**
   * An operand: parenthesised when it binds less tightly than `min`, or when it is an `if` or a
   * running total with a `where` (`operand`: their condition would otherwise take in what follows);
   * `arithmetic`: an operand of `+ - * /`, unary `-` or a duration's count, where a `days between` is
   * parenthesised too (its second date is an additive expression, which would take in what follows:
   * `(days between a and b) * 2`); `inOr`: an operand of `or`, where an `and` keeps its parentheses
   * (`a or (b and c)`: reviewers read the grouping, not the precedence).
   */
  private sub(w: Writer, e: S.Expr, min: number, operand = true, ctx: { arithmetic?: boolean; inOr?: boolean } = {}): void {
    const paren =
      prec(e) < min ||
      (operand && (e.kind === 'If' || (e.kind === 'Running' && e.where !== undefined))) ||
      (ctx.arithmetic === true && e.kind === 'DaysBetween') ||
      (ctx.inOr === true && e.kind === 'Binary' && e.op === 'and');
    if (paren) w.put('(');
    this.expr(w, e);
    if (paren) w.put(')');
  }

  private expr(w: Writer, e: S.Expr | undefined): void {
    if (!e) return;
    switch (e.kind) {
      case 'Number':
        w.put(e.text, e.span.start);
        break;
      case 'Money':
        w.put(`${e.text} ${e.currency}`, e.span.start);
        break;
      case 'Date':
        w.put(e.value, e.span.start);
        break;
      case 'String':
        this.string(w, e);
        break;
      case 'Bool':
        w.put(e.value ? 'true' : 'false', e.span.start);
        break;
      case 'Name':
        w.put(e.name, e.span.start);
        break;
      case 'Field':
        w.put([e.object, ...(e.via ?? []), e.field].map((x) => x.name).join('.'), e.span.start);
        break;
      case 'Previous':
        w.put('previous', e.span.start);
        w.put(' ');
        this.ident(w, e.name);
        break;
      case 'At':
        this.ident(w, e.name);
        w.put(' at ');
        this.sub(w, e.date, PRIMARY, true, { arithmetic: true });
        break;
      case 'Running':
        this.running(w, e);
        break;
      case 'Interpolate':
        this.interpolate(w, e);
        break;
      case 'Binary': {
        // A chain (`a + b - c`) is printed in a loop: it is a tree as deep as it is long. The loop
        // goes down the left operands that need no parentheses; the rest recurse as deep as the
        // source nests (at most MAX_NESTING levels, since parentheses are only printed where the
        // source needed them).
        const chain: S.Binary[] = [e];
        const joins = (x: S.Binary, op: S.BinaryOp) => prec(x) >= operandPrec(op)[0] && !(op === 'or' && x.op === 'and');
        for (let x = e.left; x?.kind === 'Binary' && joins(x, chain[chain.length - 1]!.op); x = x.left) chain.push(x);
        const innermost = chain[chain.length - 1]!;
        const ctx = (op: S.BinaryOp) => ({ arithmetic: op === '+' || op === '-' || op === '*' || op === '/', inOr: op === 'or' });
        this.sub(w, innermost.left, operandPrec(innermost.op)[0], true, ctx(innermost.op));
        for (let i = chain.length - 1; i >= 0; i--) {
          const n = chain[i]!;
          w.put(` ${n.op} `);
          this.sub(w, n.right, operandPrec(n.op)[1], true, ctx(n.op));
        }
        break;
      }
      case 'Unary':
        if (e.op === 'not') {
          w.put('not ', e.span.start);
          this.sub(w, e.operand, 3);
        } else {
          w.put('-', e.span.start);
          this.sub(w, e.operand, 7, true, { arithmetic: true });
        }
        break;
      case 'Duration':
        this.sub(w, e.count, PRIMARY, true, { arithmetic: true });
        w.put(` ${e.word}`);
        break;
      case 'DaysBetween':
        w.put('days between', e.span.start);
        w.put(' ');
        this.sub(w, e.from, 5);
        w.put(' and ');
        this.sub(w, e.to, 5);
        break;
      case 'PeriodBound':
        w.put(`period.${e.bound}`, e.span.start);
        break;
      case 'InRange':
        this.sub(w, e.value, 5);
        w.put(' in ');
        this.sub(w, e.from, 5);
        w.put('..');
        this.sub(w, e.to, 5);
        break;
      case 'InSet':
        this.sub(w, e.value, 5);
        w.put(' in [');
        e.items.forEach((x, i) => {
          if (i) w.put(', ');
          this.sub(w, x, 5);
        });
        w.put(']');
        break;
      case 'If':
        w.put('if', e.span.start);
        w.put(' ');
        this.expr(w, e.cond);
        w.put(' then ');
        this.expr(w, e.then);
        w.put(' else ');
        this.expr(w, e.otherwise);
        break;
      case 'Call':
        w.put(`${e.fn}(`, e.span.start);
        e.args.forEach((a, i) => {
          if (i) w.put(', ');
          this.expr(w, a);
        });
        w.put(')');
        break;
      case 'Lookup':
        this.lookup(w, e);
        break;
      case 'Bands':
        this.bands(w, e);
        break;
    }
  }

  /** The one-line form of an expression, or undefined when it cannot be written on one line. */
  private flat(e: S.Expr): string | undefined {
    const saved = this.forceFlat;
    this.forceFlat = true;
    try {
      const w = new Writer(0);
      this.expr(w, e);
      return w.lines.length === 1 ? lineText(w.cur) : undefined;
    } finally {
      this.forceFlat = saved;
    }
  }

  private lookup(w: Writer, e: S.Lookup): void {
    const entries: [() => void, () => void][] = e.entries.map((x) => [() => (x.key.kind === 'String' ? this.string(w, x.key) : this.ident(w, x.key)), () => this.expr(w, x.value)]);
    const otherwise = e.otherwise;
    if (otherwise) entries.push([() => w.put('else', this.findBack('else', otherwise.span.start)), () => this.expr(w, otherwise)]);
    this.table(w, e, 'lookup', e.key, entries);
  }

  /**
   * `WORD SUBJECT { KEY: VALUE, … }` (a lookup, an interpolation): on one line when it fits and
   * holds no comment, else one entry per line, each but the last followed by a comma.
   */
  private table(w: Writer, e: S.Lookup | S.Interpolate, word: string, subject: S.Expr, entries: [key: () => void, value: () => void][]): void {
    w.put(word, e.span.start);
    w.put(' ');
    const col = w.column - word.length - 1;
    this.sub(w, subject, PRIMARY);
    const open = this.find('{', subject.span.end);
    const close = e.span.end - 1;
    const comments = this.hasCommentIn(open, close);
    if (entries.length === 0 && !comments) {
      w.put(' {', open);
      w.put('}', close);
      return;
    }
    let oneLine = this.forceFlat;
    if (!oneLine && !comments) {
      const text = this.flat(e);
      oneLine = text !== undefined && col + text.length <= MAX_WIDTH;
    }
    const indent = w.cur.indent;
    w.put(oneLine ? ' { ' : ' {', open);
    entries.forEach(([key, value], i) => {
      if (oneLine) {
        if (i) w.put(', ');
      } else w.nl(indent + 1);
      key();
      w.put(': ');
      value();
      if (!oneLine && i < entries.length - 1) w.put(',');
    });
    if (oneLine) w.put(' }', close);
    else {
      w.nl(indent);
      w.put('}', close, true);
    }
  }

  /** `running sum X [where C] [over W]`: X a primary, C a condition without `and`/`or` (those are parenthesised). */
  private running(w: Writer, e: S.Running): void {
    w.put(`running ${e.op}`, e.span.start);
    if (e.arg) {
      w.put(' ');
      // a running total at the right end of the value would take this one's `where` or `over`
      let open = false;
      if (e.where || e.window) rightmost(e.arg, (x) => (open ||= x.kind === 'Running' && !x.window && !(e.window && x.where)));
      this.sub(w, e.arg, open ? PRIMARY + 1 : PRIMARY, true, { arithmetic: true });
    }
    if (e.where) {
      w.put(' where ');
      // a running total without a window at the right end of the condition would take this one's `over`
      let open = false;
      if (e.window) rightmost(e.where, (x) => (open ||= x.kind === 'Running' && !x.window));
      this.sub(w, e.where, open ? PRIMARY + 1 : 3, false);
    }
    if (e.window) {
      w.put(' over ');
      w.put(e.window.form === 'last' ? `last ${e.window.count.text} ${e.window.unit}` : e.window.form, e.window.span.start);
    }
  }

  /** `interpolate X { P1: V1, P2: V2 }` on one line when it fits (as a lookup), else one point per line. */
  private interpolate(w: Writer, e: S.Interpolate): void {
    this.table(
      w,
      e,
      'interpolate',
      e.subject,
      // like a band threshold, a point that ends with a keyword used as a name or a duration's unit keeps its parentheses before `:`
      e.points.map((pt) => [() => this.sub(w, pt.at, thresholdNeedsParens(pt.at) ? PRIMARY + 1 : 5, false), () => this.expr(w, pt.value)]),
    );
  }

  private bands(w: Writer, e: S.BandsExpr): void {
    w.put(e.mode, e.span.start);
    w.put(' ');
    this.sub(w, e.subject, PRIMARY);
    const open = this.find('{', e.subject.span.end);
    const close = e.span.end - 1;
    if (e.bands.length === 0 && !this.hasCommentIn(open, close)) {
      w.put(' {', open);
      w.put('}', close);
      return;
    }
    const indent = w.cur.indent;
    w.put(' {', open);
    for (const b of e.bands) {
      w.nl(indent + 1);
      w.put(b.bound, b.span.start);
      w.put(' ');
      this.sub(w, b.threshold, thresholdNeedsParens(b.threshold) ? PRIMARY + 1 : 5, false);
      w.put(': ');
      this.expr(w, b.value);
    }
    w.nl(indent);
    w.put('}', close, true);
  }
}

/** Whether an expression ends with a keyword used as a name (`… + value`): what follows it must be able to follow an operand (a comma, not the next level's name). */
function endsWithKeywordName(e: S.Expr | undefined): boolean {
  const x = rightmost(e);
  return x?.kind === 'Name' && KEYWORD_NAMES.has(x.name);
}

/**
 * Whether a band threshold (or an interpolation point) must keep its parentheses: `:` follows it, which cannot follow a
 * keyword used as a name, and after a duration's unit makes the unit a field name (`{ a: 1 days: 2 }`).
 */
function thresholdNeedsParens(e: S.Expr | undefined): boolean {
  const x = rightmost(e);
  return x?.kind === 'Duration' || (x?.kind === 'Name' && KEYWORD_NAMES.has(x.name));
}

/**
 * The expression printed last in `e` (its rightmost operand, down the tree), where what follows `e`
 * meets it; undefined when `e` ends with a parenthesis. Mirrors the parentheses `sub` prints.
 */
function rightmost(e: S.Expr | undefined, visit?: (x: S.Expr) => void): S.Expr | undefined {
  let x = e;
  // `operand`: as `sub`'s, which parenthesises an `if` and a running total with a `where` there (not in a condition after `where`)
  const paren = (y: S.Expr | undefined, min: number, arithmetic: boolean, operand = true) =>
    !y || prec(y) < min || (operand && (y.kind === 'If' || (y.kind === 'Running' && y.where !== undefined))) || (arithmetic && y.kind === 'DaysBetween');
  for (;;) {
    if (!x) return undefined;
    visit?.(x);
    switch (x.kind) {
      case 'Binary': {
        const arithmetic = x.op === '+' || x.op === '-' || x.op === '*' || x.op === '/';
        if (paren(x.right, operandPrec(x.op)[1], arithmetic) || (x.op === 'or' && x.right.kind === 'Binary' && x.right.op === 'and')) return undefined;
        x = x.right;
        break;
      }
      case 'Unary':
        if (paren(x.operand, x.op === 'not' ? 3 : 7, x.op === '-')) return undefined;
        x = x.operand;
        break;
      case 'InRange':
        if (paren(x.to, 5, false)) return undefined;
        x = x.to;
        break;
      case 'If':
        x = x.otherwise;
        break;
      case 'DaysBetween':
        if (paren(x.to, 5, false)) return undefined;
        x = x.to;
        break;
      case 'At':
        if (paren(x.date, PRIMARY, true)) return undefined;
        x = x.date;
        break;
      case 'Running':
        if (x.window) return x;
        if (x.where) {
          if (paren(x.where, 3, false, false)) return undefined;
          x = x.where;
        } else if (x.arg) {
          if (paren(x.arg, PRIMARY, true)) return undefined;
          x = x.arg;
        } else return x;
        break;
      default:
        return x;
    }
  }
}

const KEYWORD_NAMES: ReadonlySet<string> = new Set(T.KEYWORDS);

/** A string literal for a value: `"` and `\` escaped, line breaks and tabs as `\n` and `\t`. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`))}"`;
}

function lastAtMost<X extends { src: number }>(sorted: X[], t: number): X | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.src <= t) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo - 1];
}

function firstAtLeast<X extends { src: number }>(sorted: X[], t: number): X | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.src < t) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}
