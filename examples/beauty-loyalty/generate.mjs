// Writes data/ for the Lumière example: 250 members and their receipt lines, 2025–2026.
// Seeded: `node generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int, pick } = seeded(350);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const members = [];
const purchases = [];
for (let i = 1; i <= 250; i++) {
  const id = `M${pad(i, 4)}`;
  members.push({ id, home: rnd() < 0.45 ? 'online' : 'store' });
  // visits per month: most members shop now and then, a few are heavy buyers; some lapse in 2026
  const heavy = rnd() < 0.12;
  const lapses = rnd() < 0.25;
  for (const year of [2025, 2026]) {
    for (let month = 1; month <= 12; month++) {
      if (year === 2026 && lapses) continue;
      const visits = heavy ? int(0, 3) : rnd() < 0.35 ? 1 : 0;
      for (let v = 0; v < visits; v++) {
        const category = rnd() < 0.06 ? 'giftcard' : pick(['makeup', 'makeup', 'skincare', 'fragrance']);
        const cents = category === 'giftcard' ? pick([2500, 5000, 10000]) : int(800, heavy ? 18000 : 9000);
        purchases.push({ partner: id, date: `${year}-${pad(month)}-${pad(int(1, DAYS[month - 1]))}`, category, amount: `${Math.floor(cents / 100)}.${pad(cents % 100)}` });
      }
    }
  }
}
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/partners.csv', import.meta.url), csv(members, ['id', 'home']));
writeFileSync(new URL('./data/purchase.csv', import.meta.url), csv(purchases.map((p, i) => ({ id: `R${pad(i + 1, 6)}`, ...p })), ['id', 'partner', 'date', 'category', 'amount']));
console.log(`${members.length} members, ${purchases.length} receipt lines`);
