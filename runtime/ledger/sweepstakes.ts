/**
 * Seeded draws (§13.5): `for random N partners [weighted by EXPR] seed "TEXT" [where COND]`,
 * reproducible and auditable. The algorithm (language/REFERENCE.md §13.5 writes it out, with the
 * bytes hashed; examples/sweepstakes/verify-draw.mjs recomputes it with no Incent code):
 * 1. the entrants are the partners whose `where` holds and whose weight (entries; 1 without
 *    `weighted by`) is above zero, in partner id order (UTF-16 code units, as ids sort everywhere);
 *    a weight that is not a whole number at least zero is an evaluation error (R0006);
 * 2. their tickets are numbered 0 … T−1 in that order, each entrant holding as many consecutive
 *    tickets as its weight;
 * 3. draw k (0, 1, …, while k < N and tickets remain) hashes the seed, the period, the rule's name,
 *    k and a counter c (0, 1, …) with SHA-256 and reads the first 8 bytes of the hash as an
 *    unsigned 64-bit big-endian integer x; if x < ⌊2^64 ÷ T⌋ × T the ticket drawn is x mod T,
 *    otherwise c + 1 is tried (rejection sampling: no modulo bias);
 * 4. the holder of that ticket wins; its tickets are removed and the others numbered again in the
 *    same order (T less its weight), for the next draw.
 * SHA-256 is @noble/hashes's (audited, synchronous, the same in Node and the browser): Web
 * Crypto's digest is asynchronous, and the evaluator is not.
 */
import { sha256 } from '@noble/hashes/sha2.js';

/** The version word every hash input starts with: a later algorithm would hash another. */
export const DRAW_DOMAIN = 'incent draw 1';

export interface Entrant {
  id: string;
  /** Tickets: a whole number above zero. */
  weight: bigint;
}

export interface Winner {
  id: string;
  /** The draw's index k (0 for the first). */
  draw: number;
  /** The ticket drawn, among the tickets of that draw (0 … T−1). */
  ticket: bigint;
  /** The counter c of the hash that gave it (0 unless a hash was rejected). */
  counter: number;
  /** How many tickets were in that draw. */
  of: bigint;
}

const UTF8 = new TextEncoder();

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/**
 * The bytes hashed for draw `draw` with counter `counter`: five fields, each text as the 4-byte
 * big-endian length of its UTF-8 bytes then those bytes — the domain `incent draw 1`, the seed,
 * the period (`2026-Q1`), the rule's name — then the draw index and the counter, each a 4-byte
 * big-endian unsigned integer.
 */
export function hashInput(seed: string, period: string, rule: string, draw: number, counter: number): Uint8Array {
  const out: number[] = [];
  for (const text of [DRAW_DOMAIN, seed, period, rule]) {
    const b = UTF8.encode(text);
    out.push(...u32(b.length), ...b);
  }
  out.push(...u32(draw), ...u32(counter));
  return Uint8Array.from(out);
}

const TWO_64 = 1n << 64n;

/** A uniform ticket in 0 … tickets−1 for one draw, by rejection sampling over SHA-256. */
export function drawTicket(seed: string, period: string, rule: string, draw: number, tickets: bigint): { ticket: bigint; counter: number } {
  const limit = (TWO_64 / tickets) * tickets;
  for (let counter = 0; ; counter++) {
    const h = sha256(hashInput(seed, period, rule, draw, counter));
    let x = 0n;
    for (let i = 0; i < 8; i++) x = (x << 8n) | BigInt(h[i]!);
    if (x < limit) return { ticket: x % tickets, counter };
    if (counter >= 0xffffffff) throw new Error('internal: no ticket drawn'); // the chance of a rejection is below 1/2 per hash
  }
}

/** The winners of a draw: `entrants` in id order, every weight above zero; at most `n`, fewer when fewer enter. */
export function drawWinners(entrants: readonly Entrant[], n: number, seed: string, period: string, rule: string): Winner[] {
  const left = [...entrants];
  let tickets = left.reduce((s, e) => s + e.weight, 0n);
  const winners: Winner[] = [];
  for (let k = 0; k < n && left.length > 0; k++) {
    const { ticket, counter } = drawTicket(seed, period, rule, k, tickets);
    let at = 0n;
    let i = 0;
    while (at + left[i]!.weight <= ticket) at += left[i++]!.weight;
    const w = left[i]!;
    winners.push({ id: w.id, draw: k, ticket, counter, of: tickets });
    left.splice(i, 1);
    tickets -= w.weight;
  }
  return winners;
}
