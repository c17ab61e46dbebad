/**
 * The streamed JSON statement writes some parts out for their known shape instead of walking them
 * (runtime/statement-stream.ts): each must be exactly what the generic indentation of the same
 * object gives, which is `JSON.stringify(…, null, 2)` indented.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerJson } from '../../runtime/ledger/statement.js';
import type { LedgerFigures } from '../../runtime/ledger/ledger.js';
import * as N from '../../runtime/num.js';
import { indented, ledgerJsonWriter } from '../../runtime/statement-partner.js';
import { Writer } from '../../runtime/statement-stream.js';

const amount = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }).map((v) => N.fromUnits(v, 2));
const period = fc.constantFrom('2026-Q1', '2026-03', '2026', '2026-H2', '2027-Q4');
const figures: fc.Arbitrary<LedgerFigures> = fc.record({
  lots: fc.array(fc.record({ period, remaining: amount, expires: fc.option(period, { nil: undefined }) }), { maxLength: 4 }).map((ls) => ls.map((l) => (l.expires ? l : { period: l.period, remaining: l.remaining }))),
  balance: amount,
  redeemed: amount,
  expired: amount,
  expiring: amount,
  expiringOn: fc.constantFrom('2026-03-31', '2026-12-31', '2027-06-30'),
});

describe('the JSON statement written for its shape', () => {
  it('a ledger: the same text as its object indented', () => {
    const f = (v: N.Num) => N.toFixedText(v, 2);
    /** What the ledger's writer gives, as text. */
    const written = (l: LedgerFigures, at: string): string => {
      const out: Uint8Array[] = [];
      const w = new Writer((c) => void out.push(typeof c === 'string' ? new TextEncoder().encode(c) : c.slice()));
      ledgerJsonWriter(at)(w, l, 2);
      w.flush();
      return Buffer.concat(out).toString('utf8');
    };
    fc.assert(
      fc.property(figures, fc.constantFrom('', '  ', '        '), (l, at) => {
        expect(written(l, at)).toBe(indented(ledgerJson(l, f), at));
      }),
    );
    // one by hand
    const l: LedgerFigures = { lots: [{ period: '2026-Q1', remaining: N.parseNum('12.50'), expires: '2026-Q3' }], balance: N.parseNum('12.50'), redeemed: N.parseNum('0'), expired: N.parseNum('0'), expiring: N.parseNum('0'), expiringOn: '2026-06-30' };
    expect(written(l, '')).toBe(JSON.stringify(ledgerJson(l, f), null, 2));
  });
});

describe('the statements\' writer', () => {
  /** The bytes a writer gives for `pieces` (its chunks, strings given as UTF-8). */
  function written(pieces: readonly string[]): { bytes: Uint8Array; chunks: number } {
    const out: Uint8Array[] = [];
    const w = new Writer((c) => void out.push(typeof c === 'string' ? new TextEncoder().encode(c) : c.slice()));
    for (const p of pieces) w.write(p);
    w.flush();
    return { bytes: Buffer.concat(out), chunks: out.length };
  }

  it('writes the UTF-8 of the pieces joined, whatever their sizes and characters', () => {
    // well-formed text (what statements are made of: JSON.stringify escapes lone surrogates), short and long
    const piece = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.nat({ max: 200_000 }).map((n) => 'é→'.repeat(n)));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        expect(Buffer.from(written(pieces).bytes).equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('writes over its buffer only when the consumer says it kept nothing of it', () => {
    // three consumers: one copies and says so (the buffer is reused), one keeps the views it is
    // given (the writer must go on in a new buffer), one copies without saying so
    const piece = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat({ max: 30_000 }).map((n) => 'é→ab'.repeat(n)));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const want = Buffer.from(pieces.join(''), 'utf8');
        const sinks = [
          (out: Uint8Array[]) => (c: string | Uint8Array) => (out.push(typeof c === 'string' ? new TextEncoder().encode(c) : c.slice()), true),
          (out: Uint8Array[]) => (c: string | Uint8Array) => void out.push(typeof c === 'string' ? new TextEncoder().encode(c) : c),
          (out: Uint8Array[]) => (c: string | Uint8Array) => void out.push(typeof c === 'string' ? new TextEncoder().encode(c) : c.slice()),
        ];
        for (const sink of sinks) {
          const out: Uint8Array[] = [];
          const w = new Writer(sink(out));
          for (const p of pieces) w.write(p);
          w.flush();
          expect(Buffer.concat(out).equals(want)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('writes ASCII text as it is and strings as JSON.stringify escapes them, whatever the characters', () => {
    // `ascii` is given any text (beyond ASCII it must still be right), `json` any string: quotes,
    // backslashes, control characters and lone surrogates (JSON.stringify escapes those), and long
    // strings of quotes, backslashes and characters beyond ASCII
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', '\u007f', 'é', '→', '\ud83d', '\ude00', '😀'), maxLength: 100 }), fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', 'é', '→'), minLength: 33, maxLength: 200 }), fc.nat({ max: 50_000 }).map((n) => 'é→"'.repeat(n)));
    const piece = fc.record({ how: fc.constantFrom('write', 'ascii', 'json'), s: text });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const out: Uint8Array[] = [];
        const w = new Writer((c) => void out.push(typeof c === 'string' ? new TextEncoder().encode(c) : c.slice()));
        for (const { how, s } of pieces) (how === 'json' ? w.json(s) : how === 'ascii' ? w.ascii(s) : w.write(s));
        w.flush();
        const want = pieces.map(({ how, s }) => (how === 'json' ? JSON.stringify(s) : s)).join('');
        expect(Buffer.concat(out).equals(Buffer.from(want, 'utf8'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes an amount as N.toFixedText does, whatever its value, scale and the digits asked', () => {
    // Fixed values near 0, of every scale, near 2^53 and past it once scaled (then the text's path), and Decs
    const fixed = fc.tuple(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger(), fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.constant(-0)), fc.nat({ max: 15 })).map(([n, s]) => new N.Fixed(n, s));
    const dec = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat({ max: 6 })).map(([u, d]) => N.fromUnits(u, d));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fixed, dec), fc.nat({ max: 6 })), { minLength: 1, maxLength: 20 }), (amounts) => {
        // (toFixedText asks for a value already rounded to its digits: round first, as statements are)
        const values = amounts.map(([v, d]) => [N.round(v, d, 'half-even'), d] as const);
        const out: Uint8Array[] = [];
        const w = new Writer((c) => void out.push(typeof c === 'string' ? new TextEncoder().encode(c) : c.slice()));
        for (const [v, d] of values) {
          w.fixed(v, d);
          w.ascii(' ');
        }
        w.flush();
        expect(Buffer.concat(out).toString('utf8')).toBe(values.map(([v, d]) => N.toFixedText(v, d) + ' ').join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('gives chunks of about 64 KiB, and a piece longer than its buffer whole', () => {
    const { bytes, chunks } = written(Array.from({ length: 1000 }, (_, i) => `{"id": "P${i}", "trace": "a → b"},\n`.repeat(10)));
    expect(bytes.length).toBeGreaterThan(300_000);
    expect(chunks).toBeGreaterThanOrEqual(Math.floor(bytes.length / (1 << 17)));
    expect(chunks).toBeLessThanOrEqual(Math.ceil(bytes.length / (1 << 16)));
    const long = '→'.repeat(100_000);
    expect(Buffer.from(written(['a', long, 'b']).bytes).toString('utf8')).toBe('a' + long + 'b');
  });
});
