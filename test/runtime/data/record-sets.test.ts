/**
 * Duplicate ids of the streamed reader (`runtime/data/record-sets.ts`): whichever way the ids come
 * (one by one, a run's hashes, another thread's pairs, their text) and however they are kept (a
 * bit of their prefix's bitmap, or a pair sorted at the end), every id met twice is a suspect.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idHash1, idHash2, idKey, IdHashes } from '../../../runtime/data/record-sets.js';

const SEED = 0x1234;
const id = fc.oneof(
  fc.tuple(fc.constantFrom('L', 'INV-', 'AB', '', 'Ab'), fc.integer({ min: 0, max: 40 })).map(([p, n]) => p + n),
  fc.constantFrom('L01', 'L0', 'ABCD7', 'L999999999', 'L134217727', 'L134217728', 'L1x1', 'x', 'é1', '7-11'),
);

describe('duplicate ids', () => {
  it('every id met twice is a suspect, however it came and was kept; an id met once is not, but for a collision', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(id, fc.constantFrom('add', 'addAll', 'append', 'addId')), { minLength: 1, maxLength: 80, size: 'max' }), (ids) => {
        const h = new IdHashes();
        for (const [x, how] of ids) {
          const h1 = idHash1(x, SEED);
          const h2 = idHash2(x, SEED);
          if (how === 'add') h.add(h1, h2, -1);
          else if (how === 'addId') h.addId(x, SEED, -1);
          else if (how === 'addAll') h.addAll(Int32Array.of(0, h1), Int32Array.of(0, h2), 1, 2, -1);
          else {
            // another thread's pairs, kept as pairs there
            const tail = new IdHashes(false);
            tail.add(h1, h2, -1);
            h.append(tail.h1, tail.h2, tail.count, -1);
          }
        }
        const suspects = h.duplicates();
        const times = new Map<string, number>();
        for (const [x] of ids) times.set(x, (times.get(x) ?? 0) + 1);
        for (const [x, n] of times) {
          if (n > 1) expect(suspects.has(idKey(x, SEED, -1)), `${x} met ${n} times`).toBe(true);
        }
        // suspects are keys of ids met twice (a key can stand for several numbers: their low 11 bits are dropped)
        const twice = new Set([...times].filter(([, n]) => n > 1).map(([x]) => idKey(x, SEED, -1)));
        for (const k of suspects) expect(twice.has(k)).toBe(true);
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('ids that are a prefix and a small number are kept as bits, not pairs; a test\'s mask keeps every id as a pair', () => {
    const h = new IdHashes();
    for (let n = 1; n <= 1000; n++) h.addId(`L${n}`, SEED, -1);
    h.addId('L1x1', SEED, -1);
    expect(h.count).toBe(1); // only L1x1 is a pair
    h.addId('L500', SEED, -1);
    expect([...h.duplicates()]).toEqual([idKey('L500', SEED, -1)]);
    const masked = new IdHashes();
    for (let n = 1; n <= 10; n++) masked.addId(`L${n}`, SEED, 0xff);
    expect(masked.count).toBe(10);
  });

  it('bitmaps take no more than the pairs they spare (and 1 MiB): past that, ids are pairs, and one met both ways is a suspect', () => {
    const h = new IdHashes();
    // 400 prefixes of three letters, numbers spread up to 10^8: a bitmap each would take ~5 GiB
    const ids: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const p = String.fromCharCode(65 + (i % 20), 65 + ((i / 20) % 20 | 0), 75);
      ids.push(`${p}${1 + ((i * 2_654_435_761) % 99_999_999)}`);
    }
    for (const x of ids) h.addId(x, SEED, -1);
    const bitmaps = h.bytes - h.h1.byteLength * 2;
    expect(bitmaps).toBeLessThanOrEqual(8 * ids.length + (1 << 20));
    expect(h.count).toBeGreaterThan(0); // some kept as pairs
    // every id again, in another order: each is a suspect, whether its first was a bit or a pair
    for (let i = ids.length - 1; i >= 0; i--) h.addId(ids[i]!, SEED, -1);
    const suspects = h.duplicates();
    for (const x of ids) expect(suspects.has(idKey(x, SEED, -1)), x).toBe(true);
  });
});
