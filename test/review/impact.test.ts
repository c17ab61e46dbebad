/**
 * `incent diff --data`: on every example, with one award amount of the program changed, the impact
 * equals the difference of two `incent run --all --format json`, partner by partner and pot by pot
 * (paid, earned, tiers, cost), and the JSON validates against the diff schema. The shared read
 * (`Evaluator.runTogether`) gives each version exactly what `runSource` gives it alone, and reads
 * each kind once per pass for both.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { parse } from '../../language/parser.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator, type EventSource } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import type { StatementJson } from '../../runtime/statement.js';
import { statementJson } from '../../runtime/statement.js';
import { reportSchemas } from '../../review/schema.js';
import type { DiffReport } from '../../review/render.js';
import { cli, exampleNames } from '../helpers/cli.js';

const { DiffReportSchema } = reportSchemas();

const root = join(import.meta.dirname, '..', '..');
const examples = exampleNames();

/** The program with every award doubled (`award X to pot` → `award (X) * 2 to pot`): every rule pays otherwise. */
function changed(text: string): string {
  const spans: { start: number; end: number }[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const n = x as { kind?: string; amount?: { span: { start: number; end: number } } };
    if (n.kind === 'Award' && n.amount) spans.push(n.amount.span);
    for (const [k, v] of Object.entries(n)) if (k !== 'span') walk(v);
  };
  walk(parse(text).file.decls);
  let out = text;
  for (const s of spans.sort((x, y) => y.start - x.start)) out = `${out.slice(0, s.start)}(${out.slice(s.start, s.end)}) * 2${out.slice(s.end)}`;
  return out;
}

const amount = (s: string | undefined) => N.parseNum(s ?? '0');

describe('incent diff --data: the impact is the difference of two runs', () => {
  it.each(examples)('%s', (name) => {
    const dir = join(root, 'examples', name);
    const tmp = mkdtempSync(join(tmpdir(), 'incent-diff-'));
    const oldFile = join(dir, 'program.incent');
    const newFile = join(tmp, 'program.incent');
    writeFileSync(newFile, changed(readFileSync(oldFile, 'utf8')));
    const data = join(dir, 'data');
    const ro = cli('run', oldFile, '--data', data, '--all', '--format', 'json');
    const rn = cli('run', newFile, '--data', data, '--all', '--format', 'json');
    expect(ro.code, ro.err).toBe(0);
    expect(rn.code, rn.err).toBe(0);
    const d = cli('diff', oldFile, newFile, '--data', data, '--format', 'json');
    expect(d.code, d.err).toBe(0);
    const report = DiffReportSchema.parse(JSON.parse(d.out)) as DiffReport;
    expect(report.meaning.changed).toBe(true);
    const olds = JSON.parse(ro.out) as StatementJson[];
    const news = JSON.parse(rn.out) as StatementJson[];
    const impact = report.impact!;
    expect(impact.periods.map((p) => p.period)).toEqual(news.map((s) => s.period));
    let totalOld = N.ZERO as N.Num;
    let totalNew = N.ZERO as N.Num;
    let moved = 0;
    news.forEach((sn, i) => {
      const so = olds[i]!;
      const p = impact.periods[i]!;
      expect([p.cost.old, p.cost.new]).toEqual([so.cost, sn.cost]);
      expect(N.cmp(N.parseNum(p.cost.delta), N.sub(N.parseNum(sn.cost), N.parseNum(so.cost)))).toBe(0);
      totalOld = N.add(totalOld, N.parseNum(so.cost));
      totalNew = N.add(totalNew, N.parseNum(sn.cost));
      for (const pot of p.pots) {
        expect([pot.paid.old, pot.paid.new]).toEqual([so.totals[pot.pot]!.paid, sn.totals[pot.pot]!.paid]);
        expect([pot.earned.old, pot.earned.new]).toEqual([so.totals[pot.pot]!.earned, sn.totals[pot.pot]!.earned]);
      }
      const movers = new Map(p.movers.map((m) => [m.partner, m]));
      const byId = new Map(so.partners.map((x) => [x.id, x]));
      let affected = 0;
      for (const pn of sn.partners) {
        const po = byId.get(pn.id)!;
        const m = movers.get(pn.id);
        let changedHere = false;
        for (const [pot, v] of Object.entries(pn.pots)) {
          const w = po.pots[pot]!;
          const dp = N.sub(amount(v.paid), amount(w.paid));
          const de = N.sub(amount(v.earned), amount(w.earned));
          const listed = m?.pots.find((x) => x.pot === pot);
          if (N.isZero(dp) && N.isZero(de)) expect(listed).toBeUndefined();
          else expect(N.cmp(N.parseNum(listed!.paid.delta), dp), `${pn.id} ${pot}`).toBe(0);
          if (listed) expect(N.cmp(N.parseNum(listed.earned.delta), de)).toBe(0);
          if (!N.isZero(dp) || !N.isZero(de) || v.carried !== w.carried) changedHere = true;
        }
        for (const [tier, level] of Object.entries(pn.tiers)) {
          const t = m?.tiers.find((x) => x.tier === tier);
          if (level === po.tiers[tier]) expect(t).toBeUndefined();
          else {
            expect(t).toEqual({ tier, old: po.tiers[tier], new: level });
            changedHere = true;
          }
        }
        expect(m !== undefined, pn.id).toBe(changedHere);
        if (changedHere) affected++;
      }
      expect(p.affected).toBe(affected);
      moved += affected;
    });
    expect(N.cmp(N.parseNum(impact.total.cost.old), totalOld)).toBe(0);
    expect(N.cmp(N.parseNum(impact.total.cost.new), totalNew)).toBe(0);
    expect(moved).toBeGreaterThan(0);
  });
});

describe('Evaluator.runTogether', () => {
  it.each(examples)('%s: each version gets what runSource gives it alone, over one scan per kind and pass', (name) => {
    const dir = join(root, 'examples', name);
    const oldA = compile(readFileSync(join(dir, 'program.incent'), 'utf8')).artifact!;
    const newA = compile(changed(readFileSync(join(dir, 'program.incent'), 'utf8'))).artifact!;
    const files = Object.fromEntries(readdirSync(join(dir, 'data')).map((f) => [f, readFileSync(join(dir, 'data', f), 'utf8')]));
    const { data } = loadData(newA, files);
    const scans: string[] = [];
    const src: EventSource = { scan: (kind, each) => (scans.push(kind), (data.events[kind] ?? []).forEach(each)) };
    const [o, n] = Evaluator.runTogether([new Evaluator(oldA), new Evaluator(newA)], data.partners, src);
    const alone = (a: typeof oldA) => new Evaluator(a).run(data);
    expect(o!.map((r) => statementJson(oldA, r))).toEqual(alone(oldA).map((r) => statementJson(oldA, r)));
    expect(n!.map((r) => statementJson(newA, r))).toEqual(alone(newA).map((r) => statementJson(newA, r)));
    const kinds = newA.events.map((e) => e.name);
    for (const k of kinds) expect(scans.filter((s) => s === k).length, k).toBeLessThanOrEqual(2);
    expect(scans.slice(0, kinds.length)).toEqual(kinds);
  });
});
