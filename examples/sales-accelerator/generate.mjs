// Writes data/ for the Helix accelerator example: 100 partners with quarterly targets and their
// closed deals from 2025-Q4 (the quarter before the program, for Q1's growth) to 2026-Q4.
// Seeded: `node generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int } = seeded(125);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const money = (c) => `${Math.floor(c / 100)}.${pad(c % 100)}`;

const partners = [];
const bookings = [];
const quarters = [[2025, 4], [2026, 1], [2026, 2], [2026, 3], [2026, 4]];
for (let i = 1; i <= 100; i++) {
  const enterprise = rnd() < 0.3;
  const target = int(enterprise ? 20 : 5, enterprise ? 60 : 20) * 10_000; // whole dollars
  const id = `HX${pad(i, 3)}`;
  partners.push({ id, target: `${target}.00`, segment: enterprise ? 'enterprise' : 'commercial' });
  let form = 0.3 + rnd() * 1.2; // attainment drifts from quarter to quarter
  for (const [year, q] of quarters) {
    form = Math.max(0.1, form + (rnd() - 0.45) * 0.5);
    const deals = int(6, 14);
    for (let k = 0; k < deals; k++) {
      const month = (q - 1) * 3 + int(1, 3);
      bookings.push({ partner: id, date: `${year}-${pad(month)}-${pad(int(1, DAYS[month - 1]))}`, amount: money(Math.floor(((target * 100 * form) / deals) * (0.4 + rnd() * 1.2))) });
    }
  }
}
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/partners.csv', import.meta.url), csv(partners, ['id', 'target', 'segment']));
writeFileSync(new URL('./data/booking.csv', import.meta.url), csv(bookings.map((b, i) => ({ id: `DEAL${pad(i + 1, 5)}`, ...b })), ['id', 'partner', 'date', 'amount']));
console.log(`${partners.length} partners, ${bookings.length} deals`);
