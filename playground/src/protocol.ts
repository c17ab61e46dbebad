/** Messages between the page and its two workers (structured-clone friendly: plain data only). */
import type { CoverageItem } from '../../review/coverage.js';
import type { ProgramSchema } from './schema.js';
import type { CompletionResult, HoverResult } from './service.js';
import type { Table } from './tables.js';

export interface WireDiagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  hint?: string;
  start: number;
  end: number;
  related?: { message: string; start: number; end: number }[];
}

export type LangRequest =
  | { type: 'check'; id: number; text: string }
  | { type: 'complete'; id: number; text: string; offset: number }
  | { type: 'hover'; id: number; text: string; offset: number }
  | { type: 'definition'; id: number; text: string; offset: number }
  | { type: 'format'; id: number; text: string }
  | { type: 'sample'; id: number; schema: ProgramSchema; seed: number; partners: number; events: number };

export type LangResponse =
  /** `stopped`: the worker was stopped before it answered (see workers.ts), and why. */
  | { type: 'check'; id: number; diagnostics: WireDiagnostic[]; schema: ProgramSchema; ms: number; stopped?: string }
  | { type: 'complete'; id: number; result: CompletionResult }
  | { type: 'hover'; id: number; result: HoverResult | null }
  | { type: 'definition'; id: number; result: { start: number; end: number } | null }
  | { type: 'format'; id: number; text: string | null; message?: string }
  | { type: 'sample'; id: number; tables: Record<string, Table>; stopped?: string };

export interface RunRequest {
  type: 'run';
  id: number;
  text: string;
  /** Data files by name (`partners.csv`, `sale.csv`). */
  files: Record<string, string>;
  /** The period shown (`2026-Q1`); the latest period with records when absent or unknown. */
  period?: string;
  /** The partner to explain (awards' traces and why the other rules gave nothing). */
  explain?: string;
  /** Record coverage: what the data reaches of each rule, band, lookup entry, tier level, cap, budget and minimum. */
  coverage?: boolean;
}

/** One coverage item, for the editor's shading and the Results panel's list. */
export interface WireCoverageItem {
  kind: CoverageItem['kind'];
  /** `let rebate_rate: bands hardware_revenue: from 500,000 EUR`. */
  label: string;
  line: number;
  start: number;
  end: number;
  reached: boolean;
  /** What reached it (`12 events, 5 partners`), or why it is a finding (`no partner reached this band`). */
  by: string;
}

/** One figure of the exposure, as shown: `20,000.00 EUR` and what sets it (`the pot's cap`), or `unbounded`. */
export interface WireBound {
  text: string;
  bounded: boolean;
  by?: string;
}

/** The exposure report, put in words in the run worker (so that the page needs none of review/'s code). */
export interface WireExposure {
  /** The program's periods from start to end, when it has an end. */
  periods?: number;
  /** Per pot: one partner in one period, all partners in one period, over the program (with an end). */
  pots: { pot: string; perPartner: WireBound; perPeriod: WireBound; program?: WireBound }[];
  /** What is paid beyond what is earned, what leaves a figure unbounded (at a rule's line), and the changes that bound it. */
  notes: { text: string; line?: number; fix?: boolean }[];
}

export interface DataProblem {
  file: string;
  line: number;
  field?: string;
  severity: 'error' | 'warning';
  /** Exactly as the command line prints it: `sale.csv:14: field "amount": "12,50" is not a decimal amount`. */
  text: string;
}

export interface PotCell {
  earned: string;
  paid: string;
  carried: string;
  carriedIn: string;
  approval: boolean;
  adjustments: { kind: string; amount: string; note: string }[];
}

export interface PartnerRowResult {
  id: string;
  tiers: Record<string, string>;
  pots: Record<string, PotCell>;
  /** Money paid, credited or accrued plus items × value (the program's cost, for this partner). */
  cost: string;
}

export interface PeriodSummary {
  period: string;
  cost: string;
  partners: number;
}

export interface PartnerDetail {
  id: string;
  period: string;
  awards: { rule: string; pot: string; amount: string; trace: string }[];
  unfired: { rule: string; why: string }[];
  /** Partner-level values (measures, tiers, lets) as the statements print them. */
  values: Record<string, string>;
  notes: string[];
}

export interface RunResult {
  type: 'run';
  id: number;
  /** Why there are no results (program errors, unreadable data…); absent when there are results. */
  blocked?: string;
  problems: DataProblem[];
  rejected: number;
  records: number;
  program?: string;
  currency?: string;
  pots: { name: string; kind: string; unit: 'money' | 'points' | 'items' }[];
  tiers: { name: string; levels: string[] }[];
  periods: PeriodSummary[];
  /** The period shown. */
  period?: string;
  partners: PartnerRowResult[];
  totals: Record<string, { earned: string; paid: string; carried: string; budget?: string; budgetUsed?: string }>;
  cost?: string;
  detail?: PartnerDetail;
  /** The most each pot can pay, from the program alone (`incent check --exposure`): present when the program compiles. */
  exposure?: WireExposure;
  /** Asked for: what the data reached (every period of the run). */
  coverage?: { items: WireCoverageItem[]; reached: number; total: number };
  ms: number;
}
