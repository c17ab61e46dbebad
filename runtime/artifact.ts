/**
 * The compiled program ("artifact"): what the compiler emits and the runtime loads, as JSON.
 *
 * Names, levels and units are lowered away: every reference says where its value lives (the event
 * in scope, the partner's attributes, the partner's computed values, program constants), every
 * comparison says how to compare. `loadArtifact` validates an artifact with zod before use, so the
 * playground and engineers' services can run a program without the compiler.
 */
import * as z from 'zod';
import { ARTIFACT_VERSION } from './artifact-version.js';

export { ARTIFACT_VERSION };

/** `{ ref: KIND }`: the id of a record of another event kind (§12.3), validated against that kind's ids. */
export type FieldType = 'text' | 'integer' | 'decimal' | 'money' | 'date' | 'boolean' | { enum: string[] } | { ref: string };
const FieldTypeSchema: z.ZodType<FieldType> = z.union([
  z.enum(['text', 'integer', 'decimal', 'money', 'date', 'boolean']),
  z.object({ enum: z.array(z.string()) }),
  z.object({ ref: z.string() }),
]);

export interface FieldSpec {
  name: string;
  type: FieldType;
  /**
   * The field's declared range (`in A..B`), inclusive: decimals as plain strings (money without its
   * currency), or `YYYY-MM-DD` dates. A value outside it is a data problem (D0220).
   */
  range?: { min: string; max: string };
  /** The CSV column or JSON key the field is read from, when it is not the field's name (`from "Net Amount (€)"`). */
  column?: string;
  /** The value of an empty cell or a missing key, written as a test value is (`"0"` for `0 EUR`, `""`, `true`). */
  default?: string | boolean;
  /**
   * `money any` (§13.4), on a `money` field of an event: each value is an amount in any currency,
   * converted to the program's at the rate of the event's date. `by`: the text field of the same
   * record that holds the currency code; without it, each value carries its code (`12.50 GBP`).
   */
  anyCurrency?: { by?: string };
}
const FieldSpecSchema = z.object({
  name: z.string(),
  type: FieldTypeSchema,
  range: z.object({ min: z.string(), max: z.string() }).optional(),
  column: z.string().min(1).optional(),
  default: z.union([z.string(), z.boolean()]).optional(),
  anyCurrency: z.object({ by: z.string().optional() }).optional(),
});

export type Mode = 'half-even' | 'half-up' | 'half-down' | 'down' | 'up' | 'floor' | 'ceiling';
const ModeSchema = z.enum(['half-even', 'half-up', 'half-down', 'down', 'up', 'floor', 'ceiling']);

/** How two values compare: as decimals, strings (text, enums, ISO dates), booleans, or tier-level indexes. */
export type CmpKind = 'num' | 'str' | 'bool' | 'level';

/** What a partner-level value is: decides how traces and statements print it. */
export type ValueKind = 'num' | 'money' | 'str' | 'bool' | 'date' | 'level';
const ValueKindSchema = z.enum(['num', 'money', 'str', 'bool', 'date', 'level']);

/** A lowered expression. `src` is the node's source text and `u` the kind of its value, for traces. */
export type IR = IRMeta & (
  | { k: 'num'; v: string; src?: string }
  | { k: 'money'; v: string; src?: string }
  | { k: 'str'; v: string; src?: string }
  | { k: 'bool'; v: boolean; src?: string }
  /** A tier level constant: its index in the tier's levels. */
  | { k: 'level'; tier: string; i: number; src?: string }
  /** A field of the event in scope (`amount`, `sale.amount`, `date`, `partner`, `id`). */
  | { k: 'efield'; f: string; src?: string }
  /** A partner attribute (`partner.region`, `partner.id`). */
  | { k: 'pfield'; f: string; src?: string }
  /** A partner-level value computed before (measure, tier, let) or a program-level let. */
  | { k: 'ref'; name: string; src?: string }
  /** `period.start`, `period.end`: the first or last day of the period being evaluated. */
  | { k: 'period'; bound: 'start' | 'end'; src?: string }
  /** `d + n days|months` (`neg`: `d - n …`): a date moved by a whole number of days, or of months clamped to the month's last day. */
  | { k: 'dateadd'; d: IR; n: IR; unit: 'days' | 'months'; neg: boolean; src?: string }
  /** `days between a and b`: b − a in days. */
  | { k: 'days'; a: IR; b: IR; src?: string }
  /**
   * `a op₁ b₁ op₂ b₂ …`: a chain of arithmetic, evaluated from the left (`(a op₁ b₁) op₂ b₂`),
   * each step exact or rounded to 34 digits like one binary operation. A chain of thousands of
   * operands is one node, so that artifacts stay shallow.
   */
  | { k: 'arith'; a: IR; rest: { op: '+' | '-' | '*' | '/'; b: IR }[]; src?: string }
  | { k: 'neg'; a: IR; src?: string }
  | { k: 'cmp'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; t: CmpKind; a: IR; b: IR; src?: string }
  /** `a and b and …` (`or`): the operands from the left, evaluated in order until one decides. */
  | { k: 'and' | 'or'; args: IR[]; src?: string }
  | { k: 'not'; a: IR; src?: string }
  | { k: 'range'; t: CmpKind; x: IR; lo: IR; hi: IR; src?: string }
  | { k: 'set'; t: CmpKind; x: IR; items: IR[]; src?: string }
  | { k: 'if'; c: IR; a: IR; b: IR; src?: string }
  | { k: 'floor' | 'ceil' | 'abs'; a: IR; src?: string }
  /** `round`: to `digits` decimals with `mode` (money: the currency's minor unit; numbers: 0). */
  | { k: 'round'; a: IR; digits: number; mode: Mode; src?: string }
  | { k: 'min' | 'max'; t: CmpKind; args: IR[]; src?: string }
  /** A lookup keyed by tier-level index (`level`) or enum value (`str`). */
  | { k: 'lookup'; t: 'level' | 'str'; key: IR; keys: (string | number)[]; values: IR[]; otherwise?: IR; src?: string }
  /** `bands`/`marginal`: thresholds[i] starts band i+1; values[0] is the `below` band. */
  | { k: 'bands'; mode: 'bands' | 'marginal'; x: IR; thresholds: IR[]; values: IR[]; labels: string[]; src?: string }
  /** An event-level let (§12.2) of the event in scope (the artifact's `eventLets`). */
  | { k: 'elet'; name: string; src?: string }
  /** `a` evaluated on the record of kind `kind` whose id the `ref` field `f` of the event in scope holds (§12.3). */
  | { k: 'deref'; f: string; kind: string; a: IR; src?: string }
  /** `previous NAME`: the partner's value of a measure, tier or let in the previous period (§12.3). */
  | { k: 'prev'; name: string; src?: string }
  /** `NAME at DATE`: the partner's value of a measure, tier or let in the period that contains the date (§12.3). */
  | { k: 'at'; name: string; date: IR; src?: string }
  /** The running total `i` of the artifact's `running`, for the event in scope (§12.2). */
  | { k: 'running'; i: number; src?: string }
  /** `interpolate X { P: V … }`: linear between consecutive points (§12.3); `labels` are the points as written. */
  | { k: 'interp'; x: IR; points: IR[]; values: IR[]; labels: string[]; src?: string });

export interface IRMeta {
  src?: string;
  u?: ValueKind;
}

const src = z.string().optional();
const u = ValueKindSchema.optional();
// Discriminated by `k`: each node is checked against its own kind only (a plain union tries every kind).
export const IRSchema: z.ZodType<IR> = z.lazy(() =>
  z.discriminatedUnion('k', [
    z.object({ k: z.literal('num'), v: z.string(), src, u }),
    z.object({ k: z.literal('money'), v: z.string(), src, u }),
    z.object({ k: z.literal('str'), v: z.string(), src, u }),
    z.object({ k: z.literal('bool'), v: z.boolean(), src, u }),
    z.object({ k: z.literal('level'), tier: z.string(), i: z.number().int().nonnegative(), src, u }),
    z.object({ k: z.literal('efield'), f: z.string(), src, u }),
    z.object({ k: z.literal('pfield'), f: z.string(), src, u }),
    z.object({ k: z.literal('ref'), name: z.string(), src, u }),
    z.object({ k: z.literal('period'), bound: z.enum(['start', 'end']), src, u }),
    z.object({ k: z.literal('dateadd'), d: IRSchema, n: IRSchema, unit: z.enum(['days', 'months']), neg: z.boolean(), src, u }),
    z.object({ k: z.literal('days'), a: IRSchema, b: IRSchema, src, u }),
    z.object({ k: z.literal('arith'), a: IRSchema, rest: z.array(z.object({ op: z.enum(['+', '-', '*', '/']), b: IRSchema })).min(1), src, u }),
    z.object({ k: z.literal('neg'), a: IRSchema, src, u }),
    z.object({ k: z.literal('cmp'), op: z.enum(['=', '!=', '<', '<=', '>', '>=']), t: z.enum(['num', 'str', 'bool', 'level']), a: IRSchema, b: IRSchema, src, u }),
    z.object({ k: z.enum(['and', 'or']), args: z.array(IRSchema).min(2), src, u }),
    z.object({ k: z.literal('not'), a: IRSchema, src, u }),
    z.object({ k: z.literal('range'), t: z.enum(['num', 'str', 'bool', 'level']), x: IRSchema, lo: IRSchema, hi: IRSchema, src, u }),
    z.object({ k: z.literal('set'), t: z.enum(['num', 'str', 'bool', 'level']), x: IRSchema, items: z.array(IRSchema), src, u }),
    z.object({ k: z.literal('if'), c: IRSchema, a: IRSchema, b: IRSchema, src, u }),
    z.object({ k: z.enum(['floor', 'ceil', 'abs']), a: IRSchema, src, u }),
    z.object({ k: z.literal('round'), a: IRSchema, digits: z.number().int().min(0).max(30), mode: ModeSchema, src, u }),
    z.object({ k: z.enum(['min', 'max']), t: z.enum(['num', 'str', 'bool', 'level']), args: z.array(IRSchema).min(1), src, u }),
    z.object({
      k: z.literal('lookup'),
      t: z.enum(['level', 'str']),
      key: IRSchema,
      keys: z.array(z.union([z.string(), z.number()])),
      values: z.array(IRSchema),
      otherwise: IRSchema.optional(),
      src,
      u,
    }),
    z.object({
      k: z.literal('bands'),
      mode: z.enum(['bands', 'marginal']),
      x: IRSchema,
      thresholds: z.array(IRSchema),
      values: z.array(IRSchema),
      labels: z.array(z.string()),
      src,
      u,
    }),
    z.object({ k: z.literal('elet'), name: z.string(), src, u }),
    z.object({ k: z.literal('deref'), f: z.string(), kind: z.string(), a: IRSchema, src, u }),
    z.object({ k: z.literal('prev'), name: z.string(), src, u }),
    z.object({ k: z.literal('at'), name: z.string(), date: IRSchema, src, u }),
    z.object({ k: z.literal('running'), i: z.number().int().nonnegative(), src, u }),
    z.object({ k: z.literal('interp'), x: IRSchema, points: z.array(IRSchema).min(2), values: z.array(IRSchema).min(2), labels: z.array(z.string()), src, u }),
  ]),
) as z.ZodType<IR>;

export type WindowSpec =
  | { form: 'this period' | 'previous period' | 'year to date' | 'half to date' | 'previous year' | 'program to date' }
  | { form: 'last'; count: number; unit: 'periods' | 'months' | 'quarters' | 'years' };
const WindowSchema: z.ZodType<WindowSpec> = z.union([
  z.object({ form: z.enum(['this period', 'previous period', 'year to date', 'half to date', 'previous year', 'program to date']) }),
  z.object({ form: z.literal('last'), count: z.number().int().positive(), unit: z.enum(['periods', 'months', 'quarters', 'years']) }),
]);


export type Step =
  | {
      kind: 'measure';
      name: string;
      op: 'sum' | 'count' | 'count distinct' | 'min' | 'max' | 'average';
      event: string;
      arg?: IR;
      where?: IR;
      otherwise?: IR;
      window: WindowSpec;
      value: ValueKind;
      /** For `count distinct`: how to make a key of a value. */
      keyKind?: ValueKind;
    }
  /** `down`: the level falls at most `count` levels below its level at the end of the previous period or year (§12.3). */
  | { kind: 'tier'; name: string; by: IR; levels: string[]; thresholds: IR[]; byKind: ValueKind; down?: { count: number; per: 'period' | 'year' } }
  | { kind: 'let'; name: string; value: IR; valueKind: ValueKind; tier?: string };

const StepSchema: z.ZodType<Step> = z.union([
  z.object({
    kind: z.literal('measure'),
    name: z.string(),
    op: z.enum(['sum', 'count', 'count distinct', 'min', 'max', 'average']),
    event: z.string(),
    arg: IRSchema.optional(),
    where: IRSchema.optional(),
    otherwise: IRSchema.optional(),
    window: WindowSchema,
    value: ValueKindSchema,
    keyKind: ValueKindSchema.optional(),
  }),
  z.object({
    kind: z.literal('tier'),
    name: z.string(),
    by: IRSchema,
    levels: z.array(z.string()).min(1),
    thresholds: z.array(IRSchema),
    byKind: ValueKindSchema,
    down: z.object({ count: z.number().int().nonnegative(), per: z.enum(['period', 'year']) }).optional(),
  }),
  z.object({ kind: z.literal('let'), name: z.string(), value: IRSchema, valueKind: ValueKindSchema, tier: z.string().optional() }),
]);

export type PotUnit = 'money' | 'points' | 'items';

export interface PotSpec {
  name: string;
  kind: 'points' | 'cash' | 'credit' | 'fund' | 'giftcard' | 'item';
  unit: PotUnit;
  rounding: Mode;
  /** Program-level amounts, lowered to IR (evaluated once per run). */
  cap?: { amount: IR; per: 'period' | 'year' };
  budget?: IR;
  /** §12.5: the budget is served in the order of the awards (absent: shared pro rata, §9). */
  budgetOrder?: 'first come first served';
  minimum?: IR;
  denominations?: IR[];
  approval?: IR;
  value?: IR;
  /** §13.1: what the pot credits in a period forms a lot, removed at the end of the period this long after it. */
  expire?: { count: number; unit: 'months' | 'periods' };
  /** §13.1: the pot keeps lots (it has `expire`, or a rule redeems from it). */
  lots?: boolean;
  /** §13.3: a payment below `amount` (partner-level) is topped up to it, while the draw applies; recoverable top-ups are a debt. */
  draw?: { amount: IR; recoverable: boolean; window?: { count: number; from: IR }; where?: IR };
  /** §13.2: an award from an event dated D is pending until D + this, then available. */
  hold?: { count: number; unit: 'days' | 'months' };
}
const PotSchema: z.ZodType<PotSpec> = z.object({
  name: z.string(),
  kind: z.enum(['points', 'cash', 'credit', 'fund', 'giftcard', 'item']),
  unit: z.enum(['money', 'points', 'items']),
  rounding: ModeSchema,
  cap: z.object({ amount: IRSchema, per: z.enum(['period', 'year']) }).optional(),
  budget: IRSchema.optional(),
  budgetOrder: z.literal('first come first served').optional(),
  minimum: IRSchema.optional(),
  denominations: z.array(IRSchema).optional(),
  approval: IRSchema.optional(),
  value: IRSchema.optional(),
  expire: z.object({ count: z.number().int().min(1).max(1200), unit: z.enum(['months', 'periods']) }).optional(),
  lots: z.boolean().optional(),
  hold: z.object({ count: z.number().int().min(1).max(36_600), unit: z.enum(['days', 'months']) }).optional(),
  draw: z.object({ amount: IRSchema, recoverable: z.boolean(), window: z.object({ count: z.number().int().min(1).max(1200), from: IRSchema }).optional(), where: IRSchema.optional() }).optional(),
});

/** A redemption rule (§13.1): for each event of `event` whose `where` holds, `amount` taken from the partner's lots in `pot`, oldest first. */
export interface RedemptionSpec {
  name: string;
  event: string;
  where?: IR;
  amount: IR;
  pot: string;
}
const RedemptionSchema: z.ZodType<RedemptionSpec> = z.object({ name: z.string(), event: z.string(), where: IRSchema.optional(), amount: IRSchema, pot: z.string() });

/** What a test expects (§10); `figure` (§13.1): a pot's figure other than the amount paid. */
export interface ExpectSpec {
  partner: string;
  name: string;
  target: 'pot' | 'tier' | 'measure';
  figure?: 'balance' | 'expired' | 'redeemed' | 'carried' | 'pending' | 'available' | 'cancelled' | 'debt';
  value: string;
  line: number;
}
const ExpectSchema: z.ZodType<ExpectSpec> = z.object({
  partner: z.string(),
  name: z.string(),
  target: z.enum(['pot', 'tier', 'measure']),
  figure: z.enum(['balance', 'expired', 'redeemed', 'carried', 'pending', 'available', 'cancelled', 'debt']).optional(),
  value: z.string(),
  line: z.number().int(),
});

export type ScopeSpec =
  | { kind: 'each-event'; event: string; where?: IR }
  | { kind: 'each-partner'; where?: IR }
  | { kind: 'top'; n: number; keys: IR[]; keyKinds: ValueKind[]; where?: IR }
  /** §13.5: a seeded draw of N partners, weighted by entries (absent: one each). */
  | { kind: 'random'; n: number; weight?: IR; seed: string; where?: IR };
const ScopeSchema: z.ZodType<ScopeSpec> = z.union([
  z.object({ kind: z.literal('each-event'), event: z.string(), where: IRSchema.optional() }),
  z.object({ kind: z.literal('each-partner'), where: IRSchema.optional() }),
  z.object({ kind: z.literal('top'), n: z.number().int().positive(), keys: z.array(IRSchema).min(1), keyKinds: z.array(ValueKindSchema), where: IRSchema.optional() }),
  z.object({ kind: z.literal('random'), n: z.number().int().positive(), weight: IRSchema.optional(), seed: z.string(), where: IRSchema.optional() }),
]);

export interface RuleSpec {
  name: string;
  scope: ScopeSpec;
  awards: { pot: string; amount: IR }[];
  cap?: { amount: IR; perEvent: boolean };
  /** `key`: `once per partner and FIELD` (§12.2), the field's value of the event in scope. */
  once?: { perPeriod: boolean; key?: IR };
}
const RuleSchema: z.ZodType<RuleSpec> = z.object({
  name: z.string(),
  scope: ScopeSchema,
  awards: z.array(z.object({ pot: z.string(), amount: IRSchema })).min(1),
  cap: z.object({ amount: IRSchema, perEvent: z.boolean() }).optional(),
  once: z.object({ perPeriod: z.boolean(), key: IRSchema.optional() }).optional(),
});

/** A running total (§12.2): what it adds up over the events of `event` before each one, in a window of the event's period. */
export interface RunningSpec {
  event: string;
  op: 'sum' | 'count';
  arg?: IR;
  where?: IR;
  window: WindowSpec;
}
const RunningSchema: z.ZodType<RunningSpec> = z.object({ event: z.string(), op: z.enum(['sum', 'count']), arg: IRSchema.optional(), where: IRSchema.optional(), window: WindowSchema });

export interface TestSpec {
  name: string;
  /** 1-based line of the test in the source, for messages. */
  line: number;
  period: string;
  partners: { id: string; fields: Record<string, string | boolean> }[];
  events: { event: string; fields: Record<string, string | boolean> }[];
  /** `rate { … }` records (§13.4): the rows of the test's `rates.csv` (`at`: the month or day). */
  rates?: { at: string; currency: string; rate: string }[];
  expects: ExpectSpec[];
}
const TestSchema: z.ZodType<TestSpec> = z.object({
  name: z.string(),
  line: z.number().int(),
  period: z.string(),
  partners: z.array(z.object({ id: z.string(), fields: z.record(z.string(), z.union([z.string(), z.boolean()])) })),
  events: z.array(z.object({ event: z.string(), fields: z.record(z.string(), z.union([z.string(), z.boolean()])) })),
  rates: z.array(z.object({ at: z.string(), currency: z.string(), rate: z.string() })).optional(),
  expects: z.array(ExpectSchema),
});

export interface Artifact {
  version: number;
  program: {
    name: string;
    currency: string;
    minorDigits: number;
    period: 'month' | 'quarter' | 'half' | 'year';
    start: string;
    end?: string;
    rounding: Mode;
    /** `exchange rates monthly|daily` (§13.4): the data's `rates.csv` gives a rate per month or per day. */
    exchangeRates?: 'monthly' | 'daily';
  };
  partner: { declared: boolean; fields: FieldSpec[] };
  events: { name: string; fields: FieldSpec[] }[];
  /** Program-level lets, dependencies first. */
  constants: { name: string; value: IR; valueKind: ValueKind }[];
  /** Measures, tiers and partner-level lets, dependencies first. */
  steps: Step[];
  /** Event-level lets (§12.2), each after the ones it uses: evaluated on an event of `event`, with the partner's values of its period. */
  eventLets: { name: string; event: string; value: IR; valueKind: ValueKind }[];
  /** Running totals (§12.2), referred to by `running` nodes. */
  running: RunningSpec[];
  tiers: { name: string; levels: string[] }[];
  pots: PotSpec[];
  rules: RuleSpec[];
  /** Redemption rules (§13.1), in source order; absent when there are none. */
  redemptions?: RedemptionSpec[];
  tests: TestSpec[];
}

export const ArtifactSchema: z.ZodType<Artifact> = z.object({
  version: z.literal(ARTIFACT_VERSION),
  program: z.object({
    name: z.string(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    minorDigits: z.number().int().min(0).max(4),
    period: z.enum(['month', 'quarter', 'half', 'year']),
    start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    end: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    rounding: ModeSchema,
    exchangeRates: z.enum(['monthly', 'daily']).optional(),
  }),
  partner: z.object({ declared: z.boolean(), fields: z.array(FieldSpecSchema) }),
  events: z.array(z.object({ name: z.string(), fields: z.array(FieldSpecSchema) })),
  constants: z.array(z.object({ name: z.string(), value: IRSchema, valueKind: ValueKindSchema })),
  steps: z.array(StepSchema),
  eventLets: z.array(z.object({ name: z.string(), event: z.string(), value: IRSchema, valueKind: ValueKindSchema })),
  running: z.array(RunningSchema),
  tiers: z.array(z.object({ name: z.string(), levels: z.array(z.string()) })),
  pots: z.array(PotSchema),
  rules: z.array(RuleSchema),
  redemptions: z.array(RedemptionSchema).optional(),
  tests: z.array(TestSchema),
}) as z.ZodType<Artifact>;

export class ArtifactError extends Error {}

/** Validates a parsed JSON value as an artifact; throws ArtifactError with every problem listed. */
export function loadArtifact(json: unknown): Artifact {
  const r = ArtifactSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.slice(0, 20).map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ArtifactError(`not a valid Incent artifact (version ${ARTIFACT_VERSION}):\n${problems.join('\n')}`);
  }
  return r.data;
}
