/**
 * `incent diff` on the command line: files and git revisions, one FILE against HEAD, errors
 * (usage, no repository, a bad revision, syntax errors, data that does not suit a version) as
 * messages with exit codes and never a stack trace, `--exit-code`, and git integration in a
 * temporary repository with real `git diff`: GIT_EXTERNAL_DIFF, the `.gitattributes` driver
 * (`*.incent diff=incent` with `diff.incent.command`) and `git difftool -x`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'incent.js');
const golden = join(root, 'test', 'review', 'golden', 'rates-and-budget');
/** The command as git runs it (through a shell): node and the command, quoted. */
const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} diff --git`;

/** git without the user's configuration, with an identity for commits. */
const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com', NO_COLOR: '1' };
delete (gitEnv as Record<string, string | undefined>)['GIT_EXTERNAL_DIFF'];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' });
}

function incent(cwd: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, 'diff', ...args], { cwd, env: gitEnv, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

let repo: string;
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'incent-diff-git-'));
  git(repo, 'init', '-q', '-b', 'main');
  cpSync(join(golden, 'old.incent'), join(repo, 'program.incent'));
  cpSync(join(golden, 'data'), join(repo, 'data'), { recursive: true });
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'old');
  cpSync(join(golden, 'new.incent'), join(repo, 'program.incent'));
});

describe('incent diff: files and revisions', () => {
  it('one FILE: the working file against HEAD', () => {
    const r = incent(repo, 'program.incent');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('incent diff HEAD:program.incent → program.incent');
    expect(r.out).toContain('budget 1,000 EUR → 800 EUR');
  });

  it('one FILE from another folder: the path is taken from the top of the repository', () => {
    const r = incent(tmpdir(), join(repo, 'program.incent'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('HEAD:program.incent →');
  });

  it('REV:PATH and a file, with data; the same as the two files', () => {
    const r = incent(repo, 'main:program.incent', 'program.incent', '--data', 'data', '--period', '2026-Q1');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('2026-Q1: cost +940.00 EUR (+24.2%), 6 of 6 partners affected');
    const files = incent(root, join(golden, 'old.incent'), join(golden, 'new.incent'), '--data', join(golden, 'data'), '--period', '2026-Q1', '--format', 'json');
    const viaGit = incent(repo, 'main:program.incent', 'program.incent', '--data', 'data', '--period', '2026-Q1', '--format', 'json');
    const strip = (s: string) => ({ ...JSON.parse(s), old: '', new: '', data: '' });
    expect(strip(viaGit.out)).toEqual(strip(files.out));
  });

  it('--exit-code: 1 when the meaning changed, 0 when not', () => {
    expect(incent(repo, 'HEAD:program.incent', 'program.incent', '--exit-code').code).toBe(1);
    expect(incent(repo, 'program.incent', 'program.incent', '--exit-code').code).toBe(0);
    expect(incent(repo, 'HEAD:program.incent', 'program.incent').code).toBe(0);
    const same = incent(repo, join(golden, '..', 'formatting-only', 'old.incent'), join(golden, '..', 'formatting-only', 'new.incent'), '--exit-code');
    expect([same.code, same.out.includes('no change in meaning')]).toEqual([0, true]);
  });

  it('a bad revision, a missing path in a revision, no repository: a message, exit 2, no stack trace', () => {
    const bad = incent(repo, 'nope:program.incent', 'program.incent');
    expect([bad.code, bad.err]).toEqual([2, 'incent: nope:program.incent: nope: no such revision in this repository\n']);
    const missing = incent(repo, 'HEAD:missing.incent', 'program.incent');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^incent: HEAD:missing\.incent: .*missing\.incent.* does not exist in 'HEAD'\n$/);
    const outside = mkdtempSync(join(tmpdir(), 'incent-diff-norepo-'));
    writeFileSync(join(outside, 'p.incent'), readFileSync(join(golden, 'old.incent')));
    const none = incent(outside, 'p.incent');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^incent: p\.incent: .* is not inside a git repository; give OLD and NEW to compare two files\n$/);
    const rev = incent(outside, 'HEAD:p.incent', 'p.incent');
    expect(rev.code).toBe(2);
    expect(rev.err).toContain('is not inside a git repository');
    for (const r of [bad, missing, none, rev]) expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('usage errors: exit 2 with the usage', () => {
    for (const args of [[], ['a', 'b', 'c'], ['--format', 'xml', 'a', 'b'], ['--period', '2026-Q1', 'a', 'b'], ['--all', '--period', '2026-Q1', '--data', 'd', 'a', 'b'], ['--git', 'a', 'b'], ['--data', 'data', '--data', 'data', 'a', 'b']]) {
      const r = incent(repo, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('usage:');
    }
    const period = incent(repo, 'HEAD:program.incent', 'program.incent', '--data', 'data', '--period', '2027-Q1');
    expect([period.code, period.err.split('\n')[0]]).toEqual([2, 'incent: --period 2027-Q1: these runs cover 2026-Q1, 2026-Q2']);
  });

  it('a version with syntax errors: its diagnostics, rendered as incent check does, exit 1', () => {
    const broken = join(repo, 'broken.incent');
    writeFileSync(broken, readFileSync(join(golden, 'new.incent'), 'utf8').replace('award 30 EUR * quantity', 'award 30 EUR * * quantity'));
    const r = incent(repo, 'program.incent', 'broken.incent');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error\[E01\d\d\]: .*\n  --> broken\.incent:\d+:\d+\n/);
    expect(r.err).toMatch(/incent: broken\.incent: 1 error, 0 warnings; nothing was compared\n$/);
  });

  it('data that does not suit a version: the problems of each, as run reports them', () => {
    const data = mkdtempSync(join(tmpdir(), 'incent-diff-data-'));
    cpSync(join(golden, 'data'), data, { recursive: true });
    writeFileSync(join(data, 'sale.csv'), readFileSync(join(golden, 'data', 'sale.csv'), 'utf8').replace('12000.00', '12,000'));
    const r = incent(repo, 'HEAD:program.incent', 'program.incent', '--data', data);
    expect(r.code).toBe(1);
    expect(r.err).toContain('the data:\n');
    expect(r.err).toMatch(/sale\.csv:2/);
    expect(r.err).toMatch(/incent: 1 problem in the data; nothing was compared\n$/);
    // A new field: each version reads the data its own way, and the new one finds it lacking.
    const more = join(repo, 'more.incent');
    writeFileSync(more, readFileSync(join(golden, 'new.incent'), 'utf8').replace('quantity: integer', 'quantity: integer\n  region: text'));
    const m = incent(repo, 'program.incent', 'more.incent', '--data', join(repo, 'data'));
    expect(m.code).toBe(1);
    expect(m.err).not.toContain('as the old version reads it');
    expect(m.err).toContain('the data, as the new version reads it:\n');
    expect(m.err).toContain('region');
    expect(m.err).toMatch(/incent: the data does not suit both versions; nothing was compared\n$/);
  });
});

describe('incent diff in git', () => {
  it('GIT_EXTERNAL_DIFF="incent diff --git": git diff shows changes in meaning', () => {
    const out = execFileSync('git', ['diff'], { cwd: repo, env: { ...gitEnv, GIT_EXTERNAL_DIFF: command }, encoding: 'utf8' });
    expect(out).toContain('incent diff a/program.incent → b/program.incent');
    expect(out).toContain('Gold from 50,000 EUR → 40,000 EUR');
    expect(out).toContain('+ rule "Reseller welcome" (added)');
  });

  it('.gitattributes `*.incent diff=incent` with diff.incent.command: git diff and git log -p use it; added files compare with an empty program', () => {
    const clone = mkdtempSync(join(tmpdir(), 'incent-diff-attr-'));
    git(clone, 'init', '-q', '-b', 'main');
    writeFileSync(join(clone, '.gitattributes'), '*.incent diff=incent\n');
    git(clone, 'config', 'diff.incent.command', command);
    cpSync(join(golden, 'old.incent'), join(clone, 'program.incent'));
    git(clone, 'add', '.');
    git(clone, 'commit', '-q', '-m', 'old');
    cpSync(join(golden, 'new.incent'), join(clone, 'program.incent'));
    const d = git(clone, 'diff');
    expect(d).toContain('budget 1,000 EUR → 800 EUR');
    git(clone, 'commit', '-q', '-am', 'new');
    const log = git(clone, 'log', '-p', '--ext-diff', '--format=commit %s');
    expect(log).toContain('commit new\n');
    expect(log).toContain('award 25 EUR → 30 EUR');
    // The first commit added the file: the old side is /dev/null, an empty program.
    expect(log).toContain('incent diff /dev/null → b/program.incent');
    expect(log).toContain('+ program (added)');
    // --no-ext-diff gives the lines back.
    expect(git(clone, 'diff', '--no-ext-diff', 'HEAD~1')).toContain('-  budget 1_000 EUR');
  });

  it('git difftool -x "incent diff": two files', () => {
    const r = spawnSync('git', ['difftool', '-y', '-x', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} diff`, 'program.incent'], { cwd: repo, env: gitEnv, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Gold from 50,000 EUR → 40,000 EUR');
  });
});
