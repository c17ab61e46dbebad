// Writes data/ for the Pixelon rep example: 200 reps, their training modules, device activations
// and refunds (each naming the activation it returns), January–June 2026. Seeded: `node
// generate.mjs` always writes the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { seeded, pad } from '../lib/random.mjs';

const { rnd, int, pick } = seeded(9);
const DAYS = [31, 28, 31, 30, 31, 30];
// A date as a day of 2026 (0 = 1 January) and back; refunds come 1–14 days after the activation.
const dateOf = (day) => {
  let m = 0;
  while (m < 5 && day >= DAYS[m]) day -= DAYS[m++];
  return `2026-${pad(m + 1)}-${pad(Math.min(day, DAYS[m] - 1) + 1)}`;
};
const monthStart = [0, 31, 59, 90, 120, 151];

const reps = [];
for (let i = 1; i <= 200; i++) {
  // most reps activate a few devices a month; about one in twenty is a star (and hits the yearly cap)
  const pace = rnd() < 0.05 ? int(12, 20) : int(0, 5);
  reps.push({ id: `REP${pad(i, 4)}`, carrier: pick(['Verity', 'T-Line', 'Sprintz']), store: rnd() < 0.6 ? 'corporate' : 'dealer', pace });
}

const trainings = [];
const activations = [];
const refunds = [];
for (const r of reps) {
  // modules: each is taken with some probability, sometimes twice (a refresher earns nothing)
  for (const module of ['basics', 'camera', 'pro', 'tradein']) {
    if (rnd() < 0.55) trainings.push({ partner: r.id, date: dateOf(int(0, 180)), module });
    if (rnd() < 0.1) trainings.push({ partner: r.id, date: dateOf(int(0, 180)), module });
  }
  for (let m = 0; m < 6; m++) {
    for (let k = int(0, r.pace); k > 0; k--) {
      const day = monthStart[m] + int(0, DAYS[m] - 1);
      const a = { partner: r.id, date: dateOf(day), model: pick(['P9', 'P9', 'P9 Pro', 'P9a']), line: rnd() < 0.35 ? 'new' : 'upgrade' };
      activations.push(a);
      // 7% are returned within 14 days (a return after 30 June falls outside the program's data)
      // (the activation's id is its position: A00001 is the first)
      if (rnd() < 0.07 && day + 14 < 181) refunds.push({ partner: r.id, date: dateOf(day + int(1, 14)), activation: `A${pad(activations.length, 5)}` });
    }
  }
}
const withIds = (xs, prefix) => xs.map((x, i) => ({ id: `${prefix}${pad(i + 1, 5)}`, ...x }));
const csv = (rows, cols) => [cols.join(','), ...rows.map((r) => cols.map((c) => r[c]).join(','))].join('\n') + '\n';
mkdirSync(new URL('./data/', import.meta.url), { recursive: true });
writeFileSync(new URL('./data/partners.csv', import.meta.url), csv(reps, ['id', 'carrier', 'store']));
writeFileSync(new URL('./data/training.csv', import.meta.url), csv(withIds(trainings, 'M'), ['id', 'partner', 'date', 'module']));
writeFileSync(new URL('./data/activation.csv', import.meta.url), csv(withIds(activations, 'A'), ['id', 'partner', 'date', 'model', 'line']));
writeFileSync(new URL('./data/refund.csv', import.meta.url), csv(withIds(refunds, 'F'), ['id', 'partner', 'date', 'activation']));
console.log(`${reps.length} reps, ${trainings.length} modules taken, ${activations.length} activations, ${refunds.length} refunds`);
