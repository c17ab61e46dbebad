/**
 * The statement JSON (`incent run --format json`, `statementJson`; the contract of the spec's §11)
 * as a zod schema, for those who read statements from elsewhere (a file, a queue, another service)
 * and validate them at their boundary. `schemas/statement.schema.json` is generated from it
 * (`npm run schemas`). The compiler checks that it describes exactly the `StatementJson` type.
 */
import * as z from 'zod';
import type { PotJson, StatementJson } from './statement.js';

/** An exact decimal as statements write it: digits, an optional fraction, an optional minus (`-12.50`); never an exponent. */
const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount such as "12.50"');

export const PotJsonSchema = z.strictObject({
  earned: amount,
  paid: amount,
  carried: amount,
  carried_in: amount,
  adjustments: z.array(z.strictObject({ kind: z.string(), amount, note: z.string() })),
  approval: z.boolean(),
  cards: z.array(z.strictObject({ denomination: amount, count: z.number().int().nonnegative() })).optional(),
  /** §13.1: a pot that keeps lots. */
  ledger: z
    .strictObject({
      balance: amount,
      redeemed: amount,
      expired: amount,
      expiring: z.strictObject({ amount, on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
      lots: z.array(z.strictObject({ period: z.string(), remaining: amount, expires: z.string().optional() })),
    })
    .optional(),
  /** §13.3: a pot with a draw. */
  draw: z.strictObject({ applies: z.boolean(), top_up: amount, recovered: amount, forgiven: amount, debt: amount }).optional(),
  /** §13.2: a pot that holds its awards. */
  hold: z
    .strictObject({
      pending: amount,
      available: amount,
      cancelled: amount,
      releases: z.array(z.strictObject({ on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), amount })),
    })
    .optional(),
});

export const StatementJsonSchema = z.strictObject({
  program: z.string(),
  period: z.string().regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, 'expected a period such as 2026, 2026-Q1 or 2026-03'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code'),
  partners: z.array(
    z.strictObject({
      id: z.string(),
      tiers: z.record(z.string(), z.string()),
      pots: z.record(z.string(), PotJsonSchema),
      awards: z.array(z.strictObject({ rule: z.string(), pot: z.string(), amount, trace: z.string() })),
    }),
  ),
  totals: z.record(z.string(), z.strictObject({ earned: amount, paid: amount, carried: amount, budget: amount.optional(), budget_used: amount.optional() })),
  cost: amount,
  rejected: z.number().int().nonnegative(),
  /** §13.5: the seeded draws of the period. */
  draws: z
    .array(
      z.strictObject({
        rule: z.string(),
        seed: z.string(),
        winners_asked: z.number().int().positive(),
        tickets: z.string().regex(/^\d+$/),
        entrants: z.array(z.strictObject({ partner: z.string(), tickets: z.string().regex(/^\d+$/) })),
        winners: z.array(z.strictObject({ partner: z.string(), draw: z.number().int().nonnegative(), ticket: z.string().regex(/^\d+$/), of: z.string().regex(/^\d+$/), counter: z.number().int().nonnegative() })),
      }),
    )
    .optional(),
});

/** `incent run --all --format json` prints an array of statements, one per period. */
export const StatementsJsonSchema = z.array(StatementJsonSchema);

// The schemas and the TypeScript types describe the same JSON: a change to one that is not made to
// the other fails the type check.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type _StatementSchemaMatchesType = Assert<Same<z.infer<typeof StatementJsonSchema>, StatementJson>>;
export type _PotSchemaMatchesType = Assert<Same<z.infer<typeof PotJsonSchema>, PotJson>>;
