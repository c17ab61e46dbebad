/** Whole programs: the spec's example and the benchmark check clean; many errors at once; what the checked program holds. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check.js';
import type { ProgramFile } from '../../language/syntax.js';
import { BASE, checkSource, spanText, summary } from './helpers.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('programs that check clean', () => {
  it.each(['northwind.incent', 'canonical.incent'])('%s has no diagnostics', (name) => {
    const r = checkSource(fixture(name));
    expect(r.syntax).toEqual([]);
    expect(summary(r)).toEqual([]);
  });
});

describe('the checked program (spec §1 example)', () => {
  const r = checkSource(fixture('northwind.incent'));
  const p = r.program;

  it('reads the header', () => {
    expect(p.header).toEqual({
      name: 'Northwind Partner Rewards',
      currency: 'EUR',
      minorDigits: 2,
      period: 'quarter',
      start: '2026-01-01',
      end: '2026-12-31',
      rounding: 'half-even',
    });
  });

  it('knows partner and event fields, implicit ones first', () => {
    expect(p.partner.declared).toBe(true);
    expect([...p.partner.fields.keys()]).toEqual(['id', 'kind', 'region']);
    expect([...p.events.get('sale')!.fields.keys()]).toEqual(['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity']);
    expect(p.events.get('sale')!.fields.get('quantity')!.type).toEqual({ kind: 'number', integer: true });
  });

  it('infers what each measure aggregates, and its unit', () => {
    const m = p.measures.get('revenue_4q')!;
    expect(m.event).toBe('sale');
    expect(m.type).toEqual({ kind: 'money', currency: 'EUR' });
    expect(m.window).toEqual({ form: 'last', count: 4, unit: 'quarters' });
    expect(p.measures.get('revenue')!.window).toEqual({ form: 'this period' });
  });

  it('types lets and tiers, with levels', () => {
    expect(p.lets.get('multiplier')).toMatchObject({ type: { kind: 'number', integer: false }, level: 'partner' });
    expect(p.lets.get('rebate_rate')!.type.kind).toBe('number');
    expect(p.tiers.get('status')!.levels.map((l) => l.name)).toEqual(['Member', 'Silver', 'Gold']);
    expect(p.tiers.get('status')!.byType).toEqual({ kind: 'money', currency: 'EUR' });
  });

  it('normalizes pots and rules', () => {
    expect(p.pots.get('points')).toMatchObject({ kind: 'points', unit: 'points', rounding: 'down' });
    expect(p.pots.get('cash')).toMatchObject({ kind: 'cash', unit: 'money', rounding: 'half-even', cap: { per: 'period' } });
    expect(p.pots.get('trip')!.unit).toBe('items');
    const rebate = p.rules.find((x) => x.name === 'Distributor volume rebate')!;
    expect(rebate.scope?.kind).toBe('ForEachPartner');
    expect(rebate.awards).toHaveLength(1);
    expect(rebate.cap).toBeDefined();
    expect(p.rules.find((x) => x.name === 'Router Pro certification')!.once?.perPeriod).toBe(false);
    expect(p.tests[0]).toMatchObject({ period: '2026-Q1', partners: [{ id: 'P1' }], expects: [{ name: 'status', target: 'tier' }, { name: 'credit', target: 'pot' }] });
  });

  it('orders measures, tiers and partner-level lets for evaluation', () => {
    const order = p.partnerOrder;
    expect([...order].sort()).toEqual(['hardware_revenue', 'multiplier', 'rebate_rate', 'revenue', 'revenue_4q', 'status']);
    expect(order.indexOf('revenue_4q')).toBeLessThan(order.indexOf('status'));
    expect(order.indexOf('status')).toBeLessThan(order.indexOf('multiplier'));
    expect(order.indexOf('hardware_revenue')).toBeLessThan(order.indexOf('rebate_rate'));
  });

  it('resolves every name once, for later stages', () => {
    const symbols = [...p.refs.entries()].map(([ref, s]) => [r.source.slice(ref.span.start, ref.span.end), s]);
    expect(symbols).toContainEqual(['category', { kind: 'eventField', event: 'sale', field: 'category' }]);
    expect(symbols).toContainEqual(['partner.kind', { kind: 'partnerField', field: 'kind' }]);
    expect(symbols).toContainEqual(['Gold', { kind: 'level', tier: 'status', level: 'Gold', index: 2 }]);
    expect(symbols).toContainEqual(['revenue_4q', { kind: 'measure', name: 'revenue_4q' }]);
    for (const [e, t] of p.types) expect(t.kind, r.source.slice(e.span.start, e.span.end)).not.toBe('error');
    const award = p.rules[0]!.awards[0]!.amount;
    expect(p.types.get(award)).toEqual({ kind: 'number', integer: false });
    expect(p.levels.get(award)).toBe('event');
  });
});

describe('levels and scopes', () => {
  it('puts program-level lets in programOrder, after what they use', () => {
    const r = checkSource(`${BASE}\nlet b = a * 2\nlet a = 5 EUR\nlet c = revenue + b\nrule "R" {\n  for each partner\n  award c to cash\n}\n`);
    expect(summary(r).filter((x) => x.startsWith('E'))).toEqual([]);
    expect(r.program.programOrder).toEqual(['a', 'b']);
    expect(r.program.lets.get('c')!.level).toBe('partner');
  });

  it('lets an event field shadow a let of the same name inside `for each`', () => {
    const r = checkSource(`${BASE}\nlet amount = 5\nrule "R" {\n  for each sale\n  award amount to cash\n}\n`);
    expect(summary(r).filter((x) => x.startsWith('E'))).toEqual([]);
  });

  it('infers the event kind of an unqualified field in a measure', () => {
    const r = checkSource(`${BASE}\nmeasure q = sum quantity where category = "software"\n`);
    expect(summary(r).filter((x) => x.startsWith('E'))).toEqual([]);
    expect(r.program.measures.get('q')).toMatchObject({ event: 'sale', type: { kind: 'number', integer: true } });
  });

  it('allows partner-level thresholds in bands and partner-level names in measures', () => {
    const r = checkSource(
      `${BASE}\nmeasure big = count sale where amount > partner.target\nlet rate = bands revenue {\n  below partner.target: 1%\n  from partner.target: 2%\n}\nlet bonus = marginal revenue {\n  below 10 EUR: 0%\n  from 10 EUR: 3%\n}\nrule "R" {\n  for each partner where status >= Silver and big > 0\n  award revenue * rate + bonus to cash\n}\n`,
    );
    expect(summary(r).filter((x) => !x.startsWith('W0001'))).toEqual([]);
    expect(r.program.lets.get('bonus')!.type).toEqual({ kind: 'money', currency: 'EUR' });
  });
});

describe('many errors at once', () => {
  it('reports every problem, not only the first, one diagnostic each', () => {
    const src = `${BASE}
let a = revenu * 2
let b = revenue + 5
rule "R" {
  for each sale where category = "hardwre"
  award amount to pionts
}
rule "S" {
  for each partner
  award amount to cash
}
payout g as giftcard
`;
    const r = checkSource(src);
    expect(r.syntax).toEqual([]);
    const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${spanText(r, d)}`);
    expect(errors).toEqual(['E0201 revenu', 'E0301 revenue + 5', 'E0304 "hardwre"', 'E0209 pionts', 'E0207 amount', 'E0425 g']);
    expect(new Set(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code))).toEqual(new Set(['W0001']));
  });

  it('never throws, on partial trees from error recovery', () => {
    const broken = [
      '',
      'program',
      'program "X" {',
      `${BASE}\nrule "R" {\n  for each\n  award to\n}`,
      `${BASE}\nlet x =\nmeasure m = sum\ntier t by {\n  A from\n}`,
      `${BASE}\ntest "T" {\n  period\n  sale { partner: }\n  expect "P1" = \n}`,
      `${BASE}\nlet y = lookup { : 1 }\nlet z = bands { below : }`,
    ];
    for (const b of broken) expect(() => checkSource(b)).not.toThrow();
  });

  it('never throws on hand-built trees with children missing', () => {
    const span = { start: 0, end: 0 };
    const file = {
      kind: 'File',
      span,
      comments: [],
      header: { kind: 'Header', span, clauses: [{ kind: 'Currency', span }, { kind: 'Start', span }] },
      decls: [
        { kind: 'LetDecl', span, name: { kind: 'Ident', name: 'x', span } },
        { kind: 'MeasureDecl', span, name: { kind: 'Ident', name: 'm', span }, op: 'max' },
        { kind: 'TierDecl', span, name: { kind: 'Ident', name: 't', span }, levels: [{ kind: 'TierLevel', span }] },
        { kind: 'PayoutDecl', span, name: { kind: 'Ident', name: 'p', span }, options: [{ kind: 'PotCap', span }] },
        { kind: 'RuleDecl', span, clauses: [{ kind: 'Award', span }, { kind: 'ForTop', span, thenBy: [] }] },
        { kind: 'TestDecl', span, items: [{ kind: 'Expect', span }, { kind: 'TestEvent', span, fields: [] }] },
        { kind: 'LetDecl', span, name: { kind: 'Ident', name: 'y', span }, value: { kind: 'Binary', op: '+', span } },
        { kind: 'LetDecl', span, name: { kind: 'Ident', name: 'z', span }, value: { kind: 'Lookup', span, entries: [{ kind: 'LookupEntry', span }] } },
        { kind: 'LetDecl', span, name: { kind: 'Ident', name: 'w', span }, value: { kind: 'Bands', mode: 'bands', span, bands: [{ kind: 'Band', bound: 'below', span }] } },
      ],
    } as unknown as ProgramFile;
    expect(() => check(file)).not.toThrow();
  });
});

describe('robustness', () => {
  it('never throws on the spec example with any span of it cut out', () => {
    const src = fixture('northwind.incent');
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const a = rand(src.length);
      const b = Math.min(src.length, a + 1 + rand(40));
      const cut = src.slice(0, a) + src.slice(b);
      expect(() => checkSource(cut), JSON.stringify(src.slice(a, b))).not.toThrow();
    }
  });
});

describe('W0001 and tests', () => {
  it('a measure that a test expects is used (no W0001); one that nothing names is not', () => {
    const src = `${BASE}
measure activations = count sale
measure forgotten = count training
test "T" {
  period 2026-Q1
  partner "P1" { kind: "distributor", target: 10 EUR }
  sale { partner: "P1", date: 2026-02-01, sku: "X", category: "hardware", amount: 1 EUR, quantity: 1 }
  expect "P1" activations = 1
}
`;
    const r = checkSource(src);
    const unused = r.diagnostics.filter((d) => d.code === 'W0001').map((d) => spanText(r, d));
    expect(unused).toContain('forgotten');
    expect(unused).not.toContain('activations');
  });
});

describe('currencies', () => {
  it('a code without a minor unit (gold, the test code) is not a currency a program can pay in', () => {
    const r = checkSource(BASE.replace('currency EUR', 'currency XAU'));
    expect(r.diagnostics.some((d) => d.severity === 'error' && spanText(r, d) === 'XAU')).toBe(true);
  });
});
