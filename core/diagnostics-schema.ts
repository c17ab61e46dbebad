/**
 * The diagnostics JSON (`incent check --format json`: an array of `diagnosticToJson` objects) as a
 * zod schema, for editors and tools that read it. A diagnostic is in the program (`range`) or in a
 * data file (`line`, and `field` when it is about one). `schemas/diagnostics.schema.json` is
 * generated from it (`npm run schemas`). The compiler checks that it describes exactly the
 * `JsonDiagnostic` type.
 */
import * as z from 'zod';
import type { JsonDiagnostic } from './diagnostics.js';

/** A place in the source: 1-based line and column (UTF-16 code units), 0-based character offset. */
const position = z.strictObject({ line: z.number().int().min(1), column: z.number().int().min(1), offset: z.number().int().nonnegative() });
const range = z.strictObject({ start: position, end: position });

export const JsonDiagnosticSchema = z.strictObject({
  file: z.string(),
  severity: z.enum(['error', 'warning']),
  code: z.string().regex(/^[EWDTR]\d{4}$/, 'expected a diagnostic code such as E0201 or D0206'),
  message: z.string(),
  hint: z.string().optional(),
  /** In the program: where. */
  range: range.optional(),
  /** In a data file: the 1-based line (0: the whole file), the record's number when records share the line, the field. */
  line: z.number().int().nonnegative().optional(),
  record: z.number().int().min(1).optional(),
  field: z.string().optional(),
  /** The column (or JSON key) the field is read from, when it is not the field's name (`amount: money from "Net Amount (€)"`). */
  column: z.string().optional(),
  related: z.array(z.strictObject({ message: z.string(), range })).optional(),
  /** More to read under it, one line each (a failed test's trace). */
  notes: z.array(z.string()).optional(),
});

/** What `incent check --format json` prints: every diagnostic of every file, in order. */
export const JsonDiagnosticsSchema = z.array(JsonDiagnosticSchema);

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type _DiagnosticSchemaMatchesType = Assert<Same<z.infer<typeof JsonDiagnosticSchema>, JsonDiagnostic>>;
