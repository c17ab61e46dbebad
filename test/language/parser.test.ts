import { describe, expect, it } from 'vitest';
import { parse } from '../../language/parser.js';
import type * as S from '../../language/syntax.js';
import { stripSpans } from '../helpers/syntax.js';

/** A compact, readable shape of an expression: `(+ 1 (* 2 3))`. */
function ex(e: S.Expr | undefined): string {
  if (!e) return '?';
  switch (e.kind) {
    case 'Number':
      return e.percent ? `${e.value}(%)` : e.value;
    case 'Money':
      return `${e.value}${e.currency}`;
    case 'Date':
      return `@${e.value}`;
    case 'String':
      return JSON.stringify(e.value);
    case 'Bool':
      return String(e.value);
    case 'Name':
      return e.name;
    case 'Field':
      return `${e.object.name}.${e.field.name}`;
    case 'Binary':
      return `(${e.op} ${ex(e.left)} ${ex(e.right)})`;
    case 'Unary':
      return `(${e.op === '-' ? 'neg' : 'not'} ${ex(e.operand)})`;
    case 'InRange':
      return `(in ${ex(e.value)} ${ex(e.from)}..${ex(e.to)})`;
    case 'InSet':
      return `(in ${ex(e.value)} [${e.items.map(ex).join(' ')}])`;
    case 'If':
      return `(if ${ex(e.cond)} ${ex(e.then)} ${ex(e.otherwise)})`;
    case 'Call':
      return `(${e.fn} ${e.args.map(ex).join(' ')})`;
    case 'Lookup':
      return `(lookup ${ex(e.key)} {${[...e.entries.map((x) => `${x.key.kind === 'String' ? JSON.stringify(x.key.value) : x.key.name}: ${ex(x.value)}`), ...(e.otherwise ? [`else: ${ex(e.otherwise)}`] : [])].join(', ')}})`;
    case 'Bands':
      return `(${e.mode} ${ex(e.subject)} {${e.bands.map((b) => `${b.bound} ${ex(b.threshold)}: ${ex(b.value)}`).join(', ')}})`;
    case 'Skipped':
      return '…';
  }
}

function parseExpr(src: string): string {
  const r = parse(`let x = ${src}`);
  expect(r.diagnostics, src).toEqual([]);
  return ex((r.file.decls[0] as S.LetDecl).value);
}

function only<D extends S.Decl>(src: string): D {
  const r = parse(src);
  expect(r.diagnostics, src).toEqual([]);
  expect(r.file.decls).toHaveLength(1);
  return r.file.decls[0] as D;
}

describe('expressions', () => {
  it.each([
    // literals
    ['42', '42'],
    ['1_000_000', '1000000'],
    ['1_000.50', '1000.5'],
    ['007', '7'],
    ['2.5%', '0.025(%)'],
    ['100%', '1(%)'],
    ['0.5%', '0.005(%)'],
    ['1_250%', '12.5(%)'],
    ['25 EUR', '25EUR'],
    ['1_000.50 EUR', '1000.5EUR'],
    ['2026-03-01', '@2026-03-01'],
    ['"a \\"b\\" \\\\ c"', '"a \\"b\\" \\\\ c"'],
    ['"tab\\tnl\\n\\q"', '"tab\\tnl\\nq"'],
    ['true', 'true'],
    ['false', 'false'],
    ['revenue', 'revenue'],
    ['date', 'date'],
    ['cash', 'cash'],
    ['sale.amount', 'sale.amount'],
    ['partner.region', 'partner.region'],
    // precedence and associativity
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['1 - (2 - 3)', '(- 1 (- 2 3))'],
    ['8 / 4 / 2', '(/ (/ 8 4) 2)'],
    ['-a * b', '(* (neg a) b)'],
    ['--a', '(neg (neg a))'],
    ['a - -b', '(- a (neg b))'],
    ['a + b > c * d', '(> (+ a b) (* c d))'],
    ['a = b and c != d or e < f', '(or (and (= a b) (!= c d)) (< e f))'],
    ['a or b and c', '(or a (and b c))'],
    ['a and b and c', '(and (and a b) c)'],
    ['not a and b', '(and (not a) b)'],
    ['not a = b', '(not (= a b))'],
    ['not not a', '(not (not a))'],
    ['a <= b', '(<= a b)'],
    ['a >= b', '(>= a b)'],
    ['x in 1..2', '(in x 1..2)'],
    ['date in 2026-03-01..2026-03-31', '(in date @2026-03-01..@2026-03-31)'],
    ['x + 1 in a * 2..b - 1', '(in (+ x 1) (* a 2)..(- b 1))'],
    ['c in ["a", "b"]', '(in c ["a" "b"])'],
    ['c in []', '(in c [])'],
    ['x in [1, 2] and y', '(and (in x [1 2]) y)'],
    ['if a then b else c', '(if a b c)'],
    ['if a then b else c + 1', '(if a b (+ c 1))'],
    ['(if a then b else c) + 1', '(+ (if a b c) 1)'],
    ['1 + if a then b else c', '(+ 1 (if a b c))'],
    ['if a then if b then 1 else 2 else 3', '(if a (if b 1 2) 3)'],
    ['floor(amount / 1 EUR) * m', '(* (floor (/ amount 1EUR)) m)'],
    ['max(1, 2, 3)', '(max 1 2 3)'],
    ['min(a, b)', '(min a b)'],
    ['abs(-1)', '(abs (neg 1))'],
    ['round(x)', '(round x)'],
    ['ceil(x)', '(ceil x)'],
    ['lookup status { Member: 1, Gold: 1.5 }', '(lookup status {Member: 1, Gold: 1.5})'],
    ['lookup c { "hw": 1 "sw": 2, else: 0, }', '(lookup c {"hw": 1, "sw": 2, else: 0})'],
    ['lookup sale.category { else: 1 }', '(lookup sale.category {else: 1})'],
    ['lookup (a + b) {}', '(lookup (+ a b) {})'],
    ['bands r { below 1 EUR: 2% from 1 EUR: 3%, from 5 EUR: 4% }', '(bands r {below 1EUR: 0.02(%), from 1EUR: 0.03(%), from 5EUR: 0.04(%)})'],
    ['marginal r { below 10: 1 from 10: 2 }', '(marginal r {below 10: 1, from 10: 2})'],
    ['bands r { from partner.target: 1 }', '(bands r {from partner.target: 1})'],
  ])('%s', (src, shape) => {
    expect(parseExpr(src)).toBe(shape);
  });

  it('numbers keep their source text', () => {
    const e = only<S.LetDecl>('let x = 1_000 + 2.5% + 1_000.50 EUR').value as S.Binary;
    const l = e.left as S.Binary;
    expect(l.left).toMatchObject({ kind: 'Number', text: '1_000', value: '1000', percent: false });
    expect(l.right).toMatchObject({ kind: 'Number', text: '2.5%', value: '0.025', percent: true });
    expect(e.right).toMatchObject({ kind: 'Money', text: '1_000.50', value: '1000.5', currency: 'EUR' });
  });

  it('parentheses are not kept as nodes; spans cover the expression without them', () => {
    const e = only<S.LetDecl>('let x = (a)').value;
    expect(e).toEqual({ kind: 'Name', name: 'a', span: { start: 9, end: 10 } });
  });

  it('a percentage is never money', () => {
    expect(parse('let x = 5% EUR').diagnostics.length).toBeGreaterThan(0);
  });
});

describe('declarations', () => {
  it('the header', () => {
    const r = parse('program "P" { currency EUR period quarter start 2026-01-01 end 2026-12-31 rounding half-even }');
    expect(r.diagnostics).toEqual([]);
    expect(stripSpans(r.file.header)).toEqual({
      kind: 'Header',
      name: { kind: 'String', value: 'P' },
      clauses: [
        { kind: 'Currency', code: { kind: 'Ident', name: 'EUR' } },
        { kind: 'PeriodClause', unit: { kind: 'Ident', name: 'quarter' } },
        { kind: 'Start', date: { kind: 'Date', value: '2026-01-01' } },
        { kind: 'End', date: { kind: 'Date', value: '2026-12-31' } },
        { kind: 'Rounding', mode: { kind: 'Ident', name: 'half-even' } },
      ],
    });
    for (const mode of ['half-up', 'half-down', 'down', 'up', 'floor', 'ceiling']) {
      expect(parse(`program "P" { rounding ${mode} }`).file.header?.clauses[0]).toMatchObject({ kind: 'Rounding', mode: { name: mode } });
    }
    expect(parse('program "P" { period year }').file.header?.clauses[0]).toMatchObject({ unit: { name: 'year' } });
  });

  it('partner and event fields, with every type', () => {
    const p = only<S.PartnerDecl>('partner { kind: one of "a", "b" region: text, n: integer d: decimal m: money on: date ok: boolean }');
    expect(p.fields.map((f) => `${f.name.name}:${f.type.kind === 'EnumType' ? f.type.members.map((m) => m.value).join('|') : f.type.name.name}`)).toEqual([
      'kind:a|b', 'region:text', 'n:integer', 'd:decimal', 'm:money', 'on:date', 'ok:boolean',
    ]);
    const e = only<S.EventDecl>('event sale { amount: money }');
    expect(e.name.name).toBe('sale');
    expect(only<S.EventDecl>('event sale {}').fields).toEqual([]);
  });

  it.each([
    ['measure m = sum sale.amount', { op: 'sum', arg: 'sale.amount' }],
    ['measure m = count sale', { op: 'count', event: 'sale' }],
    ['measure m = count distinct sale.sku', { op: 'count distinct', arg: 'sale.sku' }],
    ['measure m = min sale.amount else 0 EUR', { op: 'min', arg: 'sale.amount', otherwise: '0EUR' }],
    ['measure m = max x else 1', { op: 'max', arg: 'x', otherwise: '1' }],
    ['measure m = average x where y > 1 over last 4 quarters else 0', { op: 'average', arg: 'x', where: '(> y 1)', window: 'last 4 quarters', otherwise: '0' }],
    ['measure m = sum x over this period', { op: 'sum', arg: 'x', window: 'this period' }],
    ['measure m = sum x over previous period', { op: 'sum', arg: 'x', window: 'previous period' }],
    ['measure m = sum x over year to date', { op: 'sum', arg: 'x', window: 'year to date' }],
    ['measure m = sum x over previous year', { op: 'sum', arg: 'x', window: 'previous year' }],
    ['measure m = sum x over program to date', { op: 'sum', arg: 'x', window: 'program to date' }],
    ['measure m = sum x over last 12 months', { op: 'sum', arg: 'x', window: 'last 12 months' }],
    ['measure m = sum x over last 2 years', { op: 'sum', arg: 'x', window: 'last 2 years' }],
    ['measure m = sum x over last 3 periods', { op: 'sum', arg: 'x', window: 'last 3 periods' }],
  ])('%s', (src, shape) => {
    const m = only<S.MeasureDecl>(src);
    const w = m.window;
    expect({
      op: m.op,
      ...(m.arg ? { arg: ex(m.arg) } : {}),
      ...(m.event ? { event: m.event.name } : {}),
      ...(m.where ? { where: ex(m.where) } : {}),
      ...(w ? { window: w.form === 'last' ? `last ${w.count.text} ${w.unit}` : w.form } : {}),
      ...(m.otherwise ? { otherwise: ex(m.otherwise) } : {}),
    }).toEqual(shape);
  });

  it('tiers', () => {
    const t = only<S.TierDecl>('tier status by revenue_4q { Member Silver from 250_000 EUR, Gold from 1_000_000 EUR }');
    expect(t.name.name).toBe('status');
    expect(ex(t.by)).toBe('revenue_4q');
    expect(t.levels.map((l) => `${l.name.name}${l.threshold ? ' ' + ex(l.threshold) : ''}`)).toEqual(['Member', 'Silver 250000EUR', 'Gold 1000000EUR']);
  });

  it('payouts and every option', () => {
    expect(only<S.PayoutDecl>('payout points as points').options).toBeUndefined();
    expect(only<S.PayoutDecl>('payout p as cash {}').options).toEqual([]);
    const p = only<S.PayoutDecl>(
      'payout g as giftcard { rounding down cap 5 EUR per partner cap 6 EUR per partner per period cap 7 EUR per partner per year cap 8 EUR budget 1 EUR minimum 2 EUR denominations 25 EUR, 50 EUR approval above 3 EUR value 4 EUR }',
    );
    expect(p.payoutKind.name).toBe('giftcard');
    expect(
      p.options!.map((o) => {
        switch (o.kind) {
          case 'PotRounding':
            return `rounding ${o.mode.name}`;
          case 'PotCap':
            return `cap ${ex(o.amount)}${o.per ? ' per ' + o.per : ''}`;
          case 'PotDenominations':
            return `denominations ${o.values.map(ex).join(' ')}`;
          default:
            return `${o.kind} ${ex(o.amount)}`;
        }
      }),
    ).toEqual(['rounding down', 'cap 5EUR', 'cap 6EUR per period', 'cap 7EUR per year', 'cap 8EUR', 'PotBudget 1EUR', 'PotMinimum 2EUR', 'denominations 25EUR 50EUR', 'PotApproval 3EUR', 'PotValue 4EUR']);
  });

  it('rules and every clause', () => {
    const clauses = (src: string) =>
      only<S.RuleDecl>(src).clauses.map((c) => {
        switch (c.kind) {
          case 'ForEachEvent':
            return `each ${c.event.name}${c.where ? ' ' + ex(c.where) : ''}`;
          case 'ForEachPartner':
            return `each partner${c.where ? ' ' + ex(c.where) : ''}`;
          case 'ForTop':
            return `top ${c.count.value} ${[c.by, ...c.thenBy].map(ex).join(' ')}${c.where ? ' ' + ex(c.where) : ''}`;
          case 'Award':
            return `award ${ex(c.amount)} ${c.pot.name}`;
          case 'RuleCap':
            return `cap ${ex(c.amount)}${c.perEvent ? ' per event' : ''}`;
          case 'Once':
            return `once${c.perPeriod ? ' per period' : ''}`;
        }
      });
    expect(clauses('rule "a" { for each sale where category = "hw" award 1 to points cap 5 per event once per partner per period }')).toEqual([
      'each sale (= category "hw")', 'award 1 points', 'cap 5 per event', 'once per period',
    ]);
    expect(clauses('rule "b" { for each partner where partner.kind = "d" award x to cash cap 5 EUR once per partner }')).toEqual([
      'each partner (= partner.kind "d")', 'award x cash', 'cap 5EUR', 'once',
    ]);
    expect(clauses('rule "c" { for top 10 partners by revenue then by units then by n where revenue >= 1 EUR award 1 to trip }')).toEqual([
      'top 10 revenue units n (>= revenue 1EUR)', 'award 1 trip',
    ]);
    expect(only<S.RuleDecl>('rule "d" {}').name.value).toBe('d');
  });

  it('tests and every item', () => {
    const t = only<S.TestDecl>(
      'test "t" { period 2026-Q1 period 2026 period 2026-03 partner "P1" { kind: "d", region: "EMEA" } sale { partner: "P1", date: 2026-02-10, amount: 1_500 EUR } sale {} expect "P1" status = Gold }',
    );
    expect(stripSpans(t.items).map((i) => i.kind)).toEqual(['TestPeriod', 'TestPeriod', 'TestPeriod', 'TestPartner', 'TestEvent', 'TestEvent', 'Expect']);
    expect(t.items.slice(0, 3).map((i) => (i as Extract<S.TestItem, { kind: 'TestPeriod' }>).period.text)).toEqual(['2026-Q1', '2026', '2026-03']);
    const ev = t.items[4] as Extract<S.TestItem, { kind: 'TestEvent' }>;
    expect(ev.fields.map((f) => `${f.name.name}=${ex(f.value)}`)).toEqual(['partner="P1"', 'date=@2026-02-10', 'amount=1500EUR']);
    const exp = t.items[6] as Extract<S.TestItem, { kind: 'Expect' }>;
    expect([exp.partner.value, exp.name.name, ex(exp.value)]).toEqual(['P1', 'status', 'Gold']);
  });

  it('comments are collected with their spans, not in the tree', () => {
    const src = '# one\nlet x = 1 # two\n#three';
    const r = parse(src);
    expect(r.file.comments.map((c) => [c.text, src.slice(c.span.start, c.span.end)])).toEqual([
      [' one', '# one'],
      [' two', '# two'],
      ['three', '#three'],
    ]);
  });

  it('type names and payout kinds are ordinary names', () => {
    const r = parse('payout cash as cash\nlet date = text + money\nevent integer { decimal: boolean }');
    expect(r.diagnostics).toEqual([]);
  });
});

describe('syntax errors', () => {
  const diags = (src: string) => parse(src).diagnostics.map((d) => ({ code: d.code, at: src.slice(d.span.start, d.span.end), start: d.span.start, message: d.message, hint: d.hint }));

  it.each([
    ['let tier = 1', 'tier'],
    ['measure rule = sum x', 'rule'],
    ['payout where as cash', 'where'],
    ['event from { x: text }', 'from'],
  ])('a keyword as a name: %s', (src, kw) => {
    const [d] = diags(src);
    expect(d).toMatchObject({ code: 'E0101', at: kw, hint: `\`${kw}\` is a keyword; choose another name` });
  });

  it('an unexpected character and an unterminated string', () => {
    expect(diags('let x = 1 @ 2')[0]).toMatchObject({ code: 'E0001', at: '@', start: 10 });
    expect(diags('let s = "abc')).toEqual([expect.objectContaining({ code: 'E0002', at: '"abc', start: 8 })]);
  });

  it('several errors at once, each with its code and span', () => {
    const src = 'let x = 1 +\nlet y = 2\nrule "a" { for each sale award to p }\nrule "b" { award 1 to }\nfoo\nprogram "a" {}\nprogram "b" {}';
    const d = diags(src);
    expect(d.map((x) => [x.code, x.start])).toEqual([
      ['E0102', src.indexOf('\nlet y')],
      ['E0102', src.indexOf('to p')],
      ['E0101', src.indexOf('}\nfoo')],
      ['E0104', src.indexOf('foo')],
      ['E0106', src.indexOf('program "b"')],
    ]);
    expect(d[0]!.hint).toBe('the declaration ends before it is complete');
    expect(d[1]!.message).toBe('expected an expression, found `to`');
    expect(d[2]!.message).toBe('expected a name, found `}`');
    expect(d[3]!.at).toBe('foo');
    expect(d[4]!.at).toBe('program "b" {}');
  });

  it('a broken rule does not hide an error in the next rule', () => {
    const src = 'rule "a" { for each sale award 1 to p cap }\nrule "b" { for each sale award 1 p }';
    const d = diags(src);
    expect(d.map((x) => [x.code, x.at])).toEqual([
      ['E0102', '}'],
      ['E0101', 'p'],
    ]);
    expect(d[1]!.start).toBe(src.lastIndexOf(' p }') + 1);
    expect(d[1]!.message).toBe('expected `to`, found `p`');
    // The declarations after an error are still in the tree.
    expect(parse(src + '\nlet ok = 1').file.decls.map((x) => x.kind)).toContain('LetDecl');
  });

  it('comparisons do not chain', () => {
    expect(diags('let x = a < b < c')[0]).toMatchObject({ code: 'E0104' });
  });
});
