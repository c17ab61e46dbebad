/**
 * The partner table of the byte path (`runtime/data/columns.ts`): ids found from their bytes by
 * hash, and those of the table's pattern (a prefix, then a fixed number of digits) by their number
 * — the same index either way, in the order first met, declared partners first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1, PartnerTable } from '../../../runtime/data/columns.js';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** As the generated converter looks a partner up: by number when the length is the pattern's, else (or when not met) by hash. */
function lookUp(t: PartnerTable, buf: Uint8Array, s: number, e: number): { k: number; byNumber: boolean } {
  const k = e - s === t.numberLength ? t.fromNumber(buf, s) : -1;
  return k >= 0 ? { k, byNumber: true } : { k: t.fromBytes(buf, s, e), byNumber: false };
}

// mostly ids of one shape (met again and again, so found by number), and others of every shape
const id = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 30 }).map((i) => `P${String(i).padStart(3, '0')}`), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom('P', 'NW', '', 'PX', 'p'), fc.stringMatching(/^[0-9]{1,4}$/)).map(([p, d]) => p + d), weight: 1 },
  { arbitrary: fc.constantFrom('P1A', 'Q12', 'P', 'ABCDEFGHIJ1', '12345678', 'P-01', 'P0', 'P00', 'NW001', 'P0a1'), weight: 1 },
);

describe('the partner table', () => {
  it('gives every id its index in the order first met (declared first), by number or by hash alike', () => {
    let byNumber = 0;
    fc.assert(
      fc.property(fc.uniqueArray(id, { maxLength: 3 }), fc.array(id, { minLength: 1, maxLength: 60, size: 'max' }), (declared, ids) => {
        const sorted = [...declared].sort();
        const t = new PartnerTable(sorted.map((d) => ({ id: d, attrs: {} })), () => true);
        const want = new Map<string, number>(sorted.map((d, i) => [d, i]));
        // the ids in one buffer, as a file's cells
        const buf = ascii(ids.join(','));
        let s = 0;
        for (const x of ids) {
          const e = s + x.length;
          if (!want.has(x)) want.set(x, want.size);
          const r = lookUp(t, buf, s, e);
          if (r.byNumber) byNumber++;
          expect(r.k, x).toBe(want.get(x));
          expect(t.ids[r.k]).toBe(x);
          s = e + 1;
        }
        expect(t.size).toBe(want.size);
        // and by its text (pass 2), whether it was met on bytes, only declared, or never met
        for (const x of [...want.keys(), 'P999', 'P0031', 'NW9', 'p001', 'P00']) expect(t.indexOf(x), x).toBe(want.get(x) ?? -1);
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(byNumber).toBeGreaterThan(1000);
  });

  it('learns the pattern of the first id met on bytes: a prefix without digits (8 bytes at most), then 1 to 6 digits', () => {
    const first = (x: string) => {
      const t = new PartnerTable([], () => true);
      t.fromBytes(ascii(x), 0, x.length);
      return t.numberLength;
    };
    expect(first('P03613')).toBe(6);
    expect(first('4711')).toBe(4);
    expect(first('PARTNER-001')).toBe(11);
    expect(first('P1234567')).toBe(-1); // 7 digits
    expect(first('ABCDEFGHI1')).toBe(-1); // a prefix of 9 bytes
    expect(first('Acme')).toBe(-1); // no digit
  });

  it('an id met by number is the one met by hash, and one not met yet is not found by number', () => {
    const t = new PartnerTable([], () => true);
    const buf = ascii('P001,P002,P001,Q001,P01,P0a1,P491');
    expect(t.fromBytes(buf, 0, 4)).toBe(0);
    expect(t.fromNumber(buf, 0)).toBe(0);
    expect(t.fromNumber(buf, 5)).toBe(-1); // P002: not met
    expect(t.fromBytes(buf, 5, 9)).toBe(1);
    expect(t.fromNumber(buf, 10)).toBe(0); // P001 again
    expect(t.fromNumber(buf, 15)).toBe(-1); // Q001: another prefix
    expect(t.fromBytes(buf, 15, 19)).toBe(2);
    expect(t.fromNumber(buf, 24)).toBe(-1); // P0a1: not digits
    expect(t.fromBytes(buf, 24, 28)).toBe(3);
    expect(t.fromBytes(buf, 20, 23)).toBe(4); // P01: another length
    // (the letter is not a digit "49" after a 0: P491 is not P0a1)
    expect(t.fromNumber(buf, 29)).toBe(-1);
    expect(t.fromBytes(buf, 29, 33)).toBe(5);
    expect(t.ids).toEqual(['P001', 'P002', 'Q001', 'P0a1', 'P01', 'P491']);
  });
});

describe('latin1 (a text from bytes)', () => {
  it('gives what a Buffer decodes as latin1, for short and long texts, anywhere in a buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat({ max: 80 }), fc.nat({ max: 80 }), (bytes, a, b) => {
        const [s, e] = [Math.min(a, b, bytes.length), Math.min(Math.max(a, b), bytes.length)];
        expect(latin1(bytes, s, e)).toBe(Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('latin1'));
      }),
      { numRuns: 2000 },
    );
  });
});
