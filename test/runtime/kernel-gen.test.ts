/**
 * The kernel's loop written per program (`runtime/kernel-gen.ts`) against the nodes' own loops
 * (`runtime/vector.ts`): for random expressions over random batches — unknown amounts (NaN),
 * codes of members, literals and booleans, day numbers around the literals compared with — each
 * node's expression gives, record by record, what its `run` loop gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IR } from '../../runtime/artifact.js';
import type { ColumnBatch, ColumnUse } from '../../runtime/data/columns.js';
import type { FieldType } from '../../runtime/data/schema.js';
import { generateKernel } from '../../runtime/kernel-gen.js';
import { Answers, boolVec, numVec, type VecEnv } from '../../runtime/vector.js';
import { parseDate } from '../../core/periods.js';

const FIELDS: { name: string; type: FieldType }[] = [
  { name: 'amount', type: 'money' },
  { name: 'quantity', type: 'integer' },
  { name: 'category', type: { enum: ['hardware', 'software', 'services'] } },
  { name: 'promo', type: 'boolean' },
  { name: 'note', type: 'text' },
  { name: 'shipped', type: 'date' },
  { name: 'date', type: 'date' },
];
const N = 64;
const CAPACITY = 128;
const DATES = ['2026-02-28', '2026-03-01', '2026-03-15', '2026-03-31', '2026-04-01'];

function env(): VecEnv {
  return { capacity: CAPACITY, fields: FIELDS, digits: 2, constants: { threshold: '2026-03-10', on: true }, need: (_f: string, _u: ColumnUse) => undefined };
}

const field = (f: string): IR => ({ k: 'efield', f });
const str = (v: string): IR => ({ k: 'str', v });

// Expressions of the kinds the kernel compiles (and a few it does not: those give no node).
const { num, bool } = fc.letrec<{ num: IR; bool: IR }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<IR>(
      { k: 'num', v: '0' },
      { k: 'num', v: '1' },
      { k: 'num', v: '-3' },
      { k: 'num', v: '0.5' },
      { k: 'num', v: '1.25' },
      { k: 'money', v: '25.00' },
      { k: 'num', v: '9007199254740991' },
      field('amount'),
      field('quantity'),
    ),
    fc.record({ a: tie('num'), rest: fc.array(fc.record({ op: fc.constantFrom('+', '-', '*' as const), b: tie('num') }), { minLength: 1, maxLength: 2 }) }).map((x): IR => ({ k: 'arith', ...x }) as IR),
    tie('num').map((a): IR => ({ k: 'arith', a, rest: [{ op: '/', b: { k: 'num', v: '1' } }] })),
    tie('num').map((a): IR => ({ k: 'neg', a })),
    fc.tuple(fc.constantFrom('floor', 'ceil', 'abs' as const), tie('num')).map(([k, a]): IR => ({ k, a })),
    fc.record({ c: tie('bool'), a: tie('num'), b: tie('num') }).map((x): IR => ({ k: 'if', ...x })),
    fc
      .record({ values: fc.array(tie('num'), { minLength: 2, maxLength: 2 }), otherwise: fc.option(tie('num'), { nil: undefined }) })
      .map(({ values, otherwise }): IR => ({ k: 'lookup', t: 'str', key: field('category'), keys: ['hardware', 'services'], values, ...(otherwise ? { otherwise } : {}) })),
    fc.record({ k: fc.constantFrom('min', 'max' as const), args: fc.array(tie('num'), { minLength: 1, maxLength: 3 }) }).map((x): IR => ({ ...x, t: 'num' })),
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<IR>({ k: 'bool', v: true }, { k: 'bool', v: false }, field('promo'), { k: 'ref', name: 'on' }),
    fc.record({ k: fc.constantFrom('and', 'or' as const), args: fc.array(tie('bool'), { minLength: 2, maxLength: 3 }) }).map((x): IR => x),
    tie('bool').map((a): IR => ({ k: 'not', a })),
    fc.record({ op: fc.constantFrom('=', '!=', '<', '<=', '>', '>=' as const), a: tie('num'), b: tie('num') }).map((x): IR => ({ k: 'cmp', t: 'num', ...x })),
    fc
      .record({ op: fc.constantFrom('=', '!=', '<', '<=', '>', '>=' as const), f: fc.constantFrom('date', 'shipped'), d: fc.constantFrom(...DATES), flip: fc.boolean(), constant: fc.boolean() })
      .map(({ op, f, d, flip, constant }): IR => {
        const day = constant ? { k: 'ref' as const, name: 'threshold' } : str(d);
        return { k: 'cmp', t: 'str', op, a: flip ? day : field(f), b: flip ? field(f) : day };
      }),
    fc.record({ op: fc.constantFrom('=', '!=' as const), f: fc.constantFrom('category', 'note'), v: fc.constantFrom('hardware', 'services', 'a', 'b') }).map(({ op, f, v }): IR => ({ k: 'cmp', t: 'str', op, a: field(f), b: str(v) })),
    fc.record({ op: fc.constantFrom('=', '!=' as const), v: fc.boolean() }).map(({ op, v }): IR => ({ k: 'cmp', t: 'bool', op, a: field('promo'), b: { k: 'bool', v } })),
    fc.record({ x: tie('num'), lo: tie('num'), hi: tie('num') }).map((x): IR => ({ k: 'range', t: 'num', ...x })),
    fc.record({ f: fc.constantFrom('date', 'shipped'), lo: fc.constantFrom(...DATES), hi: fc.constantFrom(...DATES) }).map(({ f, lo, hi }): IR => ({ k: 'range', t: 'str', x: field(f), lo: str(lo), hi: str(hi) })),
    fc.record({ f: fc.constantFrom('date', 'shipped'), items: fc.array(fc.constantFrom(...DATES), { maxLength: 3 }) }).map(({ f, items }): IR => ({ k: 'set', t: 'str', x: field(f), items: items.map(str) })),
    fc.record({ f: fc.constantFrom('category', 'note'), items: fc.array(fc.constantFrom('hardware', 'software', 'a', 'b'), { minLength: 1, maxLength: 3 }) }).map(({ f, items }): IR => ({ k: 'set', t: 'str', x: field(f), items: items.map(str) })),
    fc.record({ x: tie('num'), items: fc.array(tie('num'), { minLength: 1, maxLength: 3 }) }).map((x): IR => ({ k: 'set', t: 'num', ...x })),
  ),
}));

const day = (d: string) => parseDate(d)!;
const dayNumber = fc.integer({ min: day('2026-02-27'), max: day('2026-04-02') });
const row = fc.record({
  amount: fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constant(NaN), fc.constant(9007199254740990)),
  quantity: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.constant(NaN)),
  category: fc.integer({ min: 0, max: 2 }),
  promo: fc.integer({ min: 0, max: 1 }),
  note: fc.integer({ min: -1, max: 1 }),
  shipped: dayNumber,
  date: dayNumber,
});

type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

/** A batch as the byte reader fills one: the columns the nodes read, by field. */
function batch(rows: Row[]): ColumnBatch {
  const nums = FIELDS.map(() => new Float64Array(CAPACITY));
  const codes = FIELDS.map(() => new Int32Array(CAPACITY));
  const dayColumn = new Int32Array(CAPACITY);
  rows.forEach((r, i) => {
    nums[0]![i] = r.amount;
    nums[1]![i] = r.quantity;
    codes[2]![i] = r.category;
    codes[3]![i] = r.promo;
    codes[4]![i] = r.note;
    codes[5]![i] = r.shipped;
    dayColumn[i] = r.date;
  });
  const literals = FIELDS.map((f) => (f.name === 'note' ? ['a', 'b'] : undefined));
  return { n: rows.length, nums, codes, literals, day: dayColumn, partner: new Int32Array(CAPACITY), partners: {} } as unknown as ColumnBatch;
}

describe('the kernel written per program', () => {
  it('gives, record by record, what the nodes\' loops give (numbers and conditions)', () => {
    let written = 0;
    fc.assert(
      fc.property(num, bool, fc.array(row, { minLength: 1, maxLength: N }), (n, c, rows) => {
        const arg = numVec(n, env());
        const where = boolVec(c, env());
        const rule = boolVec(c, env());
        if (!arg || !where || !rule) return;
        const b = batch(rows);
        const arrays = { where: [new Uint8Array(CAPACITY), undefined], arg: [new Float64Array(CAPACITY), new Float64Array(CAPACITY)], rules: [new Uint8Array(CAPACITY)], general: new Uint8Array(CAPACITY) };
        const kernel = generateKernel([{ where, arg }, { arg }], [rule], arrays);
        expect(kernel).toBeDefined();
        kernel!(b, b.n);
        written++;
        where.run(b);
        arg.run(b);
        rule.run(b);
        for (let i = 0; i < b.n; i++) {
          const w = where.out[i]!;
          expect(arrays.where[0]![i], `condition, record ${i}`).toBe(w);
          expect(arrays.rules[0]![i], `rule's condition, record ${i}`).toBe(rule.out[i]);
          expect(Object.is(arrays.arg[1]![i], arg.out[i]), `argument, record ${i}: ${arrays.arg[1]![i]} against ${arg.out[i]}`).toBe(true);
          if (w === 1) expect(Object.is(arrays.arg[0]![i], arg.out[i])).toBe(true);
          const x = arg.out[i]!;
          const unknown = w === 2 || (w === 1 && x !== x) || x !== x || rule.out[i] === 2;
          expect(arrays.general[i], `general, record ${i}`).toBe(unknown ? 1 : 0);
        }
      }),
      { numRuns: 400, seed: 7 },
    );
    expect(written).toBeGreaterThan(200);
  });

  it('the arrays of a record with no condition and no argument are not written', () => {
    const where = boolVec({ k: 'cmp', t: 'str', op: '=', a: field('category'), b: str('hardware') }, env())!;
    const arrays = { where: [new Uint8Array(CAPACITY).fill(9)], arg: [undefined], rules: [], general: new Uint8Array(CAPACITY).fill(9) };
    const kernel = generateKernel([{ where }], [], arrays)!;
    const b = batch([{ amount: 1, quantity: 1, category: 0, promo: 0, note: 0, shipped: day('2026-03-01'), date: day('2026-03-01') }, { amount: 1, quantity: 1, category: 1, promo: 0, note: 0, shipped: day('2026-03-01'), date: day('2026-03-01') }]);
    kernel(b, 2);
    expect([...arrays.where[0]!.subarray(0, 3)]).toEqual([1, 0, 9]);
    expect([...arrays.general.subarray(0, 3)]).toEqual([0, 0, 9]);
  });
});

describe('Answers (a code’s answer, made once)', () => {
  // an answer −2 … 2, as keyVec's and strIn's are (never −3, the table's "not made yet")
  const answer = (code: number, salt: number) => ((((code * 7 + salt) % 5) + 5) % 5) - 2;

  it('answers every code as `make` does, making each once, however far the codes go past the table', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1, max: 5000 }), { maxLength: 300 }), fc.integer({ min: -2, max: 1 }), (codes, salt) => {
        const answers = new Answers();
        const made = new Map<number, number>();
        answers.for({}, (code) => {
          made.set(code, (made.get(code) ?? 0) + 1);
          return answer(code, salt);
        });
        for (const code of codes) expect(answers.at(code)).toBe(answer(code, salt));
        for (const [code, times] of made) expect(times, `code ${code}`).toBe(1);
        expect(made.size).toBe(new Set(codes).size);
      }),
      { numRuns: 300 },
    );
  });
});
