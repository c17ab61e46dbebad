// An independent recomputation of every creator-month from data/, in plain JS integers (cents, and
// hundredths of a cent for a commission: 10%, 6% or 3% of an amount in cents), compared with
// expected/: each rule's total (the month's commissions, and its returns, each rounded half-even
// once), the 2,500 USD monthly cap, the 30-day hold — a return within the window cancelling the
// pending commission of its order first, the month's earnings so corrected shared among its orders
// earliest first, each pending until its date + 30 days —, what is released, the balance carried
// (a debt after a return that finds nothing pending), the releases by day, and the month's totals
// and cost. `node check-by-hand.mjs`
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const orders = rows('order.csv');
const returns = rows('return.csv');
const orderById = new Map(orders.map((o) => [o.id, o]));
const creators = [...new Set([...orders, ...returns].map((x) => x.partner))].sort();
const RATE = { apparel: 10, home: 6, electronics: 3 }; // percent
const CAP = 250_000; // cents, per creator and month
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const label = (m) => `2026-${String(m).padStart(2, '0')}`;
const monthOf = (d) => Number(d.slice(5, 7));
const monthEnd = (m) => `${label(m)}-${DAYS[m - 1]}`;
const plusDays = (date, n) => {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
};
const cents = (s) => {
  const [w, f = ''] = s.split('.');
  return Number(w) * 100 + Number(f.padEnd(2, '0'));
};
// half-even of an integer number of hundredths of a cent, to cents (negatives by symmetry)
const halfEven = (h) => {
  const s = Math.sign(h);
  const a = Math.abs(h);
  let c = Math.floor(a / 100);
  const r = a % 100;
  if (r > 50 || (r === 50 && c % 2 === 1)) c++;
  return s * c;
};
const commission = (o) => cents(o.amount) * RATE[o.category]; // hundredths of a cent
const clawback = (r) => -cents(r.amount) * RATE[orderById.get(r.order).category]; // hundredths of a cent, negative
const usd = (c) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;
const byDateId = (a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1);

const state = Object.fromEntries(creators.map((c) => [c, { pending: [], carried: 0 }]));
const sums = { orders: 0, commission: 0, capped: 0, cappedMonths: 0, cancelled: 0, ordinary: 0, paid: 0, pendingAtEnd: 0, debtAtEnd: 0 };
const kinds = { sameMonth: 0, cancelling: 0, releaseDay: 0, after: 0 };
let checked = 0;
let bad = 0;
for (let m = 1; m <= 12; m++) {
  const expected = JSON.parse(readFileSync(new URL(`./expected/${label(m)}.json`, import.meta.url), 'utf8'));
  const totals = { earned: 0, paid: 0, carried: 0 };
  for (const id of creators) {
    const st = state[id];
    const carriedIn = st.carried;
    const myOrders = orders.filter((o) => o.partner === id && monthOf(o.date) === m).sort(byDateId);
    const myReturns = returns.filter((r) => r.partner === id && monthOf(r.date) === m).sort(byDateId);
    // §9: each rule's total of the month, rounded once; the cap on the month's (net) earnings
    const awards = [];
    const plus = halfEven(myOrders.reduce((s, o) => s + commission(o), 0));
    const minus = halfEven(myReturns.reduce((s, r) => s + clawback(r), 0));
    if (myOrders.length) awards.push({ rule: 'Commission', pot: 'commission', amount: usd(plus) });
    if (myReturns.length) awards.push({ rule: 'Returns', pot: 'commission', amount: usd(minus) });
    const earned = plus + minus;
    const e = Math.min(earned, CAP);
    const adjustments = e < earned ? [{ kind: 'cap', amount: usd(e - earned) }] : [];
    // §13.2: a return before its order's release day cancels what is pending of that order first,
    // up to its own clawback rounded to the cent
    let cancelled = 0;
    for (const r of myReturns) {
      const release = plusDays(orderById.get(r.order).date, 30);
      if (monthOf(orderById.get(r.order).date) === m) kinds.sameMonth++;
      else if (r.date < release) kinds.cancelling++;
      else if (r.date === release) kinds.releaseDay++;
      else kinds.after++;
      let left = -halfEven(clawback(r));
      for (const p of st.pending) {
        if (p.order !== r.order || !(r.date < p.release) || left <= 0) continue;
        const take = Math.min(p.amount, left);
        p.amount -= take;
        left -= take;
        cancelled += take;
      }
    }
    st.pending = st.pending.filter((p) => p.amount > 0);
    // the month's earnings, the cancelled part added back, shared among its orders earliest first;
    // each share pending until the order's date + 30 days (available now when that is this month)
    const corrected = e + cancelled;
    let available = 0;
    let enters = 0;
    if (corrected > 0) {
      let sum = 0;
      let before = 0;
      myOrders.forEach((o, i) => {
        sum += commission(o);
        let reached = i === myOrders.length - 1 ? corrected : Math.floor(sum / 100);
        if (reached > corrected) reached = corrected;
        const share = reached - before;
        before = reached;
        if (share <= 0) return;
        const release = plusDays(o.date, 30);
        if (release <= monthEnd(m)) available += share;
        else st.pending.push({ order: o.id, release, amount: share });
      });
    } else enters = corrected; // zero or below: enters the balance as it is
    for (const p of st.pending.filter((x) => x.release <= monthEnd(m))) available += p.amount;
    st.pending = st.pending.filter((x) => x.release > monthEnd(m));
    enters += available;
    // §9 step 6: the balance is paid when above zero, carried (a debt) otherwise
    const balance = carriedIn + enters;
    const paid = Math.max(balance, 0);
    st.carried = Math.min(balance, 0);
    const releases = [...new Set(st.pending.map((p) => p.release))].sort().map((on) => ({ on, amount: usd(st.pending.filter((p) => p.release === on).reduce((s, p) => s + p.amount, 0)) }));
    const pending = st.pending.reduce((s, p) => s + p.amount, 0);
    const got = {
      id,
      tiers: {},
      pots: { commission: { earned: usd(earned), paid: usd(paid), carried: usd(st.carried), carried_in: usd(carriedIn), approval: false, adjustments, hold: { pending: usd(pending), available: usd(available), cancelled: usd(cancelled), releases } } },
      awards,
    };
    totals.earned += earned;
    totals.paid += paid;
    totals.carried += st.carried;
    sums.orders += myOrders.length;
    sums.commission += plus;
    sums.capped += earned - e;
    if (e < earned) sums.cappedMonths++;
    sums.cancelled += cancelled;
    sums.ordinary += -minus - cancelled;
    sums.paid += paid;
    if (m === 12) sums.pendingAtEnd += pending;
    if (m === 12) sums.debtAtEnd += st.carried;
    checked++;
    const x = expected.partners.find((p) => p.id === id);
    if (JSON.stringify(got) !== JSON.stringify(x)) {
      bad++;
      console.log('MISMATCH', label(m), id, JSON.stringify(got), JSON.stringify(x));
    }
    if (['C01', 'C02', 'C03'].includes(id) && (myOrders.length || myReturns.length || available || carriedIn)) {
      console.log(`${label(m)} ${id}: earned ${usd(earned)}, cancelled ${usd(cancelled)}, available ${usd(available)}, pending ${usd(pending)}${releases.length ? ` (${releases.map((r) => `${r.amount} on ${r.on}`).join(', ')})` : ''}; carried in ${usd(carriedIn)}, paid ${usd(paid)}, carried ${usd(st.carried)}`);
    }
  }
  const head = { totals: { commission: { earned: usd(totals.earned), paid: usd(totals.paid), carried: usd(totals.carried) } }, cost: usd(totals.paid), rejected: 0, partners: expected.partners.length };
  const want = { totals: expected.totals, cost: expected.cost, rejected: expected.rejected, partners: creators.length };
  checked++;
  if (JSON.stringify(head) !== JSON.stringify(want)) {
    bad++;
    console.log('MISMATCH', label(m), 'totals', JSON.stringify(head), JSON.stringify(want));
  }
}
console.log(
  `Over the year: ${sums.orders} orders earn ${usd(sums.commission)} of commission; the cap takes ${usd(sums.capped)} (in ${sums.cappedMonths} creator-months); ${returns.length} returns (${kinds.sameMonth} in their order's month, ${kinds.cancelling} later but within the window, ${kinds.releaseDay} on the release day, ${kinds.after} after it) cancel ${usd(sums.cancelled)} pending and net or claw back ${usd(sums.ordinary)} more; ${usd(sums.paid)} is paid, ${usd(sums.pendingAtEnd)} is still pending and ${usd(-sums.debtAtEnd)} is owed at the end of December.`,
);
// Every cent once: what was earned, less the cap and the returns, is paid, pending or owed.
const kept = sums.commission - sums.capped - sums.cancelled - sums.ordinary;
const ends = sums.paid + sums.pendingAtEnd + sums.debtAtEnd;
checked++;
if (kept !== ends) {
  bad++;
  console.log('MISMATCH every cent once', usd(kept), usd(ends));
}
console.log(`${checked - bad} of ${checked} creator-months, month totals and the year's balance match expected/`);
process.exit(bad ? 1 : 0);
