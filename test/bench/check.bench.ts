/**
 * `npm run bench` (front end): parse + check time for a generated 10,000-line program, reported
 * beside a baseline measured in the same run (reading the same text line by line with a regex
 * tokenizer), since absolute times on shared machines are noisy. Target: under one second.
 */
import { parse } from '../../language/parser.js';
import { check } from '../../compiler/check.js';

/** A valid program of about `lines` lines: many measures, lets and rules over two event kinds. */
export function bigProgram(lines: number): string {
  const out: string[] = [
    'program "Bench" {',
    '  currency EUR',
    '  period quarter',
    '  start 2026-01-01',
    '}',
    'partner {',
    '  region: one of "EMEA", "AMER", "APAC"',
    '}',
    'event sale {',
    '  sku: text',
    '  category: one of "hardware", "software", "services"',
    '  amount: money',
    '  quantity: integer',
    '}',
    'payout points as points',
    'payout cash as cash {',
    '  cap 10_000 EUR per partner',
    '}',
  ];
  let i = 0;
  while (out.length < lines) {
    out.push(`measure m${i} = sum sale.amount where sale.category = "hardware" and sale.quantity > ${i % 7}`);
    out.push(`let l${i} = bands m${i} {`, '  below 1_000 EUR: 1%', '  from 1_000 EUR: 2%', `  from ${5_000 + i} EUR: 3%`, '}');
    out.push(`rule "R${i}" {`, `  for each sale where category = "software" and sku = "S${i}" and partner.region = "EMEA"`, `  award floor(amount / 1 EUR) * 2 to points`, '}');
    out.push(`rule "C${i}" {`, '  for each partner where m' + i + ' >= 500 EUR', `  award m${i} * l${i} to cash`, '  cap 2_000 EUR', '}');
    i++;
  }
  return out.join('\n') + '\n';
}

function time<T>(f: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = f();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6]; // allow-number: milliseconds for a report
}

export function runCheckBench(): { lines: number; parseMs: number; checkMs: number; baselineMs: number; diagnostics: number } {
  const text = bigProgram(10_000);
  const lines = text.split('\n').length - 1;
  // Warm up once (JIT), then measure the median of 5.
  check(parse(text).file);
  const runs: { p: number; c: number; b: number; d: number }[] = [];
  for (let k = 0; k < 5; k++) {
    const [, b] = time(() => {
      let n = 0;
      for (const line of text.split('\n')) n += line.match(/[A-Za-z_][A-Za-z0-9_]*|\d+|\S/g)?.length ?? 0;
      return n;
    });
    const [parsed, p] = time(() => parse(text));
    const [checked, c] = time(() => check(parsed.file));
    runs.push({ p, c, b, d: parsed.diagnostics.length + checked.diagnostics.filter((x) => x.severity === 'error').length });
  }
  runs.sort((x, y) => x.p + x.c - (y.p + y.c));
  const m = runs[2]!;
  return { lines, parseMs: m.p, checkMs: m.c, baselineMs: m.b, diagnostics: m.d };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = runCheckBench();
  const total = r.parseMs + r.checkMs;
  console.log(`front end: ${r.lines} lines, parse ${r.parseMs.toFixed(0)} ms + check ${r.checkMs.toFixed(0)} ms = ${total.toFixed(0)} ms (target < 1000 ms); ` +
    `${(total / r.baselineMs).toFixed(1)}× a regex tokenizer over the same text (${r.baselineMs.toFixed(0)} ms); errors: ${r.diagnostics}`);
  if (r.diagnostics > 0) process.exitCode = 1;
  if (total >= 1000) { console.log('FAIL: over one second'); process.exitCode = 1; }
}
