// Writes data/ for the Northwind example: 120 partners, their 2025-Q2..2026-Q4 invoice lines and
// trainings. Seeded, so the same files come out every time: `node generate.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { int, pick } = seeded(2026);
const money = (cents) => `${Math.floor(cents / 100)}.${pad(cents % 100)}`;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const randomDate = (year, month) => `${year}-${pad(month)}-${pad(int(1, DAYS[month - 1]))}`;

// Unit prices in cents.
const CATALOG = [
  { sku: 'NW-RTR-9', category: 'hardware', price: 119_990 },
  { sku: 'NW-SW-24', category: 'hardware', price: 339_900 },
  { sku: 'NW-AP-6', category: 'hardware', price: 44_950 },
  { sku: 'NW-OS-LIC', category: 'software', price: 79_900 },
  { sku: 'NW-SVC-INST', category: 'services', price: 150_000 },
];

const partners = [];
for (let i = 1; i <= 120; i++) {
  const kind = i <= 24 ? 'distributor' : 'reseller';
  partners.push({ id: `NW${pad(i, 3)}`, kind, region: pick(['EMEA', 'AMER', 'APAC']), size: kind === "distributor" ? int(4, 20) : int(1, 6) });
}

const sales = [];
const trainings = [];
let saleNo = 0;
let trainingNo = 0;
const months = [];
for (let m = 4; m <= 12; m++) months.push([2025, m]);
for (let m = 1; m <= 12; m++) months.push([2026, m]);
for (const p of partners) {
  for (const [year, month] of months) {
    const lines = int(0, p.kind === 'distributor' ? 3 : 2);
    // March 2026 is the SPIFF month: partners push the router.
    const spiff = year === 2026 && month === 3;
    for (let k = 0; k < lines + (spiff ? 1 : 0); k++) {
      const item = spiff && k === 0 ? CATALOG[0] : pick(CATALOG);
      const quantity = p.kind === 'distributor' ? int(2, 12) * p.size : int(1, 4) * p.size;
      sales.push({ id: `S${pad(++saleNo, 6)}`, partner: p.id, date: randomDate(year, month), sku: item.sku, category: item.category, amount: money(item.price * quantity), quantity });
    }
  }
  // Engineers take courses; some partners take "Router Pro" more than once (only the first counts).
  for (let k = int(0, 3); k > 0; k--) {
    trainings.push({ id: `T${pad(++trainingNo, 5)}`, partner: p.id, date: randomDate(2026, int(1, 12)), course: pick(['Router Pro', 'Router Pro', 'Switching Basics', 'Wi-Fi Design']) });
  }
}

const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/partners.csv', import.meta.url), csv(partners, ['id', 'kind', 'region']));
writeFileSync(new URL('./data/sale.csv', import.meta.url), csv(sales, ['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity']));
writeFileSync(new URL('./data/training.csv', import.meta.url), csv(trainings, ['id', 'partner', 'date', 'course']));
console.log(`${partners.length} partners, ${sales.length} sales, ${trainings.length} trainings`);
