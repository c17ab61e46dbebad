/**
 * One diagnostic model for every stage (parser, checker, data loading, tests), rendered for people
 * (`renderDiagnostic`) and as JSON (`diagnosticToJson`) for editors and tools. Every code is in
 * `codes.ts`. A diagnostic is located in the program's text (a span: parser, checker, test
 * blocks) or in a data file (file, line, field: data problems).
 */

/** A range of a program's text: character offsets, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning';

export interface RelatedSpan {
  span: Span;
  message: string;
}

export interface Diagnostic {
  severity: Severity;
  /** A stable code, e.g. `E0201`; listed with an example in language/REFERENCE.md. */
  code: string;
  /** What is wrong, in the program designer's words. */
  message: string;
  span: Span;
  /** How to fix it. */
  hint?: string;
  related?: RelatedSpan[];
  /** More to read under it (a failed test's trace), one line each. */
  notes?: string[];
}

/** A diagnostic located in a data file rather than in the program: its file, 1-based line (0 for the whole file) and field. */
export interface DataDiagnostic {
  severity: Severity;
  code: string;
  message: string;
  hint?: string;
  file: string;
  line: number;
  /** When records share a line (a JSON array on one line): the record's number in its file. */
  record?: number;
  field?: string;
  /** The column or JSON key the field is read from, when it is not the field's name (`from "…"`). */
  column?: string;
}

/**
 * Text made safe for a terminal: control characters (but tab and line feed), C1 controls,
 * DEL and the invisible bidirectional controls are shown escaped (`\u001b`), so that data
 * or program text can never clear the screen, set the title or reorder what is displayed.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function isDataDiagnostic(d: Diagnostic | DataDiagnostic): d is DataDiagnostic {
  return !('span' in d);
}

export function error(code: string, message: string, span: Span, hint?: string, related?: RelatedSpan[]): Diagnostic {
  return { severity: 'error', code, message, span, ...(hint ? { hint } : {}), ...(related?.length ? { related } : {}) };
}

export function warning(code: string, message: string, span: Span, hint?: string, related?: RelatedSpan[]): Diagnostic {
  return { severity: 'warning', code, message, span, ...(hint ? { hint } : {}), ...(related?.length ? { related } : {}) };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Sorted by position, then code: the order in which diagnostics are shown. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));
}

/** Maps character offsets to 1-based lines and columns. */
export class SourceText {
  private readonly lineStarts: number[];
  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    this.lineStarts = starts;
  }

  /** 1-based line and column (in UTF-16 code units) of an offset. */
  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.lineStarts[lo]! + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  line(n: number): string {
    const start = this.lineStarts[n - 1] ?? this.text.length;
    const next = this.lineStarts[n];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  /** The span of a 1-based line's text, without its indentation and line break. */
  lineSpan(n: number): Span {
    const text = this.line(n);
    const start = (this.lineStarts[n - 1] ?? this.text.length) + (text.length - text.trimStart().length);
    return { start, end: start + text.trim().length };
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/** A diagnostic as JSON: in the program (`range`) or in a data file (`line`, and `field` when it is about one). */
export interface JsonDiagnostic {
  file: string;
  severity: Severity;
  code: string;
  message: string;
  hint?: string;
  range?: JsonRange;
  line?: number;
  record?: number;
  field?: string;
  column?: string;
  related?: { message: string; range: JsonRange }[];
  notes?: string[];
}

export interface JsonRange {
  start: { line: number; column: number; offset: number };
  end: { line: number; column: number; offset: number };
}

function range(src: SourceText, span: Span): JsonRange {
  return {
    start: { ...src.position(span.start), offset: span.start },
    end: { ...src.position(span.end), offset: span.end },
  };
}

/** A diagnostic as JSON; `src` is the program's text (unused for a data diagnostic). */
export function diagnosticToJson(src: SourceText | undefined, d: Diagnostic | DataDiagnostic): JsonDiagnostic {
  if (isDataDiagnostic(d)) {
    return { file: d.file, severity: d.severity, code: d.code, message: d.message, ...(d.hint ? { hint: d.hint } : {}), line: d.line, ...(d.record === undefined ? {} : { record: d.record }), ...(d.field === undefined ? {} : { field: d.field }), ...(d.column === undefined ? {} : { column: d.column }) };
  }
  if (!src) throw new Error('internal: a program diagnostic needs its source text');
  return {
    file: src.path,
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.hint ? { hint: d.hint } : {}),
    range: range(src, d.span),
    ...(d.related?.length ? { related: d.related.map((r) => ({ message: r.message, range: range(src, r.span) })) } : {}),
    ...(d.notes?.length ? { notes: d.notes } : {}),
  };
}

export interface RenderOptions {
  color?: boolean;
  /** Leave the hint out (a list of many data problems gives each code's hint once). */
  noHint?: boolean;
}

/**
 * Renders a diagnostic like a compiler:
 *
 *     error[E0301]: `revenu` is not defined
 *       --> program.incent:12:10
 *        |
 *     12 |   award revenu * 2% to cash
 *        |         ^^^^^^
 *        = hint: did you mean `revenue`?
 */
export function renderDiagnostic(src: SourceText | undefined, d: Diagnostic | DataDiagnostic, opts: RenderOptions = {}): string {
  const c = opts.color
    ? {
        red: (s: string) => `\x1b[31;1m${s}\x1b[0m`,
        yellow: (s: string) => `\x1b[33;1m${s}\x1b[0m`,
        blue: (s: string) => `\x1b[34;1m${s}\x1b[0m`,
        bold: (s: string) => `\x1b[1m${s}\x1b[0m`,
      }
    : { red: (s: string) => s, yellow: (s: string) => s, blue: (s: string) => s, bold: (s: string) => s };
  const sev = d.severity === 'error' ? c.red(`error[${d.code}]`) : c.yellow(`warning[${d.code}]`);
  if (isDataDiagnostic(d)) {
    // sale.csv:14: field "amount": "12,50" is not a decimal amount — one line, as data problems come many at a time
    const where = d.line > 0 ? `${d.file}:${d.line}${d.record === undefined ? '' : ` (record ${d.record})`}` : d.file;
    const what = d.field === undefined ? d.message : `field "${d.field}": ${d.message}`;
    const out = [`${sev}: ${c.bold(printable(`${where}: ${what}`))}`];
    if (d.hint && !opts.noHint) out.push(`  = hint: ${printable(d.hint)}`);
    return out.join('\n');
  }
  if (!src) throw new Error('internal: a program diagnostic needs its source text');
  const out: string[] = [`${sev}: ${c.bold(printable(d.message))}`];
  const excerpt = (span: Span, label: string | undefined, arrow: string) => {
    const start = src.position(span.start);
    const end = src.position(Math.max(span.start, span.end));
    const lineText = printable(src.line(start.line));
    const gutter = String(start.line).length;
    const pad = ' '.repeat(gutter);
    const caretEnd = end.line === start.line ? end.column : lineText.length + 1;
    const width = Math.max(1, caretEnd - start.column);
    // Tabs keep their width under the caret line.
    const lead = lineText.slice(0, start.column - 1).replace(/[^\t]/g, ' ');
    out.push(`${pad}${c.blue(arrow)} ${printable(src.path)}:${start.line}:${start.column}`);
    out.push(`${pad} ${c.blue('|')}`);
    out.push(`${c.blue(String(start.line))} ${c.blue('|')} ${lineText}`);
    out.push(`${pad} ${c.blue('|')} ${lead}${(d.severity === 'error' ? c.red : c.yellow)('^'.repeat(width))}${label ? ' ' + label : ''}`);
  };
  excerpt(d.span, undefined, '-->');
  for (const r of d.related ?? []) excerpt(r.span, r.message, ':::');
  if (d.hint && !opts.noHint) out.push(`${' '.repeat(String(src.position(d.span.start).line).length)} = hint: ${printable(d.hint)}`);
  for (const note of d.notes ?? []) out.push(`${' '.repeat(String(src.position(d.span.start).line).length)} = ${printable(note)}`);
  return out.join('\n');
}

/** Renders many diagnostics, sorted, with a closing count line. */
export function renderDiagnostics(src: SourceText, diags: readonly Diagnostic[], opts: RenderOptions = {}): string {
  return sortDiagnostics(diags)
    .map((d) => renderDiagnostic(src, d, opts))
    .join('\n\n');
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to a misspelt name, if close enough to be a likely typo. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(1, Math.floor(name.length / 3));
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, c);
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= limit ? best : undefined;
}
