/** A small seeded draw (§13.5), shared by test/runtime/sweepstakes.test.ts and the browser's determinism test. */
import { header } from './run.js';

export const SWEEPSTAKES = `${header()}
partner {
  name: text
}
event sale {
  amount: money
}
measure revenue = sum sale.amount
payout trip as item {
  value 2_000 EUR
}
rule "Summer draw" {
  for random 2 partners weighted by floor(revenue / 1_000 EUR) seed "Summer 2026" where revenue > 0 EUR
  award 1 to trip
}
`;

export const SWEEPSTAKES_DATA = {
  'partners.csv': 'id,name\nP1,Alpha\nP2,Beta\nP3,Gamma\nP4,Delta\n',
  // P1: 3 entries (3,500 EUR), P2: 1 (1,200), P3: 0 (800: enters nothing), P4: no sales (the `where` is false).
  'sale.csv': 'id,partner,date,amount\nS1,P1,2026-01-10,2000\nS2,P1,2026-02-10,1500\nS3,P2,2026-03-01,1200\nS4,P3,2026-03-15,800\n',
};
