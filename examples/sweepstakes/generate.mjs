// Writes data/ for the Harbor sweepstakes example: 120 resellers, their sales and trainings of
// 2026. Seeded: `node generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int, pick } = seeded(7_777);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const partners = [];
const sales = [];
const trainings = [];
for (let i = 1; i <= 120; i++) {
  const id = `H${pad(i, 3)}`;
  partners.push({ id, region: pick(['North', 'South']) });
  const size = rnd() * rnd() * 40_000; // most resellers are small, a few are large
  for (let month = 1; month <= 12; month++) {
    for (let k = 0; k < int(0, 3); k++) {
      const cents = Math.floor((size / 3) * (0.3 + rnd()) * 100);
      if (cents > 0) sales.push({ partner: id, date: `2026-${pad(month)}-${pad(int(1, DAYS[month - 1]))}`, amount: `${Math.floor(cents / 100)}.${pad(cents % 100)}` });
    }
    if (rnd() < 0.08) trainings.push({ partner: id, date: `2026-${pad(month)}-${pad(int(1, DAYS[month - 1]))}`, course: pick(['Harbor basics', 'Harbor security', 'Harbor cloud']) });
  }
}
const withIds = (xs, prefix) => xs.map((x, i) => ({ id: `${prefix}${pad(i + 1, 5)}`, ...x }));
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/partners.csv', import.meta.url), csv(partners, ['id', 'region']));
writeFileSync(new URL('./data/sale.csv', import.meta.url), csv(withIds(sales, 'S'), ['id', 'partner', 'date', 'amount']));
writeFileSync(new URL('./data/training.csv', import.meta.url), csv(withIds(trainings, 'T'), ['id', 'partner', 'date', 'course']));
console.log(`120 resellers, ${sales.length} sales, ${trainings.length} trainings`);
