// Writes data/ for the Keystone commission example: 30 account executives (8 hired during 2026),
// their deals of 2026 and the cancellations of about one deal in twelve — most within the 30-day
// window, some after it. Seeded: `node generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int, pick } = seeded(3_000);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const dayOfYear = (m, d) => DAYS.slice(0, m - 1).reduce((s, x) => s + x, 0) + d;
const dateOf = (n) => {
  let m = 1;
  while (n > DAYS[m - 1]) n -= DAYS[m++ - 1];
  return `2026-${pad(m)}-${pad(n)}`;
};
const reps = [];
const deals = [];
const cancellations = [];
for (let i = 1; i <= 30; i++) {
  const id = `AE${pad(i, 2)}`;
  const newHire = i > 22;
  const hiredMonth = newHire ? int(1, 9) : 0;
  const hired = newHire ? `2026-${pad(hiredMonth)}-${pad(int(1, 28))}` : `20${int(21, 25)}-${pad(int(1, 12))}-${pad(int(1, 28))}`;
  reps.push({ id, hired, team: pick(['Mid-market', 'Enterprise']) });
  const skill = 0.4 + rnd();
  for (let month = Math.max(1, hiredMonth); month <= 12; month++) {
    const ramp = newHire ? Math.min(1, (month - hiredMonth + 1) / 4) : 1;
    for (let k = 0; k < int(0, 4); k++) {
      if (rnd() > ramp) continue; // a new rep closes less at first
      const cents = Math.round(int(5_000, 120_000) * skill) * 100;
      const day = int(1, DAYS[month - 1]);
      deals.push({ partner: id, date: `2026-${pad(month)}-${pad(day)}`, amount: `${cents / 100}.00` });
      if (rnd() < 0.085) {
        const at = dayOfYear(month, day) + (rnd() < 0.7 ? int(1, 29) : int(30, 75));
        if (at <= 365) cancellations.push({ partner: id, date: dateOf(at), deal: deals.length });
      }
    }
  }
}
const withIds = (xs, prefix) => xs.map((x, i) => ({ id: `${prefix}${pad(i + 1, 4)}`, ...x }));
const dealRows = withIds(deals, 'D');
const cancelRows = withIds(
  cancellations.map((c) => ({ ...c, deal: dealRows[c.deal - 1].id })),
  'X',
);
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/partners.csv', import.meta.url), csv(reps, ['id', 'hired', 'team']));
writeFileSync(new URL('./data/deal.csv', import.meta.url), csv(dealRows, ['id', 'partner', 'date', 'amount']));
writeFileSync(new URL('./data/cancellation.csv', import.meta.url), csv(cancelRows, ['id', 'partner', 'date', 'deal']));
console.log(`30 reps, ${deals.length} deals, ${cancellations.length} cancellations`);
