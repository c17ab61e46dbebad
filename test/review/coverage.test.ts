/**
 * Coverage (`review/coverage.ts`): exact counts on a program whose every item is worked out by hand;
 * on every example and on generated programs, a run that records coverage gives the statements an
 * ordinary run gives, rules and tier levels are reached exactly when the statements say so, each
 * item's line holds the item, and the LCOV read back names those lines; streamed (including a data
 * set whose duplicate sends pass 1 again) and in memory agree.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadData } from '../../runtime/data/load.js';
import { openDataFolder } from '../../runtime/data/node-stream.js';
import { EvalError } from '../../runtime/compile-ir.js';
import { Evaluator } from '../../runtime/evaluate.js';
import * as N from '../../runtime/num.js';
import { statementJson } from '../../runtime/statement.js';
import { compile } from '../../compiler/compile.js';
import { coverageOfRun, coverageOfTests, coverageProgram, renderCoverageLcov, type CoverageItem, type CoverageProgram, type CoverageReport } from '../../review/coverage.js';
import { reportSchemas } from '../../review/schema.js';
import { generateSample } from '../../playground/src/sample.js';
import { programSchema } from '../../playground/src/schema.js';
import { tableToCsv } from '../../playground/src/tables.js';
import { fromGen, genProgram } from '../generators/programs.js';
import { exampleNames } from '../helpers/cli.js';

const { CoverageReportSchema } = reportSchemas();

const root = join(import.meta.dirname, '..', '..');
const examples = exampleNames();
const tmp = mkdtempSync(join(tmpdir(), 'incent-coverage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

export const PROGRAM = `program "Coverage" {
  currency EUR
  period quarter
  start 2026-01-01
  end 2026-06-30
}

partner {
  kind: one of "distributor", "reseller"
}

event sale {
  category: one of "hardware", "software", "services"
  amount: money
}

measure revenue = sum sale.amount

tier status by revenue {
  Member
  Silver from 1_000 EUR
  Gold from 100_000 EUR
}

let rate = bands revenue {
  below 1_000 EUR: 1%
  from 1_000 EUR: 2%
  from 50_000 EUR: 3%
}

payout cash as cash {
  minimum 20 EUR
  cap 500 EUR per partner
  budget 10_000 EUR
}

payout points as points

rule "Per sale" {
  for each sale where category != "services"
  award amount * lookup category { "hardware": 2%, "software": 1%, else: 0% } to cash
  cap 30 EUR per event
}

rule "Quarter" {
  for each partner where partner.kind = "distributor"
  award revenue / 1 EUR * rate to points
  cap 1_000
}

rule "Never" {
  for each sale where amount > 1_000_000 EUR
  award 1 to points
}

test "a hardware sale" {
  period 2026-Q1
  partner "P1" { kind: "distributor" }
  sale { partner: "P1", date: 2026-01-10, category: "hardware", amount: 2_000 EUR }
  expect "P1" cash = 30 EUR
}

test "a small software sale is held back" {
  period 2026-Q1
  partner "P1" { kind: "reseller" }
  sale { partner: "P1", date: 2026-01-10, category: "software", amount: 100 EUR }
  expect "P1" cash = 0 EUR
}
`;

export const FILES = {
  'partners.csv': 'id,kind\nP1,distributor\nP2,reseller\nP3,distributor\n',
  'sale.csv': [
    'id,partner,date,category,amount',
    'S1,P1,2026-01-10,hardware,2000', // 40 → capped at 30 per event; P1 revenue Q1 2,500: Silver, rate 2%
    'S2,P1,2026-02-10,software,500', // 5
    'S3,P2,2026-01-15,services,100', // not a "Per sale" event
    'S4,P2,2026-04-02,hardware,10', // 0.20: below the minimum, held back
    'S5,P3,2026-05-05,software,60000', // 600 → 30; P3 revenue Q2 60,000: Silver, band from 50,000, 1,800 points → rule cap 1,000
  ].join('\n'),
};

function runCoverage(p: CoverageProgram, files: Record<string, string>): CoverageReport {
  const { data } = loadData(p.artifact, files);
  return coverageOfRun(p, (probe) => new Evaluator(p.artifact, { probe }).run(data), { program: 'program.incent' }).report;
}

const label = (i: CoverageItem) => (i.item ? `${i.declaration}: ${i.item}` : i.declaration);
const counts = (r: CoverageReport) => Object.fromEntries(r.items.map((i) => [label(i), i.tests ?? [i.partners, ...(i.events !== undefined ? [i.events] : []), ...(i.periods !== undefined ? [i.periods] : [])]]));

describe('coverage of a program worked out by hand', () => {
  const p = coverageProgram(PROGRAM).program!;

  it('a run: partners (and events, and periods) of every item', () => {
    const r = runCoverage(p, FILES);
    expect(counts(r)).toEqual({
      'tier status: Member': [3], // P2, and P1 in Q2, P3 in Q1
      'tier status: Silver': [2], // P1 in Q1, P3 in Q2
      'tier status: Gold': [0],
      'let rate: bands revenue: below 1_000 EUR': [3], // every partner evaluates `rate`, each period
      'let rate: bands revenue: from 1_000 EUR': [1],
      'let rate: bands revenue: from 50_000 EUR': [1],
      'payout cash: minimum 20 EUR': [1], // P2's 0.20 EUR in Q2
      'payout cash: cap 500 EUR per partner': [0],
      'payout cash: budget 10_000 EUR': [0, 0],
      'rule "Per sale"': [3, 4], // S1, S2, S4, S5 (S3 is services)
      'rule "Per sale": lookup category: "hardware"': [2, 2], // S1, S4
      'rule "Per sale": lookup category: "software"': [2, 2], // S2, S5
      'rule "Per sale": lookup category: else': [0],
      'rule "Per sale": cap 30 EUR per event': [2, 2], // S1 (40), S5 (600)
      'rule "Quarter"': [2], // P1 and P3, the distributors
      'rule "Quarter": cap 1_000': [1], // P3 in Q2
      'rule "Never"': [0, 0],
    });
    expect(r.summary).toEqual({
      items: 17,
      reached: 12,
      kinds: [
        { kind: 'rule', items: 3, reached: 2 },
        { kind: 'band', items: 3, reached: 3 },
        { kind: 'lookup entry', items: 3, reached: 2 },
        { kind: 'tier level', items: 3, reached: 2 },
        { kind: 'rule cap', items: 2, reached: 2 },
        { kind: 'pot cap', items: 1, reached: 0 },
        { kind: 'budget', items: 1, reached: 0 },
        { kind: 'minimum', items: 1, reached: 1 },
      ],
    });
    expect(r.periods).toEqual(['2026-Q1', '2026-Q2']);
    expect(CoverageReportSchema.parse(r)).toEqual(r);
  });

  it('the tests: how many reached each item, and which', () => {
    const { report, outcomes } = coverageOfTests(p, { program: 'program.incent' });
    expect(outcomes.map((o) => o.passed)).toEqual([true, true]);
    const c = counts(report);
    expect(c['rule "Per sale": lookup category: "hardware"']).toBe(1);
    expect(c['rule "Per sale": lookup category: "software"']).toBe(1);
    expect(c['rule "Per sale": cap 30 EUR per event']).toBe(1);
    expect(c['payout cash: minimum 20 EUR']).toBe(1);
    expect(c['tier status: Member']).toBe(1);
    expect(c['tier status: Silver']).toBe(1);
    expect(c['rule "Quarter"']).toBe(1);
    expect(c['rule "Never"']).toBe(0);
    expect(report.items.find((i) => i.item === 'minimum 20 EUR')!.testNames).toEqual(['a small software sale is held back']);
    expect(report.tests).toEqual([
      { name: 'a hardware sale', line: 56, passed: true },
      { name: 'a small software sale is held back', line: 63, passed: true },
    ]);
  });

  it('streamed, with a duplicate id that sends pass 1 again, counts as in memory', () => {
    // S6 twice with different amounts: both are rejected, the first only once it has been given to pass 1.
    const files = { ...FILES, 'sale.csv': `${FILES['sale.csv']}\nS6,P1,2026-01-20,hardware,100\nS7,P2,2026-01-21,software,10\nS6,P1,2026-01-20,hardware,200\n` };
    const memory = runCoverage(p, files);
    const dir = join(tmp, 'dup');
    mkdirSync(dir, { recursive: true });
    for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
    const folder = openDataFolder(dir, p.artifact, { acceptRejects: true });
    let invalidated = 0;
    const source = { scan: folder.scan.bind(folder), invalidated: () => (folder.invalidated() ? (++invalidated, true) : false), rejected: () => folder.rejected() };
    const streamed = coverageOfRun(p, (probe) => new Evaluator(p.artifact, { probe }).runSource(folder.partners, source), { program: 'program.incent' }).report;
    expect(invalidated).toBe(1);
    expect(streamed).toEqual(memory);
    expect(memory.items.find((i) => i.kind === 'rule' && i.declaration === 'rule "Per sale"')!.events).toBe(5); // S7 too; S6 not
  });
});

describe('v0.2 (§12) in coverage: examples/carrier-reps and examples/beauty-loyalty', () => {
  const run = (name: string) => {
    const dir = join(root, 'examples', name);
    const p = coverageProgram(readFileSync(join(dir, 'program.incent'), 'utf8'), 'program.incent').program!;
    const folder = openDataFolder(join(dir, 'data'), p.artifact);
    return coverageOfRun(p, (probe) => new Evaluator(p.artifact, { probe }).runSource(folder.partners, folder), { program: 'program.incent' });
  };

  it('the lookup of an event-level let is reached on each event that reads it: its own kind\'s, and through a `ref`', () => {
    const { report } = run('carrier-reps');
    const entries = report.items.filter((i) => i.kind === 'lookup entry' && i.declaration === 'let reward');
    expect(entries.map((i) => i.item)).toEqual(['lookup activation.model: "P9 Pro"', 'lookup activation.model: "P9"', 'lookup activation.model: "P9a"']);
    expect(entries.every((i) => i.reached)).toBe(true);
    const events = (rule: string) => report.items.find((i) => i.kind === 'rule' && i.declaration === `rule "${rule}"`)!.events!;
    // an activation's reward, and a refund's (its activation's, read through the `ref`)
    expect(entries.reduce((s, i) => s + i.events!, 0)).toBe(events('Activation reward') + events('Refund clawback'));
    // `once per partner and module`: each module's entry, once per partner
    const modules = report.items.filter((i) => i.kind === 'lookup entry' && i.declaration === 'rule "Module points"');
    expect(modules.reduce((s, i) => s + i.events!, 0)).toBe(events('Module points'));
    CoverageReportSchema.parse(report);
  });

  it('the bands of a running total: every band reached, on as many events as the rule that reads them', () => {
    const { report } = run('beauty-loyalty');
    const bands = report.items.filter((i) => i.kind === 'band' && i.declaration === 'let earn_rate');
    expect(bands.length).toBe(3);
    expect(bands.every((i) => i.reached)).toBe(true);
    expect(bands.reduce((s, i) => s + i.events!, 0)).toBeGreaterThanOrEqual(report.items.find((i) => i.declaration === 'rule "Points on purchases"')!.events!);
    CoverageReportSchema.parse(report);
  });
});

describe('redemption rules (§13.1) in coverage', () => {
  const src = `program "Stars" {
  currency USD
  period month
  start 2026-01-01
  end 2026-03-31
}
event purchase {
  amount: money
}
event redemption {
  stars: integer
}
payout stars as points {
  expire after 2 months
}
rule "Stars" {
  for each purchase
  award floor(amount / 1 USD) to stars
}
rule "Reward" {
  for each redemption where stars > 0
  redeem stars from stars
}
`;
  it('a redemption rule is reached by each redemption applied; one the ledger refuses (above the balance) reaches nothing', () => {
    const p = coverageProgram(src, 'program.incent').program!;
    const files = {
      'purchase.csv': 'id,partner,date,amount\nS1,P1,2026-01-10,100\nS2,P2,2026-01-11,5\n',
      // R1: P1 redeems 60 of 100; R2: P2 redeems 50 of 5, refused (D0401); R3: no stars, the where fails
      'redemption.csv': 'id,partner,date,stars\nR1,P1,2026-02-01,60\nR2,P2,2026-02-01,50\nR3,P1,2026-03-01,0\n',
    };
    const { data } = loadData(p.artifact, files);
    const { report } = coverageOfRun(p, (probe) => new Evaluator(p.artifact, { probe }).run(data, { rejectRedemptions: () => undefined }), { program: 'program.incent' });
    const rule = report.items.find((i) => i.kind === 'rule' && i.declaration === 'rule "Reward"')!;
    expect([rule.reached, rule.partners, rule.events, rule.line]).toEqual([true, 1, 1, 20]);
    CoverageReportSchema.parse(report);
  });
});

describe.each(examples)('examples/%s', (name) => {
  const dir = join(root, 'examples', name);
  const text = readFileSync(join(dir, 'program.incent'), 'utf8');
  const p = coverageProgram(text, 'program.incent').program!;
  const folder = openDataFolder(join(dir, 'data'), p.artifact);
  const { report, results } = coverageOfRun(p, (probe) => new Evaluator(p.artifact, { probe }).runSource(folder.partners, folder), { program: 'program.incent' });

  it('recording coverage changes no statement', () => {
    const plain = new Evaluator(compile(text).artifact!).runSource(folder.partners, folder);
    expect(results.map((r) => statementJson(p.artifact, r))).toEqual(plain.map((r) => statementJson(p.artifact, r)));
  });

  it('rules and tier levels are reached exactly when the statements say so', () => {
    for (const i of report.items) {
      if (i.kind === 'rule') {
        const rule = JSON.parse(i.declaration.slice('rule '.length)) as string;
        // a redemption rule (§13.1) awards nothing: it is reached where its pot's ledger redeemed something
        const redemption = p.artifact.redemptions?.find((x) => x.name === rule);
        const reached = redemption
          ? (x: (typeof results)[number]['partners'][number]) => x.pots[redemption.pot]?.ledger !== undefined && N.sign(x.pots[redemption.pot]!.ledger!.redeemed) > 0
          : (x: (typeof results)[number]['partners'][number]) => x.awards.some((a) => a.rule === rule);
        const awarded = new Set(results.flatMap((r) => r.partners.filter(reached).map((x) => x.id)));
        expect(i.partners, i.declaration).toBe(awarded.size);
      }
      if (i.kind === 'tier level') {
        const tier = i.declaration.slice('tier '.length);
        const at = new Set(results.flatMap((r) => r.partners.filter((x) => x.tiers[tier] === i.item).map((x) => x.id)));
        expect(i.partners, `${tier} ${i.item}`).toBe(at.size);
      }
    }
  });

  it("each item's line holds it, and the LCOV names those lines", () => {
    const lines = text.split('\n');
    for (const i of report.items) {
      const line = lines[i.line - 1]!;
      const words: Record<CoverageItem['kind'], string> = {
        rule: i.declaration,
        band: i.item.slice(i.item.lastIndexOf(': ') + 2).split(' ')[0]!, // `below` / `from`
        'lookup entry': i.item.slice(i.item.lastIndexOf(': ') + 2),
        'tier level': i.item,
        'rule cap': 'cap',
        'pot cap': 'cap',
        budget: 'budget',
        minimum: 'minimum',
      };
      expect(line, `${i.declaration}: ${i.item}`).toContain(words[i.kind]);
      expect(text.slice(i.start, i.end).replace(/\s+/g, ' ')).toContain(i.kind === 'rule' ? i.declaration : i.kind === 'lookup entry' || i.kind === 'band' ? words[i.kind] : i.item);
    }
    const lcov = renderCoverageLcov(report).split('\n');
    expect(lcov[1]).toBe('SF:program.incent');
    const da = lcov.filter((l) => l.startsWith('DA:')).map((l) => Number(l.slice(3).split(',')[0]));
    expect(da).toEqual([...new Set(report.items.map((i) => i.line))].sort((x, y) => x - y));
    for (const l of lcov.filter((x) => x.startsWith('FN:'))) {
      const [n, fn] = [Number(l.slice(3, l.indexOf(','))), l.slice(l.indexOf(',') + 1)];
      expect(lines[n - 1]).toContain(fn);
    }
    const hits = new Map(lcov.filter((l) => l.startsWith('DA:')).map((l) => l.slice(3).split(',').map(Number) as [number, number]));
    for (const i of report.items) if (!i.reached) expect(hits.get(i.line)).toBe(0);
    expect(CoverageReportSchema.parse(report)).toEqual(report);
  });
});

describe('generated programs over sample data', () => {
  it('record coverage without changing a statement, and reach rules exactly when they award', () => {
    let ran = 0;
    fc.assert(
      fc.property(fc.gen(), fc.integer({ min: 1, max: 1_000_000 }), (g, seed) => {
        const source = genProgram(fromGen(g));
        const c = compile(source);
        const p = coverageProgram(source).program!;
        const tables = generateSample(programSchema(c.checked!), { seed, partners: 5, events: 40 });
        const files: Record<string, string> = {};
        for (const [file, table] of Object.entries(tables)) files[`${file}.csv`] = tableToCsv(table).text;
        const { data } = loadData(p.artifact, files);
        let plain;
        try {
          plain = new Evaluator(c.artifact!).run(data);
        } catch (e) {
          if (e instanceof EvalError) return;
          throw e;
        }
        const { report, results } = coverageOfRun(p, (probe) => new Evaluator(p.artifact, { probe }).run(data), { program: 'g.incent' });
        expect(results.map((r) => statementJson(p.artifact, r))).toEqual(plain.map((r) => statementJson(p.artifact, r)));
        for (const i of report.items.filter((x) => x.kind === 'rule')) {
          const rule = JSON.parse(i.declaration.slice('rule '.length)) as string;
          expect(i.reached, rule).toBe(results.some((r) => r.partners.some((x) => x.awards.some((a) => a.rule === rule))));
        }
        CoverageReportSchema.parse(report);
        ran++;
      }),
      { numRuns: 40 },
    );
    expect(ran).toBeGreaterThan(20);
  });
});
