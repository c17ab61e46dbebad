/**
 * The limits of input data (documented in language/REFERENCE.md, "Limits"). Each keeps the work
 * a file can cause linear in its size and the memory bounded; going past one is a located
 * problem with its own code, never a crash or a silent cut.
 */
import { MAX_DIGITS } from '../../core/limits.js';

/** Characters in one line of a CSV or NDJSON file (a CSV row with quoted line breaks counts as one line): D0107, a problem of the file. */
export const MAX_LINE_CHARS = 1 << 20;

/** Characters in one field's value: D0108, a problem of the record. */
export const MAX_FIELD_CHARS = 1 << 16;

/** Columns in a CSV header: D0109, a problem of the file. */
export const MAX_COLUMNS = 10_000;

/**
 * Significant digits of a decimal (the precision of decimal128: a value is never rounded on
 * input): D0216, a problem of the record. The same as a program's literals (core/limits.ts), and
 * so is the size of numbers (D0217).
 */
export const MAX_SIGNIFICANT_DIGITS = MAX_DIGITS;

/** Nesting of JSON arrays and objects (a record is an object of plain values: 3 levels in an array file): D0117. */
export const MAX_JSON_DEPTH = 32;
