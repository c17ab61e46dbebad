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
 * 4: the ledger v0.2 (§13): points in lots that expire and are redeemed (`lots`, redemption rules),
 * awards held for a time (`hold`), draws and guarantees (`draw`), several currencies (`money any`
 * fields, `exchange rates` in the header, the test blocks' rates), seeded draws (`for random`). A
 * runtime of version 3 would read such an artifact without them (zod drops what it does not know:
 * `money any by FIELD` amounts at par), so it must refuse it: the version says so.
 */
export const ARTIFACT_VERSION = 4;
