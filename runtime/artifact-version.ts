/**
 * The version of the artifact format, apart from the artifact's zod schemas (`artifact.ts`): the
 * compiler stamps it without loading zod, which would cost every command ~40 ms at start.
 *
 * 2: a chain of operands is one node (`arith` with its `rest`, `and`/`or` with their `args`), instead of one node per operator.
 * 3: language v0.2 (§12). §12.1: fields may be read from another column and have a default
 * (`column`, `default`); §12.4: dates move by days and months (`dateadd`), `days` between two dates,
 * `period` bounds, periods of a half-year; §12.2, §12.3, §12.5: `ref` fields, event-level lets,
 * running totals, interpolation, previous values and values at a date, tiers that fall at most N
 * levels, budgets served in order. Fields may declare a range (`range`, `in A..B`).
 */
export const ARTIFACT_VERSION = 3;
