#!/usr/bin/env node
/**
 * Recomputes the winners of an Incent seeded draw (`for random N partners … seed "TEXT"`, language
 * reference §13.5) with nothing but Node's own SHA-256 — no Incent code — so that anyone with the
 * entrants and the seed can check a published draw.
 *
 *   node verify-draw.mjs STATEMENT.json
 *       checks every draw of a statement (`incent run --format json`, one period or `--all`):
 *       recomputes the winners from its entrants, seed, period and rule, and compares.
 *   node verify-draw.mjs --seed TEXT --period P --rule NAME --winners N ENTRANTS.csv
 *       prints the winners of a draw over a CSV of `partner,tickets` (any order; a header row).
 *
 * The algorithm: entrants in partner id order (UTF-16 code units), each holding `tickets`
 * consecutive ticket numbers from 0; draw k (0, 1, …) hashes, with SHA-256, five length-prefixed
 * UTF-8 texts — "incent draw 1", the seed, the period, the rule's name — each as a 4-byte
 * big-endian length then its bytes, then k and a counter c (0, 1, …) as 4-byte big-endian
 * unsigned integers; the first 8 bytes of the hash, big-endian, are x; if x < ⌊2^64 ÷ T⌋ × T (T the
 * tickets left) the ticket drawn is x mod T, else c + 1 is tried; its holder wins and leaves with
 * its tickets; repeat while k < N and tickets remain.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DOMAIN = 'incent draw 1';

function u32(n) {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function hashInput(seed, period, rule, draw, counter) {
  const out = [];
  for (const text of [DOMAIN, seed, period, rule]) {
    const b = Buffer.from(text, 'utf8');
    out.push(...u32(b.length), ...b);
  }
  out.push(...u32(draw), ...u32(counter));
  return Buffer.from(out);
}

/** entrants: [{ partner, tickets }] with tickets a BigInt above zero (any order). */
export function drawWinners(entrants, n, seed, period, rule) {
  const left = entrants.filter((e) => e.tickets > 0n).sort((a, b) => (a.partner < b.partner ? -1 : a.partner > b.partner ? 1 : 0));
  let total = left.reduce((s, e) => s + e.tickets, 0n);
  const winners = [];
  for (let k = 0; k < n && left.length > 0; k++) {
    const limit = ((1n << 64n) / total) * total;
    let counter = 0;
    let ticket;
    for (;;) {
      const h = createHash('sha256').update(hashInput(seed, period, rule, k, counter)).digest();
      const x = h.readBigUInt64BE(0);
      if (x < limit) {
        ticket = x % total;
        break;
      }
      counter++;
    }
    let at = 0n;
    let i = 0;
    while (at + left[i].tickets <= ticket) at += left[i++].tickets;
    winners.push({ partner: left[i].partner, draw: k, ticket, of: total, counter });
    total -= left[i].tickets;
    left.splice(i, 1);
  }
  return winners;
}

function checkStatement(file) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  let ok = true;
  for (const s of Array.isArray(doc) ? doc : [doc]) {
    for (const d of s.draws ?? []) {
      const entrants = d.entrants.map((e) => ({ partner: e.partner, tickets: BigInt(e.tickets) }));
      const mine = drawWinners(entrants, d.winners_asked, d.seed, s.period, d.rule).map((w) => w.partner);
      const theirs = d.winners.map((w) => w.partner);
      const same = mine.length === theirs.length && mine.every((p, i) => p === theirs[i]);
      ok &&= same;
      console.log(`${s.period} ${JSON.stringify(d.rule)}: ${same ? 'ok' : 'DIFFERENT'} — winners ${mine.join(', ') || '(none)'}${same ? '' : `; the statement says ${theirs.join(', ') || '(none)'}`}`);
    }
  }
  return ok;
}

function main(argv) {
  const opts = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) opts[argv[i].slice(2)] = argv[++i];
    else rest.push(argv[i]);
  }
  if (rest.length !== 1) {
    console.error('usage: verify-draw.mjs STATEMENT.json | --seed TEXT --period P --rule NAME --winners N ENTRANTS.csv');
    return 2;
  }
  if (opts.seed === undefined) return checkStatement(rest[0]) ? 0 : 1;
  const lines = readFileSync(rest[0], 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const entrants = lines.slice(1).map((l) => {
    const [partner, tickets] = l.split(',');
    return { partner, tickets: BigInt(tickets) };
  });
  for (const w of drawWinners(entrants, Number(opts.winners), opts.seed, opts.period, opts.rule)) console.log(`draw ${w.draw + 1}: ${w.partner} (ticket ${w.ticket} of ${w.of}${w.counter ? `, counter ${w.counter}` : ''})`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
