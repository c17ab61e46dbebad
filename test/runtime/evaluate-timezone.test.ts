/**
 * Statements are identical in any time zone (spec principle 1): the same program and data are
 * evaluated in child processes under time zones far apart (UTC+14, UTC−11, a half-hour zone, one
 * with daylight saving) and must print byte-identical statements and explanations. Dates near
 * period and year boundaries are where a zone-dependent date would show.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROGRAM } from '../helpers/property-program.js';

const CLI = fileURLToPath(new URL('../helpers/statements-cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const files = {
  'partners.csv': 'id,kind\nP1,distributor\nP2,reseller\nP3,distributor\n',
  'sale.csv': [
    'id,partner,date,category,Amount (€),shipped',
    'S1,P1,2025-12-31,hardware,900,2026-01-01',
    'S2,P1,2026-01-01,hardware,1200.005,2026-01-31',
    'S3,P2,2026-03-31,software,700,2026-04-01',
    'S4,P2,2026-04-01,hardware,2500,',
    'S5,P3,2026-03-29,hardware,3100.10,2026-03-30',
    'S6,P3,2026-10-25,hardware,4000,2026-10-26',
    'S7,P1,2026-12-31,software,99.99,2026-12-31',
  ].join('\n') + '\n',
  'refund.csv': 'id,partner,date,amount\nR1,P2,2026-07-01,800\n',
  'return.csv': 'id,partner,date,sale\nT1,P2,2026-04-01,S3\nT2,P1,2027-01-01,S7\n',
};

function runIn(tz: string): { tz: string; offset: number; statements: unknown; explained: string[] } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI], {
    cwd: ROOT,
    input: JSON.stringify({ source: PROGRAM, files }),
    env: { ...process.env, TZ: tz },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`child in ${tz} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('time zones', () => {
  it('statements and explanations are byte-identical in any time zone', () => {
    const zones = ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kolkata', 'America/New_York'];
    const outs = zones.map(runIn);
    // the children really ran in different zones
    expect(new Set(outs.map((o) => o.offset)).size).toBe(zones.length);
    const base = JSON.stringify({ s: outs[0]!.statements, e: outs[0]!.explained });
    for (const o of outs) expect(JSON.stringify({ s: o.statements, e: o.explained }), o.tz).toBe(base);
    // and something was evaluated: four quarters, the Q1 sales counted on their own dates
    const st = outs[0]!.statements as { period: string; partners: { id: string; tiers: Record<string, string> }[] }[];
    expect(st.map((s) => s.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(st[0]!.partners.find((p) => p.id === 'P1')!.tiers.status).toBe('Silver'); // 1,200.005 in Q1 (S1 is 2025)
    expect(st[0]!.partners.find((p) => p.id === 'P2')!.tiers.status).toBe('Member'); // 700 on 2026-03-31
  });
});
