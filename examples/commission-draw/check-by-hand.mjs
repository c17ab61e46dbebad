// An independent recomputation of every rep-month from data/, in plain JS integers (cents, and
// hundredths of a cent for 8% of a deal), compared with expected/: the rule totals (8% of the
// month's deals, and of the cancelled deals, each rounded half-even once), the 40,000 EUR monthly
// cap, the 30-day hold (shares of the earnings taken by the month's deals earliest first; a
// cancellation within the window cancelling its deal's held commission), the releases, the
// balance, and the 3,000 EUR recoverable draw of the first three months. `node check-by-hand.mjs`
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const reps = rows('partners.csv');
const deals = rows('deal.csv');
const cancels = rows('cancellation.csv');
const dealById = new Map(deals.map((d) => [d.id, d]));
const cents = (s) => Math.round(Number(s) * 100);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const label = (m) => `2026-${String(m).padStart(2, '0')}`;
const monthOf = (d) => (d.startsWith('2026-') ? Number(d.slice(5, 7)) : 0);
const monthEnd = (m) => `${label(m)}-${DAYS[m - 1]}`;
const plusDays = (date, n) => {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
};
// half-even of an integer number of hundredths of a cent, to cents (works for negatives by symmetry)
const halfEven = (h) => {
  const s = Math.sign(h);
  const a = Math.abs(h);
  let c = Math.floor(a / 100);
  const r = a % 100;
  if (r > 50 || (r === 50 && c % 2 === 1)) c++;
  return s * c;
};
const commission = (d) => cents(d.amount) * 8; // hundredths of a cent
const eur = (c) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;
const state = Object.fromEntries(reps.map((r) => [r.id, { pending: [], carried: 0, debt: 0 }]));
let checked = 0;
let bad = 0;
for (let m = 1; m <= 12; m++) {
  const expected = JSON.parse(readFileSync(new URL(`./expected/${label(m)}.json`, import.meta.url), 'utf8'));
  for (const rep of reps) {
    const st = state[rep.id];
    const myDeals = deals.filter((d) => d.partner === rep.id && monthOf(d.date) === m).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
    const myCancels = cancels.filter((c) => c.partner === rep.id && monthOf(c.date) === m).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
    // rule totals, each rounded once; the monthly cap on the positive earnings
    const plus = halfEven(myDeals.reduce((s, d) => s + commission(d), 0));
    const minus = halfEven(-myCancels.reduce((s, c) => s + commission(dealById.get(c.deal)), 0));
    let e = plus + minus;
    if (e > 4_000_000) e = 4_000_000;
    // cancellations within the window cancel the deal's held commission
    let cancelled = 0;
    for (const c of myCancels) {
      let left = halfEven(commission(dealById.get(c.deal)));
      for (const p of st.pending) {
        if (p.deal !== c.deal || !(c.date < p.release) || left <= 0) continue;
        const take = Math.min(p.amount, left);
        p.amount -= take;
        left -= take;
        cancelled += take;
      }
    }
    st.pending = st.pending.filter((p) => p.amount > 0);
    // the month's earnings, shared among its deals earliest first; each held 30 days
    const corrected = e + cancelled;
    let available = 0;
    let enters = 0;
    if (corrected > 0) {
      let sum = 0;
      let before = 0;
      myDeals.forEach((d, i) => {
        sum += commission(d);
        let reached = i === myDeals.length - 1 ? corrected : Math.floor(sum / 100);
        if (reached > corrected) reached = corrected;
        const share = reached - before;
        before = reached;
        if (share <= 0) return;
        const release = plusDays(d.date, 30);
        if (release <= monthEnd(m)) available += share;
        else st.pending.push({ deal: d.id, release, amount: share });
      });
    } else enters = corrected;
    for (const p of st.pending.filter((x) => x.release <= monthEnd(m))) available += p.amount;
    st.pending = st.pending.filter((x) => x.release > monthEnd(m));
    enters += available;
    // the balance, and what is paid
    const balance = st.carried + enters;
    let paid = balance > 0 ? balance : 0;
    st.carried = balance > 0 ? 0 : balance;
    // the draw: 3,000.00 in the hiring month and the two after it (months counted from January 2026:
    // a rep hired in December 2025 is drawn for in January and February)
    const hm = (Number(rep.hired.slice(0, 4)) - 2026) * 12 + Number(rep.hired.slice(5, 7));
    const applies = m >= hm && m <= hm + 2;
    let recovered = 0;
    let topUp = 0;
    let forgiven = 0;
    if (st.debt > 0 && paid > 300_000) {
      recovered = Math.min(paid - 300_000, st.debt);
      paid -= recovered;
      st.debt -= recovered;
    }
    if (applies && paid < 300_000) {
      topUp = 300_000 - paid;
      paid = 300_000;
      st.debt += topUp;
    }
    if (m === hm + 2 && st.debt > 0) {
      forgiven = st.debt;
      st.debt = 0;
    }
    const pending = st.pending.reduce((s, p) => s + p.amount, 0);
    const got = { paid: eur(paid), carried: eur(st.carried), approval: paid > 2_500_000, hold: [eur(pending), eur(available), eur(cancelled)], draw: [applies, eur(topUp), eur(recovered), eur(forgiven), eur(st.debt)] };
    const x = expected.partners.find((p) => p.id === rep.id).pots.commission;
    const exp = { paid: x.paid, carried: x.carried, approval: x.approval, hold: [x.hold.pending, x.hold.available, x.hold.cancelled], draw: [x.draw.applies, x.draw.top_up, x.draw.recovered, x.draw.forgiven, x.draw.debt] };
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(exp)) {
      bad++;
      console.log('MISMATCH', label(m), rep.id, got, exp);
    }
    if (rep.id === 'AE23' && m <= 12 && applies) console.log(label(m), rep.id, `hired ${rep.hired}: earned ${eur(e)}, available ${eur(available)}, pending ${eur(pending)}; paid ${eur(paid)} (top-up ${eur(topUp)}, recovered ${eur(recovered)}, forgiven ${eur(forgiven)}, debt ${eur(st.debt)})`);
  }
}
console.log(`${checked - bad} of ${checked} rep-months match expected/`);
process.exit(bad ? 1 : 0);
