/**
 * The column kernel's first loop written per program (`fast-pass1.ts`): one function that computes,
 * record by record, every measure's condition and argument and every early rule's condition, and
 * marks the records with an unknown that matters — what the nodes' `run` loops (`vector.ts`) and
 * `KindKernel.markUnknown` do, a loop and an array per node, in one loop whose code is this
 * program's alone. Each node writes its own expression (`src`), with the operations of its `run`
 * loop; so the values are the same, and the kernel falls back to the nodes' loops when a node
 * writes none (or where a page's policy forbids `new Function`).
 */
import type { ColumnBatch } from './data/columns.js';
import type { BoolVec, Gen, NumVec } from './vector.js';

/** Where the function writes: per measure, its condition (0, 1, 2) and argument; per early rule, its condition; and the records that go the general way (1). */
export interface KernelArrays {
  where: readonly (Uint8Array | undefined)[];
  arg: readonly (Float64Array | undefined)[];
  rules: readonly (Uint8Array | undefined)[];
  general: Uint8Array;
}

/**
 * `(b, n)`: the first `n` records of batch `b` into `arrays` — a measure's argument where its
 * condition holds, a record general when a condition is unknown (2) or an argument it needs is
 * not known exactly (NaN). Undefined when a node has no `src`, or the function cannot be made.
 */
export function generateKernel(measures: readonly { where?: BoolVec; arg?: NumVec }[], rules: readonly (BoolVec | undefined)[], arrays: KernelArrays): ((b: ColumnBatch, n: number) => void) | undefined {
  const values: unknown[] = [];
  const columns = new Map<unknown, string>();
  const reads: string[] = [];
  let temps = 0;
  const g: Gen = {
    value(v) {
      let k = values.indexOf(v);
      if (k < 0) k = values.push(v) - 1;
      return `v${k}`;
    },
    column(read) {
      let name = columns.get(read);
      if (name === undefined) {
        columns.set(read, (name = `c${columns.size}`));
        reads.push(`const ${name} = ${g.value(read)}(b);`);
      }
      return name;
    },
    temp: () => `t${temps++}`,
  };
  const lines: string[] = [];
  for (let k = 0; k < measures.length; k++) {
    const { where, arg } = measures[k]!;
    const w = where?.src(g);
    const x = arg?.src(g);
    if ((where && w === undefined) || (arg && x === undefined)) return undefined;
    const W = where && g.value(arrays.where[k]);
    const X = arg && g.value(arrays.arg[k]);
    const argument = `x = ${x}; ${X}[i] = x; if (x !== x) u = 1;`;
    if (where) lines.push(`w = ${w}; ${W}[i] = w; if (w === 2) u = 1;${arg ? ` else if (w === 1) { ${argument} }` : ''}`);
    else if (arg) lines.push(argument);
  }
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    if (!rule) continue;
    const w = rule.src(g);
    if (w === undefined) return undefined;
    lines.push(`w = ${w}; ${g.value(arrays.rules[r])}[i] = w; if (w === 2) u = 1;`);
  }
  const general = g.value(arrays.general);
  const source = `const MAX = ${Number.MAX_SAFE_INTEGER};
return function kernel(b, n) {
  ${reads.join('\n  ')}
  let u = 0, w = 0, x = 0${Array.from({ length: temps }, (_, t) => `, t${t} = 0`).join('')};
  for (let i = 0; i < n; i++) {
    u = 0;
    ${lines.join('\n    ')}
    ${general}[i] = u;
  }
};`;
  try {
    const factory = new Function(...values.map((_, k) => `v${k}`), source) as (...args: unknown[]) => (b: ColumnBatch, n: number) => void;
    return factory(...values);
  } catch {
    return undefined;
  }
}

/** What the generated sum reads and writes of the kernel's store (its arrays are made again as it grows: given at each call). */
export interface SumStore {
  sums: Float64Array;
  counts: Int32Array;
  seen: Uint8Array;
  /** Months held per partner, the months a sum spans, the first month held. */
  months_: number;
  g: number;
  first: number;
}

/**
 * The kernel's second loop written per program: `KindKernel.sum` with its measures unrolled (their
 * condition and argument arrays known, a count's argument not read) and the early rules'
 * conditions in one test. `(b, store, maxDay)`: adds batch `b`'s records to the sums, record by
 * record, sends a record that would overflow a sum or a count the general way (`takeBack(i, k, at)`
 * takes it back from the measures before `k`), gathers the records that go as rows in `picked`
 * and returns how many; `out[0]` gets the latest day summed. `span`: the store's months per span
 * (`ColumnMonths.g`), written into the loop (a division by a constant, or none for a month, costs
 * less than one by a variable on every record).
 */
export function generateSum(
  arrays: KernelArrays & { picked: Int32Array },
  takeBack: (i: number, k: number, at: number) => void,
  span: number,
): ((b: ColumnBatch, store: SumStore, maxDay: number, out: Float64Array) => number) | undefined {
  if (!(Number.isInteger(span) && span >= 1 && span <= 12)) throw new Error(`internal: a span of ${span} months`);
  const K = arrays.where.length;
  const values: unknown[] = [arrays.general, arrays.picked, takeBack];
  const v = (x: unknown): string => `v${values.push(x) - 1}`;
  const lines: string[] = [];
  for (let k = 0; k < K; k++) {
    const W = arrays.where[k];
    const X = arrays.arg[k];
    const add = [
      `s = at + ${k};`,
      `if (counts[s] === 0x7fffffff) { k = ${k}; break add; }`,
      ...(X ? [`t = sums[s] + ${v(X)}[i];`, `if (t > MAX || t < -MAX) { k = ${k}; break add; }`, `sums[s] = t;`] : []),
      `counts[s]++;`,
    ].join(' ');
    lines.push(W ? `if (${v(W)}[i] === 1) { ${add} }` : add);
  }
  const rules = arrays.rules.map((w) => (w ? `${v(w)}[i] === 1` : 'true'));
  const source = `const MAX = ${Number.MAX_SAFE_INTEGER};
const general = v0, picked = v1, takeBack = v2;
return function sum(b, store, maxDay, out) {
  const n = b.n, partner = b.partner, month = b.month, day = b.day;
  const sums = store.sums, counts = store.counts, seen = store.seen;
  const M = store.months_, first = store.first;
  if (store.g !== ${span}) throw new Error('internal: the store does not sum spans of ${span} months');
  let np = 0, s = 0, t = 0, k = 0, at = 0;
  for (let i = 0; i < n; i++) {
    if (general[i] === 0) {
      const p = partner[i];
      at = (p * M + ${span === 1 ? 'month[i]' : `((month[i] / ${span}) | 0)`} - first) * ${K};
      k = -1;
      add: {
        ${lines.join('\n        ')}
      }
      if (k < 0) {
        seen[p] = 1;
        if (day[i] > maxDay) maxDay = day[i];
        ${rules.length ? `if (${rules.join(' || ')}) picked[np++] = i;` : ''}
        continue;
      }
      general[i] = 1;
      takeBack(i, k, at);
    }
    picked[np++] = i;
  }
  out[0] = maxDay;
  return np;
};`;
  try {
    const factory = new Function(...values.map((_, k) => `v${k}`), source) as (...args: unknown[]) => (b: ColumnBatch, store: SumStore, maxDay: number, out: Float64Array) => number;
    return factory(...values);
  } catch {
    return undefined;
  }
}
