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
import { indented, ledgerJsonText } from '../../runtime/statement-stream.js';

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
    fc.assert(
      fc.property(figures, fc.constantFrom('', '  ', '        '), (l, at) => {
        expect(ledgerJsonText(l, f, at)).toBe(indented(ledgerJson(l, f), at));
      }),
    );
    // one by hand
    const l: LedgerFigures = { lots: [{ period: '2026-Q1', remaining: N.parseNum('12.50'), expires: '2026-Q3' }], balance: N.parseNum('12.50'), redeemed: N.parseNum('0'), expired: N.parseNum('0'), expiring: N.parseNum('0'), expiringOn: '2026-06-30' };
    expect(ledgerJsonText(l, f, '')).toBe(JSON.stringify(ledgerJson(l, f), null, 2));
  });
});
