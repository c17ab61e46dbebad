// An independent recomputation of every quarter's draws from data/, in plain JS, compared with
// expected/: each reseller's entries (one per full 1,000 EUR of the quarter's sales, 5 more after a
// training, only from 5,000 EUR of sales), then the winners with verify-draw.mjs (SHA-256 from
// node:crypto, no Incent code), and what each winner is paid. `node check-by-hand.mjs`
import { readFileSync } from 'node:fs';
import { drawWinners } from './verify-draw.mjs';

const rows = (f) => {
  const [head, ...lines] = readFileSync(new URL(`./data/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const partners = rows('partners.csv');
const sales = rows('sale.csv');
const trainings = rows('training.csv');
const quarterOf = (d) => `2026-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
const cents = (s) => Math.round(Number(s) * 100);
let checked = 0;
let bad = 0;
const fail = (...why) => {
  bad++;
  console.log('MISMATCH', ...why);
};
for (const q of ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']) {
  const expected = JSON.parse(readFileSync(new URL(`./expected/${q}.json`, import.meta.url), 'utf8'));
  const entrants = [];
  for (const p of partners) {
    const revenue = sales.filter((s) => s.partner === p.id && quarterOf(s.date) === q).reduce((a, s) => a + cents(s.amount), 0);
    if (revenue < 500_000) continue;
    const trained = trainings.some((t) => t.partner === p.id && quarterOf(t.date) === q);
    entrants.push({ partner: p.id, tickets: BigInt(Math.floor(revenue / 100_000) + (trained ? 5 : 0)) });
  }
  for (const [rule, n, pot, amount] of [['Grand prize', 1, 'trip', '1'], ['Gift cards', 5, 'cards', '250.00']]) {
    const seed = `Harbor 2026 ${rule === 'Grand prize' ? 'grand prize' : 'gift cards'}`;
    const winners = drawWinners(entrants, n, seed, q, rule).map((w) => w.partner);
    const d = expected.draws.find((x) => x.rule === rule);
    checked++;
    const mine = entrants.map((e) => `${e.partner}:${e.tickets}`).join(' ');
    const theirs = d.entrants.map((e) => `${e.partner}:${e.tickets}`).join(' ');
    if (mine !== theirs) fail(q, rule, 'entrants', mine, theirs);
    if (winners.join(' ') !== d.winners.map((w) => w.partner).join(' ')) fail(q, rule, 'winners', winners, d.winners);
    for (const p of expected.partners) {
      const want = winners.includes(p.id) ? amount : pot === 'trip' ? '0' : '0.00';
      if (p.pots[pot].paid !== want) fail(q, rule, p.id, p.pots[pot].paid, want);
    }
    console.log(`${q} ${rule}: ${entrants.length} entrants, ${entrants.reduce((s, e) => s + e.tickets, 0n)} tickets → ${winners.join(', ')}`);
  }
}
console.log(`${bad ? "some" : checked} of ${checked} draws match expected/ (entrants, winners, and what every reseller is paid)`);
process.exit(bad ? 1 : 0);
