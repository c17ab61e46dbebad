/**
 * The wide workload of `npm run bench -- --wide`: the canonical program over 1,000,000 partners
 * and 3,000,000 sale lines, and its floor.
 *
 * The lines come from the peers' generator (`lib/gen.js`'s draws: mulberry32 seed 42, the same
 * SKUs, categories, regions, amounts, quantities and dates), with the partner drawn among
 * `partners` instead of 10,000: the first `partners` lines name every partner once (in a scrambled
 * order), the others are skewed toward low ids as the generator skews them (u² × partners). The
 * floor is the peers' `e2e.js limit` (a byte scanner into typed arrays, integer cents, the same
 * finishing step) with arrays sized for the partners: their code, ported here because theirs is
 * sized for 10,000 partners.
 */
import { createRequire } from 'node:module';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface Gen {
  mulberry32(seed: number): () => number;
  CATEGORIES: string[];
  REGIONS: string[];
  SKUS: string[];
  DATES: string[];
  centsToString(c: number): string;
}

/** Writes `dir/sale.csv` (Incent's columns) with `lines` lines over `partners` partners. */
export function generateWide(peers: string, dir: string, partners: number, lines: number): void {
  const gen = createRequire(resolve(peers, 'package.json'))('./lib/gen.js') as Gen;
  const rand = gen.mulberry32(42);
  const width = String(partners - 1).length;
  const ids = (p: number) => 'P' + String(p).padStart(width, '0');
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, 'sale.csv'), 'w');
  let out = 'id,partner,date,sku,category,region,amount,quantity\n';
  for (let i = 0; i < lines; i++) {
    const u = rand();
    // every partner once (a permutation: 7919 is prime to 10^6), then skewed as the generator does
    const p = i < partners ? (i * 7919) % partners : Math.floor(u * u * partners);
    const s = Math.floor(rand() * 500);
    const c = Math.floor(rand() * 4);
    const r = Math.floor(rand() * 3);
    const cents = 100 + Math.floor(rand() * 499901);
    const q = 1 + Math.floor(rand() * 20);
    const day = Math.floor(rand() * 365);
    out += `L${i + 1},${ids(p)},${gen.DATES[day]},${gen.SKUS[s]},${gen.CATEGORIES[c]},${gen.REGIONS[r]},${gen.centsToString(cents)},${q}\n`;
    if (out.length > 1 << 20) {
      writeSync(fd, out);
      out = '';
    }
  }
  writeSync(fd, out);
  closeSync(fd);
}

const MONTH_START = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const PTS_NUM = [2, 4, 1, 0]; // points per euro × 2 by category (hardware 1, software 2, services 0.5, accessories 0)

/** The peers' floor over an Incent file of the wide workload: per partner [points, tier, cash]. Exact (integer cents). */
export function floorWide(file: string, partners: number): Map<string, [number, string, string]> {
  const buf = readFileSync(file);
  const totalC = new Float64Array(partners);
  const hwC = new Float64Array(partners);
  const pts = new Float64Array(partners);
  const spiffC = new Float64Array(partners);
  const seen = new Uint8Array(partners);
  let i = buf.indexOf(10) + 1;
  const len = buf.length;
  while (i < len) {
    while (buf[i] !== 44) i++; // id
    i += 2; // ',P'
    let p = 0;
    while (buf[i] !== 44) p = p * 10 + buf[i++]! - 48;
    i++;
    const day = MONTH_START[(buf[i + 5]! - 48) * 10 + (buf[i + 6]! - 48)]! + (buf[i + 8]! - 48) * 10 + (buf[i + 9]! - 48) - 1;
    i += 11;
    i += 3; // 'SKU'
    let sku = 0;
    while (buf[i] !== 44) sku = sku * 10 + buf[i++]! - 48;
    i++;
    const f = buf[i];
    const cat = f === 104 ? 0 : f === 97 ? 3 : buf[i + 1] === 111 ? 1 : 2;
    while (buf[i] !== 44) i++;
    i++;
    while (buf[i] !== 44) i++;
    i++;
    let v = 0;
    let dec = -1;
    for (;;) {
      const c = buf[i]!;
      if (c === 44) break;
      if (c === 46) dec = 0;
      else {
        v = v * 10 + c - 48;
        if (dec >= 0) dec++;
      }
      i++;
    }
    const cents = dec <= 0 ? v * 100 : dec === 1 ? v * 10 : v;
    i++;
    let q = 0;
    while (buf[i] !== 10 && buf[i] !== 13) q = q * 10 + buf[i++]! - 48;
    if (buf[i] === 13) i++;
    i++;
    seen[p] = 1;
    totalC[p]! += cents;
    if (cat === 0) hwC[p]! += cents;
    pts[p]! += (((cents / 100) | 0) * PTS_NUM[cat]!) >> 1;
    if (sku === 7 && day >= 59 && day <= 89) spiffC[p]! += 2500 * q;
  }
  const width = String(partners - 1).length;
  const out = new Map<string, [number, string, string]>();
  for (let p = 0; p < partners; p++) {
    if (!seen[p]) continue;
    let tier: string;
    let points: number;
    if (totalC[p]! >= 100000000) [tier, points] = ['Gold', Math.floor((pts[p]! * 3) / 2)];
    else if (totalC[p]! >= 25000000) [tier, points] = ['Silver', Math.floor((pts[p]! * 5) / 4)];
    else [tier, points] = ['Member', pts[p]!];
    const pct = hwC[p]! >= 50000000 ? 4 : hwC[p]! >= 10000000 ? 3 : 2;
    const n = hwC[p]! * pct;
    const q = Math.floor(n / 100);
    const r = n - q * 100;
    const rebate = r > 50 ? q + 1 : r < 50 ? q : q % 2 === 0 ? q : q + 1;
    let cash = spiffC[p]! + rebate;
    if (cash > 2000000) cash = 2000000;
    out.set('P' + String(p).padStart(width, '0'), [points, tier, `${Math.floor(cash / 100)}.${String(cash % 100).padStart(2, '0')}`]);
  }
  return out;
}
