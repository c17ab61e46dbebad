/**
 * Hostile mutations of generated programs, for the fuzz targets: deep nesting, long chains of
 * operators, huge and tiny literals, huge windows, repeated squaring, long chains and cycles of
 * lets, tokens deleted, repeated or moved. Sizes come from the budget (`budget.ts`), and no
 * mutation makes a text longer than MAX_TEXT, so every case is bounded by construction.
 */
import fc from 'fast-check';
import { fromGen, genProgram, tokenSpans, type Rand } from '../generators/programs.js';
import { size } from './budget.js';

const NUMBER = /^\d(?:_?\d)*(?:\.\d(?:_?\d)*)?%?$/;

/** Replaces the token at `i` of `text`'s tokens by `by(token)`. */
function replaceToken(text: string, pick: (toks: ReturnType<typeof tokenSpans>) => number | undefined, by: (t: string) => string): string {
  const toks = tokenSpans(text);
  const i = pick(toks);
  if (i === undefined) return text;
  const t = toks[i]!;
  return text.slice(0, t.start) + by(t.text) + text.slice(t.end);
}

/** A random number token (with its currency, when it is money): the operand mutations wrap or repeat. */
function numberToken(r: Rand) {
  return (toks: ReturnType<typeof tokenSpans>) => {
    const idx = toks.flatMap((t, i) => (NUMBER.test(t.text) && !/^(last|top)$/.test(toks[i - 1]?.text ?? '') ? [i] : []));
    return idx.length ? r.pick(idx) : undefined;
  };
}

function withCurrency(text: string, i: number, toks: ReturnType<typeof tokenSpans>): { start: number; end: number } {
  const next = toks[i + 1];
  return next && /^[A-Z]{3}$/.test(next.text) ? { start: toks[i]!.start, end: next.end } : { start: toks[i]!.start, end: toks[i]!.end };
}

/** Replaces a number (or amount) of `text` by `by(it)`. */
function mutateOperand(r: Rand, text: string, by: (operand: string) => string): string {
  const toks = tokenSpans(text);
  const i = numberToken(r)(toks);
  if (i === undefined) return text;
  const { start, end } = withCurrency(text, i, toks);
  return text.slice(0, start) + by(text.slice(start, end)) + text.slice(end);
}

function digits(r: Rand, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(r.int(0, 9));
  return s;
}

export const MUTATIONS: { name: string; apply: (r: Rand, text: string) => string }[] = [
  {
    name: 'deep nesting',
    apply: (r, text) =>
      mutateOperand(r, text, (x) => {
        let e = x;
        const n = r.int(0, size(120));
        for (let k = 0; k < n; k++) {
          e = r.pick([`(${e})`, `abs(${e})`, `-(${e})`, `if true then ${e} else ${e.length < 60 ? e : x}`, `max(${e}, ${x})`, `lookup partner.kind { "distributor": ${e}, else: ${x} }`]);
          if (e.length > MAX_TEXT / 4) break;
        }
        return e;
      }),
  },
  {
    name: 'long chain',
    apply: (r, text) =>
      mutateOperand(r, text, (x) => {
        const n = Math.min(r.int(2, size(800)), Math.ceil(MAX_TEXT / (x.length + 7)));
        const op = r.pick([' + ', ' - ', ' * 1 + ', ' / 1 * ']);
        return `(${Array.from({ length: n }, () => x).join(op)})`;
      }),
  },
  {
    name: 'long condition',
    apply: (r, text) => {
      const n = r.int(2, size(800));
      const op = r.pick([' and ', ' or ']);
      return text.replace(/where ([^\n]+)/, (_, c: string) => `where ${Array.from({ length: Math.min(n, Math.ceil(MAX_TEXT / (c.length + 7))) }, () => `(${c})`).join(op)}`);
    },
  },
  {
    name: 'huge or tiny literal',
    apply: (r, text) =>
      replaceToken(text, numberToken(r), () => {
        const int = r.bool(0.3) ? '0' : digits(r, r.int(1, 60)).replace(/^0+(?=\d)/, '');
        const frac = r.bool(0.5) ? `.${'0'.repeat(r.int(0, 50))}${digits(r, r.int(1, 20))}` : '';
        return `${int}${frac}${r.bool(0.1) ? '%' : ''}`;
      }),
  },
  {
    name: 'huge window',
    apply: (r, text) => {
      const count = r.pick([String(r.int(1, 2000)), digits(r, r.int(5, 40)).replace(/^0+(?=\d)/, '1'), '1_200', '100_000']);
      const unit = r.pick(['periods', 'months', 'quarters', 'years']);
      const window = r.pick([`last ${count} ${unit}`, 'previous year', 'previous period', 'program to date']);
      return text.replace(/^measure revenue = sum sale\.amount([^\n]*)$/m, `measure revenue = sum sale.amount over ${window}`);
    },
  },
  {
    name: 'repeated squaring',
    apply: (r, text) => {
      const n = r.int(1, size(70));
      const first = r.pick(['revenue / 1 EUR', 'revenue / 1 USD', 'revenue / 1 JPY', '3', '0.5', '1_000_000_000', 'revenue']);
      const lets = [`let q0 = ${first}`, ...Array.from({ length: n }, (_, i) => `let q${i + 1} = q${i} * ${r.bool(0.8) ? `q${i}` : `(q${i} / ${r.pick(['7', '1_000_000', '0.001'])})`}`)];
      return `${text}\n${lets.join('\n')}\nrule "Q" {\n  for each partner\n  award q${n} to points\n}\n`;
    },
  },
  {
    name: 'long chain of lets',
    apply: (r, text) => {
      const n = r.int(2, size(400));
      const cycle = r.bool(0.3);
      const lets = Array.from({ length: n }, (_, i) => `let z${i} = z${i + 1 < n || cycle ? (i + 1) % n : n} + 1`);
      if (!cycle) lets.push(`let z${n} = 1`);
      if (r.bool()) lets.reverse();
      return `${text}\n${lets.join('\n')}\nrule "Z" {\n  for each partner\n  award z0 to points\n}\n`;
    },
  },
  {
    name: 'tokens deleted, repeated or moved',
    apply: (r, text) => {
      let out = text;
      for (let k = r.int(1, 4); k > 0; k--) {
        const toks = tokenSpans(out);
        if (toks.length === 0) break;
        const t = toks[r.int(0, toks.length - 1)]!;
        const other = toks[r.int(0, toks.length - 1)]!.text;
        const by = r.pick(['', `${t.text} ${t.text}`, other, `${t.text.repeat(r.int(2, size(200)))}`]);
        out = out.slice(0, t.start) + by + out.slice(t.end);
      }
      return out;
    },
  },
];

/** The longest text a mutation may make (a mutation that would make a longer one is left out). */
export const MAX_TEXT = 300_000;

/** A generated program with 1–3 mutations. */
export const mutatedProgramArb: fc.Arbitrary<{ text: string; applied: string[] }> = fc.gen().map((g) => {
  const r = fromGen(g);
  let text = genProgram(r);
  const applied: string[] = [];
  for (let k = r.int(1, 3); k > 0; k--) {
    const m = r.pick(MUTATIONS);
    const next = m.apply(r, text);
    if (next.length > MAX_TEXT) continue;
    applied.push(m.name);
    text = next;
  }
  return { text, applied };
});
