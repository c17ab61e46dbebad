// An independent recomputation of every distributor-quarter from data/, in integer cents and plain
// JS, compared with expected/: net purchases, the marginal rebate against the distributor's own
// target (rounded half-even once) and the 40,000 EUR yearly cap. `node check-by-hand.mjs`
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const cents = (s) => Number(s.replace('.', ''));
const partners = rows('partners.csv');
const purchases = rows('purchase.csv');
const returns = rows('return.csv');
const quarterOf = (d) => `2026-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
const used = {};
let checked = 0;
let bad = 0;
for (const q of ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']) {
  const expected = JSON.parse(readFileSync(new URL(`./expected/${q}.json`, import.meta.url), 'utf8'));
  for (const p of partners) {
    const t = cents(p.target);
    const net = purchases.filter((x) => x.partner === p.id && quarterOf(x.date) === q).reduce((a, x) => a + cents(x.amount), 0) -
      returns.filter((x) => x.partner === p.id && quarterOf(x.date) === q).reduce((a, x) => a + cents(x.amount), 0);
    // marginal, in hundredths of a cent: 3% of the part in [t, 1.5t), 5% of the part above 1.5t
    const hi = (t * 3) / 2;
    const raw = net > t ? 3 * (Math.min(net, hi) - t) + (net > hi ? 5 * (net - hi) : 0) : 0;
    let rebate = Math.floor(raw / 100);
    const r = raw % 100;
    if (r > 50 || (r === 50 && rebate % 2 === 1)) rebate++;
    const paid = Math.min(rebate, 4_000_000 - (used[p.id] ?? 0));
    used[p.id] = (used[p.id] ?? 0) + paid;
    const e = expected.partners.find((x) => x.id === p.id).pots.credit;
    const eur = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
    const got = [eur(rebate), eur(paid)];
    const exp = [e.earned, e.paid];
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(exp)) { bad++; console.log('MISMATCH', q, p.id, got, exp); }
    if (['D001', 'D002'].includes(p.id)) console.log(q, p.id, `target ${eur(t)}, net ${eur(net)} → rebate ${got[0]}, paid ${got[1]}`);
  }
}
console.log(`${checked - bad} of ${checked} distributor-quarters match expected/`);
process.exit(bad ? 1 : 0);
