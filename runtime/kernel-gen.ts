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
