/** Command-line options, parsed with node:util's parseArgs; an option that takes one value given twice is a usage error (parseArgs would keep the last). */
import { parseArgs } from 'node:util';
import { UsageError } from './io.js';

type Spec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean; short?: string }>;

export function options<S extends Spec>(args: string[], spec: S): { values: { [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean : string | undefined }; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: spec, allowPositionals: true, tokens: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} is given twice (give it once)`);
    seen.add(t.name);
  }
  return parsed as never;
}

/** `--threads N`: a whole number of threads, at least 1 (undefined when not given). */
export function threadCount(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text); // allow-number: a thread count
  if (!(Number.isInteger(n) && n >= 1)) throw new UsageError(`--threads must be a whole number of threads, not "${text}"`);
  return n;
}
