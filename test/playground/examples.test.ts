/**
 * Every example, loaded the way the playground loads it (data files → tables → CSV → the runtime),
 * gives the statements in its expected/ folder: the data panel's round trip loses nothing. With
 * coverage asked for, the same statements, and the coverage and exposure the command line gives.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exposureView, runProgram } from '../../playground/src/run.js';
import { compile } from '../../compiler/compile.js';
import { coverageOfRun, coverageProgram, itemLabel, neverReached, reachedBy } from '../../review/coverage.js';
import { exposure } from '../../review/exposure.js';
import { openDataFolder } from '../../runtime/data/node-stream.js';
import { Evaluator } from '../../runtime/evaluate.js';
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

  it.each(examples)('%s: with coverage, the same statements, and the coverage and exposure of the command line', (name) => {
    const dir = `examples/${name}`;
    const files: Record<string, string> = {};
    if (existsSync(`${dir}/data`)) for (const f of readdirSync(`${dir}/data`)) files[`${baseName(f)}.csv`] = tableToCsv(fileToTable(f, readFileSync(`${dir}/data/${f}`, 'utf8'))).text;
    const program = readFileSync(`${dir}/program.incent`, 'utf8');
    const plain = runProgram({ type: 'run', id: 1, text: program, files });
    const covered = runProgram({ type: 'run', id: 2, text: program, files, coverage: true });
    expect(plain.coverage).toBeUndefined();
    expect(covered.blocked).toBeUndefined();
    expect({ ...covered, id: 1, ms: 0, coverage: undefined }).toEqual({ ...plain, ms: 0, coverage: undefined });
    // The command line's way: the program compiled for coverage, its data streamed from the folder.
    const cp = coverageProgram(program, `${dir}/program.incent`).program!;
    const folder = openDataFolder(`${dir}/data`, cp.artifact);
    const { report } = coverageOfRun(cp, (probe) => new Evaluator(cp.artifact, { probe }).runSource(folder.partners, folder), { program: `${dir}/program.incent` });
    expect(report.items.length).toBeGreaterThan(0);
    expect(covered.coverage).toEqual({
      items: report.items.map((i) => ({ kind: i.kind, label: itemLabel(i), line: i.line, start: i.start, end: i.end, reached: i.reached, by: i.reached ? reachedBy(i) : neverReached(i, 'run') })),
      reached: report.summary.reached,
      total: report.summary.items,
    });
    const c = compile(program);
    const x = exposure(c.artifact!, { program: 'program.incent' }, { checked: c.checked!, text: program });
    expect(plain.exposure).toEqual(exposureView(x));
    // Every pot, its figures unbounded exactly when the report's are, every reason and fix in the notes.
    expect(plain.exposure!.pots.map((p) => [p.pot, p.perPartner.bounded, p.perPeriod.bounded, p.program?.bounded])).toEqual(x.pots.map((p) => [p.pot, p.perPartner.bounded, p.perPeriod.bounded, p.program?.bounded]));
    expect(plain.exposure!.pots.flatMap((p) => [p.perPartner, p.perPeriod]).every((b) => b.bounded !== (b.text === 'unbounded'))).toBe(true);
    const notes = plain.exposure!.notes.map((n) => n.text).join('\n');
    for (const p of x.pots) for (const w of [...p.rules.map((r) => r.why), p.fix?.perPartner, p.fix?.perPeriod]) if (w) expect(notes).toContain(w);
  });
});

describe('the data kept between evaluations (a keystroke in the program does not read the files again)', () => {
  const filesOf = (dir: string) => {
    const files: Record<string, string> = {};
    if (existsSync(`${dir}/data`)) for (const f of readdirSync(`${dir}/data`)) files[`${baseName(f)}.csv`] = tableToCsv(fileToTable(f, readFileSync(`${dir}/data/${f}`, 'utf8'))).text;
    return files;
  };
  const same = (r: ReturnType<typeof runProgram>) => ({ ...r, id: 0, ms: 0 });

  it.each(examples)('%s: an evaluation over the kept data equals one over a fresh load, after other evaluations', (name) => {
    const dir = `examples/${name}`;
    const files = filesOf(dir);
    const program = readFileSync(`${dir}/program.incent`, 'utf8');
    runProgram({ type: 'run', id: 0, text: program, files: {} }); // nothing kept that these files could match
    const fresh = runProgram({ type: 'run', id: 1, text: program, files });
    const again = runProgram({ type: 'run', id: 2, text: program, files: { ...files } });
    const edited = runProgram({ type: 'run', id: 3, text: program + '\n# an edit\n', files });
    const covered = runProgram({ type: 'run', id: 4, text: program, files, coverage: true });
    const explained = runProgram({ type: 'run', id: 5, text: program, files, ...(fresh.partners[0] ? { explain: fresh.partners[0].id } : {}) });
    const last = runProgram({ type: 'run', id: 6, text: program, files });
    expect(fresh.blocked).toBeUndefined();
    for (const r of [again, edited, last]) expect(same(r)).toEqual(same(fresh));
    expect({ ...same(covered), coverage: undefined }).toEqual(same(fresh));
    expect(explained.blocked).toBeUndefined();
  });

  it('reads the files again when they change, or when what the program reads of them does', () => {
    const dir = 'examples/northwind-distributor';
    const files = filesOf(dir);
    const program = readFileSync(`${dir}/program.incent`, 'utf8');
    const before = runProgram({ type: 'run', id: 1, text: program, files });
    // one sale line less: other figures
    const sale = files['sale.csv']!.split('\n');
    const fewer = runProgram({ type: 'run', id: 2, text: program, files: { ...files, 'sale.csv': [...sale.slice(0, 1), ...sale.slice(2)].join('\n') } });
    expect(fewer.records).toBe(before.records - 1);
    // a field of the sale kind declared another way: its records read again, as the program now says
    const retyped = program.replace(/(event sale \{[^}]*?\bquantity: integer)/, '$1 in 0..1');
    expect(retyped).not.toBe(program);
    const r = runProgram({ type: 'run', id: 3, text: retyped, files });
    expect(before.problems).toEqual([]);
    expect(r.blocked).toBeUndefined();
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.rejected).toBeGreaterThan(0);
    expect(runProgram({ type: 'run', id: 4, text: program, files }).problems).toEqual(before.problems);
  });
});

