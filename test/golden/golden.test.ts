/**
 * Golden tests of what the command prints (Catala-style): each folder holds a program, its data,
 * the commands to run (`commands`, one per line, run from the folder), the files to show after
 * them (`show`), and `expected.txt`: every command's exit code, standard output and standard
 * error, then the files. The command is the built `bin/incent.js`, as a user runs it. Each expected
 * file was read and checked by hand; `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites them
 * (then read the diff).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = new URL('.', import.meta.url).pathname;
const bin = new URL('../../bin/incent.js', import.meta.url).pathname;
const cases = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function transcript(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `incent-golden-${name}-`));
  cpSync(join(here, name), dir, { recursive: true, filter: (p) => !p.endsWith('expected.txt') });
  const out: string[] = [];
  for (const line of readFileSync(join(dir, 'commands'), 'utf8').split('\n').filter(Boolean)) {
    const r = spawnSync(process.execPath, [bin, ...line.split(' ')], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    out.push(`$ incent ${line}`, `exit ${r.status}`, '--- stdout', r.stdout.trimEnd(), '--- stderr', r.stderr.trimEnd(), '');
  }
  const show = join(dir, 'show');
  if (existsSync(show)) for (const f of readFileSync(show, 'utf8').split('\n').filter(Boolean)) out.push(`=== ${f}`, readFileSync(join(dir, f), 'utf8').trimEnd(), '');
  return out.join('\n');
}

describe('what the command prints', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(5));
  it.each(cases)('%s', (name) => {
    const actual = transcript(name);
    const file = join(here, name, 'expected.txt');
    if (process.env['UPDATE_GOLDEN']) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
