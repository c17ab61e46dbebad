// An independent recomputation of every partner-quarter from data/, in integer cents and plain JS,
// compared with expected/: commission (decelerator, base rate, marginal accelerator, rounded
// half-even once, capped at 60,000 USD), the approval flag, and the Growth Club top three.
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const cents = (s) => BigInt(s.replace('.', ''));
const partners = rows('partners.csv');
const deals = rows('booking.csv');
const quarterOf = (d) => `${d.slice(0, 4)}-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
const sum = (id, q) => deals.filter((d) => d.partner === id && quarterOf(d.date) === q).reduce((a, d) => a + cents(d.amount), 0n);
const quarters = ['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'];
let checked = 0;
let bad = 0;
for (let i = 1; i < quarters.length; i++) {
  const q = quarters[i];
  const expected = JSON.parse(readFileSync(new URL(`./expected/${q}.json`, import.meta.url), 'utf8'));
  const stats = partners.map((p) => {
    const t = cents(p.target);
    const b = sum(p.id, q);
    // in 1/1000 of a cent: base 25 or 50 per mille of b, then 30 and 50 per mille on the parts above target
    const base = (2n * b < t ? 25n : 50n) * b;
    const hi = (t * 5n) / 4n;
    const acc = b > t ? 30n * ((b < hi ? b : hi) - t) + (b > hi ? 50n * (b - hi) : 0n) : 0n;
    const raw = base + acc;
    let c = raw / 1000n;
    const r = raw % 1000n;
    if (r > 500n || (r === 500n && c % 2n === 1n)) c++;
    return { id: p.id, bookings: b, growth: b - sum(p.id, quarters[i - 1]), earned: b > 0n ? c : 0n };
  });
  const top = stats.filter((s) => s.growth > 0n).sort((a, b) => (b.growth > a.growth ? 1 : b.growth < a.growth ? -1 : b.bookings > a.bookings ? 1 : b.bookings < a.bookings ? -1 : a.id < b.id ? -1 : 1)).slice(0, 3).map((s) => s.id);
  const usd = (c) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
  for (const s of stats) {
    const e = expected.partners.find((x) => x.id === s.id).pots;
    const paid = s.earned > 6_000_000n ? 6_000_000n : s.earned;
    const got = [usd(s.earned), usd(paid), paid > 4_000_000n, top.includes(s.id) ? '1' : '0'];
    const exp = [e.commission.earned, e.commission.paid, e.commission.approval, e.club.paid];
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(exp)) { bad++; console.log('MISMATCH', q, s.id, got, exp); }
    if (s.id === 'HX001') console.log(q, s.id, `bookings ${usd(s.bookings)} (target ${partners[0].target}) → ${got[0]} earned, ${got[1]} paid`);
  }
  console.log(`${q}: Growth Club ${top.join(' ')}`);
}
console.log(`${checked - bad} of ${checked} partner-quarters match expected/`);
process.exit(bad ? 1 : 0);
