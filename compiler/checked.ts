/** The checked program: what the checker proves about a `ProgramFile`, and what the evaluator lowers from. */
import type { Diagnostic } from '../core/diagnostics.js';
import type { Const } from './consts.js';
import type {
  Award,
  EventDecl,
  Expr,
  FieldDecl,
  FieldRef,
  LetDecl,
  MeasureDecl,
  AggregateOp,
  NameRef,
  Once,
  PartnerDecl,
  PayoutDecl,
  PayoutKind,
  PeriodUnit,
  ProgramFile,
  Redeem,
  RoundingMode,
  RuleCap,
  RuleDecl,
  Scope,
  Span,
  TestDecl,
  TierDecl,
  WindowUnit,
} from '../language/syntax.js';

/**
 * The unit (type) of a value. `error` is internal: it is given to an expression whose error has
 * already been reported, and is accepted everywhere so that one mistake gives one diagnostic.
 */
export type Type =
  /** `integer` is true when the value is known to be a whole number (integer fields, counts, floor…). */
  | { kind: 'number'; integer: boolean }
  | { kind: 'money'; currency: string }
  | { kind: 'date' }
  | { kind: 'text' }
  | { kind: 'boolean' }
  /** An enumeration (`one of "a", "b"`); `name` is the field that declared it, for messages. */
  | { kind: 'enum'; members: readonly string[]; name?: string }
  /** A level of the tier `tier`; `levels` in order, lowest (base) first. */
  | { kind: 'tier'; tier: string; levels: readonly string[] }
  /** `N days`, `N months`: only added to or subtracted from a date (§12.4). */
  | { kind: 'duration'; unit: 'days' | 'months' }
  | { kind: 'error' };

/** Where a value is known: once for the program, once per partner per period, or per event. */
export type Level = 'program' | 'partner' | 'event';

/** What a name (`NameRef`) or field reference (`FieldRef`) resolves to. */
export type Symbol =
  | { kind: 'let'; name: string }
  | { kind: 'measure'; name: string }
  | { kind: 'tier'; name: string }
  /** A tier level used as a value (`Gold`); `index` is its position, base level = 0. */
  | { kind: 'level'; tier: string; level: string; index: number }
  /** `partner.FIELD` (including the implicit `id`). */
  | { kind: 'partnerField'; field: string }
  /** An event field, written `amount` (inside an event scope) or `sale.amount`. */
  | { kind: 'eventField'; event: string; field: string }
  /**
   * A path through `ref` fields (§12.3): from the event `event` (the one in scope, or the kind
   * named first), each hop a `ref` field leading to a record of its kind, to a field or an
   * event-level let of the last kind: `refund.activation.reward`, `activation.date` for each refund.
   */
  | { kind: 'path'; event: string; hops: { field: string; event: string }[]; target: { kind: 'eventField'; event: string; field: string } | { kind: 'let'; name: string } };

export interface FieldInfo {
  name: string;
  type: Type;
  /** True for `id` (partners and events), `partner` and `date` (events). */
  implicit: boolean;
  /** The declaration: a declared field's, or the one that maps an implicit field to its column. */
  decl?: FieldDecl;
  /** `ref EVENT` (§12.3): the event kind whose id the field holds (its type is text). */
  ref?: string;
  /** The CSV column or JSON key the field is read from: its name, unless mapped with `from "…"`. */
  column: string;
  /** `default VALUE` (a constant of the field's type, checked): what an empty cell or a missing key stands for. */
  default?: Expr;
  /** `in A..B`, checked: its bounds as constants (numbers and money as decimals, or dates). */
  range?: { min: Const; max: Const };
  /**
   * `money any` (§13.4): amounts in any currency, converted to the program's at the record's date
   * (its type is the program's money); `by` names the text field holding the code, when written.
   */
  anyCurrency?: { by?: string };
}

export interface HeaderInfo {
  /** The program's name ('' when the header is missing). */
  name: string;
  /** The ISO 4217 code ('' when missing or unknown — there is then an error). */
  currency: string;
  /** The currency's minor unit (EUR 2, JPY 0); 2 when the currency is unknown. */
  minorDigits: number;
  /** The evaluation period ('quarter' when missing or invalid — there is then an error). */
  period: PeriodUnit;
  /** `YYYY-MM-DD` ('' when missing). */
  start: string;
  end?: string;
  /** The program's rounding mode; `half-even` by default. */
  rounding: RoundingMode;
  /** `exchange rates monthly|daily` (§13.4): how often `rates.csv` gives a rate; absent without the clause. */
  exchangeRates?: 'monthly' | 'daily';
}

export interface EventInfo {
  name: string;
  decl: EventDecl;
  /** Implicit fields (`id`, `partner`, `date`) first, then the declared ones in source order. */
  fields: Map<string, FieldInfo>;
}

export interface LetInfo {
  name: string;
  decl: LetDecl;
  type: Type;
  level: Level;
  /** An event-level let (§12.2): the event kind whose fields it uses; it reads like a field of that kind. */
  event?: string;
  /** It uses a running total (`running sum …`, directly or through another let): known only in a `for each EVENT` rule. */
  running?: boolean;
}

/** A measure's window, normalized: `this period` when none is written. */
export type WindowInfo =
  | { form: 'this period' | 'previous period' | 'year to date' | 'half to date' | 'previous year' | 'program to date' }
  | { form: 'last'; count: number; unit: WindowUnit };

export interface MeasureInfo {
  name: string;
  decl: MeasureDecl;
  op: AggregateOp;
  /** The event kind aggregated (written in `count EVENT`, inferred otherwise); absent only after an error. */
  event?: string;
  /** The result's type: `sum` of money is money, counts are integers, min/max/average as the argument. */
  type: Type;
  window: WindowInfo;
  arg?: Expr;
  where?: Expr;
  otherwise?: Expr;
}

export interface TierLevelInfo {
  name: string;
  /** Absent for the base level (index 0). */
  threshold?: Expr;
  span: Span;
}

export interface TierInfo {
  name: string;
  decl: TierDecl;
  by?: Expr;
  /** The unit of `by` (and of every threshold). */
  byType: Type;
  /** In order, base level first. */
  levels: TierLevelInfo[];
  /** The tier's value type (a level of this tier). */
  type: Type & { kind: 'tier' };
  /** `down at most N level[s] per period|year` (§12.3). */
  down?: { count: number; per: 'period' | 'year' };
}

/** What a pot's amounts are measured in. */
export type PotUnit = 'money' | 'points' | 'items';

export interface PotInfo {
  name: string;
  decl: PayoutDecl;
  /** The payout kind; absent only when it is unknown (an error). */
  kind?: PayoutKind;
  unit: PotUnit;
  /** The pot's effective rounding: its own, else the program's for money pots, `down` for points and items. */
  rounding: RoundingMode;
  cap?: { amount: Expr; per: 'period' | 'year' };
  budget?: Expr;
  /** How the budget is shared when it is exceeded (§12.5); pro rata unless written. */
  budgetOrder: 'pro rata' | 'first come first served';
  minimum?: Expr;
  denominations?: Expr[];
  approval?: Expr;
  value?: Expr;
  /** `expire after N months|periods` (§13.1). */
  expire?: { count: number; unit: 'months' | 'periods' };
  /** `draw … per period …` (§13.3). */
  draw?: { amount: Expr; recoverable: boolean; window?: { count: number; from: Expr }; where?: Expr };
  /** `hold N days|months` (§13.2). */
  hold?: { count: number; unit: 'days' | 'months' };
  /** Whether a rule redeems from it (§13.1): with `expire`, the pot keeps lots. */
  redeemed?: boolean;
}

/** What a test can expect of a pot besides the amount paid (§13.1). */
export type PotFigure = 'balance' | 'expired' | 'redeemed' | 'carried' | 'pending' | 'available' | 'cancelled' | 'debt';
export const POT_FIGURES: readonly PotFigure[] = ['balance', 'expired', 'redeemed', 'carried', 'pending', 'available', 'cancelled', 'debt'];

export interface RuleInfo {
  name: string;
  decl: RuleDecl;
  /** The one scope clause (absent only after an error). */
  scope?: Scope;
  awards: Award[];
  /** `redeem EXPR from POT` (§13.1): a redemption rule has one, and no award. */
  redeem?: Redeem;
  cap?: RuleCap;
  once?: Once;
  /** `once per partner and FIELD` (§12.2): the field (or event-level let) as a checked name. */
  onceKey?: NameRef;
}

export interface TestInfo {
  name: string;
  decl: TestDecl;
  /** The period as written (`2026-Q1`). */
  period?: string;
  partners: { id: string; fields: Map<string, Expr>; span: Span }[];
  events: { event: string; fields: Map<string, Expr>; span: Span }[];
  /** `rate { … }` records (§13.4): a rate of `rates.csv`, its month (or day), currency and rate as written. */
  rates: { at: string; currency: string; rate: string; span: Span }[];
  /** `figure` (§13.1): a pot's figure other than the amount paid. */
  expects: { partner: string; name: string; target: 'pot' | 'tier' | 'measure'; figure?: PotFigure; value: Expr; span: Span }[];
}

export interface CheckedProgram {
  file: ProgramFile;
  /** The checker's own diagnostics (errors and warnings), sorted by position. */
  diagnostics: Diagnostic[];
  header: HeaderInfo;
  partner: { declared: boolean; decl?: PartnerDecl; fields: Map<string, FieldInfo> };
  events: Map<string, EventInfo>;
  lets: Map<string, LetInfo>;
  measures: Map<string, MeasureInfo>;
  tiers: Map<string, TierInfo>;
  pots: Map<string, PotInfo>;
  rules: RuleInfo[];
  tests: TestInfo[];
  /** Program-level lets, in an order where each comes after the lets it uses. */
  programOrder: string[];
  /** Measures, tiers and partner-level lets, in an order valid for evaluation (dependencies first). */
  partnerOrder: string[];
  /** Event-level lets (§12.2), each after the event-level lets it uses. */
  eventOrder: string[];
  /** The type of every checked expression. */
  types: Map<Expr, Type>;
  /** The level of every checked expression. */
  levels: Map<Expr, Level>;
  /** What every resolved name and field reference means. */
  refs: Map<NameRef | FieldRef, Symbol>;
}
