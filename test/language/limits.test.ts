/**
 * The parser's limits (language/REFERENCE.md, "Limits"): nesting past 64 levels is one ordinary
 * diagnostic (E0107), a program over 4,000,000 characters another (E0005); chains of binary
 * operators have no limit and parse, format and keep their spans at any length.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { MAX_NESTING, MAX_PROGRAM_CHARS } from '../../core/limits.js';
import { format } from '../../language/format.js';
import { parse } from '../../language/parser.js';
import type * as S from '../../language/syntax.js';
import { BASE } from '../compiler/helpers.js';

const NESTED = 'this expression nests more than 64 levels deep';

/** `n` nested constructs around `1`, built from an opening and a closing text. */
const nest = (n: number, open: string, close: string, inner = '1') => `${open.repeat(n)}${inner}${close.repeat(n)}`;

/** Each construct that opens a nesting level: at 64 levels it parses, at 65 it is one E0107 at the 65th opener. */
const constructs: [string, (n: number) => string, string][] = [
  ['parentheses', (n) => nest(n, '(', ')'), '('],
  ['if in then', (n) => nest(n, 'if true then ', ' else 2'), 'if'],
  ['if in its condition', (n) => `${'if '.repeat(n)}true${' then 1 else 2'.repeat(n)}`, 'if'],
  ['else if', (n) => `${'if false then 1 else '.repeat(n)}2`, 'if'],
  ['function calls', (n) => nest(n, 'abs(', ')'), 'abs'],
  ['lookup values', (n) => nest(n, 'lookup partner.kind { else: ', ' }'), 'lookup'],
  ['lookup keys', (n) => nest(n, 'lookup ', ' { else: 1 }', 'partner.kind'), 'lookup'],
  ['band values', (n) => nest(n, 'bands revenue { below 1 EUR: 1 from 1 EUR: ', ' }'), 'bands'],
  ['unary minus', (n) => `${'-'.repeat(n)}1`, '-'],
  ['not', (n) => `${'not '.repeat(n)}true`, 'not'],
  // A list's items are additive: a list in a list needs parentheses. Here the lists are the innermost level.
  ['lists', (n) => `${'('.repeat(n - 1)}x in [1]${')'.repeat(n - 1)}`, '['],
];

describe('nesting: at most 64 levels (E0107)', () => {
  it.each(constructs)('%s: 64 levels parse, 65 are one E0107 at the opener of level 65', (_, make, opener) => {
    expect(parse(`let x = ${make(MAX_NESTING)}`).diagnostics).toEqual([]);
    const text = `let x = ${make(MAX_NESTING + 1)}`;
    const ds = parse(text).diagnostics;
    expect(ds.map((d) => [d.code, d.message, text.slice(d.span.start, d.span.end)])).toEqual([['E0107', NESTED, opener]]);
    // The 65th opener, counted from the left.
    let at = -1;
    const tokens = [...text.matchAll(/\(|\[|[a-z]+|-/g)];
    at = opener === '[' ? text.indexOf('[') : tokens.filter((m) => m[0] === opener)[MAX_NESTING]!.index;
    expect(ds[0]!.span.start).toBe(at);
    expect(ds[0]!.hint).toContain('`let`');
  });

  it('300 nested parentheses and 500 nested ifs: one ordinary diagnostic each, nothing else from the parser or the checker', () => {
    for (const value of [nest(300, '(', ')'), nest(500, 'if true then ', ' else 2'), `${'if false then 1 else '.repeat(500)}2`, `if ${'not '.repeat(3000)}true then 1 else 2`, `${'-'.repeat(3000)}1`]) {
      const text = `${BASE}\nlet x = ${value}\nrule "R" {\n  for each partner where x != 0\n  award x to points\n}\n`;
      const r = compile(text);
      expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['E0107']);
    }
  });

  it('in every place an expression goes, a too deep one is one error: it is skipped, not missing', () => {
    const D = (inner: string) => nest(70, '(', ')', inner);
    const places = [
      `let x = ${D('1')}`,
      `measure m2 = sum ${D('sale.amount')}`,
      `measure m2 = sum sale.amount where ${D('sale.amount > 1 EUR')}`,
      `measure m2 = max sale.amount else ${D('0 EUR')}`,
      `tier t2 by ${D('revenue')} {\n  A\n  B from 5 EUR\n}\nlet u = lookup t2 { A: 1, B: 2 }`,
      `tier t2 by revenue {\n  A\n  B from ${D('5 EUR')}\n}\nlet u = lookup t2 { A: 1, B: 2 }`,
      `let b = bands revenue {\n  below ${D('1 EUR')}: 1\n  from 1 EUR: 2\n}`,
      `let b = bands revenue {\n  below 1 EUR: ${D('1')}\n  from 1 EUR: 2\n}`,
      `payout p2 as giftcard {\n  denominations ${D('5 EUR')}, 10 EUR\n}\nrule "R2" {\n  for each sale\n  award 1 EUR to p2\n}`,
      `rule "R2" {\n  for each sale where ${D('amount > 1 EUR')}\n  award 1 to points\n}`,
      `rule "R2" {\n  for each sale\n  award ${D('1')} to points\n  cap ${D('5')}\n}`,
      `rule "R2" {\n  for top 3 partners by ${D('revenue')}\n  award 1 to trip\n}`,
      `test "T2" {\n  period 2026-Q1\n  partner "P1" { kind: "reseller", target: ${D('5 EUR')} }\n  expect "P1" cash = ${D('0 EUR')}\n}`,
      `let x = lookup status { Member: ${D('1')}, Silver: 2, Gold: 3 }`,
      `let x = if ${D('true')} then 1 else 2`,
    ];
    for (const place of places) {
      const text = `${BASE}\n${place}\n`;
      const errors = compile(text).diagnostics.filter((d) => d.severity === 'error');
      const deep = (place.match(/\({70}/g) ?? []).length;
      expect(errors.map((d) => d.code), place).toEqual(Array(deep).fill('E0107'));
      for (const d of errors) expect(text.slice(d.span.start, d.span.end)).toBe('(');
    }
  });

  it('the rest of the file is parsed as usual: an error after a too deep expression is still reported', () => {
    const text = `let x = ${nest(100, '(', ')')} + 1\nlet y = (1 + 2\nlet z = 3\n`;
    expect(parse(text).diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['E0107', NESTED],
      ['E0101', 'expected `)`, found `let`'],
    ]);
  });

  it('nesting counts within one expression: each let starts again at level 0', () => {
    const lets = Array.from({ length: 10 }, (_, i) => `let x${i} = ${nest(60, '(', ')', i ? `x${i - 1}` : '1')}`).join('\n');
    expect(parse(lets).diagnostics).toEqual([]);
  });

  it('the formatter formats 64 levels and refuses 65 with the diagnostic, without overflowing', () => {
    expect(format(`let x = ${nest(MAX_NESTING, 'abs(', ')')}`).text).toBe(`let x = ${nest(MAX_NESTING, 'abs(', ')')}\n`);
    expect(format(`let x = ${nest(MAX_NESTING, '(', ')')}`).text).toBe('let x = 1\n');
    const refused = format(`let x = ${nest(300, '(', ')')}`);
    expect(refused.text).toBeUndefined();
    expect(refused.diagnostics.map((d) => d.code)).toEqual(['E0107']);
  });
});

describe('program size: at most 4,000,000 characters (E0005)', () => {
  it('a longer program is one diagnostic and is not parsed', () => {
    const text = `let x = 1\n${'#'.repeat(MAX_PROGRAM_CHARS)}`;
    const r = compile(text);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'E0005', span: { start: 0, end: 0 }, message: 'this program has 4,000,010 characters, but a program has at most 4,000,000' }),
    ]);
    expect(r.diagnostics[0]!.hint).toBeTruthy();
    expect(format(text).diagnostics.map((d) => d.code)).toEqual(['E0005']);
  });

  it('a program of exactly the limit is parsed', () => {
    const text = `let x = 1\n${'#'.repeat(MAX_PROGRAM_CHARS - 10)}`;
    expect(text.length).toBe(MAX_PROGRAM_CHARS);
    expect(parse(text).diagnostics).toEqual([]);
  });
});

describe('chains of binary operators: no limit', () => {
  const chain = (n: number, operand: (i: number) => string, op: string) => Array.from({ length: n }, (_, i) => operand(i)).join(` ${op} `);

  it.each([
    ['+', chain(10_000, () => '1', '+')],
    ['- and +', chain(10_000, (i) => `x${i % 7}`, '-').replace(/ - (x3)/g, ' + $1')],
    ['* and /', chain(10_000, () => '2', '*').replace(/\* 2 \* 2/g, '* 2 / 2')],
    ['and', chain(10_000, (i) => `a${i % 5} > 1`, 'and')],
    ['or of ands', chain(2_000, (i) => `(a${i % 5} > ${i} and b)`, 'or')],
    ['+ of products', chain(5_000, (i) => `a * ${i}`, '+')],
  ])('%s: 10,000 operands parse without a diagnostic and format to themselves, idempotently', (_, value) => {
    const text = `let x = ${value}\n`;
    const p = parse(text);
    expect(p.diagnostics).toEqual([]);
    const f = format(text).text!;
    expect(f).toBe(text);
    expect(format(f).text).toBe(f);
  });

  it('a chain is folded to the left, parentheses that the tree needs are kept and those it does not are dropped', () => {
    const n = 10_000;
    const value = Array.from({ length: n }, (_, i) => (i % 100 === 50 ? `(b${i} - c${i})` : `a${i}`)).join(' - ');
    const messy = `let x = (${value.replace('a0 - a1', '(a0 - a1)')})\n`;
    const f = format(messy).text!;
    expect(f).toBe(`let x = ${value}\n`);
    const v = (parse(f).file.decls[0] as S.LetDecl).value as S.Binary;
    expect(v).toMatchObject({ op: '-', right: { kind: 'Name', name: `a${n - 1}` } });
    let depth = 0;
    for (let x: S.Expr = v; x.kind === 'Binary'; x = x.left) depth++;
    expect(depth).toBe(n - 1);
  });

  it('a binary operation spans its operands with their parentheses', () => {
    const text = 'let x = (a + b) * (c + d) - -(e)';
    const v = (parse(text).file.decls[0] as S.LetDecl).value as S.Binary;
    expect(text.slice(v.span.start, v.span.end)).toBe('(a + b) * (c + d) - -(e)');
    expect(text.slice(v.left.span.start, v.left.span.end)).toBe('(a + b) * (c + d)');
    expect(text.slice(v.right.span.start, v.right.span.end)).toBe('-(e)');
    const inner = (v.left as S.Binary).left;
    expect(text.slice(inner.span.start, inner.span.end)).toBe('a + b');
  });
});
