/** The library API engineers embed (index.ts): compile, store and load an artifact, validate data, run, read statements. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArtifactError, compile, Evaluator, explainPartner, loadArtifact, loadData, statementJson } from '../../index.js';

const source = readFileSync(new URL('../fixtures/northwind.incent', import.meta.url), 'utf8');
const texts = {
  'partners.csv': 'id,kind,region\nP1,distributor,EMEA\nP2,reseller,AMER\n',
  'sale.csv': 'id,partner,date,sku,category,amount,quantity\nS1,P1,2026-02-10,NW-SW-1,hardware,1500000,1\nS2,P2,2026-03-05,NW-RTR-9,hardware,1234.56,3\n',
  'training.csv': 'id,partner,date,course\n',
};

describe('the library', () => {
  it('a stored artifact (JSON) runs without the compiler and gives the same statements', () => {
    const { artifact, diagnostics } = compile(source);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const stored = JSON.parse(JSON.stringify(artifact));
    const loaded = loadArtifact(stored);
    const { input, data } = loadData(loaded, texts);
    expect(input.problems).toEqual([]);
    const direct = new Evaluator(artifact!).run(loadData(artifact!, texts).data);
    const viaJson = new Evaluator(loaded).run(data);
    expect(viaJson.map((r) => statementJson(loaded, r))).toEqual(direct.map((r) => statementJson(artifact!, r)));
    expect(statementJson(loaded, viaJson[0]!).partners[0]!.pots['credit']!.paid).toBe('50000.00');
  });

  it('a damaged artifact is refused with every problem listed', () => {
    const stored = JSON.parse(JSON.stringify(compile(source).artifact));
    stored.program.currency = 'euro';
    stored.rules[0].awards = [];
    expect(() => loadArtifact(stored)).toThrow(ArtifactError);
    try {
      loadArtifact(stored);
    } catch (e) {
      expect((e as Error).message).toContain('program.currency');
      expect((e as Error).message).toContain('rules.0.awards');
    }
    expect(() => loadArtifact({ version: 99 })).toThrow(/not a valid Incent artifact/);
  });

  it('explanations for one partner', () => {
    const artifact = compile(source).artifact!;
    const ev = new Evaluator(artifact);
    const r = ev.run(loadData(artifact, texts).data, { explain: new Set(['P2']) });
    const text = explainPartner(ev.artifact, r[0]!, 'P2')!;
    expect(text).toContain('Distributor volume rebate: partner.kind "reseller" ≠ "distributor"');
  });
});
