/**
 * `incent diff`, what changed in meaning: one case per line — the old program's changed part, the
 * new one, and the changes as the report lists them (`~` changed, `+` added, `-` removed, `→`
 * renamed; each changed clause's summary, then `was:`/`now:` when the summary leaves part out).
 */
import { describe, expect, it } from 'vitest';
import { compareSources } from '../../review/meaning.js';

const BASE = `program "T" {
  currency EUR
  period quarter
  start 2026-01-01
}
partner { kind: one of "distributor", "reseller" }
event sale { sku: text  amount: money  quantity: integer }
measure revenue = sum sale.amount
tier status by revenue {
  Member
  Silver from 250_000 EUR
  Gold from 1_000_000 EUR
}
let multiplier = lookup status { Member: 1, Silver: 1.25, Gold: 1.5 }
let rate = bands revenue {
  below 100_000 EUR: 2%
  from 100_000 EUR: 3%
}
payout points as points
payout cash as cash {
  budget 75_000 EUR
  minimum 50 EUR
}
rule "Hardware points" {
  for each sale
  award floor(amount / 1 EUR) * multiplier to points
}
rule "Router SPIFF" {
  for each sale where sku = "NW-RTR-9"
  award 25 EUR * quantity to cash
}
`;

/** The changes as lines: what the report says, compactly. */
function changes(oldText: string, newText: string): string[] {
  const r = compareSources(oldText, newText);
  if ('diagnostics' in r) throw new Error(`${r.side}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.diff.changes.flatMap((c) => [
    `${{ added: '+', removed: '-', renamed: '→', changed: '~' }[c.change]} ${c.label}${c.oldName ? ` (was ${c.oldName})` : ''}`,
    ...(c.text ? [`  ${c.text.replace(/\n\s*/g, ' ')}`] : []),
    ...c.clauses.flatMap((cl) => [`  ${cl.summary}`, ...(cl.old !== undefined ? [`    was: ${cl.old}`, `    now: ${cl.new}`] : [])]),
  ]);
}

const edit = (from: string, to: string) => {
  if (!BASE.includes(from)) throw new Error(`not in BASE: ${from}`);
  return BASE.replace(from, to);
};

describe('incent diff: what changed in meaning', () => {
  it.each([
    ['formatting and comments only', '# Rewards\n' + BASE.replace(/\n  /g, '\n      ').replace('quantity to cash', 'quantity   to cash # per router'), []],
    ['numbers spelt otherwise', edit('Silver from 250_000 EUR', 'Silver from 250000.00 EUR'), []],
    ['an empty pot block', edit('payout points as points', 'payout points as points {}'), []],
    ['pot options and fields in another order', edit('budget 75_000 EUR\n  minimum 50 EUR', 'minimum 50 EUR\n  budget 75_000 EUR').replace('sku: text  amount: money', 'amount: money  sku: text'), []],
    ['a tier threshold', edit('Gold from 1_000_000 EUR', 'Gold from 800_000 EUR'), ['~ tier status', '  Gold from 1_000_000 EUR → 800_000 EUR']],
    ['a tier level added', edit('  Gold from 1_000_000 EUR\n', '  Gold from 1_000_000 EUR\n  Platinum from 5_000_000 EUR\n'), ['~ tier status', '  + Platinum from 5_000_000 EUR']],
    ['a lookup entry', edit('Gold: 1.5', 'Gold: 1.75'), ['~ let multiplier', '  Gold: 1.5 → 1.75']],
    ['a band', edit('from 100_000 EUR: 3%', 'from 100_000 EUR: 3.5%'), ['~ let rate', '  from 100_000 EUR: 3% → 3.5%']],
    ['a budget', edit('budget 75_000 EUR', 'budget 90_000 EUR'), ['~ payout cash', '  budget 75_000 EUR → 90_000 EUR']],
    ['a pot option added, one removed', edit('minimum 50 EUR', 'approval above 10_000 EUR'), ['~ payout cash', '  + approval above 10_000 EUR', '  - minimum 50 EUR']],
    ['a pot kind', edit('payout cash as cash', 'payout cash as credit'), ['~ payout cash', '  as cash → credit']],
    [
      'an award amount',
      edit('award 25 EUR * quantity', 'award 30 EUR * quantity'),
      ['~ rule "Router SPIFF"', '  award 25 EUR → 30 EUR', '    was: award 25 EUR * quantity to cash', '    now: award 30 EUR * quantity to cash'],
    ],
    ['a condition', edit('where sku = "NW-RTR-9"', 'where sku = "NW-RTR-10"'), ['~ rule "Router SPIFF"', '  for each sale where sku = "NW-RTR-9" → "NW-RTR-10"']],
    ['a rule clause added', edit('  award 25 EUR * quantity to cash\n', '  award 25 EUR * quantity to cash\n  cap 500 EUR per event\n'), ['~ rule "Router SPIFF"', '  + cap 500 EUR per event']],
    ['a measure gets a condition', edit('measure revenue = sum sale.amount', 'measure revenue = sum sale.amount where sku != "X"'), ['~ measure revenue', '  sum sale.amount → sum sale.amount where sku != "X"']],
    ['an event field type', edit('quantity: integer', 'quantity: decimal'), ['~ event sale', '  quantity: integer → decimal']],
    ['an event field added', edit('quantity: integer }', 'quantity: integer  region: text }'), ['~ event sale', '  + region: text']],
    ['a header clause', edit('  start 2026-01-01\n', '  start 2026-01-01\n  rounding half-up\n'), ['~ program', '  + rounding half-up']],
    ['the program name', edit('program "T"', 'program "T2"'), ['~ program', '  program "T" → "T2"']],
    ['a rule renamed', edit('rule "Router SPIFF"', 'rule "Router bonus"'), ['→ rule "Router bonus" (was "Router SPIFF")']],
    ['a let renamed with its uses', edit('let multiplier =', 'let mult =').replace('* multiplier to', '* mult to'), ['→ let mult (was multiplier)']],
    ['a pot renamed with its uses', edit('payout points as points', 'payout pts as points').replace('to points', 'to pts'), ['→ payout pts (was points)']],
    ['a rule added', BASE + 'rule "Welcome" {\n  for each partner\n  award 100 to points\n  once per partner\n}\n', ['+ rule "Welcome"', '  rule "Welcome" { for each partner award 100 to points once per partner }']],
    ['a rule removed', BASE.replace(/rule "Router SPIFF" \{[^}]*\}\n/, ''), ['- rule "Router SPIFF"', '  rule "Router SPIFF" { for each sale where sku = "NW-RTR-9" award 25 EUR * quantity to cash }']],
  ])('%s', (_, newText, expected) => {
    expect(changes(BASE, newText)).toEqual(expected);
  });

  it('says which side has syntax errors, with its diagnostics', () => {
    const r = compareSources(BASE, BASE.replace('award 25 EUR', 'award 25 EUR +'));
    expect('diagnostics' in r && r.side).toBe('new');
    expect('diagnostics' in r && r.diagnostics[0]!.code).toMatch(/^E01/);
  });
});
