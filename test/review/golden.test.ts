/**
 * Golden tests of `incent diff`'s text and Markdown: each folder of test/review/golden/ holds
 * old.incent, new.incent, optionally data/ (then the diff runs with `--data data`) and args.txt
 * (more arguments, one per line), and the expected outputs beside them, expected.txt and
 * expected.md, each read and checked by hand. `UPDATE_GOLDEN=1` rewrites them (read the change!).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

const root = join(import.meta.dirname, 'golden');
const cases = readdirSync(root).sort();

function diff(dir: string, format: string): { code: number; out: string; err: string } {
  const args = [join(dir, 'old.incent'), join(dir, 'new.incent'), '--format', format];
  if (existsSync(join(dir, 'data'))) args.push('--data', join(dir, 'data'));
  if (existsSync(join(dir, 'args.txt'))) args.push(...readFileSync(join(dir, 'args.txt'), 'utf8').split('\n').filter(Boolean));
  let out = '';
  let err = '';
  const code = main(['diff', ...args], { out: (s) => (out += s), err: (s) => (err += s), color: false });
  // Paths as the case folder names them.
  const local = (s: string) => s.split(`${dir}/`).join('');
  return { code, out: local(out), err: local(err) };
}

describe('incent diff golden outputs', () => {
  for (const name of cases) {
    for (const [format, file] of [['text', 'expected.txt'], ['markdown', 'expected.md']] as const) {
      it(`${name}: ${format}`, () => {
        const dir = join(root, name);
        const r = diff(dir, format);
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        if (process.env['UPDATE_GOLDEN']) writeFileSync(join(dir, file), r.out);
        expect(r.out).toBe(readFileSync(join(dir, file), 'utf8'));
      });
    }
  }
});
