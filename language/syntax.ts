/**
 * The typed syntax tree of an Incent program.
 *
 * Built by `parser.ts` from source text; consumed by the formatter (`format.ts`) and the checker
 * (`../compiler/`). Every node has a `span` (character offsets into the source). Nodes recovered from
 * syntax errors may have missing children: later stages must be defensive about `undefined` where a
 * field is optional.
 */

import type { Span } from '../core/diagnostics.js';

/** Half-open character range [start, end) into the source text. */
export type { Span };

export interface Node {
  span: Span;
}

/** An identifier as written, with its own span (used for names, fields, pots, levels…). */
export interface Ident extends Node {
  kind: 'Ident';
  name: string;
}

export interface Comment extends Node {
  kind: 'Comment';
  /** The comment text after `#`, without the line break. */
  text: string;
}

// ---------------------------------------------------------------------------------------------
// The file

export interface ProgramFile extends Node {
  kind: 'File';
  /** The `program "…" { … }` header; absent when missing (the checker reports it). */
  header?: Header;
  /** Top-level declarations in source order (the header is not among them). */
  decls: Decl[];
  /** Every comment of the file, in source order (for the formatter). */
  comments: Comment[];
}

export type RoundingMode = 'half-even' | 'half-up' | 'half-down' | 'down' | 'up' | 'floor' | 'ceiling';
export const ROUNDING_MODES: readonly RoundingMode[] = ['half-even', 'half-up', 'half-down', 'down', 'up', 'floor', 'ceiling'];

export type PeriodUnit = 'month' | 'quarter' | 'half' | 'year';

export interface Header extends Node {
  kind: 'Header';
  name: StringLit;
  clauses: HeaderClause[];
}

export type HeaderClause =
  | (Node & { kind: 'Currency'; code: Ident })
  /** `period month|quarter|year`; `unit` is the word as written (validated by the checker). */
  | (Node & { kind: 'PeriodClause'; unit: Ident })
  | (Node & { kind: 'Start'; date: DateLit })
  | (Node & { kind: 'End'; date: DateLit })
  /** `rounding MODE`; `mode` is the word as written (validated by the checker). */
  | (Node & { kind: 'Rounding'; mode: Ident })
  /** `exchange rates monthly|daily` (§13.4); `every` is the word as written (validated by the checker). */
  | (Node & { kind: 'ExchangeRates'; rates: Ident; every: Ident });

// ---------------------------------------------------------------------------------------------
// Declarations

export type Decl =
  | PartnerDecl
  | EventDecl
  | LetDecl
  | MeasureDecl
  | TierDecl
  | PayoutDecl
  | RuleDecl
  | TestDecl;

export interface FieldDecl extends Node {
  kind: 'FieldDecl';
  /** Any word, keywords included (`value: money`, §12.1). */
  name: Ident;
  type: TypeRef;
  /** `from "Column header"`: the CSV column or JSON key the field is read from (its name when absent). */
  column?: StringLit;
  /** `default VALUE`: the value of an empty cell, a missing key, or a field left out of a test record. */
  default?: Expr;
  /** `in A..B`: the values the field may take (data outside is rejected); absent when not written. */
  range?: FieldRange;
}

/** A field's declared range, `in 0 EUR..1_000_000 EUR`: inclusive bounds, constants of the field's type. */
export interface FieldRange extends Node {
  kind: 'FieldRange';
  from: Expr;
  to: Expr;
}

export type TypeRef =
  /** `text`, `integer`, `decimal`, `money`, `date`, `boolean` — the word as written. */
  | (Node & { kind: 'SimpleType'; name: Ident })
  /** `one of "a", "b", …` */
  | (Node & { kind: 'EnumType'; members: StringLit[] })
  /** `ref EVENT` (§12.3): the id of a record of another event kind. */
  | (Node & { kind: 'RefType'; event: Ident })
  /** `money any` (§13.4: values carry their code, `12.50 GBP`) or `money any by FIELD` (the code from a text field of the record). */
  | (Node & { kind: 'MoneyAnyType'; by?: Ident });

export interface PartnerDecl extends Node {
  kind: 'PartnerDecl';
  fields: FieldDecl[];
}

export interface EventDecl extends Node {
  kind: 'EventDecl';
  name: Ident;
  fields: FieldDecl[];
}

export interface LetDecl extends Node {
  kind: 'LetDecl';
  name: Ident;
  value: Expr;
}

export type AggregateOp = 'sum' | 'count' | 'count distinct' | 'min' | 'max' | 'average';

export interface MeasureDecl extends Node {
  kind: 'MeasureDecl';
  name: Ident;
  op: AggregateOp;
  /** The aggregated expression (absent for `count EVENT`). */
  arg?: Expr;
  /** The event kind counted by `count EVENT`. */
  event?: Ident;
  where?: Expr;
  window?: Window;
  /** `else DEFAULT`, required for min/max/average. */
  otherwise?: Expr;
}

export type WindowUnit = 'periods' | 'months' | 'quarters' | 'years';

export type Window =
  | (Node & { kind: 'Window'; form: 'this period' | 'previous period' | 'year to date' | 'half to date' | 'previous year' | 'program to date' })
  | (Node & { kind: 'Window'; form: 'last'; count: NumberLit; unit: WindowUnit });

export interface TierDecl extends Node {
  kind: 'TierDecl';
  name: Ident;
  by: Expr;
  levels: TierLevel[];
  /** `down at most N level[s] per period|year` (§12.3), written among the levels; several only after a mistake (the checker reports it). */
  down?: TierDown[];
}

/** A tier option: a partner's level falls at most `count` levels below its level at the end of the previous period or year. */
export interface TierDown extends Node {
  kind: 'TierDown';
  count: NumberLit;
  per: 'period' | 'year';
}

export interface TierLevel extends Node {
  kind: 'TierLevel';
  name: Ident;
  /** Absent for the base level. */
  threshold?: Expr;
}

export type PayoutKind = 'points' | 'cash' | 'credit' | 'fund' | 'giftcard' | 'item';
export const PAYOUT_KINDS: readonly PayoutKind[] = ['points', 'cash', 'credit', 'fund', 'giftcard', 'item'];

export interface PayoutDecl extends Node {
  kind: 'PayoutDecl';
  name: Ident;
  /** The kind word as written (validated by the checker against PAYOUT_KINDS). */
  payoutKind: Ident;
  /** Absent when the declaration has no `{ … }` block; empty when the block is empty. */
  options?: PayoutOption[];
}

export type BudgetOrder = 'first come first served' | 'pro rata';

export type PayoutOption =
  | (Node & { kind: 'PotRounding'; mode: Ident })
  | (Node & { kind: 'PotCap'; amount: Expr; per?: 'period' | 'year' })
  /** `budget X [first come first served | pro rata]` (§12.5); `order` is absent when none is written (pro rata). */
  | (Node & { kind: 'PotBudget'; amount: Expr; order?: BudgetOrder })
  | (Node & { kind: 'PotMinimum'; amount: Expr })
  | (Node & { kind: 'PotDenominations'; values: Expr[] })
  | (Node & { kind: 'PotApproval'; amount: Expr })
  | (Node & { kind: 'PotValue'; amount: Expr })
  /** `expire after N months|periods` (§13.1). */
  | (Node & { kind: 'PotExpire'; count: NumberLit; unit: 'months' | 'periods' })
  /** `hold N days|months` (§13.2). */
  | (Node & { kind: 'PotHold'; count: NumberLit; unit: 'days' | 'months' })
  /** `draw AMOUNT per period recoverable|non-recoverable [for N periods from DATE] [where COND]` (§13.3). */
  | (Node & { kind: 'PotDraw'; amount: Expr; recoverable: boolean; window?: { count: NumberLit; from: Expr }; where?: Expr });

export interface RuleDecl extends Node {
  kind: 'RuleDecl';
  name: StringLit;
  /** Clauses in source order; the checker requires exactly one scope and at least one award. */
  clauses: RuleClause[];
}

export type RuleClause = Scope | Award | RuleCap | Once | Redeem;

export type Scope =
  | (Node & { kind: 'ForEachEvent'; event: Ident; where?: Expr })
  | (Node & { kind: 'ForEachPartner'; where?: Expr })
  | (Node & { kind: 'ForTop'; count: NumberLit; by: Expr; thenBy: Expr[]; where?: Expr })
  /** `for random N partners [weighted by EXPR] seed "TEXT" [where COND]` (§13.5). */
  | (Node & { kind: 'ForRandom'; count: NumberLit; weight?: Expr; seed: StringLit; where?: Expr });

export interface Award extends Node {
  kind: 'Award';
  amount: Expr;
  pot: Ident;
}

/** `redeem EXPR from POT` (§13.1): takes from the partner's lots in the pot, oldest first. */
export interface Redeem extends Node {
  kind: 'Redeem';
  amount: Expr;
  pot: Ident;
}

export interface RuleCap extends Node {
  kind: 'RuleCap';
  amount: Expr;
  perEvent: boolean;
}

export interface Once extends Node {
  kind: 'Once';
  perPeriod: boolean;
  /** `once per partner and FIELD` (§12.2): the first qualifying event per partner and value of FIELD. */
  key?: Ident;
}

export interface TestDecl extends Node {
  kind: 'TestDecl';
  name: StringLit;
  items: TestItem[];
}

export type TestItem =
  | (Node & { kind: 'TestPeriod'; period: PeriodLit })
  | (Node & { kind: 'TestPartner'; id: StringLit; fields: FieldValue[] })
  | (Node & { kind: 'TestEvent'; event: Ident; fields: FieldValue[] })
  /** `figure`: `expect "P1" stars balance = 50` (§13.1) — a pot's figure other than the amount paid. */
  | (Node & { kind: 'Expect'; partner: StringLit; name: Ident; figure?: Ident; value: Expr });

export interface FieldValue extends Node {
  kind: 'FieldValue';
  /** The field name; `partner` (a keyword elsewhere) is accepted here. */
  name: Ident;
  value: Expr;
}

/** `2026` (year), `2026-Q1` (quarter) or `2026-03` (month), as written. */
export interface PeriodLit extends Node {
  kind: 'PeriodLit';
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | NumberLit
  | MoneyLit
  | DateLit
  | StringLit
  | BoolLit
  | NameRef
  | FieldRef
  | Binary
  | Unary
  | InRange
  | InSet
  | IfExpr
  | Call
  | Lookup
  | BandsExpr
  | Interpolate
  | Running
  | Previous
  | AtDate
  | Duration
  | DaysBetween
  | PeriodBound
  | Skipped;

export interface NumberLit extends Node {
  kind: 'Number';
  /** The source text (`1_000`, `2.5%`). */
  text: string;
  /** The exact decimal value as a plain string, underscores removed and percent applied (`0.025`). */
  value: string;
  percent: boolean;
}

export interface MoneyLit extends Node {
  kind: 'Money';
  /** The amount's source text (`1_000.50`). */
  text: string;
  /** The exact decimal amount as a plain string (`1000.50`). */
  value: string;
  currency: string;
}

export interface DateLit extends Node {
  kind: 'Date';
  /** `YYYY-MM-DD` as written (the checker verifies that the date exists). */
  value: string;
}

export interface StringLit extends Node {
  kind: 'String';
  /** The unescaped value. */
  value: string;
}

export interface BoolLit extends Node {
  kind: 'Bool';
  value: boolean;
}

/**
 * A bare name: a let, measure, tier, tier level, or (inside an event scope) an event field. A
 * keyword may be a bare name too, standing for a field of the event in scope (`where value > 5 EUR`).
 */
export interface NameRef extends Node {
  kind: 'Name';
  name: string;
}

/**
 * `partner.region` or `sale.amount`. `object` is `partner` or an event kind's name — or, inside a
 * scope of an event kind, a `ref` field of that event (`activation.reward` for each refund).
 * `via` are the `ref` fields in between of a longer path (§12.3): `refund.activation.reward` has
 * object `refund`, via `[activation]`, field `reward`.
 */
export interface FieldRef extends Node {
  kind: 'Field';
  object: Ident;
  via?: Ident[];
  field: Ident;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export interface Binary extends Node {
  kind: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface Unary extends Node {
  kind: 'Unary';
  op: '-' | 'not';
  operand: Expr;
}

/** `x in A..B`, inclusive at both ends. */
export interface InRange extends Node {
  kind: 'InRange';
  value: Expr;
  from: Expr;
  to: Expr;
}

/** `x in ["a", "b"]`. */
export interface InSet extends Node {
  kind: 'InSet';
  value: Expr;
  items: Expr[];
}

export interface IfExpr extends Node {
  kind: 'If';
  cond: Expr;
  then: Expr;
  otherwise: Expr;
}

export type FunctionName = 'floor' | 'ceil' | 'round' | 'min' | 'max' | 'abs';

export interface Call extends Node {
  kind: 'Call';
  fn: FunctionName;
  args: Expr[];
}

export interface LookupEntry extends Node {
  kind: 'LookupEntry';
  /** A tier level (`Gold`) or an enumeration value (`"hardware"`). */
  key: Ident | StringLit;
  value: Expr;
}

export interface Lookup extends Node {
  kind: 'Lookup';
  key: Expr;
  entries: LookupEntry[];
  otherwise?: Expr;
}

export interface Band extends Node {
  kind: 'Band';
  /** `below T1` (the first band) or `from Ti`. */
  bound: 'below' | 'from';
  threshold: Expr;
  value: Expr;
}

/** `bands X { … }` (the value of the band reached) or `marginal X { … }` (Σ part × rate). */
export interface BandsExpr extends Node {
  kind: 'Bands';
  mode: 'bands' | 'marginal';
  subject: Expr;
  bands: Band[];
}

/** One point of an `interpolate` table: at `at`, the value is `value`. */
export interface InterpPoint extends Node {
  kind: 'InterpPoint';
  at: Expr;
  value: Expr;
}

/** `interpolate X { P1: V1, P2: V2, … }` (§12.3): linear between consecutive points. */
export interface Interpolate extends Node {
  kind: 'Interpolate';
  subject: Expr;
  points: InterpPoint[];
}

/**
 * `running sum EXPR [where COND] [over WINDOW]` or `running count [where COND] [over WINDOW]`
 * (§12.2): inside `for each EVENT`, the partner's total over the events of that kind in the window
 * that come before this one in (date, id) order.
 */
export interface Running extends Node {
  kind: 'Running';
  op: 'sum' | 'count';
  /** The summed value (absent for `count`). */
  arg?: Expr;
  where?: Expr;
  window?: Window;
}

/** `previous NAME` (§12.3): a tier's, measure's or partner-level let's value in the previous period. */
export interface Previous extends Node {
  kind: 'Previous';
  name: Ident;
}

/** `NAME at DATE` (§12.3): a partner-level value in the period that contains the date. */
export interface AtDate extends Node {
  kind: 'At';
  name: Ident;
  date: Expr;
}

/** `N days`, `N months` (also `1 day`, `1 month`): a number of days or months, added to or subtracted from a date (§12.4). */
export interface Duration extends Node {
  kind: 'Duration';
  count: Expr;
  unit: 'days' | 'months';
  /** The unit as written: `day`, `days`, `month` or `months`. */
  word: 'day' | 'days' | 'month' | 'months';
}

/** `days between A and B`: B − A in days (§12.4); A and B are additive expressions. */
export interface DaysBetween extends Node {
  kind: 'DaysBetween';
  from: Expr;
  to: Expr;
}

/** `period.start`, `period.end`: the first and last day of the period being evaluated (§12.4). */
export interface PeriodBound extends Node {
  kind: 'PeriodBound';
  bound: 'start' | 'end';
}

/**
 * An expression the parser skipped because it nests past the limit (E0107, reported): it stands
 * where the expression was, so that the checker knows one was written, and has the error type
 * (accepted everywhere without another diagnostic). A tree with one never reaches the formatter
 * or the lowering (it has a syntax error).
 */
export interface Skipped extends Node {
  kind: 'Skipped';
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * The direct child expressions of an expression. Safe on partial trees from error recovery: missing
 * children and lists are skipped.
 */
export function childExprs(e: Expr): Expr[] {
  const all: (Expr | undefined)[] = (() => {
    switch (e.kind) {
      case 'Binary':
        return [e.left, e.right];
      case 'Unary':
        return [e.operand];
      case 'InRange':
        return [e.value, e.from, e.to];
      case 'InSet':
        return [e.value, ...(e.items ?? [])];
      case 'If':
        return [e.cond, e.then, e.otherwise];
      case 'Call':
        return e.args ?? [];
      case 'Lookup':
        return [e.key, ...(e.entries ?? []).map((x) => x?.value), e.otherwise];
      case 'Bands':
        return [e.subject, ...(e.bands ?? []).flatMap((b) => [b?.threshold, b?.value])];
      case 'Interpolate':
        return [e.subject, ...(e.points ?? []).flatMap((p) => [p?.at, p?.value])];
      case 'Running':
        return [e.arg, e.where];
      case 'At':
        return [e.date];
      case 'Duration':
        return [e.count];
      case 'DaysBetween':
        return [e.from, e.to];
      default:
        return [];
    }
  })();
  return all.filter((x): x is Expr => !!x);
}

/**
 * Depth-first walk over an expression and all its sub-expressions (parents first, children in
 * source order). Iterative: a chain of thousands of operands is a tree thousands deep.
 */
export function walkExpr(e: Expr | undefined, visit: (e: Expr) => void): void {
  if (!e) return;
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    visit(x);
    const children = childExprs(x);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

/** The first expression, in the order of `walkExpr`, for which `test` holds. */
export function findExpr(e: Expr | undefined, test: (e: Expr) => boolean): Expr | undefined {
  if (!e) return undefined;
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (test(x)) return x;
    const children = childExprs(x);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

/**
 * The binary operators down the left side of `e`, outermost first: for `a + b - c` (parsed as
 * `(a + b) - c`) the `-` node, then the `+` node; empty when `e` is not a binary operation. The
 * parser folds a chain of binary operators to the left, so a chain of n operands is a tree n
 * deep: walks that would recurse into `left` loop over this list instead (from its end, the
 * innermost operation, whose `left` is not binary) and recurse only into the right operands,
 * which are as deep as the source nests.
 */
export function leftSpine(e: Expr | undefined): Binary[] {
  const out: Binary[] = [];
  for (let x = e; x?.kind === 'Binary'; x = x.left) out.push(x);
  return out;
}
