/** The checker and the lowering on §12.1 (fields named like keywords, columns, defaults) and §12.4 (dates, durations, period bounds, half-years): what is accepted, with which types, levels and artifact. */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import type { Expr } from '../../language/syntax.js';
import { HEADER, checkSource } from './helpers.js';

const EVENTS = `${HEADER}
partner {
  id: text from "Partner No"
  value: money default 0 EUR
}
event sale {
  id: text from "Invoice"
  date: date from "Invoice Date"
  value: money from "Net Amount (€)"
  year: integer default 2026
  tier: one of "gold", "silver" default "silver"
  note: text default ""
  shipped: date default 2026-12-31
}
payout cash as cash {
  cap 100 EUR per partner
}
`;

/** Errors of a program (warnings left out). */
function errors(src: string): string[] {
  return checkSource(src).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
}

describe('§12.1 in the checker and the artifact', () => {
  it('keywords as fields: bare in their event’s scope, qualified anywhere, inferred in a measure', () => {
    const src = `${EVENTS}
measure total = sum value where year = 2026 and tier = "gold" and note = ""
rule "R" {
  for each sale where value > partner.value and sale.tier != "silver"
  award value * 1% + total * 0 to cash
}
`;
    expect(errors(src)).toEqual([]);
    const r = checkSource(src);
    expect(r.program.measures.get('total')!.event).toBe('sale');
    expect(r.program.measures.get('total')!.type).toEqual({ kind: 'money', currency: 'EUR' });
  });

  it('columns and defaults reach the artifact: columns only where they differ, defaults as test values', () => {
    const r = compile(`${EVENTS}\nlet base = 5 EUR\nevent claim {\n  amount: money default base * 2\n  flag: boolean default true\n}\nmeasure n = count claim where flag\nrule "R" {\n  for each sale\n  award value * 1% to cash\n}\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const a = r.artifact!;
    expect(a.partner.fields).toEqual([
      { name: 'id', type: 'text', column: 'Partner No' },
      { name: 'value', type: 'money', default: '0' },
    ]);
    expect(a.events.find((e) => e.name === 'sale')!.fields).toEqual([
      { name: 'id', type: 'text', column: 'Invoice' },
      { name: 'partner', type: 'text' },
      { name: 'date', type: 'date', column: 'Invoice Date' },
      { name: 'value', type: 'money', column: 'Net Amount (€)' },
      { name: 'year', type: 'integer', default: '2026' },
      { name: 'tier', type: { enum: ['gold', 'silver'] }, default: 'silver' },
      { name: 'note', type: 'text', default: '' },
      { name: 'shipped', type: 'date', default: '2026-12-31' },
    ]);
    expect(a.events.find((e) => e.name === 'claim')!.fields.slice(3)).toEqual([
      { name: 'amount', type: 'money', default: '10' },
      { name: 'flag', type: 'boolean', default: true },
    ]);
  });

  it('a default must be a member of its enumeration, of its type, constant', () => {
    expect(errors(`${HEADER}\nevent e {\n  t: one of "a", "b" default "c"\n  d: date default 2026-02-30\n}\n`)).toEqual(['E0304 `c` is not a `t`: a, b', 'E0310 `2026-02-30` is not a date that exists']);
  });

  it('the implicit fields may be mapped, once, with their own type', () => {
    expect(errors(`${HEADER}\nevent e {\n  id: text from "A"\n  id: text from "B"\n}\n`)).toEqual(['E0203 event `e` declares the field `id` twice']);
    expect(errors(`${HEADER}\nevent e {\n  partner: text from "Customer"\n  customer: text from "Customer"\n}\n`)).toEqual(['E0226 event `e` reads the column "Customer" for two fields: `partner` and `customer`']);
    expect(errors(`${HEADER}\nevent e {\n  amount: money\n  id: text from "amount"\n}\n`)).toEqual(['E0226 event `e` reads the column "amount" for two fields: `id` and `amount`']);
  });
});

describe('§12.4 in the checker', () => {
  const type = (src: string, at: string) => {
    const r = checkSource(`${EVENTS}\n${src}\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const full = `${EVENTS}\n${src}\n`;
    const start = full.lastIndexOf(at);
    const e = [...r.program.types.keys()].find((x: Expr) => x.span.start === start && x.span.end === start + at.length)!;
    return { type: r.program.types.get(e), level: r.program.levels.get(e) };
  };

  it('types and levels', () => {
    expect(type('rule "R" {\n  for each sale where date + 30 days < shipped\n  award 1 EUR to cash\n}', 'date + 30 days')).toEqual({ type: { kind: 'date' }, level: 'event' });
    expect(type('rule "R" {\n  for each sale where days between date and shipped < 30\n  award 1 EUR to cash\n}', 'days between date and shipped')).toEqual({ type: { kind: 'number', integer: true }, level: 'event' });
    expect(type('let d = period.end - 1 month', 'period.end - 1 month')).toEqual({ type: { kind: 'date' }, level: 'partner' });
    expect(type('let d = 2026-01-31 + 2 * 15 days', '2 * 15 days')).toEqual({ type: { kind: 'duration', unit: 'days' }, level: 'program' });
    expect(type('let g = 14 days\nlet d = period.start + g', 'period.start + g')).toEqual({ type: { kind: 'date' }, level: 'partner' });
  });

  it('a period bound is different in every period: not a constant, not a tier threshold', () => {
    expect(errors(`${EVENTS}\nmeasure m = sum value\ntier t by m {\n  A\n  B from 5 EUR + 0 EUR * days between period.start and period.end\n}\n`)).toEqual([
      'E0223 a threshold of tier `t` must be a constant, but `period.start` is different in every period',
    ]);
  });

  it('a half-year program: its start and end, its test periods', () => {
    const h = (clauses: string) => `program "H" {\n  currency EUR\n  period half\n  ${clauses}\n}\nevent sale {\n  amount: money\n}\nmeasure m = sum sale.amount\n`;
    expect(errors(h('start 2026-07-01\n  end 2027-06-30'))).toEqual([]);
    expect(errors(h('start 2026-04-01'))).toEqual(['E0406 the program must start on the first day of a half-year (1 January or 1 July)']);
    expect(errors(h('start 2026-01-01\n  end 2026-09-30'))).toEqual(['E0407 the program must end on the last day of a half-year (30 June or 31 December)']);
    expect(errors(`${h('start 2026-01-01')}test "T" {\n  period 2026-Q1\n}\n`)).toEqual(["E0434 the program's period is a half, but `2026-Q1` is a quarter"]);
    expect(errors(`${h('start 2026-01-01')}test "T" {\n  period 2026-H2\n}\n`)).toEqual([]);
  });
});
