// Writes data/ for the Contoso co-op example: 150 partners, purchase and return lines of 2026.
// Seeded: `node generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int, pick } = seeded(42);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const LINES = ['servers', 'storage', 'networking', 'software'];
const money = (c) => `${Math.floor(c / 100)}.${pad(c % 100)}`;

const partners = [];
const purchases = [];
const returns = [];
for (let i = 1; i <= 150; i++) {
  const level = pick(['registered', 'registered', 'silver', 'silver', 'gold', 'platinum']);
  const p = { id: `CP${pad(i, 3)}`, level, region: pick(['NA', 'EU', 'LATAM']) };
  partners.push(p);
  const scale = { registered: 1, silver: 1.5, gold: 2, platinum: 3 }[level];
  for (let month = 1; month <= 12; month++) {
    for (let k = int(0, 3); k > 0; k--) {
      const line = pick(LINES);
      const cents = Math.floor(int(50_000, 1_500_000) * scale);
      const date = `2026-${pad(month)}-${pad(int(1, DAYS[month - 1]))}`;
      purchases.push({ partner: p.id, date, line, amount: money(cents) });
      // one line in twelve comes back, in part, a few weeks later (sometimes in the next quarter)
      if (rnd() < 1 / 12 && month < 12) returns.push({ partner: p.id, date: `2026-${pad(month + 1)}-${pad(int(1, 28))}`, line, amount: money(Math.floor(cents * int(10, 100) / 100)) });
    }
  }
}
const withIds = (xs, prefix) => xs.map((x, i) => ({ id: `${prefix}${pad(i + 1, 5)}`, ...x }));
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/partners.csv', import.meta.url), csv(partners, ['id', 'level', 'region']));
writeFileSync(new URL('./data/purchase.csv', import.meta.url), csv(withIds(purchases, 'INV'), ['id', 'partner', 'date', 'line', 'amount']));
writeFileSync(new URL('./data/return.csv', import.meta.url), csv(withIds(returns, 'CM'), ['id', 'partner', 'date', 'line', 'amount']));
console.log(`${partners.length} partners, ${purchases.length} purchase lines, ${returns.length} returns`);
