// Writes data/ for the Threadline Creators example: three creators written out by hand (C01–C03,
// the ones worked through in README.md: a hold across a month end, returns within the window that
// cancel what is pending, a return after it that leaves a debt), then 21 generated ones (C04–C24)
// with their orders of 2026 and the returns of about one order in seven — most within the 30-day
// window, some after it, some partial. C05 is a large publisher whose commission reaches the
// monthly cap. Seeded: `node generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int, pick } = seeded(2026_30);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const dayOfYear = (m, d) => DAYS.slice(0, m - 1).reduce((s, x) => s + x, 0) + d;
const dateOf = (n) => {
  let m = 1;
  while (n > DAYS[m - 1]) n -= DAYS[m++ - 1];
  return `2026-${pad(m)}-${pad(n)}`;
};
const money = (cents) => `${Math.floor(cents / 100)}.${pad(cents % 100)}`;

// The worked creators: [partner, date, amount, category], and returns [partner, date, order index (1-based, in this list), amount].
const orders = [
  ['C01', '2026-01-01', '80.00', 'apparel'],
  ['C01', '2026-01-20', '150.00', 'home'],
  ['C01', '2026-02-14', '499.99', 'electronics'],
  ['C01', '2026-03-05', '120.00', 'apparel'],
  ['C02', '2026-02-20', '300.00', 'electronics'],
  ['C02', '2026-02-27', '120.00', 'apparel'],
  ['C02', '2026-03-10', '250.00', 'home'],
  ['C03', '2026-04-06', '400.00', 'apparel'],
  ['C03', '2026-07-03', '300.00', 'apparel'],
  ['C03', '2026-07-10', '500.00', 'home'],
  ['C03', '2026-12-15', '200.00', 'apparel'],
].map(([partner, date, amount, category]) => ({ partner, date, amount, category }));
const returns = [
  ['C01', '2026-03-18', 4, '120.00'], // the same month as its order: netted before anything is held
  ['C02', '2026-03-05', 6, '120.00'], // within the window: cancels the 12.00 pending
  ['C02', '2026-04-02', 7, '100.00'], // within the window, part of the order: cancels 6.00 of 15.00
  ['C03', '2026-06-08', 8, '400.00'], // after the window (available on 6 May): clawed back, a debt
].map(([partner, date, order, amount]) => ({ partner, date, order, amount }));

for (let i = 4; i <= 24; i++) {
  const id = `C${pad(i, 2)}`;
  const big = id === 'C05'; // a large publisher: many orders, reaches the 2,500 USD monthly cap
  const reach = rnd(); // how many orders this creator's links bring
  const first = int(1, 4);
  for (let month = first; month <= 12; month++) {
    const count = big ? int(20, 34) : int(0, Math.floor(1 + reach * 6));
    for (let k = 0; k < count; k++) {
      const category = pick(['apparel', 'apparel', 'apparel', 'home', 'home', 'electronics']);
      const cents = big ? int(60_000, 200_000) : category === 'electronics' ? int(5_000, 90_000) : int(1_500, 30_000);
      const day = int(1, DAYS[month - 1]);
      orders.push({ partner: id, date: `2026-${pad(month)}-${pad(day)}`, amount: money(cents), category });
      if (rnd() < 0.14) {
        const at = dayOfYear(month, day) + (rnd() < 0.75 ? int(1, 29) : int(30, 60));
        const back = rnd() < 0.6 ? cents : int(Math.ceil(cents / 5), Math.floor((cents * 9) / 10));
        if (at <= 365) returns.push({ partner: id, date: dateOf(at), order: orders.length, amount: money(back) });
      }
    }
  }
}
const withIds = (xs, prefix) => xs.map((x, i) => ({ id: `${prefix}${pad(i + 1, 4)}`, ...x }));
const orderRows = withIds(orders, 'O');
const returnRows = withIds(
  returns.map((r) => ({ ...r, order: orderRows[r.order - 1].id })),
  'R',
);
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/order.csv', import.meta.url), csv(orderRows, ['id', 'partner', 'date', 'amount', 'category']));
writeFileSync(new URL('./data/return.csv', import.meta.url), csv(returnRows, ['id', 'partner', 'date', 'order', 'amount']));
console.log(`24 creators, ${orders.length} orders, ${returns.length} returns`);
