// An independent recomputation of every reseller-month from data/ (NDJSON read with JSON.parse),
// compared with expected/: points (50 on time, +100 complete with feedback, 10 late; cap 600 a
// month) and the three demo units (most on-time reports, then most rich ones, then lowest id).
import { readFileSync } from 'node:fs';

const text = (f) => readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8');
const partners = text('partners.csv').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
const reports = text('report.ndjson').trim().split('\n').map((l) => JSON.parse(l));
let checked = 0;
let bad = 0;
for (const month of ['01', '02', '03', '04', '05', '06']) {
  const expected = JSON.parse(readFileSync(new URL(`./expected/2026-${month}.json`, import.meta.url), 'utf8'));
  const stats = partners.map((id) => {
    const mine = reports.filter((r) => r.partner === id && r.date.startsWith(`2026-${month}`));
    const onTime = mine.filter((r) => r.date <= r.due); // ISO dates compare as text
    const rich = onTime.filter((r) => r.complete && r.feedback);
    const raw = 50 * onTime.length + 100 * rich.length + 10 * (mine.length - onTime.length);
    return { id, onTime: onTime.length, rich: rich.length, raw, points: Math.min(raw, 600) };
  });
  const top = stats.filter((s) => s.onTime >= 3).sort((a, b) => b.onTime - a.onTime || b.rich - a.rich || (a.id < b.id ? -1 : 1)).slice(0, 3).map((s) => s.id);
  for (const s of stats) {
    const e = expected.partners.find((x) => x.id === s.id).pots;
    const got = [String(s.raw), String(s.points), top.includes(s.id) ? '1' : '0'];
    const exp = [e.points.earned, e.points.paid, e.demo.paid];
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(exp)) { bad++; console.log('MISMATCH', month, s.id, got, exp); }
  }
  console.log(`2026-${month}: winners ${top.join(' ')}; RS003 ${JSON.stringify(stats[2])}`);
}
console.log(`${checked - bad} of ${checked} reseller-months match expected/`);
process.exit(bad ? 1 : 0);
