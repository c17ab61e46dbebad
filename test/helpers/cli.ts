/** The command line in this process (output captured, no colour), and the examples the tests run over. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main.js';

/** `incent ARGV…` run in this process: its exit code and what it wrote to each stream. */
export function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { out: (s) => (out += s), err: (s) => (err += s), color: false });
  return { code, out, err };
}

/** The repository's root. */
export const root = join(import.meta.dirname, '..', '..');

/** The folders of examples/ that hold a program (with `data`: and a data folder), in name order. */
export function exampleNames(opts: { data?: boolean } = {}): string[] {
  return readdirSync(join(root, 'examples'))
    .filter((n) => existsSync(join(root, 'examples', n, 'program.incent')) && (!opts.data || existsSync(join(root, 'examples', n, 'data'))))
    .sort();
}
