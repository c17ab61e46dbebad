/**
 * The JSON of `incent diff --format json` (a `DiffReport`) as a zod schema, for tools that read it.
 * `schemas/diff.schema.json` is generated from it (`npm run schemas`); the compiler checks that it
 * describes exactly the `DiffReport` type. Amounts are exact decimal strings (money with the
 * currency's minor digits, points and items as integers); percentages have one decimal.
 */
import { z } from 'zod';
import type { DiffReport } from './render.js';

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

export const DiffReportSchema = z.strictObject({
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

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type _DiffSchemaMatchesType = Assert<Same<z.infer<typeof DiffReportSchema>, DiffReport>>;
