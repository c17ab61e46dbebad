/**
 * Every example, loaded the way the playground loads it (data files → tables → CSV → the runtime),
 * gives the statements in its expected/ folder: the data panel's round trip loses nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../playground/src/run.js';
import { baseName, fileToTable, tableToCsv } from '../../playground/src/tables.js';

const examples = existsSync('examples') ? readdirSync('examples').filter((d) => existsSync(`examples/${d}/program.incent`) && existsSync(`examples/${d}/expected`)) : [];

describe('examples in the playground', () => {
  it.each(examples)('%s', (name) => {
    const dir = `examples/${name}`;
    const files: Record<string, string> = {};
    if (existsSync(`${dir}/data`)) for (const f of readdirSync(`${dir}/data`)) files[`${baseName(f)}.csv`] = tableToCsv(fileToTable(f, readFileSync(`${dir}/data/${f}`, 'utf8'))).text;
    const program = readFileSync(`${dir}/program.incent`, 'utf8');
    for (const f of readdirSync(`${dir}/expected`).filter((x) => x.endsWith('.json'))) {
      const expected = JSON.parse(readFileSync(`${dir}/expected/${f}`, 'utf8')) as { period: string; cost: string; partners: { id: string; pots: Record<string, { paid: string; carried: string }> }[] };
      const r = runProgram({ type: 'run', id: 1, text: program, files, period: expected.period });
      expect(r.blocked).toBeUndefined();
      expect(r.period).toBe(expected.period);
      expect(r.cost).toBe(expected.cost);
      const got = Object.fromEntries(r.partners.map((p) => [p.id, Object.fromEntries(Object.entries(p.pots).map(([k, v]) => [k, [v.paid, v.carried]]))]));
      const want = Object.fromEntries(expected.partners.map((p) => [p.id, Object.fromEntries(Object.entries(p.pots).map(([k, v]) => [k, [v.paid, v.carried]]))]));
      expect(got).toEqual(want);
    }
  });
});
