/** One case per diagnostic the checker gives: the code, the exact text under its span, and the message. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BASE, checkSource, spanText, summary } from './helpers.js';
import { declarations, header, names, sourceOf, tests, units, warnings } from './cases.js';


describe.each([
  ['names and scopes (E02xx)', names],
  ['types and units (E03xx)', units],
  ['declarations and static rules (E04xx)', declarations],
  ['tests (§10)', tests],
  ['warnings (W00xx)', warnings],
])('%s', (_, cases) => {
  it.each(cases.map((k) => [k.title, k] as const))('%s', (_t, k) => {
    const r = checkSource(sourceOf(k, BASE));
    expect(r.syntax.map((d) => d.message), 'the case must parse').toEqual([]);
    const found = r.diagnostics.filter((d) => d.code === k.code && spanText(r, d) === k.span);
    expect(found.map((d) => d.message), summary(r).join('\n')).toContain(k.message);
    const d = found.find((x) => x.message === k.message)!;
    expect(d.hint, 'every diagnostic says how to fix it').toBeTruthy();
    expect(d.severity).toBe(k.code.startsWith('W') ? 'warning' : 'error');
  });
});

describe('did you mean', () => {
  it.each([
    ['a name', 'let x = revenu * 2', 'E0201', 'did you mean `revenue`?'],
    ['a partner field', 'let k = partner.kinds', 'E0204', 'did you mean `partner.kind`?'],
    ['an event kind', 'rule "R" {\n  for each sales\n  award 1 to points\n}', 'E0205', 'did you mean `sale`?'],
    ['an event field', 'measure m = sum sale.amout', 'E0206', 'did you mean `sale.amount`?'],
    ['a pot', 'rule "R" {\n  for each sale\n  award 1 to pionts\n}', 'E0209', 'did you mean `points`?'],
    ['an enumeration value', 'rule "R" {\n  for each sale where category = "hardwre"\n  award 1 to points\n}', 'E0304', 'did you mean `hardware`?'],
    ['a tier level', 'let m = lookup status { Member: 1, Silvr: 2, Gold: 3 }', 'E0215', 'did you mean `Silver`?'],
    ['a type name', 'event ret { amount: mony }', 'E0221', 'did you mean `money`?'],
    ['a payout kind', 'payout x as cahs', 'E0421', 'did you mean `cash`?'],
    ['an expected name', 'test "T" {\n  period 2026-Q1\n  expect "P1" staus = Gold\n}', 'E0436', 'did you mean `status`?'],
    ['a currency', header('  currency EUX\n  period year\n  start 2026-01-01'), 'E0404', 'did you mean `EUR`?'],
    ['a rounding mode', header('  currency EUR\n  period year\n  start 2026-01-01\n  rounding flor'), 'E0409', 'did you mean `floor`?'],
    ['a period unit', header('  currency EUR\n  period quaterly\n  start 2026-01-01'), 'E0405', 'did you mean `quarter`?'],
  ])('%s', (_t, src, code, hint) => {
    const r = checkSource(src.startsWith('program') ? src : `${BASE}\n${src}\n`);
    expect(r.syntax).toEqual([]);
    expect(r.diagnostics.filter((d) => d.code === code).map((d) => d.hint)).toContain(hint);
  });
});

describe('coverage of the diagnostic codes', () => {
  it('every code the checker can give has a case above', () => {
    const dir = new URL('../../compiler/', import.meta.url);
    const codes = new Set<string>();
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.ts')) continue;
      for (const m of readFileSync(new URL(f, dir), 'utf8').matchAll(/'([EW]0\d{3})'/g)) codes.add(m[1]!);
    }
    const tested = new Set([...names, ...units, ...declarations, ...tests, ...warnings].map((k) => k.code));
    expect([...codes].filter((x) => !tested.has(x)).sort()).toEqual([]);
  });

  it('every code is documented in language/REFERENCE.md', () => {
    const doc = readFileSync(new URL('../../language/REFERENCE.md', import.meta.url), 'utf8');
    const all = [...names, ...units, ...declarations, ...tests, ...warnings].map((k) => k.code);
    expect([...new Set(all)].filter((x) => !doc.includes(`\`${x}\``)).sort()).toEqual([]);
  });
});


describe('W0001 and tiers', () => {
  it('a tier that no rule reads is not "never used": statements show every partner’s level, and tests may expect it', () => {
    const r = checkSource(`${BASE}\ntier medal by revenue {\n  Bronze\n  Gold from 5 EUR\n}\ntest "T" {\n  period 2026-Q1\n  partner "P1" { kind: "reseller", target: 5 EUR }\n  expect "P1" medal = Bronze\n}\n`);
    expect(r.diagnostics.filter((d) => d.code === 'W0001').map((d) => d.message)).not.toContain('tier `medal` is never used');
    expect(r.diagnostics.filter((d) => d.code === 'W0001').map((d) => d.message)).not.toContain('tier `status` is never used');
  });
});
