/**
 * §13.5 seeded draws: the bytes hashed, SHA-256 against Node's, a program's draw (fewer entrants
 * than winners asked, weights of zero, traces and "why not", the statement's `draws`), and the
 * properties: the standalone verifier (examples/sweepstakes/verify-draw.mjs, no Incent code)
 * agrees with the runtime on random draws, and the draw does not depend on the order of the rows.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { compileOrThrow, partner, period, why } from '../helpers/run.js';
import { SWEEPSTAKES, SWEEPSTAKES_DATA } from '../helpers/sweepstakes.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator, type PeriodResult } from '../../runtime/evaluate.js';
import { drawWinners, hashInput } from '../../runtime/ledger/sweepstakes.js';
import { statementJson } from '../../runtime/statement.js';
import { StatementJsonSchema } from '../../runtime/statement-schema.js';
// @ts-expect-error: a plain-JS script without types (it imports nothing of Incent)
import * as verifier from '../../examples/sweepstakes/verify-draw.mjs';

const verify = verifier as { drawWinners: (e: { partner: string; tickets: bigint }[], n: number, seed: string, period: string, rule: string) => { partner: string; ticket: bigint; counter: number }[]; hashInput: (s: string, p: string, r: string, d: number, c: number) => Buffer };

function run(files: Record<string, string>, source = SWEEPSTAKES): PeriodResult[] {
  const a = compileOrThrow(source);
  const { input, data } = loadData(a, files);
  expect(input.problems).toEqual([]);
  return new Evaluator(a).run(data, { explain: true });
}

describe('the bytes hashed, and SHA-256', () => {
  it('five length-prefixed UTF-8 texts, then the draw index and the counter as 4-byte big-endian integers', () => {
    const b = hashInput('Été', '2026-Q1', 'R', 1, 258);
    const hex = Buffer.from(b).toString('hex');
    // "incent draw 1": 13 bytes; "Été": 5 bytes in UTF-8 (É and é take two each); "2026-Q1": 7; "R": 1.
    expect(hex).toBe(
      ['0000000d', Buffer.from('incent draw 1').toString('hex'), '00000005', 'c38974c3a9', '00000007', Buffer.from('2026-Q1').toString('hex'), '00000001', '52', '00000001', '00000102'].join(''),
    );
    expect(Buffer.from(verify.hashInput('Été', '2026-Q1', 'R', 1, 258)).toString('hex')).toBe(hex);
  });

  it('@noble/hashes gives what Node gives', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(Buffer.from(sha256(bytes)).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
    );
  });
});

describe('a seeded draw in a program (§13.5)', () => {
  const r = run(SWEEPSTAKES_DATA);
  const q1 = period(r, '2026-Q1');

  it('fewer entrants than winners asked: every entrant wins once; a weight of zero enters nothing', () => {
    // Entrants: P1 (3 tickets) and P2 (1); P3's weight is 0, P4 fails the `where`. Two winners asked, two entrants: both win.
    const d = q1.draws![0]!;
    expect(d.entrants.map((e) => [e.id, String(e.weight)])).toEqual([
      ['P1', '3'],
      ['P2', '1'],
    ]);
    expect(d.winners.map((w) => w.id).sort()).toEqual(['P1', 'P2']);
    expect(partner(q1, 'P3').awards).toEqual([]);
    expect(why(r, '2026-Q1', 'P3', 'Summer draw')).toBe('no entries: its weight is 0');
    expect(why(r, '2026-Q1', 'P4', 'Summer draw')).toContain('revenue 0.00 EUR');
  });

  it('the winners are what the verifier computes from the entrants and the seed', () => {
    const d = q1.draws![0]!;
    const expected = verify.drawWinners([
      { partner: 'P2', tickets: 1n },
      { partner: 'P1', tickets: 3n },
    ], 2, 'Summer 2026', '2026-Q1', 'Summer draw');
    expect(d.winners.map((w) => w.id)).toEqual(expected.map((w) => w.partner));
    expect(d.winners.map((w) => String(w.ticket))).toEqual(expected.map((w) => String(w.ticket)));
  });

  it('statements publish the draw; traces say who was drawn, and why others were not', () => {
    const a = compileOrThrow(SWEEPSTAKES);
    const json = statementJson(a, q1);
    expect(StatementJsonSchema.safeParse(json).success).toBe(true);
    expect(json.draws![0]).toMatchObject({ rule: 'Summer draw', seed: 'Summer 2026', winners_asked: 2, tickets: '4', entrants: [{ partner: 'P1', tickets: '3' }, { partner: 'P2', tickets: '1' }] });
    const first = q1.draws![0]!.winners[0]!.id;
    expect(partner(q1, first).awards[0]!.trace).toContain('drawn 1st of 2 (2 entrants, seed "Summer 2026")');
    // Q2 has no sales: no entrants, no winners.
    expect(period(r, '2026-Q2').draws![0]!.winners).toEqual([]);
    expect(why(r, '2026-Q2', 'P1', 'Summer draw')).toContain('revenue 0.00 EUR');
  });

  it('a weight that is not a whole number is an evaluation error naming the rule and the partner', () => {
    const src = SWEEPSTAKES.replace('floor(revenue / 1_000 EUR)', 'revenue / 1_000 EUR');
    expect(() => run(SWEEPSTAKES_DATA, src)).toThrow(/rule "Summer draw", partner "P1": the weight `revenue \/ 1_000 EUR` is 3\.5, but a draw's weight is a whole number of entries, at least zero/);
  });
});

describe('properties', () => {
  it('the verifier, with no Incent code, agrees with the runtime on random draws', () => {
    const entrant = fc.record({ partner: fc.string({ minLength: 1, maxLength: 4 }), tickets: fc.bigInt({ min: 0n, max: 1n << 40n }) });
    fc.assert(
      fc.property(fc.uniqueArray(entrant, { selector: (e) => e.partner, maxLength: 12 }), fc.integer({ min: 1, max: 15 }), fc.string(), fc.constantFrom('2026-Q1', '2026-03', '2027'), fc.string(), (es, n, seed, p, rule) => {
        const sorted = es.filter((e) => e.tickets > 0n).sort((x, y) => (x.partner < y.partner ? -1 : x.partner > y.partner ? 1 : 0));
        const mine = drawWinners(sorted.map((e) => ({ id: e.partner, weight: e.tickets })), n, seed, p, rule);
        const theirs = verify.drawWinners(es, n, seed, p, rule);
        expect(mine.map((w) => [w.id, w.ticket, w.counter])).toEqual(theirs.map((w) => [w.partner, w.ticket, w.counter]));
        expect(mine.length).toBe(Math.min(n, sorted.length));
      }),
    );
  });

  it('the draw does not depend on the order of the rows', () => {
    const a = compileOrThrow(SWEEPSTAKES);
    const sale = fc.record({ partner: fc.constantFrom('P1', 'P2', 'P3', 'P4'), amount: fc.integer({ min: 0, max: 9000 }) });
    fc.assert(
      fc.property(fc.array(sale, { maxLength: 12 }), fc.boolean(), (ss, reverse) => {
        const rows = ss.map((s, i) => `S${i},${s.partner},2026-02-0${1 + (i % 9)},${s.amount}`);
        const parts = SWEEPSTAKES_DATA['partners.csv'].trim().split('\n');
        const files = (flip: boolean) => ({
          'partners.csv': [parts[0], ...(flip ? parts.slice(1).reverse() : parts.slice(1))].join('\n') + '\n',
          'sale.csv': `id,partner,date,amount\n${(flip ? [...rows].reverse() : rows).join('\n')}\n`,
        });
        const once = (flip: boolean) => {
          const { data } = loadData(a, files(flip));
          return new Evaluator(a).run(data).map((r) => statementJson(a, r));
        };
        expect(once(reverse)).toEqual(once(false));
      }),
      { numRuns: 30 },
    );
  });
});
