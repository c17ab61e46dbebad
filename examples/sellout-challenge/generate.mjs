// Writes data/ for the Aurora sell-out challenge: 120 resellers (partners.csv) and their weekly
// reports for January–June 2026 as NDJSON (report.ndjson), as a reporting portal exports them.
// Seeded: `node generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int, pick } = seeded(7);
const DAYS = [31, 28, 31, 30, 31, 30, 31];
// day 0 = 2026-01-01; the program's data stops at 30 June (day 180)
const dateOf = (day) => {
  let m = 0;
  while (day >= DAYS[m]) day -= DAYS[m++];
  return `2026-${pad(m + 1)}-${pad(day + 1)}`;
};

const partners = [];
const reports = [];
for (let i = 1; i <= 120; i++) {
  const id = `RS${pad(i, 3)}`;
  partners.push({ id, country: pick(['FR', 'DE', 'ES', 'IT']) });
  const diligence = rnd(); // how reliably this reseller reports
  // weeks start on Sundays (2026-01-04 is day 3); a week's report is due on the Wednesday
  for (let week = 3; week + 10 <= 180; week += 7) {
    if (rnd() > 0.3 + diligence * 0.7) continue; // no report this week
    const due = week + 3;
    const submitted = due + (rnd() < 0.15 + (1 - diligence) * 0.3 ? int(1, 6) : -int(0, 3));
    reports.push({ id: `${id}-W${pad(week, 3)}`, partner: id, date: dateOf(submitted), week: dateOf(week), due: dateOf(due), lines: int(1, 40), complete: rnd() < diligence, feedback: rnd() < 0.4 + diligence * 0.4 });
  }
}
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/partners.csv', import.meta.url), csv(partners, ['id', 'country']));
writeFileSync(new URL('./data/report.ndjson', import.meta.url), reports.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`${partners.length} resellers, ${reports.length} reports`);
