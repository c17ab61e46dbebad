/** Tests of reading a data folder from disk: formats, streaming in small chunks, bad bytes, missing and stray files. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDataFolder } from '../../runtime/node-io.js';
import { loadDataset, formatProblem, type RecordSchema } from '../../runtime/records.js';
import * as N from '../../runtime/num.js';

const partner: RecordSchema = { file: 'partners', kind: 'partner', currency: 'JPY', fields: [{ name: 'region', type: { enum: ['EMEA', 'APAC'] } }] };
const sale: RecordSchema = { file: 'sale', kind: 'event', currency: 'JPY', fields: [{ name: 'amount', type: 'money' }, { name: 'note', type: 'text' }] };
const training: RecordSchema = { file: 'training', kind: 'event', currency: 'JPY', fields: [{ name: 'course', type: 'text' }] };

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'incent-io-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [f, content] of Object.entries(files)) writeFileSync(join(dir, f), content);
  return dir;
}

describe('readDataFolder', () => {
  it('reads CSV, JSON and NDJSON, streaming in tiny chunks, same result as from text', async () => {
    const files = {
      'partners.csv': '\uFEFFid,region\r\nP1,EMEA\r\nP2,APAC\r\n',
      'sale.csv': 'id,partner,date,amount,note\nS1,P1,2026-01-05,1250 JPY,"multi\nline, ""quoted"" ✓"\nS2,P2,2026-03-31,7,plain\n',
      'training.ndjson': '{"id":"T1","partner":"P1","date":"2026-02-01","course":"Router Pro"}\n{"id":"T2","partner":"P2","date":"2026-02-02","course":"日本語"}\n',
    };
    const dir = folder('ok', files);
    for (const chunkSize of [1, 3, 1 << 20]) {
      const d = await readDataFolder(dir, [partner, sale, training], { chunkSize });
      expect(d.problems).toEqual([]);
      expect(d.partners).toEqual([
        { id: 'P1', attrs: { region: 'EMEA' } },
        { id: 'P2', attrs: { region: 'APAC' } },
      ]);
      expect(d.events.get('sale')!.map((r) => [r.id, N.toText(r.amount as N.Num), r.note])).toEqual([
        ['S1', '1250', 'multi\nline, "quoted" ✓'],
        ['S2', '7', 'plain'],
      ]);
      expect(d.events.get('training')!.map((r) => r.course)).toEqual(['Router Pro', '日本語']);
      expect(d).toEqual(loadDataset([partner, sale, training], files));
    }
  });
  it('reports missing, duplicated and stray files; invalid UTF-8; broken quoting', async () => {
    const dir = folder('bad', {
      'sale.csv': new Uint8Array([...Buffer.from('id,partner,date,amount,note\nS1,P1,2026-01-05,1,caf'), 0xe9, 0x0a]),
      'training.csv': 'id,partner,date,course\n',
      'training.json': '[]',
      'sales.csv': 'id\n',
      'notes.txt': 'hello',
    });
    const d = await readDataFolder(dir, [partner, sale, training]);
    expect(d.problems.map(formatProblem)).toEqual([
      'partners.csv: missing file (the program declares partner; an empty file with a header row is fine)',
      'sale.csv: is not valid UTF-8 text',
      'sales.csv: warning: is not a data file of this program (it reads: partners, sale, training); it is ignored',
      'training.csv: more than one file for training: training.csv, training.json (keep one)',
    ]);
    const q = folder('quote', { 'sale.csv': 'id,partner,date,amount,note\nS1,P1,2026-01-05,1,"open\n' });
    expect((await readDataFolder(q, [sale])).problems.map(formatProblem)).toEqual(['sale.csv:2: a quoted field is not closed (a `"` is missing)']);
  });
  it('a folder that does not exist', async () => {
    const d = await readDataFolder(join(root, 'nope'), [sale]);
    expect(d.problems.map(formatProblem)[0]).toMatch(/nope: cannot read the data folder \(ENOENT\)$/);
  });
});
