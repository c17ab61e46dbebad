// An independent recomputation of every reseller-quarter from data/, in exact integers (BigInt)
// and plain JS, compared with expected/: each invoice and claim converted at its month's rate
// (euros per unit, from rates.csv), summed exactly, 3% and 50% taken exactly, rounded half-even to
// the cent once per rule total, then the caps (1,500 EUR a year; 2,000 EUR a quarter). `node check-by-hand.mjs`
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
// Decimals as BigInt at a scale of 10^-8 (amounts have 2 decimals and rates 4: their product 6).
const SCALE = 8;
const dec = (s) => {
  const [i, f = ''] = s.split('.');
  return BigInt(i + f.padEnd(SCALE, '0').slice(0, SCALE));
};
const ONE = 10n ** BigInt(SCALE);
const mul = (a, b) => (a * b) / ONE; // exact here: the product has at most 8 decimals
const text = (v, digits) => {
  const s = String(v).padStart(SCALE + 1, '0');
  const t = `${s.slice(0, -SCALE)}.${s.slice(-SCALE)}`;
  return digits === undefined ? t.replace(/\.?0+$/, '') : t.slice(0, t.length - SCALE + digits);
};
/** Half-even to the cent. */
const cents = (v) => {
  const unit = 10n ** BigInt(SCALE - 2);
  let q = v / unit;
  const r = v % unit;
  if (r * 2n > unit || (r * 2n === unit && q % 2n === 1n)) q++;
  return q * unit;
};
const rates = new Map(rows('rates.csv').map((r) => [`${r.currency} ${r.month}`, dec(r.rate)]));
const toEur = (amount, cur, date) => (cur === 'EUR' ? dec(amount) : mul(dec(amount), rates.get(`${cur} ${date.slice(0, 7)}`)));
const sales = rows('sale.csv');
const claims = rows('claim.csv').map((c) => ({ ...c, amount: c.cost.split(' ')[0], cur: c.cost.split(' ')[1] }));
const quarterOf = (d) => `2026-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
const partners = [...new Set([...sales, ...claims].map((x) => x.partner))].sort();
const yearly = new Map();
let checked = 0;
let bad = 0;
for (const q of ['2026-Q1', '2026-Q2']) {
  const expected = JSON.parse(readFileSync(new URL(`./expected/${q}.json`, import.meta.url), 'utf8'));
  for (const p of partners) {
    const revenue = sales.filter((s) => s.partner === p && quarterOf(s.date) === q).reduce((a, s) => a + toEur(s.amount, s.cur, s.date), 0n);
    const rebate = revenue >= dec('20000') ? cents(mul(revenue, dec('0.03'))) : 0n;
    const rebatePaid = rebate < dec('1500') - (yearly.get(p) ?? 0n) ? rebate : dec('1500') - (yearly.get(p) ?? 0n);
    yearly.set(p, (yearly.get(p) ?? 0n) + rebatePaid);
    const claimed = claims.filter((c) => c.partner === p && quarterOf(c.date) === q).reduce((a, c) => a + toEur(c.amount, c.cur, c.date), 0n);
    const mdf = cents(mul(claimed, dec('0.5')));
    const mdfPaid = mdf < dec('2000') ? mdf : dec('2000');
    const e = expected.partners.find((x) => x.id === p).pots;
    const got = [text(rebate, 2), text(rebatePaid, 2), text(mdf, 2), text(mdfPaid, 2)];
    const exp = [e.rebate.earned, e.rebate.paid, e.mdf.earned, e.mdf.paid];
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(exp)) {
      bad++;
      console.log('MISMATCH', q, p, got, exp);
    }
    console.log(q, p, `revenue ${text(revenue)} EUR → rebate ${got[0]}, paid ${got[1]}; claims ${text(claimed)} EUR → mdf ${got[2]}, paid ${got[3]}`);
  }
}
console.log(`${checked - bad} of ${checked} reseller-quarters match expected/`);
process.exit(bad ? 1 : 0);
