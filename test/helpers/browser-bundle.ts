/** The library (index.ts) bundled for the browser, as the playground and embedders use it. */
import { build } from 'esbuild';

export async function browserBundle(format: 'esm' | 'iife'): Promise<{ text: string; errors: unknown[] }> {
  const r = await build({
    entryPoints: [new URL('../../index.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'browser',
    format,
    ...(format === 'iife' ? { globalName: 'Incent' } : {}),
    write: false,
    logLevel: 'silent',
  });
  return { text: r.outputFiles[0]!.text, errors: r.errors };
}
