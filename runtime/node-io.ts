/** Node only: reads a data folder (partners and event files as CSV, JSON or NDJSON) into a Dataset, streaming CSV and NDJSON in chunks. */
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chooseDataFiles, DatasetBuilder, type Dataset, type RecordSchema } from './records.js';


export interface ReadOptions {
  /** Bytes per chunk when streaming (default 1 MiB). */
  chunkSize?: number;
}

/** Streams a file's text in chunks, decoding UTF-8 strictly (invalid bytes throw a TypeError). */
async function streamText(path: string, chunkSize: number, push: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of createReadStream(path, { highWaterMark: chunkSize })) {
    push(decoder.decode(chunk as Buffer, { stream: true }));
  }
  push(decoder.decode());
}

/**
 * Reads `dir`: for each schema, `FILE.csv`, `FILE.json` or `FILE.ndjson` (exactly one of them).
 * CSV and NDJSON are streamed, so memory holds the records, never the file's text. Data files
 * that no schema names get a warning (`sales.csv` for an event `sale` is a likely typo).
 */
export async function readDataFolder(dir: string, schemas: readonly RecordSchema[], options: ReadOptions = {}): Promise<Dataset> {
  const chunkSize = options.chunkSize ?? 1 << 20;
  const b = new DatasetBuilder(schemas);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    b.fileProblem(dir, 0, `cannot read the data folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return b.finish();
  }
  const present = new Set(entries);
  const { files, known } = chooseDataFiles(schemas, (name) => present.has(name), (file, message) => b.fileProblem(file, 0, message));
  for (const { schema: s, name, format } of files) {
    const path = join(dir, name);
    if (format === 'json') {
      const bytes = await readFile(path);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        b.fileProblem(name, 0, 'is not valid UTF-8 text');
        continue;
      }
      b.addJsonText(s.file, name, text);
    } else if (format === 'csv') {
      const sink = b.csvScanner(s.file, name);
      try {
        await streamText(path, chunkSize, sink.push);
        sink.end();
      } catch (e) {
        b.csvError(name, e);
      }
    } else {
      const sink = b.ndjsonFile(s.file, name);
      try {
        await streamText(path, chunkSize, sink.push);
        sink.end();
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        b.fileProblem(name, 0, 'is not valid UTF-8 text');
      }
    }
  }
  const declared = schemas.map((s) => s.file).join(', ');
  for (const f of [...entries].sort()) {
    if (known.has(f) || !/\.(csv|json|ndjson)$/.test(f)) continue;
    b.fileProblem(f, 0, `is not a data file of this program (it reads: ${declared}); it is ignored`, 'warning');
  }
  return b.finish();
}
