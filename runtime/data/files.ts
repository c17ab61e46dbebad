/** Which file of a data folder (or a set of named texts) holds each schema's records. */
import { missingFile, reason, type Reason } from './problems.js';
import type { RecordSchema } from './schema.js';

/** The extensions a data file may have, in the order they are looked for. */
export const DATA_EXTENSIONS = ['csv', 'json', 'ndjson'] as const;
export type DataFormat = (typeof DATA_EXTENSIONS)[number];
/**
 * Which file holds each schema's records among the file names present: exactly one of
 * `NAME.csv|json|ndjson`. A missing file or several are file problems (`problem(file, message)`).
 * Also returns every name a schema could use, to warn about stray files.
 */
export function chooseDataFiles(
  schemas: readonly RecordSchema[],
  present: (name: string) => boolean,
  problem: (file: string, why: Reason) => void,
): { files: { schema: RecordSchema; name: string; format: DataFormat }[]; known: Set<string> } {
  const files: { schema: RecordSchema; name: string; format: DataFormat }[] = [];
  const known = new Set<string>();
  for (const s of schemas) {
    const found = DATA_EXTENSIONS.filter((ext) => present(`${s.file}.${ext}`));
    for (const ext of DATA_EXTENSIONS) known.add(`${s.file}.${ext}`);
    if (found.length === 0) problem(`${s.file}.csv`, missingFile(s));
    else if (found.length > 1) problem(`${s.file}.${found[0]}`, reason('D0002', { kind: s.file, files: found.map((e) => `${s.file}.${e}`).join(', ') }));
    else files.push({ schema: s, name: `${s.file}.${found[0]}`, format: found[0]! });
  }
  return { files, known };
}

