/**
 * The version of the artifact format, apart from the artifact's zod schemas (`artifact.ts`): the
 * compiler stamps it without loading zod, which would cost every command ~40 ms at start.
 *
 * 2: a chain of operands is one node (`arith` with its `rest`, `and`/`or` with their `args`), instead of one node per operator.
 */
export const ARTIFACT_VERSION = 2;
