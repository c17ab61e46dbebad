/** Every data code has an example (test/runtime/data/cases.ts) that gives exactly its problem, in memory and streamed from a folder. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../../compiler/compile.js';
import { DATA } from '../../../core/codes.js';
import type { Artifact } from '../../../runtime/artifact.js';
import { loadData } from '../../../runtime/data/load.js';
import { DataProblemsError, openDataFolder } from '../../../runtime/data/node-stream.js';
import { formatProblem, problem, type Problem } from '../../../runtime/data/problems.js';
import { DATA_CASES, PROGRAM, type DataCase } from './cases.js';

let a: Artifact;
let tmp: string;
beforeAll(() => {
  const r = compile(PROGRAM);
  if (!r.artifact) throw new Error('cases.ts PROGRAM does not compile');
  a = r.artifact;
  tmp = mkdtempSync(join(tmpdir(), 'incent-codes-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function files(c: DataCase): Record<string, string> {
  const has = (kind: string) => Object.keys(c.files).some((f) => f.startsWith(`${kind}.`));
  const withRet = {
    ...(has('ret') ? {} : { 'ret.csv': 'id,partner,date,sale\n' }),
    ...(has('order') ? {} : { 'order.csv': 'id,partner,date,cur,total,fee\n' }),
    ...(has('rates') ? {} : { 'rates.csv': 'month,currency,rate\n2026-01,GBP,1.17\n' }),
    ...c.files,
  };
  return c.noPartners || 'partners.csv' in c.files ? withRet : { 'partners.csv': 'id,region\nP1,EMEA\n', ...withRet };
}

/** The problems of a case read from a folder (or the reasons of its rejected records), as formatProblem writes them. */
function fromFolder(c: DataCase): { dir: string; problems: Problem[] } {
  const dir = join(tmp, c.code);
  if (!c.folder?.missing) {
    mkdirSync(dir);
    for (const [f, t] of Object.entries(files(c))) writeFileSync(join(dir, f), c.code === 'D0005' && f === 'sale.csv' ? Buffer.from(t, 'latin1') : t);
    if (c.folder?.odd?.kind === 'folder') mkdirSync(join(dir, c.folder.odd.name));
    if (c.folder?.odd?.kind === 'loop') symlinkSync(join(dir, c.folder.odd.name), join(dir, c.folder.odd.name));
  }
  const s = openDataFolder(dir, a, { acceptRejects: true });
  if (c.folder?.changeAfterFirstRead) {
    // the first scan reads the file; then it changes; the next scan finds out
    const changed = join(dir, c.folder.changeAfterFirstRead);
    s.scan('sale', () => {});
    appendFileSync(changed, 'S9,P1,2026-01-05,10,1,2026-01-06,true,x\n');
    utimesSync(changed, new Date(), new Date(Date.now() + 5_000));
    try {
      s.scan('sale', () => {});
    } catch (e) {
      if (e instanceof DataProblemsError) return { dir, problems: e.problems };
      throw e;
    }
  }
  if (c.inRejects) return { dir, problems: s.rejectedRecords().flatMap((r) => r.reasons.map((x) => problem(r, x))) };
  return { dir, problems: s.problems() };
}

describe('every data code', () => {
  // D04xx are found by the run, not by reading (a redemption above the balance, §13.1): their
  // examples are in test/runtime/ledger.test.ts (in memory) and test/cli/cli.test.ts (placed in a folder).
  it('has one example', () => expect(DATA_CASES.map((c) => c.code).sort()).toEqual(Object.keys(DATA).filter((c) => !c.startsWith('D04')).sort()));

  it.each(DATA_CASES.map((c) => [c.code, c.title, c] as const))('%s: %s', (code, _t, c) => {
    const { dir, problems } = fromFolder(c);
    const expected = c.problem.replace('{dir}', dir);
    expect(problems.map(formatProblem)).toContain(expected);
    expect(problems.find((p) => formatProblem(p) === expected)!.code).toBe(code);
    if (!c.folder) {
      const { input } = loadData(a, files(c));
      const all = c.inRejects ? input.rejected.flatMap((r) => r.reasons.map((x) => problem(r, x))) : input.problems;
      expect(all.map(formatProblem)).toContain(expected);
    }
  });
});
