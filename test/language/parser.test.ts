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
      return [e.object, ...(e.via ?? []), e.field].map((x) => x.name).join('.');
    case 'Interpolate':
      return `(interpolate ${ex(e.subject)} {${e.points.map((p) => `${ex(p.at)}: ${ex(p.value)}`).join(', ')}})`;
    case 'Running': {
      const w = e.window;
      return `(running ${e.op}${e.arg ? ` ${ex(e.arg)}` : ''}${e.where ? ` where ${ex(e.where)}` : ''}${w ? ` over ${w.form === 'last' ? `last ${w.count.text} ${w.unit}` : w.form}` : ''})`;
    }
    case 'Previous':
      return `(previous ${e.name.name})`;
    case 'At':
      return `(at ${e.name.name} ${ex(e.date)})`;
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
    case 'Duration':
      return `(${e.word} ${ex(e.count)})`;
    case 'DaysBetween':
      return `(days ${ex(e.from)} ${ex(e.to)})`;
    case 'PeriodBound':
      return `period.${e.bound}`;
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
    expect(p.fields.map((f) => `${f.name.name}:${f.type.kind === 'EnumType' ? f.type.members.map((m) => m.value).join('|') : f.type.kind === 'RefType' ? `ref ${f.type.event.name}` : f.type.kind === 'MoneyAnyType' ? 'money any' : f.type.name.name}`)).toEqual([
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
          case 'PotExpire':
            return `expire after ${o.count.text} ${o.unit}`;
          case 'PotHold':
            return `hold ${o.count.text} ${o.unit}`;
          case 'PotDraw':
            return `draw ${ex(o.amount)}`;
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

describe('v0.2 constructs (§12.2, §12.3, §12.5)', () => {
  it.each([
    // paths through `ref` fields
    ['refund.activation.reward', 'refund.activation.reward'],
    ['a.b.c.d + 1', '(+ a.b.c.d 1)'],
    // running totals: a simple operand; the condition takes no `and`/`or`
    ['running sum amount >= 10_000 EUR', '(>= (running sum amount) 10000EUR)'],
    ['running sum amount * 2', '(* (running sum amount) 2)'],
    ['running sum (amount * 2)', '(running sum (* amount 2))'],
    ['running count', '(running count)'],
    ['running count where promo over year to date', '(running count where promo over year to date)'],
    ['running sum amount where not promo over last 3 months', '(running sum amount where (not promo) over last 3 months)'],
    ['running sum amount where a = 1 and b', '(and (running sum amount where (= a 1)) b)'],
    ['(running count where a >= 1) >= 3', '(>= (running count where (>= a 1)) 3)'],
    ['bands running sum amount over year to date { below 1 EUR: 1 from 1 EUR: 2 }', '(bands (running sum amount over year to date) {below 1EUR: 1, from 1EUR: 2})'],
    // previous values, values at a date
    ['previous status >= Gold', '(>= (previous status) Gold)'],
    ['previous revenue + revenue', '(+ (previous revenue) revenue)'],
    ['rate at sale.date * amount', '(* (at rate sale.date) amount)'],
    ['rate at refund.activation.date', '(at rate refund.activation.date)'],
    ['lookup status at d { Gold: 1, else: 0 }', '(lookup (at status d) {Gold: 1, else: 0})'],
    // interpolation: commas optional, points are additive
    ['interpolate attainment { 80%: 2%, 120%: 6% }', '(interpolate attainment {0.8(%): 0.02(%), 1.2(%): 0.06(%)})'],
    ['interpolate x { 1: 2 3 + 1: 4 }', '(interpolate x {1: 2, (+ 3 1): 4})'],
  ])('%s', (src, want) => expect(parseExpr(src)).toBe(want));

  it('`ref` fields', () => {
    const e = only<S.EventDecl>('event refund { activation: ref activation, ref: text  b: ref\n c: text }');
    expect(e.fields.map((f) => `${f.name.name}:${f.type.kind === 'RefType' ? `ref ${f.type.event.name}` : f.type.kind === 'SimpleType' ? f.type.name.name : 'enum'}`)).toEqual([
      'activation:ref activation', 'ref:text', 'b:ref', 'c:text',
    ]);
  });

  it('`money any` fields (§13.4), and a next field named `any`', () => {
    const e = only<S.EventDecl>('event sale { cur: text  amount: money any by cur  net: money any  gross: money  any: text }');
    expect(e.fields.map((f) => `${f.name.name}:${f.type.kind === 'MoneyAnyType' ? `money any${f.type.by ? ` by ${f.type.by.name}` : ''}` : f.type.kind === 'SimpleType' ? f.type.name.name : 'other'}`)).toEqual([
      'cur:text', 'amount:money any by cur', 'net:money any', 'gross:money', 'any:text',
    ]);
  });

  it('tiers that fall at most N levels, anywhere among the levels', () => {
    const t = only<S.TierDecl>('tier status by r { down at most 1 level per year Member Silver from 1 EUR down at most 2 levels per period }');
    expect(t.levels.map((l) => l.name.name)).toEqual(['Member', 'Silver']);
    expect(t.down!.map((d) => `${d.count.text} ${d.per}`)).toEqual(['1 year', '2 period']);
    // `down` is still a level name elsewhere
    expect(only<S.TierDecl>('tier t by r { down up from 1 EUR }').levels.map((l) => l.name.name)).toEqual(['down', 'up']);
  });

  it('budgets served first come first served, or pro rata', () => {
    const p = only<S.PayoutDecl>('payout cash as cash { budget 5 EUR first come first served cap 1 EUR budget 6 EUR pro rata budget 7 EUR }');
    expect(p.options!.map((o) => (o.kind === 'PotBudget' ? `${ex(o.amount)} ${o.order ?? '-'}` : o.kind))).toEqual(['5EUR first come first served', 'PotCap', '6EUR pro rata', '7EUR -']);
  });

  it('once per partner and FIELD', () => {
    const r = only<S.RuleDecl>('rule "m" { for each module award 1 to points once per partner and code once per partner and code per period }');
    expect(r.clauses.filter((c): c is S.Once => c.kind === 'Once').map((c) => `${c.key?.name} ${c.perPeriod}`)).toEqual(['code false', 'code true']);
  });

  it('contextual words stay ordinary names', () => {
    expect(parse('let first = 1\nlet level = first + 2\nlet most = level\nevent ref { served: text }').diagnostics).toEqual([]);
  });

  it('a contextual word misspelt is one error at the word', () => {
    const diags = (src: string) => parse(src).diagnostics.map((d) => [d.code, src.slice(d.span.start, d.span.end), d.message]);
    expect(diags('tier t by r { A B from 1 EUR down at lest 1 level per year }')).toEqual([['E0101', 'lest', 'expected `most`, found `lest`']]);
    expect(diags('tier t by r { A B from 1 EUR down at most 2 lvls per year }')).toEqual([['E0101', 'lvls', 'expected `levels`, found `lvls`']]);
    expect(diags('payout p as cash { budget 5 EUR first come first sreved }')).toEqual([['E0101', 'sreved', 'expected `served`, found `sreved`']]);
    expect(diags('payout p as cash { budget 5 EUR pro rat }')).toEqual([['E0101', 'rat', 'expected `rata`, found `rat`']]);
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
      ['E0108', src.indexOf('to p')],
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

describe('§12.1: any column is usable', () => {
  const diags = (src: string) => parse(src).diagnostics.map((d) => ({ code: d.code, at: src.slice(d.span.start, d.span.end), message: d.message, hint: d.hint }));

  it('a bare keyword may end the file (it is an operand, not the start of a declaration)', () => {
    for (const src of ['let x = 1 + tier', 'let x = if a then b else tier\n', 'let x = 1 +\ntier\n# a comment\n']) {
      expect(diags(src), src).toEqual([]);
      expect(ex(only<S.LetDecl>(src).value), src).toMatch(/tier\)?$/);
    }
    // where a declaration is possible, it is one: a `tier` with its name missing is one error
    expect(diags('let x = 1\ntier').map((d) => d.code)).toEqual(['E0101']);
  });

  it('a bare keyword is an operand after interpolate and at (§12.3), as after lookup', () => {
    for (const src of ['let x = interpolate tier {}\n', 'let x = interpolate tier { 1: 2, 3: 4 }\nlet y = 1\n', 'let x = rate at tier\ntier t by r { A }\n']) {
      expect(diags(src), src).toEqual([]);
    }
    expect(ex(only<S.LetDecl>('let x = interpolate tier { 1: 2, 3: 4 }').value)).toMatch(/^\(?interpolate tier/);
  });

  it('a field may be named by any keyword, and has options after its type: from "Column", default VALUE', () => {
    const d = only<S.EventDecl>('event sale { value: money from "Net Amount (€)" default 0 EUR  year: integer, count: integer default 1  tier: text default ""  from: text  default: boolean  start: date  end: date  period: text  partner: text from "Customer ID" }');
    expect(d.fields.map((f) => [f.name.name, f.type.kind === 'SimpleType' ? f.type.name.name : 'enum', f.column?.value, f.default ? ex(f.default) : undefined])).toEqual([
      ['value', 'money', 'Net Amount (€)', '0EUR'],
      ['year', 'integer', undefined, undefined],
      ['count', 'integer', undefined, '1'],
      ['tier', 'text', undefined, '""'],
      ['from', 'text', undefined, undefined],
      ['default', 'boolean', undefined, undefined],
      ['start', 'date', undefined, undefined],
      ['end', 'date', undefined, undefined],
      ['period', 'text', undefined, undefined],
      ['partner', 'text', 'Customer ID', undefined],
    ]);
  });

  it.each([
    // bare where the keyword cannot start an expression or a clause
    ['value > 5 EUR', '(> value 5EUR)'],
    ['value * 2% + count', '(+ (* value 0.02(%)) count)'],
    ['year = 2026 and tier = "gold"', '(and (= year 2026) (= tier "gold"))'],
    ['min(value, 5 EUR)', '(min value 5EUR)'],
    ['max > 3', '(> max 3)'],
    ['lookup tier { "a": 1, else: 2 }', '(lookup tier {"a": 1, else: 2})'],
    ['bands value { below 1 EUR: 1 from 1 EUR: 2 }', '(bands value {below 1EUR: 1, from 1EUR: 2})'],
    ['if count > 1 then value else 0 EUR', '(if (> count 1) value 0EUR)'],
    ['not promo and partner = "P1"', '(and (not promo) (= partner "P1"))'],
    ['period = "Q1"', '(= period "Q1")'],
    ['days > 3', '(> days 3)'],
    ['x in [to, from]', '(in x [to from])'],
    // always usable qualified
    ['sale.value + partner.value', '(+ sale.value partner.value)'],
    ['sale.if', 'sale.if'],
    ['sale.period', 'sale.period'],
  ])('%s', (src, tree) => expect(parseExpr(src)).toBe(tree));

  it('a keyword keeps its meaning where it can start an expression', () => {
    expect(parseExpr('max(a, b)')).toBe('(max a b)');
    expect(parseExpr('lookup status { Gold: 1, else: 0 }')).toBe('(lookup status {Gold: 1, else: 0})');
    expect(parseExpr('lookup to { "x": 1 }')).toBe('(lookup to {"x": 1})');
    expect(parseExpr('period.start')).toBe('period.start');
  });

  it('in a measure at the top level, a declaration word used as a field does not cut the file', () => {
    const r = parse('measure m = sum value where rule = "x"\nmeasure n = sum amount where tier\nmeasure k = count sale');
    expect(r.diagnostics).toEqual([]);
    expect(r.file.decls.map((d) => (d as S.MeasureDecl).name.name)).toEqual(['m', 'n', 'k']);
    expect(ex((r.file.decls[1] as S.MeasureDecl).where)).toBe('tier');
  });

  it('a keyword where an expression is expected: one diagnostic (E0108) that says both fixes', () => {
    expect(diags('rule "R" { for each sale award to cash }')).toEqual([
      { code: 'E0108', at: 'to', message: 'expected an expression, found `to`', hint: 'write the value here; a field named `to` is written `sale.to` where `to` could be read as the keyword' },
    ]);
    expect(diags('rule "R" { for each sale where award 5 EUR to cash }').map((d) => [d.code, d.at])).toEqual([['E0108', 'award']]);
  });

  it('the column named `value` that used to cascade: none; a keyword where a name is expected: one diagnostic', () => {
    expect(diags('event sale { sku: text value: money seats: integer }')).toEqual([]);
    for (const src of ['let value = 3', 'event value { a: text }', 'tier count by x { A }']) expect(diags(src).map((d) => d.code)).toEqual(['E0101']);
    // an event kind, a pot or an expected name that is a keyword parses: the checker says it is none (one diagnostic)
    expect(diags('rule "R" { for each value award 1 to to }')).toEqual([]);
    expect(diags('test "T" { period 2026-Q1 expect "P1" value = 1 }')).toEqual([]);
  });

  it('a name missing after a dot, before a keyword that begins what follows: one diagnostic, at the keyword, read as that keyword', () => {
    const hint = (w: string) => `write the field's name after the dot (\`${w}\` here begins what follows)`;
    expect(diags('rule "R" { for each partner award if partner. then 1 EUR else 2 EUR to cash }')).toEqual([{ code: 'E0101', at: 'then', message: 'expected a name, found `then`', hint: hint('then') }]);
    expect(diags('rule "R" { for each sale award if sale. then bonus else 2 EUR to cash }')).toEqual([{ code: 'E0101', at: 'then', message: 'expected a name, found `then`', hint: hint('then') }]);
    // the keyword is then what it is: the rule's award is there
    const r = parse('rule "R" { for each partner award if partner. then 1 EUR else 2 EUR to cash }').file.decls[0] as S.RuleDecl;
    expect(r.clauses.map((c) => c.kind)).toEqual(['ForEachPartner', 'Award']);
    // a keyword followed by what may follow an operand is a field's name (§12.1), as before
    expect(parseExpr('partner.then')).toBe('partner.then');
    expect(parseExpr('if sale.then then sale.value else sale.else')).toBe('(if sale.then sale.value sale.else)');
    expect(diags('let b = bands sale.value { below sale.value: 0 }')).toEqual([]);
    // not a word at all: as before
    expect(diags('let x = (sale.) + 1').map((d) => [d.code, d.at, d.message])).toEqual([['E0101', ')', 'expected a name, found `)`']]);
  });

  it('options out of order, or given twice: one diagnostic each (E0109), at the option, with the order; the options are kept', () => {
    const order = 'write the options in this order: `in A..B`, `from "Column header"`, then `default VALUE`';
    expect(diags('event e { a: text default "x" from "A" }')).toEqual([{ code: 'E0109', at: 'from', message: '`from` comes before `default` in a field\'s options', hint: order }]);
    for (const src of ['event e { a: money from "A" in 0 EUR..5 EUR }', 'event e { a: money default 0 EUR in 0 EUR..5 EUR }']) {
      expect(diags(src)).toEqual([{ code: 'E0109', at: 'in', message: `\`in\` comes before \`${src.includes('from') ? 'from' : 'default'}\` in a field's options`, hint: order }]);
    }
    expect(diags('event e { a: money default 0 EUR default 1 EUR  b: text }')).toEqual([{ code: 'E0109', at: 'default', message: 'this field already has its `default`', hint: 'give each option once' }]);
    // two mistakes in two fields: two diagnostics, and the next field still parses
    expect(diags('event e { a: money from "A" in 0 EUR..5 EUR\n b: text default "x" from "B"\n c: integer }').map((d) => [d.code, d.at])).toEqual([['E0109', 'in'], ['E0109', 'from']]);
    const f = (parse('event e { a: money default 1 EUR from "A" in 0 EUR..5 EUR }').file.decls[0] as S.EventDecl).fields[0]!;
    expect([f.column?.value, f.default ? ex(f.default) : undefined, f.range ? `${ex(f.range.from)}..${ex(f.range.to)}` : undefined]).toEqual(['A', '1EUR', '0EUR..5EUR']);
    expect(diags('event e { a: text from }').map((d) => [d.code, d.at])).toEqual([['E0101', '}']]);
    expect(parse('event e { a: text from }').file.decls[0]).toMatchObject({ fields: [{ name: { name: 'a' } }] });
    expect((parse('event e { a: text from }').file.decls[0] as S.EventDecl).fields[0]!.column).toBeUndefined();
  });

  it('a field\'s three options, in their one order: `in A..B`, `from "Column"`, `default VALUE`; `in` followed by `:` is the next field', () => {
    const d = only<S.EventDecl>('event sale { amount: money in 0 EUR..1_000 EUR from "Net (€)" default 5 EUR  in: integer in 1..9 default 2  units: integer in 0..10 from "Units"  due: date in 2026-01-01..2026-12-31 default 2026-06-30 }');
    expect(d.fields.map((f) => [f.name.name, f.range ? `${ex(f.range.from)}..${ex(f.range.to)}` : undefined, f.column?.value, f.default ? ex(f.default) : undefined])).toEqual([
      ['amount', '0EUR..1000EUR', 'Net (€)', '5EUR'],
      ['in', '1..9', undefined, '2'],
      ['units', '0..10', 'Units', undefined],
      ["due", "@2026-01-01..@2026-12-31", undefined, "@2026-06-30"],
    ]);
    expect(parse('event e { a: integer in: text }').diagnostics).toEqual([]);
    expect((parse('event e { a: integer in: text }').file.decls[0] as S.EventDecl).fields.map((f) => [f.name.name, f.range])).toEqual([['a', undefined], ['in', undefined]]);
  });

  it('test records take keywords as keys', () => {
    const t = only<S.TestDecl>('test "T" { period 2026-Q1 sale { value: 12 EUR, count: 2, partner: "P1", date: 2026-01-05 } }');
    expect((t.items[1] as Extract<S.TestItem, { kind: 'TestEvent' }>).fields.map((f) => f.name.name)).toEqual(['value', 'count', 'partner', 'date']);
  });
});

describe('§12.4: dates and periods', () => {
  it.each([
    ['date + 30 days', '(+ date (days 30))'],
    ['date - 1 month', '(- date (month 1))'],
    ['date + 2 months - 1 day', '(- (+ date (months 2)) (day 1))'],
    ['date + n * 12 months', '(+ date (* n (months 12)))'],
    ['date + (n * 12) months', '(+ date (months (* n 12)))'],
    ['-30 days', '(neg (days 30))'],
    ['period.end - 10 days', '(- period.end (days 10))'],
    ['days between a and b', '(days a b)'],
    ['days between a and b < 10', '(< (days a b) 10)'],
    ['days between a + 1 days and b', '(days (+ a (days 1)) b)'],
    ['days between a and b + 1', '(days a (+ b 1))'],
    ['2 * days between a and b', '(* 2 (days a b))'],
    ['days between a and b > 3 and c', '(and (> (days a b) 3) c)'],
    ['period.start <= date', '(<= period.start date)'],
  ])('%s', (src, tree) => expect(parseExpr(src)).toBe(tree));

  it('`day`/`month` after a value is a unit, but a field name before `:` in a test record', () => {
    const t = only<S.TestDecl>('test "T" { period 2026-Q1 sale { a: 1 month: 2 days: 3 } }');
    expect((t.items[1] as Extract<S.TestItem, { kind: 'TestEvent' }>).fields.map((f) => [f.name.name, ex(f.value)])).toEqual([
      ['a', '1'],
      ['month', '2'],
      ['days', '3'],
    ]);
  });

  it('a half-year: `period half`, `2026-H1` in tests, `half to date`', () => {
    const r = parse('program "H" { currency EUR period half start 2026-01-01 }\nmeasure m = sum sale.amount over half to date\ntest "T" { period 2026-H2 }');
    expect(r.diagnostics).toEqual([]);
    expect((r.file.decls[0] as S.MeasureDecl).window).toMatchObject({ form: 'half to date' });
    expect((r.file.decls[1] as S.TestDecl).items[0]).toMatchObject({ period: { text: '2026-H2' } });
    expect(parse('measure m = sum sale.amount over quarter to date').diagnostics.map((d) => d.code)).toEqual(['E0102']);
  });
});
