// An independent recomputation of 2026-Q1 from data/, in integer cents and plain JS (no Incent
// code), compared with expected/2026-Q1.json: status, points, credit (rebate), cash (SPIFF after
// the budget and the minimum) and the trip, for every partner. `node check-by-hand.mjs`
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const cents = (s) => Number(s.replace('.', ''));   // amounts are written with exactly two decimals
const partners = rows('partners.csv');
const sales = rows('sale.csv');
const trainings = rows('training.csv');
const expected = JSON.parse(readFileSync(new URL('./expected/2026-Q1.json', import.meta.url), 'utf8'));

const inQ1 = (d) => d >= '2026-01-01' && d <= '2026-03-31';
const in4q = (d) => d >= '2025-04-01' && d <= '2026-03-31';
const mine = {};
for (const p of partners) mine[p.id] = { revenue: 0, hw: 0, rev4q: 0, quarterPoints: 0, spiff: 0, cert: false };
for (const s of sales) {
  const m = mine[s.partner];
  if (in4q(s.date)) m.rev4q += cents(s.amount);
  if (!inQ1(s.date)) continue;
  m.revenue += cents(s.amount);
  if (s.category === 'hardware') m.hw += cents(s.amount);
  if (s.sku === 'NW-RTR-9' && s.date >= '2026-03-01') m.spiff += 2500 * Number(s.quantity);
}
for (const t of trainings) if (t.course === 'Router Pro' && inQ1(t.date)) mine[t.partner].cert = true;

let budgetBase = 0;
for (const p of partners) {
  const m = mine[p.id];
  m.status = m.rev4q >= 100_000_000 ? 'Gold' : m.rev4q >= 25_000_000 ? 'Silver' : 'Member';
  const mult4 = { Member: 4, Silver: 5, Gold: 6 }[m.status];          // multiplier × 4, to stay in integers
  for (const s of sales) if (s.partner === p.id && inQ1(s.date) && s.category === 'hardware') m.quarterPoints += Math.floor(cents(s.amount) / 100) * mult4;
  m.points = Math.floor(m.quarterPoints / 4) + (m.cert ? 500 : 0);
  // rebate: 2/3/4 % of hardware cents, half-even to the cent, capped at 50,000 EUR
  const pct = m.hw >= 50_000_000 ? 4 : m.hw >= 10_000_000 ? 3 : 2;
  const raw = m.hw * pct; // hundredths of a cent
  let credit = Math.floor(raw / 100);
  const rest = raw % 100;
  if (rest > 50 || (rest === 50 && credit % 2 === 1)) credit++;
  m.credit = p.kind === 'distributor' ? Math.min(credit, 5_000_000) : 0;
  m.spiff = Math.min(m.spiff, 2_000_000);
  budgetBase += m.spiff;
}
// budget 75,000 EUR: scale down in whole cents, leftover cents to the largest remainders (then id)
const budget = 7_500_000;
const scaled = partners.map((p) => {
  const e = BigInt(mine[p.id].spiff);
  const num = e * BigInt(budget);
  return { id: p.id, q: num / BigInt(budgetBase), r: num % BigInt(budgetBase) };
});
let left = BigInt(budget) - scaled.reduce((a, x) => a + x.q, 0n);
for (const x of [...scaled].sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.id < b.id ? -1 : 1))) if (left-- > 0n) x.q++;
for (const x of scaled) mine[x.id].cash = budgetBase > budget ? Number(x.q) : mine[x.id].spiff;
// trip: top 10 by revenue (then id) among partners with revenue >= 500,000 EUR
const top = partners.filter((p) => mine[p.id].revenue >= 50_000_000).sort((a, b) => mine[b.id].revenue - mine[a.id].revenue || (a.id < b.id ? -1 : 1)).slice(0, 10).map((p) => p.id);

const eur = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
let mismatches = 0;
for (const p of partners) {
  const m = mine[p.id];
  const e = expected.partners.find((x) => x.id === p.id);
  const paidCash = m.cash >= 5000 ? m.cash : 0;                         // minimum 50 EUR (nothing carried in for Q1)
  const got = { status: m.status, points: String(m.points), credit: eur(m.credit), cash: eur(paidCash), trip: top.includes(p.id) ? '1' : '0' };
  const exp = { status: e.tiers.status, points: e.pots.points.paid, credit: e.pots.credit.paid, cash: e.pots.cash.paid, trip: e.pots.trip.paid };
  if (JSON.stringify(got) !== JSON.stringify(exp)) { mismatches++; console.log('MISMATCH', p.id, got, exp); }
  if (['NW001', 'NW004', 'NW030', 'NW025'].includes(p.id)) console.log(p.id, JSON.stringify(got));
}
console.log(`SPIFF before the budget: ${eur(budgetBase)} EUR; trip: ${top.join(' ')}`);
console.log(`${partners.length - mismatches} of ${partners.length} partners match expected/2026-Q1.json`);
process.exit(mismatches ? 1 : 0);
