/**
 * The JSON of the review tools as zod schemas, for tools that read it: `incent diff --format json`
 * (a `DiffReport`), `--coverage-format json` (a `CoverageReport`), `incent check --exposure
 * --format json` (an `ExposureReport`). `schemas/diff.schema.json`, `coverage.schema.json` and
 * `exposure.schema.json` are generated from them (`npm run schemas`); the compiler checks that each
 * describes exactly its type. Amounts are exact decimal strings (money with the
 * currency's minor digits, points and items as integers); percentages have one decimal.
 */
import * as z from 'zod';
import type { CoverageReport } from './coverage.js';
import type { ExposureReport } from './exposure.js';
import type { DiffReport } from './render.js';

/**
 * The schemas, made the first time one is asked for: zod builds each object schema when it is
 * made, and making these cost every command's start ~5 ms (cli/coverage.ts and cli/test.ts import
 * this module; only `--coverage-format json`, `check --exposure --format json` and the tests parse).
 */
function make() {
  const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected an exact decimal string');

  const ClauseChangeSchema = z.strictObject({
    change: z.enum(['changed', 'added', 'removed']),
    summary: z.string().describe('One line in the language\'s syntax: "Gold from 1_000_000 EUR → 800_000 EUR", "+ approval above 10_000 EUR".'),
    old: z.string().optional().describe('The whole clause before, when the summary leaves part of it out.'),
    new: z.string().optional().describe('The whole clause after, likewise.'),
  });

  const DeclChangeSchema = z.strictObject({
    change: z.enum(['added', 'removed', 'renamed', 'changed']),
    kind: z.enum(['program', 'partner', 'event', 'let', 'measure', 'tier', 'payout', 'rule', 'test']),
    name: z.string().describe('As the program writes it: status, "Router SPIFF"; empty for program and partner.'),
    oldName: z.string().optional().describe('Renamed: the old name.'),
    label: z.string().describe('tier status, rule "Router SPIFF", payout cash.'),
    text: z.string().optional().describe('Added or removed: the declaration as formatted, without comments.'),
    clauses: z.array(ClauseChangeSchema),
  });

  const DeltaSchema = z.strictObject({
    old: decimal,
    new: decimal,
    delta: decimal,
    percent: decimal.optional().describe('delta ÷ |old| × 100, rounded half-even to one decimal; absent when old is zero.'),
  });

  const side = z.enum(['both', 'old', 'new']);

  const PartnerImpactSchema = z.strictObject({
    partner: z.string(),
    cost: DeltaSchema.describe("What the partner costs the program: money paid, items × value."),
    pots: z.array(z.strictObject({ pot: z.string(), earned: DeltaSchema, paid: DeltaSchema })),
    tiers: z.array(z.strictObject({ tier: z.string(), old: z.string(), new: z.string() })),
    rules: z.array(z.strictObject({ rule: z.string(), pot: z.string(), old: decimal, new: decimal })).describe('Rule totals that changed: what explains the move.'),
  });

  const PeriodImpactSchema = z.strictObject({
    period: z.string(),
    in: side,
    cost: DeltaSchema,
    partners: z.number().int().nonnegative(),
    affected: z.number().int().nonnegative(),
    pots: z.array(z.strictObject({ pot: z.string(), unit: z.enum(['money', 'points', 'items']), in: side, earned: DeltaSchema, paid: DeltaSchema })),
    tierMoves: z.array(z.strictObject({ tier: z.string(), from: z.string(), to: z.string(), partners: z.array(z.string()) })),
    movers: z.array(PartnerImpactSchema).describe('Every affected partner, the largest change in cost first.'),
    bindings: z.array(z.strictObject({ what: z.enum(['budget', 'pot cap', 'rule cap']), name: z.string(), old: z.number().int().nonnegative(), new: z.number().int().nonnegative() })),
    approvals: z.array(z.strictObject({ pot: z.string(), partner: z.string(), old: decimal, new: decimal, flagged: z.enum(['newly', 'no longer']) })),
    newlyFiring: z.array(z.strictObject({ rule: z.string(), partners: z.array(z.string()) })),
    stoppedFiring: z.array(z.strictObject({ rule: z.string(), partners: z.array(z.string()) })),
  });

  const DiffReportSchema = z.strictObject({
    format: z.literal(1),
    old: z.string(),
    new: z.string(),
    meaning: z.strictObject({ changed: z.boolean(), changes: z.array(DeclChangeSchema) }),
    data: z.string().optional(),
    impact: z
      .strictObject({
        currency: z.string(),
        periods: z.array(PeriodImpactSchema),
        total: z.strictObject({ cost: DeltaSchema, partners: z.number().int().nonnegative(), affected: z.number().int().nonnegative() }),
      })
      .optional(),
  });

  const count = z.number().int().nonnegative();
  const kind = z.enum(['rule', 'band', 'lookup entry', 'tier level', 'rule cap', 'pot cap', 'budget', 'minimum']);

  const CoverageItemSchema = z.strictObject({
    kind,
    declaration: z.string().describe('The declaration it belongs to: rule "Router SPIFF", let rebate_rate, tier status, payout cash.'),
    item: z.string().describe('The item in it, as written (spacing collapsed): "bands hardware_revenue: from 100_000 EUR", "lookup status: Gold", "Gold", "cap 20_000 EUR per partner"; empty for a rule.'),
    line: z.number().int().positive().describe('The 1-based line the item starts on.'),
    endLine: z.number().int().positive(),
    start: count.describe('Character offsets of the item in the program (UTF-16 code units).'),
    end: count,
    reached: z.boolean(),
    partners: count.optional().describe('A run: the partners that reached it.'),
    events: count.optional().describe('A run: the events that reached it, for items reached event by event.'),
    periods: count.optional().describe('A run: for a budget, the periods in which it bound.'),
    tests: count.optional().describe('Tests: how many reached it.'),
    testNames: z.array(z.string()).optional(),
  });

  const CoverageReportSchema = z.strictObject({
    format: z.literal(1),
    program: z.string(),
    mode: z.enum(['run', 'tests']),
    data: z.string().optional(),
    periods: z.array(z.string()).optional(),
    partners: count.optional(),
    tests: z.array(z.strictObject({ name: z.string(), line: z.number().int().positive(), passed: z.boolean() })).optional(),
    summary: z.strictObject({ items: count, reached: count, kinds: z.array(z.strictObject({ kind, items: count, reached: count })) }),
    items: z.array(CoverageItemSchema),
  });

  const BoundSchema = z.strictObject({
    bounded: z.boolean(),
    amount: decimal.optional().describe("The bound, in the pot's unit (money with the currency's minor digits, points and items as integers); absent when unbounded."),
    by: z.string().optional().describe('What sets it: pot cap, yearly pot cap, budget, rule cap, rules, ranking, awards.'),
  });

  const RuleExposureSchema = z.strictObject({
    rule: z.string(),
    line: z.number().int().positive().optional(),
    scope: z.enum(['each event', 'each partner', 'top', 'random']),
    awards: z.enum(['one', 'unbounded']).describe('How many awards a partner can get from the rule in a period.'),
    perAward: BoundSchema.describe("The most one award adds to the pot (after a per-event cap), rounded up to the pot's unit."),
    perPartner: BoundSchema.describe("The most the rule's total adds for one partner in one period, after its cap and the pot's rounding."),
    why: z.string().optional().describe('Unbounded: why.'),
    fix: z.string().optional().describe('Unbounded: the smallest change that bounds it.'),
  });

  const PotExposureSchema = z.strictObject({
    pot: z.string(),
    kind: z.enum(['points', 'cash', 'credit', 'fund', 'giftcard', 'item']),
    unit: z.enum(['money', 'points', 'items']),
    line: z.number().int().positive().optional(),
    perPartner: BoundSchema.describe("What one partner earns in one period, after the pot's cap and budget."),
    carried: decimal.optional().describe('The most a positive balance carried in from an earlier period holds (below the minimum, or less than the smallest card).'),
    paidPerPartner: BoundSchema.describe('What one partner is paid in one period: earned, plus what may be carried in.'),
    perPeriod: BoundSchema.describe('What all partners earn together in one period (positive earnings after adjustments).'),
    program: BoundSchema.optional().describe('What all partners are paid over the program (when it has an end).'),
    rules: z.array(RuleExposureSchema),
    fix: z.strictObject({ perPartner: z.string().optional(), perPeriod: z.string().optional() }).optional(),
  });

  const ExposureReportSchema = z.strictObject({
    format: z.literal(1),
    program: z.string(),
    currency: z.string(),
    periods: z.number().int().positive().optional(),
    pots: z.array(PotExposureSchema),
    cost: z
      .strictObject({ perPeriod: BoundSchema.describe("What one period's earnings cost, paid in it or later."), program: BoundSchema.optional().describe('What is paid over the program.') })
      .describe('Money paid, credited or accrued, and items × value; points cost nothing.'),
  });
  return { DiffReportSchema, CoverageReportSchema, ExposureReportSchema };
}

let made: ReturnType<typeof make> | undefined;

/** The review tools' report schemas (made once). */
export function reportSchemas(): ReturnType<typeof make> {
  return (made ??= make());
}

type Schemas = ReturnType<typeof make>;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type _DiffSchemaMatchesType = Assert<Same<z.infer<Schemas['DiffReportSchema']>, DiffReport>>;
export type _CoverageSchemaMatchesType = Assert<Same<z.infer<Schemas['CoverageReportSchema']>, CoverageReport>>;
export type _ExposureSchemaMatchesType = Assert<Same<z.infer<Schemas['ExposureReportSchema']>, ExposureReport>>;
