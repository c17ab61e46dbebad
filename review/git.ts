/**
 * Versions of a program in git, for `incent diff`: `REV:PATH` read with `git show`, and the
 * committed version of a working file. Node only (the rest of `review/` runs in browsers too).
 * Git is run without a shell (`execFileSync`), so nothing in a name is interpreted.
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** A git problem worth a plain message: not a repository, a revision or path that does not exist, no git. */
export class GitError extends Error {}

function git(args: string[], cwd: string, maxBuffer: number): Buffer {
  try {
    return execFileSync('git', args, { cwd, maxBuffer, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer; status?: number };
    if (err.code === 'ENOENT') throw new GitError('git is not installed (or not on the PATH)');
    if (err.code === 'ENOBUFS') throw new GitError(`is larger than ${maxBuffer.toLocaleString('en-US')} bytes`);
    const said = (err.stderr?.toString('utf8') ?? '').split('\n').find((l) => l.trim() !== '') ?? err.message;
    throw new GitError(said.replace(/^fatal: /, '').trim());
  }
}

/** The top folder of the repository holding `dir`, or a GitError saying it is not in one. */
export function repositoryOf(dir: string): string {
  try {
    return git(['rev-parse', '--show-toplevel'], dir, 1 << 20).toString('utf8').trim();
  } catch (e) {
    if (e instanceof GitError && /not a git repository/i.test(e.message)) throw new GitError(`${resolve(dir)} is not inside a git repository`);
    throw e;
  }
}

/** The bytes of `REV:PATH` (as `git show` reads it, from `cwd`). */
export function showRevision(spec: string, cwd: string, maxBytes: number): Buffer {
  repositoryOf(cwd);
  const colon = spec.indexOf(':');
  const rev = spec.slice(0, colon);
  // `git show` would take an option for a revision that starts with `-`; a revision never does.
  if (rev.startsWith('-')) throw new GitError(`${spec}: not a revision`);
  // Resolve the revision first, so that a bad one and a missing file get different messages.
  if (rev !== '') {
    try {
      git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], cwd, 1 << 20);
    } catch {
      throw new GitError(`${rev}: no such revision in this repository`);
    }
  }
  return git(['show', `${spec}`], cwd, maxBytes + 1);
}

/** The spec of a working file's committed version: `HEAD:path/from/the/top`. */
export function headSpec(file: string): { spec: string; cwd: string } {
  const cwd = dirname(resolve(file));
  const top = repositoryOf(cwd);
  return { spec: `HEAD:${relative(realpathSync(top), realpathSync(resolve(file))).split('\\').join('/')}`, cwd };
}
