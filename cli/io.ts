/** What a command writes to: standard output and error, and whether they are terminals; diagnostics and problems printed for people. */
import { printable, renderDiagnostics, renderDiagnostic, SourceText, type Diagnostic } from '../core/diagnostics.js';
import type { Problem } from '../runtime/data/problems.js';

export interface Io {
  out: (s: string) => void;
  /**
   * Standard output as bytes (UTF-8), where the process has it: statements are written so (else
   * decoded for `out`). True when the bytes are written and no reference to them is kept: the
   * caller may then write over them (`Writer` reuses its buffer).
   */
  outBytes?: (b: Uint8Array) => boolean;
  err: (s: string) => void;
  color: boolean;
  /** A terminal on stderr: long runs show their progress there (never on stdout). */
  tty?: boolean;
  progressDone?: () => void;
}

/** A usage mistake: the message, then the usage; exit 2. */
export class UsageError extends Error {}

/** A command that fails with a message (after printing what it has to say); exit `code`. */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Progress on stderr for a run that takes more than a second, on a terminal only. */
export function progressLine(io: Io): ((what: string) => void) | undefined {
  if (!io.tty) return undefined;
  const start = Date.now();
  let shown = false;
  io.progressDone = () => {
    if (shown) io.err('\r\x1b[K');
  };
  return (what) => {
    if (Date.now() - start < 1000) return;
    shown = true;
    io.err(`\r\x1b[K${printable(what)}…`);
  };
}

export function printDiagnostics(io: Io, path: string, text: string, diags: readonly Diagnostic[]): void {
  if (diags.length === 0) return;
  io.err(renderDiagnostics(new SourceText(path, text), diags, { color: io.color }) + '\n\n');
}

export function summary(diags: readonly { severity: string }[]): string {
  const e = diags.filter((d) => d.severity === 'error').length;
  const w = diags.length - e;
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}

/** Problems shown on a terminal before the rest is summarised (every one of them goes to `--reject`). */
export const SHOWN_PROBLEMS = 100;

/**
 * Prints data problems one line each, each code's hint after its first problem; past `limit`,
 * a count per code instead (the problems are all in the reject folder, or in `check --data
 * --format json`).
 */
export function printProblems(io: Io, problems: readonly Problem[], limit = SHOWN_PROBLEMS): void {
  const hinted = new Set<string>();
  problems.slice(0, limit).forEach((p) => {
    io.err(renderDiagnostic(undefined, p, { color: io.color, noHint: hinted.has(p.code) }) + '\n');
    hinted.add(p.code);
  });
  if (problems.length > limit) {
    const rest = new Map<string, number>();
    for (const p of problems.slice(limit)) rest.set(p.code, (rest.get(p.code) ?? 0) + 1);
    const counts = [...rest].map(([code, n]) => `${code} × ${n.toLocaleString('en-US')}`).join(', ');
    io.err(`… and ${(problems.length - limit).toLocaleString('en-US')} more (${counts})\n`);
  }
}

export function plural(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}
