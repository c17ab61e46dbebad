// An independent recomputation of every member-month from data/, in plain JS integers, compared
// with expected/: the stars a month credits (2 per whole dollar, not for cash), the lots, the
// redemptions taken from the oldest lots first in (date, id) order, the stars that expire at the
// end of the sixth month after the month earned, and what expires at the end of the next month.
// `node check-by-hand.mjs`
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const COST = { customization: 25, 'brewed coffee': 100, 'handcrafted drink': 200, lunch: 300, merchandise: 400 };
const purchases = rows('purchase.csv');
const redemptions = rows('redemption.csv').sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
const members = [...new Set([...purchases, ...redemptions].map((r) => r.partner))].sort();
const month = (d) => Number(d.slice(5, 7));
const label = (m) => `2026-${String(m).padStart(2, '0')}`;
const lastDay = (m) => `${label(m)}-${[31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]}`;
const lots = Object.fromEntries(members.map((m) => [m, []])); // { earned: month, left: stars }
let checked = 0;
let bad = 0;
for (let m = 1; m <= 12; m++) {
  const expected = JSON.parse(readFileSync(new URL(`./expected/${label(m)}.json`, import.meta.url), 'utf8'));
  for (const id of members) {
    const mine = lots[id];
    // 1. what the month credits: 2 stars per whole dollar of each purchase not paid in cash
    const credit = purchases.filter((p) => p.partner === id && month(p.date) === m && p.paid_with !== 'cash').reduce((s, p) => s + 2 * Math.floor(Number(p.amount)), 0);
    if (credit > 0) mine.push({ earned: m, left: credit });
    // 2. the month's redemptions, oldest lots first
    let redeemed = 0;
    for (const r of redemptions.filter((x) => x.partner === id && month(x.date) === m)) {
      let cost = COST[r.reward];
      redeemed += cost;
      for (const lot of mine) {
        const take = Math.min(lot.left, cost);
        lot.left -= take;
        cost -= take;
      }
      if (cost > 0) throw new Error(`${r.id}: more than the balance`);
    }
    // 3. expiry at the end of the sixth month after the month earned
    let expired = 0;
    for (const lot of mine) if (lot.earned + 6 === m) expired += lot.left;
    lots[id] = mine.filter((l) => l.left > 0 && l.earned + 6 > m);
    const balance = lots[id].reduce((s, l) => s + l.left, 0);
    const expiring = lots[id].filter((l) => l.earned + 6 === m + 1).reduce((s, l) => s + l.left, 0);
    const got = {
      paid: String(credit),
      balance: String(balance),
      redeemed: String(redeemed),
      expired: String(expired),
      expiring: { amount: String(expiring), on: m === 12 ? '2027-01-31' : lastDay(m + 1) },
      lots: lots[id].map((l) => `${label(l.earned)}:${l.left}`).join(' '),
    };
    const e = expected.partners.find((x) => x.id === id).pots.stars;
    const exp = { paid: e.paid, balance: e.ledger.balance, redeemed: e.ledger.redeemed, expired: e.ledger.expired, expiring: e.ledger.expiring, lots: e.ledger.lots.map((l) => `${l.period}:${l.remaining}`).join(' ') };
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(exp)) {
      bad++;
      console.log('MISMATCH', label(m), id, got, exp);
    }
    if (id === 'M001' && (m === 7 || m === 8)) console.log(label(m), id, `credited ${credit}, redeemed ${redeemed}, expired ${expired}, balance ${balance}; ${expiring} expire on ${got.expiring.on}`);
  }
}
console.log(`${checked - bad} of ${checked} member-months match expected/`);
process.exit(bad ? 1 : 0);
