/**
 * The version of the artifact format, apart from the artifact's zod schemas (`artifact.ts`): the
 * compiler stamps it without loading zod, which would cost every command ~40 ms at start.
 */
export const ARTIFACT_VERSION = 1;
