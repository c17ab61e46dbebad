/** `incent fmt`: canonical formatting, in place, or `--check` that a file is in canonical form. */
import { writeFileSync } from 'node:fs';
import { format } from '../language/format.js';
import { printDiagnostics, type Io, UsageError } from './io.js';
import { options } from './options.js';
import { readSource } from './program.js';

export function cmdFmt(io: Io, args: string[]): number {
  const { values, positionals } = options(args, { check: { type: 'boolean', default: false } });
  if (positionals.length === 0) throw new UsageError('incent fmt needs at least one FILE');
  let status = 0;
  for (const path of positionals) {
    const text = readSource(path);
    const r = format(text);
    if (r.text === undefined) {
      printDiagnostics(io, path, text, r.diagnostics);
      io.err(`${path}: not formatted: it has syntax errors\n`);
      status = Math.max(status, 2);
      continue;
    }
    if (r.text === text) continue;
    if (values.check) {
      io.err(`${path}: not in canonical form (run incent fmt ${path})\n`);
      status = Math.max(status, 1);
    } else {
      writeFileSync(path, r.text);
      io.err(`${path}: formatted\n`);
    }
  }
  return status;
}
