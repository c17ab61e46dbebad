/** Data folders made for a test file, under one temporary folder removed after its tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A maker of folders holding the given files (by name), each a new one; call at a test file's top level. */
export function tempFolders(prefix: string): (files: Record<string, string | Uint8Array>) => string {
  const tmp = mkdtempSync(join(tmpdir(), `incent-${prefix}-`));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  let made = 0;
  return (files) => {
    const dir = join(tmp, `f${made++}`);
    mkdirSync(dir);
    for (const [f, content] of Object.entries(files)) writeFileSync(join(dir, f), content);
    return dir;
  };
}
