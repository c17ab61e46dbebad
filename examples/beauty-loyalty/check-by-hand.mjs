// An independent recomputation of every member-quarter from data/, in integer cents and plain JS,
// compared with expected/: status (best of year-to-date and last year), points (rate by the status
// at each purchase: the year's qualifying spend on the purchases before it, in (date, id) order, or
// last year's; rounded down once a quarter) and the welcome gift. `node check-by-hand.mjs`
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const cents = (s) => Number(s.replace('.', ''));
const members = rows('partners.csv');
// In (date, id) order, as the language orders events.
const lines = rows('purchase.csv')
  .filter((p) => p.category !== 'giftcard')
  .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const quarterOf = (d) => `${d.slice(0, 4)}-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
const level = (c) => (c >= 100_000 ? 'Rouge' : c >= 35_000 ? 'VIB' : 'Insider');
const gifted = new Set();
let checked = 0;
let bad = 0;
for (const q of ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']) {
  const expected = JSON.parse(readFileSync(new URL(`./expected/${q}.json`, import.meta.url), 'utf8'));
  const year = q.slice(0, 4);
  for (const m of members) {
    const mine = lines.filter((p) => p.partner === m.id);
    const sum = (f) => mine.filter(f).reduce((a, p) => a + cents(p.amount), 0);
    const before = sum((p) => p.date.startsWith(year) && quarterOf(p.date) < q);
    const now = sum((p) => quarterOf(p.date) === q);
    const lastYear = sum((p) => p.date.startsWith(String(Number(year) - 1)));
    const status = level(Math.max(before + now, lastYear));
    // rate × 4 at each purchase: the year's spend on the purchases before it (they are in order)
    let running = before;
    let points4 = 0;
    for (const p of mine.filter((x) => quarterOf(x.date) === q)) {
      const rate4 = { Insider: 4, VIB: 5, Rouge: 6 }[level(Math.max(running, lastYear))];
      points4 += Math.floor(cents(p.amount) / 100) * rate4;
      running += cents(p.amount);
    }
    const points = Math.floor(points4 / 4);
    const gift = status === 'Rouge' && !gifted.has(m.id) ? 1 : 0;
    if (gift) gifted.add(m.id);
    const e = expected.partners.find((x) => x.id === m.id);
    const got = [status, String(points), String(gift)];
    const exp = [e.tiers.status, e.pots.points.paid, e.pots.gift.paid];
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(exp)) { bad++; console.log('MISMATCH', q, m.id, got, exp); }
    if (m.id === 'M0008' || m.id === 'M0013') console.log(q, m.id, `spend before ${before / 100}, this quarter ${now / 100}, last year ${lastYear / 100} → ${status}, ${points} points${gift ? ', gift' : ''}`);
  }
}
console.log(`${checked - bad} of ${checked} member-quarters match expected/`);
process.exit(bad ? 1 : 0);
