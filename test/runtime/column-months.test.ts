import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ColumnMonths } from '../../runtime/column-months.js';
import type { LocalMeasure } from '../../runtime/plan.js';

describe('the column kernel\'s store', () => {
  it('keeps every sum and count where the layout says as it grows, in partners and in months', () => {
    // a store of k measures: sums and counts written after each growth, then all read back
    const op = fc.record({ size: fc.integer({ min: 1, max: 5_000 }), lo: fc.integer({ min: 0, max: 30 }), span: fc.integer({ min: 0, max: 6 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(op, { minLength: 1, maxLength: 8 }), (k, ops) => {
        const measures = Array.from({ length: k }, (_, i) => ({ step: { name: `m${i}` } }) as unknown as LocalMeasure);
        const store = new ColumnMonths(measures, 1);
        const model = new Map<string, [number, number]>();
        let n = 0;
        for (const { size, lo, span } of ops) {
          store.reserve(size, lo, lo + span);
          // write into a few places of the room made: partners below `size`, spans in [lo, lo + span]
          for (let j = 0; j < 20; j++) {
            const p = (j * 7919 + n) % size;
            const m = lo + ((j + n) % (span + 1));
            const q = (j + n) % k;
            const at = (p * store.months_ + m - store.first) * k + q;
            store.sums[at] = ++n;
            store.counts[at] = n % 1000;
            model.set(`${p},${m},${q}`, [n, n % 1000]);
          }
          expect(store.cap).toBeGreaterThanOrEqual(size);
          for (const [key, [sum, count]] of model) {
            const [p, m, q] = key.split(',').map(Number) as [number, number, number];
            const at = (p * store.months_ + m - store.first) * k + q;
            expect([store.sums[at], store.counts[at]]).toEqual([sum, count]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
