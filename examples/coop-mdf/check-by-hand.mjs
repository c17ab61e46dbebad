// An independent recomputation of 2026-Q1 from data/, in integer arithmetic and plain JS, compared
// with expected/2026-Q1.json: each partner's accrual (per rule, rounded half-even once), the budget
// scaling (whole cents, leftover cents to the largest remainders) and what is paid or carried.
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const cents = (s) => BigInt(s.replace('.', ''));
const BASE = { registered: 0n, silver: 100n, gold: 200n, platinum: 300n }; // basis points
const KICK = { networking: 100n, software: 50n, servers: 0n, storage: 0n };
const inQ1 = (d) => d <= '2026-03-31';
// a sum in cents × basis points (1/10,000 of a cent) rounded half-even to a cent
const halfEven = (v) => {
  const neg = v < 0n;
  const a = neg ? -v : v;
  let q = a / 10_000n;
  const r = a % 10_000n;
  if (r > 5_000n || (r === 5_000n && q % 2n === 1n)) q++;
  return neg ? -q : q;
};
const partners = rows('partners.csv');
const expected = JSON.parse(readFileSync(new URL('./expected/2026-Q1.json', import.meta.url), 'utf8'));
const earned = {};
for (const p of partners) {
  const bp = BASE[p.level];
  let accrual = 0n;
  let reversal = 0n;
  if (bp > 0n) {
    for (const x of rows('purchase.csv')) if (x.partner === p.id && inQ1(x.date)) accrual += cents(x.amount) * (bp + KICK[x.line]);
    for (const x of rows('return.csv')) if (x.partner === p.id && inQ1(x.date)) reversal -= cents(x.amount) * (bp + KICK[x.line]);
  }
  earned[p.id] = halfEven(accrual) + halfEven(reversal);
}
const budget = 12_000_000n;
const positive = Object.values(earned).filter((e) => e > 0n).reduce((a, b) => a + b, 0n);
const scaled = partners.map((p) => {
  const e = earned[p.id];
  if (e <= 0n || positive <= budget) return { id: p.id, q: e, r: 0n };
  return { id: p.id, q: (e * budget) / positive, r: (e * budget) % positive };
});
let left = positive > budget ? budget - scaled.filter((x) => x.q > 0n).reduce((a, x) => a + x.q, 0n) : 0n;
for (const x of [...scaled].filter((x) => earned[x.id] > 0n).sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.id < b.id ? -1 : 1))) if (left-- > 0n) x.q++;
const usd = (c) => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;
let bad = 0;
for (const x of scaled) {
  const e = expected.partners.find((y) => y.id === x.id).pots.coop;
  const got = [usd(earned[x.id]), x.q > 0n ? usd(x.q) : '0.00', x.q < 0n ? usd(x.q) : '0.00', x.q > 500_000n];
  const exp = [e.earned, e.paid, e.carried, e.approval];
  if (JSON.stringify(got) !== JSON.stringify(exp)) { bad++; console.log('MISMATCH', x.id, got, exp); }
  if (['CP003', 'CP005', 'CP017'].includes(x.id)) console.log(x.id, partners.find((p) => p.id === x.id).level, `earned ${got[0]}, paid ${got[1]}, carried ${got[2]}`);
}
console.log(`positive accruals ${usd(positive)} against the 120,000.00 budget`);
console.log(`${partners.length - bad} of ${partners.length} partners match expected/2026-Q1.json`);
process.exit(bad ? 1 : 0);
