// Writes data/ for the Borealis rebate example: 80 distributors with quarterly targets, their
// purchases and returns of 2026. Seeded: `node generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int, pick } = seeded(1500);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const money = (c) => `${Math.floor(c / 100)}.${pad(c % 100)}`;

const partners = [];
const purchases = [];
const returns = [];
for (let i = 1; i <= 80; i++) {
  const target = int(10, 80) * 10_000; // whole euros, 100k..800k per quarter
  partners.push({ id: `D${pad(i, 3)}`, target: `${target}.00`, region: pick(['North', 'South', 'East', 'West']) });
  const form = 0.6 + rnd() * 1.0; // how this distributor performs against its target: 60%..160%
  for (let month = 1; month <= 12; month++) {
    const lines = int(8, 12);
    for (let k = 0; k < lines; k++) {
      const cents = Math.floor(((target * 100 * form) / 3 / lines) * (0.5 + rnd()));
      purchases.push({ partner: `D${pad(i, 3)}`, date: `2026-${pad(month)}-${pad(int(1, DAYS[month - 1]))}`, amount: money(cents) });
      if (rnd() < 0.05) returns.push({ partner: `D${pad(i, 3)}`, date: `2026-${pad(month)}-${pad(int(1, DAYS[month - 1]))}`, amount: money(Math.floor(cents * (0.2 + rnd() * 0.8))) });
    }
  }
}
const withIds = (xs, prefix) => xs.map((x, i) => ({ id: `${prefix}${pad(i + 1, 5)}`, ...x }));
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/partners.csv', import.meta.url), csv(partners, ['id', 'target', 'region']));
writeFileSync(new URL('./data/purchase.csv', import.meta.url), csv(withIds(purchases, 'PO'), ['id', 'partner', 'date', 'amount']));
writeFileSync(new URL('./data/return.csv', import.meta.url), csv(withIds(returns, 'RT'), ['id', 'partner', 'date', 'amount']));
console.log(`${partners.length} distributors, ${purchases.length} purchases, ${returns.length} returns`);
