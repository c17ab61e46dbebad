/** Helpers for comparing syntax trees in tests. */
import type { ProgramFile } from '../../language/syntax.js';

/** A deep copy of a value without any `span` property (trees compared "modulo spans"). */
export function stripSpans<X>(value: X): X {
  if (Array.isArray(value)) return value.map((v) => stripSpans(v)) as X;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'span') out[k] = stripSpans(v);
    return out as X;
  }
  return value;
}

/**
 * What a program means, for "formatting never changes the meaning": the header and declarations
 * without spans. Comments are compared separately (as a multiset of texts), since the formatter may
 * move a comment past another one.
 */
export function meaning(file: ProgramFile): unknown {
  return stripSpans({ header: file.header, decls: file.decls });
}

/** The texts of a file's comments, sorted, with trailing whitespace removed (the formatter trims it). */
export function commentTexts(file: ProgramFile): string[] {
  return file.comments.map((c) => c.text.trimEnd()).sort();
}
