/**
 * One diagnostic model for every stage (parser, checker, data loading, tests), rendered for people
 * (`renderDiagnostic`) and as JSON (`diagnosticToJson`) for editors and tools.
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

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

export interface JsonDiagnostic {
  file: string;
  severity: Severity;
  code: string;
  message: string;
  hint?: string;
  range: { start: { line: number; column: number; offset: number }; end: { line: number; column: number; offset: number } };
  related?: { message: string; range: JsonDiagnostic['range'] }[];
}

function range(src: SourceText, span: Span): JsonDiagnostic['range'] {
  return {
    start: { ...src.position(span.start), offset: span.start },
    end: { ...src.position(span.end), offset: span.end },
  };
}

export function diagnosticToJson(src: SourceText, d: Diagnostic): JsonDiagnostic {
  return {
    file: src.path,
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.hint ? { hint: d.hint } : {}),
    range: range(src, d.span),
    ...(d.related?.length ? { related: d.related.map((r) => ({ message: r.message, range: range(src, r.span) })) } : {}),
  };
}

export interface RenderOptions {
  color?: boolean;
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
export function renderDiagnostic(src: SourceText, d: Diagnostic, opts: RenderOptions = {}): string {
  const c = opts.color
    ? {
        red: (s: string) => `\x1b[31;1m${s}\x1b[0m`,
        yellow: (s: string) => `\x1b[33;1m${s}\x1b[0m`,
        blue: (s: string) => `\x1b[34;1m${s}\x1b[0m`,
        bold: (s: string) => `\x1b[1m${s}\x1b[0m`,
      }
    : { red: (s: string) => s, yellow: (s: string) => s, blue: (s: string) => s, bold: (s: string) => s };
  const sev = d.severity === 'error' ? c.red(`error[${d.code}]`) : c.yellow(`warning[${d.code}]`);
  const out: string[] = [`${sev}: ${c.bold(d.message)}`];
  const excerpt = (span: Span, label: string | undefined, arrow: string) => {
    const start = src.position(span.start);
    const end = src.position(Math.max(span.start, span.end));
    const lineText = src.line(start.line);
    const gutter = String(start.line).length;
    const pad = ' '.repeat(gutter);
    const caretEnd = end.line === start.line ? end.column : lineText.length + 1;
    const width = Math.max(1, caretEnd - start.column);
    // Tabs keep their width under the caret line.
    const lead = lineText.slice(0, start.column - 1).replace(/[^\t]/g, ' ');
    out.push(`${pad}${c.blue(arrow)} ${src.path}:${start.line}:${start.column}`);
    out.push(`${pad} ${c.blue('|')}`);
    out.push(`${c.blue(String(start.line))} ${c.blue('|')} ${lineText}`);
    out.push(`${pad} ${c.blue('|')} ${lead}${(d.severity === 'error' ? c.red : c.yellow)('^'.repeat(width))}${label ? ' ' + label : ''}`);
  };
  excerpt(d.span, undefined, '-->');
  for (const r of d.related ?? []) excerpt(r.span, r.message, ':::');
  if (d.hint) out.push(`${' '.repeat(String(src.position(d.span.start).line).length)} = hint: ${d.hint}`);
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
