/** Reading a program file (only a regular file, of a bounded size) and compiling it, or saying why not. */
import { readFileSync, statSync } from 'node:fs';
import { compile } from '../compiler/compile.js';
import type { Artifact } from '../runtime/artifact.js';
import { ExitError, printDiagnostics, summary, UsageError, type Io } from './io.js';

import { MAX_PROGRAM_BYTES } from '../core/limits.js';

export function readSource(path: string): string {
  if (path === '') throw new UsageError('a program FILE is an empty path');
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`${path}: no such file`);
    if (code === 'ELOOP') throw new UsageError(`${path}: a symbolic link that loops, not a program file`);
    throw new UsageError(`${path}: cannot be read (${code ?? (e as Error).message})`);
  }
  if (st.isDirectory()) throw new UsageError(`${path}: is a folder, not a program file`);
  if (!st.isFile()) throw new UsageError(`${path}: is not a regular file (a device, a pipe or a socket), so it is not read`);
  if (st.size > MAX_PROGRAM_BYTES) throw new UsageError(`${path}: is ${st.size.toLocaleString('en-US')} bytes; a program file is at most ${MAX_PROGRAM_BYTES.toLocaleString('en-US')} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (e) {
    if (e instanceof TypeError) throw new UsageError(`${path}: is not valid UTF-8 text`);
    throw new UsageError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Compiles a program for run/explain/test, or prints its diagnostics and fails. */
export function compileOrFail(io: Io, path: string): { artifact: Artifact; text: string } {
  const text = readSource(path);
  const r = compile(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.artifact) {
    printDiagnostics(io, path, text, errors);
    throw new ExitError(1, `${path}: ${summary(errors)}; nothing was run`);
  }
  return { artifact: r.artifact, text };
}
