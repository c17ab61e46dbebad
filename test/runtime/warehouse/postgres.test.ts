/**
 * `--source postgres:URL` through node-postgres, against Postgres over its wire protocol: PGlite
 * (Postgres in WASM) served on a local port by its socket server — no server to install. Every
 * example with CSV data loaded into it gives the streaming runtime's statements byte for byte.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newPGlite } from '../../../runtime/warehouse/pglite.js';
import { cli, cliAsync, exampleNames, root } from '../../helpers/cli.js';
import { csvFiles, pgliteFromFolder } from '../../helpers/warehouse.js';

const tmp = mkdtempSync(join(tmpdir(), 'incent-postgres-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A free local port. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs `f` with a Postgres server (PGlite over a socket) holding the PGlite data folder `dir`. */
async function served<T>(dir: string, f: (url: string) => Promise<T>): Promise<T> {
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await newPGlite(dir);
  const port = await freePort();
  const server = new PGLiteSocketServer({ db: db as never, port, host: '127.0.0.1' });
  await server.start();
  try {
    return await f(`postgres://postgres@127.0.0.1:${port}/postgres`);
  } finally {
    await server.stop();
    await db.close();
  }
}

const examples = exampleNames({ data: true }).filter((name) => csvFiles(join(root, 'examples', name, 'data')) !== undefined);

describe('a Postgres server (--source postgres://…)', () => {
  it('has examples to run', () => expect(examples.length).toBeGreaterThan(5));

  it.each(examples)('examples/%s: the streaming run\'s statements', async (name) => {
    const program = join(root, 'examples', name, 'program.incent');
    const data = join(root, 'examples', name, 'data');
    const streamed = cli('run', program, '--data', data, '--all', '--format', 'json');
    expect(streamed.code).toBe(0);
    const dir = join(tmp, name);
    await pgliteFromFolder(data, dir);
    const r = await served(dir, (url) => cliAsync('run', program, '--source', url, '--all', '--format', 'json'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(streamed.out);
  }, 60_000);

  it('the built command loads the client through its script\'s require (bin/incent.js)', async () => {
    const name = 'northwind-distributor';
    const program = join(root, 'examples', name, 'program.incent');
    const data = join(root, 'examples', name, 'data');
    const dir = join(tmp, `${name}-built`);
    await pgliteFromFolder(data, dir);
    const r = await served(dir, (url) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) =>
        execFile(process.execPath, [join(root, 'bin', 'incent.js'), 'run', program, '--source', url, '--period', '2026-Q1', '--format', 'json'], { maxBuffer: 1 << 26 }, (e, out, err) => resolve({ code: e ? Number(e.code ?? 1) : 0, out, err })),
      ),
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(cli('run', program, '--data', data, '--period', '2026-Q1', '--format', 'json').out);
  }, 60_000);
});
