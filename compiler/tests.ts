/** Checks `test` blocks (§10): the period, partners and events given, and what is expected. */
import { error } from '../core/diagnostics.js';
import { suggest } from './suggest.js';
import type { Expr, FieldValue, Ident, Span, TestDecl, TestItem } from '../language/syntax.js';
import type { CheckContext } from './context.js';
import type { ExprScope } from './exprs.js';
import { POT_FIGURES, type FieldInfo, type PotFigure, type PotInfo, type TestInfo, type Type } from './checked.js';
import { firstDay, formatDate, formatPeriod, isValidDate, lastDay, parsePeriod, periodOf } from '../core/periods.js';
import { fold, isLiteral } from './consts.js';
import { potType } from './payouts.js';
import { INTEGER, tickList } from './types.js';

type Item<K extends TestItem['kind']> = Extract<TestItem, { kind: K }>;

export function checkTest(ck: CheckContext, d: TestDecl): void {
  const name = d.name?.value ?? '';
  const nameSpan = d.name?.span ?? d.span;
  const items = (d.items ?? []).filter((i) => !!i);
  const info: TestInfo = { name, decl: d, partners: [], events: [], rates: [], expects: [] };
  ck.out.tests.push(info);
  const scope = ck.noEvent(`test "${name}"`, 'a test gives values, not expressions over events');

  // period
  const periods = items.filter((i): i is Item<'TestPeriod'> => i.kind === 'TestPeriod');
  if (periods.length === 0) {
    const start = ck.out.header.start;
    const example = isValidDate(start) ? formatPeriod(periodOf(ck.out.header.period, start)) : '2026-Q1';
    ck.report(error('E0433', `test "${name}" has no \`period\``, nameSpan, `say which period it evaluates: \`period ${example}\``));
  }
  for (const extra of periods.slice(1)) {
    ck.report(error('E0433', `test "${name}" gives \`period\` twice`, extra.span, 'a test evaluates one period: keep one', [{ span: periods[0]!.span, message: 'the first one' }]));
  }
  const p = periods[0]?.period;
  if (p) {
    info.period = p.text;
    const v = parsePeriod(p.text);
    const { period: unit, start, end } = ck.out.header;
    if (!v) {
      ck.report(error('E0434', `\`${p.text}\` is not a period`, p.span, 'write a year (`2026`), a quarter (`2026-Q1`) or a month (`2026-03`)'));
    } else if (v.unit !== unit) {
      ck.report(
        error('E0434', `the program's period is a ${unit}, but \`${p.text}\` is a ${v.unit}`, p.span, `a test evaluates one period of the program: write \`${formatPeriod(periodOf(unit, firstDay(v)))}\``),
      );
    } else if (start && formatDate(lastDay(v)) < start) {
      ck.report(error('E0434', `\`${p.text}\` is before the program starts (${start})`, p.span, `test a period from \`${formatPeriod(periodOf(unit, start))}\` on`));
    } else if (end && formatDate(firstDay(v)) > end) {
      ck.report(error('E0434', `\`${p.text}\` is after the program ends (${end})`, p.span, `test a period up to \`${formatPeriod(periodOf(unit, end))}\``));
    }
  }

  // partners
  const partnerIds = new Map<string, Span>();
  for (const it of items) {
    if (it.kind !== 'TestPartner' || !it.id) continue;
    const prev = partnerIds.get(it.id.value);
    if (prev) {
      ck.report(error('E0437', `partner "${it.id.value}" is given twice in this test`, it.id.span, 'give each partner once, with all its fields', [{ span: prev, message: 'first given here' }]));
      continue;
    }
    partnerIds.set(it.id.value, it.id.span);
    const fields = values(ck, it.fields ?? [], ck.partnerFields, 'partners', scope, () =>
      ck.partnerDeclared ? `the partner fields are ${tickList([...ck.partnerFields.keys()].filter((k) => k !== 'id'))}` : 'the program declares no partner fields: add them to a `partner { … }` block',
    );
    // A field with a default may be left out (§12.1): it takes the default, as an empty cell does.
    const missing = [...ck.partnerFields.values()].filter((f) => !f.implicit && !f.default && !fields.has(f.name)).map((f) => f.name);
    if (missing.length) {
      ck.report(error('E0435', `partner "${it.id.value}" is missing ${tickList(missing)}`, it.id.span, `give every partner field: ${missing.map((m) => `${m}: …`).join(', ')}`));
    }
    info.partners.push({ id: it.id.value, fields, span: it.span });
  }

  // events
  const eventPartners = new Set<string>();
  for (const it of items) {
    if (it.kind !== 'TestEvent' || !it.event) continue;
    const ev = ck.events.get(it.event.name);
    if (!ev && it.event.name === 'rate' && ck.out.header.exchangeRates) {
      rateRecord(ck, it, info, ck.out.header.exchangeRates);
      continue;
    }
    if (!ev) {
      ck.unknownEvent(it.event);
      continue;
    }
    const fields = values(ck, it.fields ?? [], ev.fields, `event \`${ev.name}\``, scope);
    const missing = [...ev.fields.values()].filter((f) => f.name !== 'id' && !f.default && !fields.has(f.name)).map((f) => f.name);
    if (missing.length) {
      ck.report(
        error('E0435', `this \`${ev.name}\` is missing ${tickList(missing)}`, it.event.span, `give ${missing.map((m) => `${m}: …`).join(', ')} (only \`id\`, which is generated, and fields with a \`default\` may be left out)`),
      );
    }
    const pv = fields.get('partner');
    if (pv?.kind === 'String') {
      eventPartners.add(pv.value);
      if (ck.partnerDeclared && !partnerIds.has(pv.value)) {
        ck.report(error('E0437', `there is no partner "${pv.value}" in this test`, pv.span, partnerHint(pv.value, partnerIds)));
      }
    }
    info.events.push({ event: ev.name, fields, span: it.span });
  }

  // expect "ID" NAME = VALUE
  for (const it of items) {
    if (it.kind !== 'Expect' || !it.partner || !it.name) continue;
    const id = it.partner.value;
    if (!partnerIds.has(id) && !eventPartners.has(id)) {
      ck.report(error('E0437', `there is no partner "${id}" in this test`, it.partner.span, partnerHint(id, new Map([...partnerIds, ...[...eventPartners].map((p) => [p, it.span] as const)]))));
    }
    const n = it.name.name;
    const pot = ck.out.pots.get(n);
    const tier = ck.out.tiers.get(n);
    const measure = ck.top.get(n)?.kind === 'measure' ? ck.out.measures.get(n) : undefined;
    let want: Type | undefined;
    let target: 'pot' | 'tier' | 'measure' | undefined;
    if (pot && ck.top.get(n)?.kind === 'pot') {
      target = 'pot';
      want = pot.unit === 'money' ? potType(ck, pot) : INTEGER;
    } else if (tier && ck.top.get(n)?.kind === 'tier') {
      target = 'tier';
      want = tier.type;
    } else if (measure) {
      target = 'measure';
      want = measure.type;
      // A measure a test expects is observed: it is not "never used" (W0001), even if no rule uses it.
      ck.used.add(n);
    } else {
      const candidates = [...ck.top.entries()].filter(([, v]) => v.kind === 'pot' || v.kind === 'tier' || v.kind === 'measure').map(([k]) => k);
      const guess = suggest(n, candidates);
      const dk = ck.declKind(n);
      ck.report(
        error(
          'E0436',
          dk ? `a test cannot expect a ${dk}: \`${n}\` is not a payout, a tier or a measure` : `there is no payout, tier or measure \`${n}\``,
          it.name.span,
          guess ? `did you mean \`${guess}\`?` : 'expect the amount paid from a payout, the level of a tier, or the value of a measure',
        ),
      );
    }
    const figure = it.figure ? potFigure(ck, it.figure, target === 'pot' ? pot : undefined, target) : undefined;
    if (it.figure && !figure) continue;
    // a pot's figure is in the pot's unit, and may be below zero (`carried = -10 EUR`)
    if (figure) want = pot!.unit === 'money' ? potType(ck, pot!) : INTEGER;
    const t = ck.x.check(it.value, scope, tier && target === 'tier' ? tier.name : undefined);
    const constant = !it.value || ck.requireConstant(it.value, 'an expected value');
    if (want && target) {
      const what = figure ? `the ${figure} of \`${n}\`` : target === 'pot' ? `the amount paid from \`${n}\`` : `the value of ${target} \`${n}\``;
      if (ck.x.expectType(it.value, t, want, what) && constant && it.value) computable(ck, it.value, t);
      info.expects.push({ partner: id, name: n, target, ...(figure ? { figure } : {}), value: it.value, span: it.span });
    }
  }
}

/**
 * `rate { month: "2026-03", currency: "GBP", rate: 1.17 }` (§13.4; `date: 2026-03-14` with daily
 * rates): a row of the test's `rates.csv`, validated there like any data (a rate of zero is a test
 * data problem). Here: the fields the rates have, each a literal of its kind (E0458).
 */
function rateRecord(ck: CheckContext, it: Item<'TestEvent'>, info: TestInfo, frequency: 'monthly' | 'daily'): void {
  const when = frequency === 'monthly' ? 'month' : 'date';
  const example = frequency === 'monthly' ? 'month: "2026-03"' : 'date: 2026-03-14';
  const got = new Map<string, string>();
  for (const fv of it.fields ?? []) {
    if (!fv?.name || !fv.value) continue;
    const n = fv.name.name;
    const v = fv.value;
    const negative = v.kind === 'Unary' && v.operand?.kind === 'Number';
    const number = v.kind === 'Number' ? v.value : negative ? `-${(v.operand as { value: string }).value}` : undefined;
    let value: string | undefined;
    if (n === when) value = frequency === 'monthly' ? (v.kind === 'String' ? v.value : undefined) : v.kind === 'Date' ? v.value : undefined;
    else if (n === 'currency') value = v.kind === 'String' ? v.value : undefined;
    else if (n === 'rate') value = number;
    else {
      ck.report(error('E0458', `a rate has no field \`${n}\``, fv.name.span, `its fields are \`${when}\`, \`currency\` and \`rate\`: \`rate { ${example}, currency: "GBP", rate: 1.17 }\``));
      continue;
    }
    if (got.has(n)) {
      ck.report(error('E0203', `\`${n}\` is given twice`, fv.name.span, 'give each field once'));
      continue;
    }
    if (value === undefined) {
      const want = n === when ? (frequency === 'monthly' ? 'a month as text, `"2026-03"`' : 'a date, `2026-03-14`') : n === 'currency' ? 'a currency code as text, `"GBP"`' : 'a number, `1.17`';
      ck.report(error('E0458', `the \`${n}\` of a rate is ${want}`, v.span, `write \`rate { ${example}, currency: "GBP", rate: 1.17 }\``));
      continue;
    }
    got.set(n, value);
  }
  const missing = [when, 'currency', 'rate'].filter((n) => !got.has(n) && !(it.fields ?? []).some((fv) => fv?.name?.name === n));
  if (missing.length) {
    ck.report(error('E0435', `this \`rate\` is missing ${tickList(missing)}`, it.event.span, `write \`rate { ${example}, currency: "GBP", rate: 1.17 }\``));
    return;
  }
  if (got.size === 3) info.rates.push({ at: got.get(when)!, currency: got.get('currency')!, rate: got.get('rate')!, span: it.span });
}

function partnerHint(id: string, known: Map<string, unknown>): string {
  const guess = suggest(id, known.keys());
  if (guess) return `did you mean "${guess}"?`;
  return known.size ? `the partners of this test are ${[...known.keys()].map((k) => `"${k}"`).join(', ')}` : `add \`partner "${id}" { … }\` to the test`;
}

/** Checks `FIELD: VALUE` pairs against the fields they fill; returns the values by field name. */
function values(
  ck: CheckContext,
  fvs: FieldValue[],
  fields: Map<string, FieldInfo>,
  owner: string,
  scope: ExprScope,
  unknownHint?: (f: string) => string,
): Map<string, Expr> {
  const out = new Map<string, Expr>();
  const spans = new Map<string, Span>();
  for (const fv of fvs) {
    if (!fv?.name) continue;
    const f = fields.get(fv.name.name);
    // `money any` (§13.4): an amount with its code (`12.50 GBP`), or for `by FIELD` a plain amount too.
    if (f?.anyCurrency && fv.value && anyAmount(fv.value, f.anyCurrency.by !== undefined) && !spans.has(f.name)) {
      spans.set(f.name, fv.name.span);
      out.set(f.name, fv.value);
      continue;
    }
    const t = ck.x.check(fv.value, scope, f?.type.kind === 'tier' ? f.type.tier : undefined);
    if (!f || (owner === 'partners' && f.implicit)) {
      const guess = suggest(fv.name.name, [...fields.keys()].filter((k) => !(owner === 'partners' && k === 'id')));
      ck.report(
        error(
          owner === 'partners' ? 'E0204' : 'E0206',
          owner === 'partners' ? `partners have no field \`${fv.name.name}\`` : `${owner} has no field \`${fv.name.name}\``,
          fv.name.span,
          guess ? `did you mean \`${guess}\`?` : unknownHint ? unknownHint(fv.name.name) : `its fields are ${tickList([...fields.keys()])}`,
        ),
      );
      continue;
    }
    const prev = spans.get(f.name);
    if (prev) {
      ck.report(error('E0203', `\`${f.name}\` is given twice`, fv.name.span, 'give each field once', [{ span: prev, message: 'first given here' }]));
      continue;
    }
    spans.set(f.name, fv.name.span);
    if (!fv.value) continue;
    if (fv.value.kind === 'String' && fv.value.value === '' && f.type.kind === 'text' && !f.default) {
      // `""` is an empty cell: without a default, the field must have a value (as in a data file).
      ck.report(error('E0435', `\`${f.name}\` is empty, but it has no \`default\``, fv.value.span, `give \`${f.name}\` a value, or declare it \`${f.name}: text default ""\` for records that leave it empty`));
      continue;
    }
    out.set(f.name, fv.value);
    if (!ck.requireConstant(fv.value, `the value of \`${f.name}\``)) continue;
    if (ck.x.expectType(fv.value, t, f.type, `\`${f.name}\``)) computable(ck, fv.value, t);
  }
  return out;
}

/** A test value of a `money any` field: an amount in any currency (`12.50 GBP`, `-3 CHF`), or with `plain` a number (its code in the record's field). */
export function anyAmount(v: Expr, plain: boolean): boolean {
  const x = v.kind === 'Unary' && v.op === '-' ? v.operand : v;
  return x?.kind === 'Money' || (plain && x?.kind === 'Number' && !x.percent);
}

/**
 * E0438: a test value is a literal, a tier level, or a constant the checker computes (arithmetic
 * and conditions of literals and constant `let`s) — the test's data is made of those values
 * before the run. A function call or a division by zero is not computed.
 */
function computable(ck: CheckContext, v: Expr, t: Type): void {
  if (t.kind === 'error' || t.kind === 'tier' || isLiteral(v)) return;
  const c = fold(v, ck.letConst);
  if (c?.kind === 'overflow') ck.x.reportOverflow(c); // E0322, not also E0438
  if (c !== undefined) return;
  ck.report(error('E0438', 'a test value must be computed before the run, but the checker cannot compute this one', v.span, 'write the value itself, e.g. `5 EUR`, or arithmetic of values and constant `let`s'));
}

/**
 * A pot's figure in `expect "ID" POT FIGURE = VALUE` (§13.1, §13.2): `carried` of any pot;
 * `balance`, `expired` and `redeemed` of a pot that keeps lots (`expire after`, or redeemed from);
 * `pending`, `available` and `cancelled` of a pot with `hold`; `debt` of a pot with a draw. E0448
 * otherwise (a tier or a measure has no figures).
 */
function potFigure(ck: CheckContext, word: Ident, pot: PotInfo | undefined, target: string | undefined): PotFigure | undefined {
  const w = word.name;
  if (!target) return undefined; // the name is unknown: reported already
  if (!pot) {
    ck.report(error('E0448', `\`${w}\` is a figure of a pot; a ${target} has one value`, word.span, `write \`expect "…" NAME = VALUE\` for a ${target}`));
    return undefined;
  }
  if (!(POT_FIGURES as readonly string[]).includes(w)) {
    const guess = suggest(w, POT_FIGURES);
    ck.report(error('E0448', `\`${w}\` is not a figure of a pot`, word.span, guess ? `did you mean \`${guess}\`?` : `the figures are ${tickList(POT_FIGURES)} (without one: the amount paid)`));
    return undefined;
  }
  const f = w as PotFigure;
  if (f === 'debt' && !pot.draw) {
    ck.report(error('E0448', `pot \`${pot.name}\` has no draw, so it has no \`debt\``, word.span, `a pot has a draw debt with \`draw … per period recoverable\`; expect what it pays (\`expect "…" ${pot.name} = …\`) or carries`));
    return undefined;
  }
  if ((f === 'pending' || f === 'available' || f === 'cancelled') && !pot.hold) {
    ck.report(error('E0448', `pot \`${pot.name}\` holds nothing, so it has no \`${f}\``, word.span, `a pot holds its awards with \`hold N days\`; expect what it pays (\`expect "…" ${pot.name} = …\`) or carries`));
    return undefined;
  }
  if ((f === 'balance' || f === 'expired' || f === 'redeemed') && !pot.expire && !pot.redeemed) {
    ck.report(error('E0448', `pot \`${pot.name}\` keeps no lots, so it has no \`${f}\``, word.span, `a pot keeps lots when it has \`expire after N months\` or a rule redeems from it; expect what it pays (\`expect "…" ${pot.name} = …\`) or carries`));
    return undefined;
  }
  return f;
}
