// Writes data/ for the Brewline Rewards example: 60 members' purchases and redemptions of 2026.
// A member redeems only stars it surely has — what its lots held at the end of the month before,
// less its earlier redemptions of the month — so every redemption can be applied. Seeded:
// `node generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int, pick } = seeded(2026_13);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const REWARDS = [
  ['customization', 25],
  ['brewed coffee', 100],
  ['handcrafted drink', 200],
  ['lunch', 300],
  ['merchandise', 400],
];
const purchases = [];
const redemptions = [];
for (let i = 1; i <= 60; i++) {
  const id = `M${pad(i, 3)}`;
  const habit = rnd(); // how often this member comes in
  const saver = rnd() < 0.3; // some members never redeem, and lose stars to expiry
  const lots = []; // [month, stars] oldest first: what the generator knows at the end of each month
  for (let month = 1; month <= 12; month++) {
    let earned = 0;
    const visits = Math.floor(habit * 10);
    for (let k = 0; k < visits; k++) {
      const cents = int(350, 2500);
      const paidWith = pick(['card', 'app', 'app', 'cash']);
      purchases.push({ partner: id, date: `2026-${pad(month)}-${pad(int(1, DAYS[month - 1]))}`, amount: `${Math.floor(cents / 100)}.${pad(cents % 100)}`, paid_with: paidWith });
      if (paidWith !== 'cash') earned += Math.floor(cents / 100) * 2;
    }
    // Redemptions: from what the lots surely hold (the end of the month before), oldest first.
    let sure = lots.reduce((s, l) => s + l[1], 0);
    const days = [];
    if (!saver) for (let k = 0; k < int(0, 2); k++) days.push(int(1, DAYS[month - 1]));
    for (const day of days.sort((a, b) => a - b)) {
      const affordable = REWARDS.filter(([, cost]) => cost <= sure);
      if (!affordable.length) break;
      const [reward, cost] = pick(affordable);
      redemptions.push({ partner: id, date: `2026-${pad(month)}-${pad(day)}`, reward });
      sure -= cost;
    }
    // The month's lots, as the program keeps them: credit, redemptions (oldest first), expiry at the end of month + 6.
    if (earned > 0) lots.push([month, earned]);
    let spent = lots.reduce((s, l) => s + l[1], 0) - sure - (earned > 0 ? earned : 0);
    for (const l of lots) {
      const take = Math.min(l[1], spent);
      l[1] -= take;
      spent -= take;
    }
    while (lots.length && (lots[0][1] === 0 || lots[0][0] + 6 <= month)) lots.shift();
  }
}
const withIds = (xs, prefix) => xs.map((x, i) => ({ id: `${prefix}${pad(i + 1, 5)}`, ...x }));
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/purchase.csv', import.meta.url), csv(withIds(purchases, 'P'), ['id', 'partner', 'date', 'amount', 'paid_with']));
writeFileSync(new URL('./data/redemption.csv', import.meta.url), csv(withIds(redemptions, 'R'), ['id', 'partner', 'date', 'reward']));
console.log(`60 members, ${purchases.length} purchases, ${redemptions.length} redemptions`);
