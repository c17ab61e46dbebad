// An independent recomputation of every month from data/, in integer cents and plain JS, compared
// with expected/: training points (each module once per rep, ever), gift cards (rewards minus
// clawbacks — a refund takes back the reward of the activation it names —, the 600 USD yearly cap,
// cards of 100/50/25, remainder and debts carried), the approval flag, and the points awarded by
// the one module rule. `node check-by-hand.mjs`
import { readFileSync } from 'node:fs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const reps = rows('partners.csv');
const modules = rows('training.csv').sort((a, b) => (a.date + a.id < b.date + b.id ? -1 : 1));
const activations = rows('activation.csv');
const activationById = new Map(activations.map((a) => [a.id, a]));
const refunds = rows('refund.csv');
const MODULE_POINTS = { basics: 100, camera: 150, pro: 250, tradein: 200 };
const reward = (e) => ({ 'P9 Pro': 2000, P9: 1250, P9a: 500 })[e.model] + (e.line === 'new' ? 500 : 0); // cents

const seen = new Set();
const state = Object.fromEntries(reps.map((r) => [r.id, { carried: 0, capUsed: 0 }]));
let checked = 0;
let mismatches = 0;
for (const month of ['01', '02', '03', '04', '05', '06']) {
  const expected = JSON.parse(readFileSync(new URL(`./expected/2026-${month}.json`, import.meta.url), 'utf8'));
  const inMonth = (e) => e.date.startsWith(`2026-${month}`);
  for (const r of reps) {
    let points = 0;
    for (const m of modules) if (m.partner === r.id && inMonth(m) && !seen.has(r.id + m.module)) { seen.add(r.id + m.module); points += MODULE_POINTS[m.module]; }
    let earned = 0;
    for (const a of activations) if (a.partner === r.id && inMonth(a)) earned += reward(a);
    for (const f of refunds) if (f.partner === r.id && inMonth(f)) earned -= reward(activationById.get(f.activation));
    const s = state[r.id];
    const capped = Math.min(earned, 60_000 - s.capUsed);       // yearly cap: what is left of 600 USD
    s.capUsed += capped;
    let balance = s.carried + capped;
    let paid = 0;
    if (balance > 0) for (const card of [10_000, 5_000, 2_500]) while (balance >= card) { balance -= card; paid += card; }
    s.carried = balance;
    const e = expected.partners.find((x) => x.id === r.id);
    const usd = (c) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;
    // the module points are one award of "Module points" (none when the month earned none)
    const moduleAward = e.awards.filter((a) => a.rule === 'Module points').map((a) => a.amount);
    const got = [String(points), usd(earned), usd(paid), usd(s.carried), paid > 25_000, points ? [String(points)] : []];
    const exp = [e.pots.points.paid, e.pots.cards.earned, e.pots.cards.paid, e.pots.cards.carried, e.pots.cards.approval, moduleAward];
    checked++;
    if (JSON.stringify(got) !== JSON.stringify(exp)) { mismatches++; console.log('MISMATCH', month, r.id, got, exp); }
    if (['REP0007', 'REP0042'].includes(r.id)) console.log(`2026-${month} ${r.id} points ${got[0]}, cards earned ${got[1]} paid ${got[2]} carried ${got[3]}${capped !== earned ? ` (capped from ${usd(earned)})` : ''}`);
  }
}
console.log(`${checked - mismatches} of ${checked} rep-months match expected/`);
process.exit(mismatches ? 1 : 0);
