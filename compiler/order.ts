/**
 * Orders of the lets, measures and tiers: the order to check them in (dependencies first, from
 * the names written in each, with cycles found without recursion), and the evaluation order the
 * artifact keeps (program-level names, then partner-level ones, each after what it uses).
 */
import { error } from '../core/diagnostics.js';
import { MAX_CYCLE_FOLLOWED } from '../core/limits.js';
import type { Decl, Ident } from '../language/syntax.js';
import { walkExpr } from '../language/syntax.js';
import type { CheckContext } from './context.js';

/** The names of the lets, measures and tiers, in source order (the first declaration of each name). */
function valueDecls(ck: CheckContext, decls: readonly Decl[]): string[] {
  return decls.flatMap((d) => ((d.kind === 'LetDecl' || d.kind === 'MeasureDecl' || d.kind === 'TierDecl') && d.name && ck.top.get(d.name.name)?.decl === d ? [d.name.name] : []));
}

/**
 * The lets, measures and tiers in an order where each comes after the names it uses, as far as
 * cycles allow, so that checking them in this order goes from one declaration into another
 * only a step deep however long a chain of lets is (`ensure` recurses into what a declaration
 * uses). The uses are the names written in each declaration; the order comes from Tarjan's
 * strongly connected components, computed without recursion. The members of a cycle keep their
 * source order, so a cycle is reported from its first declaration; a cycle of more than
 * MAX_CYCLE_FOLLOWED declarations is reported here (E0210) and its members are not checked.
 */
export function dependencyOrder(ck: CheckContext, decls: readonly Decl[]): string[] {
  const names = valueDecls(ck, decls);
  const index = new Map(names.map((n, i) => [n, i]));
  const uses = names.map((n) => {
    const d = ck.top.get(n)!.decl;
    const roots =
      d.kind === 'LetDecl' ? [d.value] : d.kind === 'MeasureDecl' ? [d.arg, d.where, d.otherwise] : d.kind === 'TierDecl' ? [d.by, ...(d.levels ?? []).map((l) => l?.threshold)] : [];
    const out = new Set<number>();
    // A name, `NAME at DATE` (it reads this period's value too) and a let read like a field
    // (`activation.reward`) are uses; `previous NAME` is not: it is the previous period's value.
    for (const r of roots)
      walkExpr(r, (x) => {
        const n = x.kind === 'Name' ? x.name : x.kind === 'At' ? x.name?.name : x.kind === 'Field' ? x.field?.name : undefined;
        const j = n === undefined ? undefined : index.get(n);
        if (j !== undefined) out.add(j);
      });
    return [...out];
  });
  // Tarjan's algorithm with an explicit stack.
  const order: number[] = new Array(names.length).fill(-1);
  const low: number[] = new Array(names.length).fill(0);
  const onStack: boolean[] = new Array(names.length).fill(false);
  const stack: number[] = [];
  const out: string[] = [];
  let counter = 0;
  for (let root = 0; root < names.length; root++) {
    if (order[root] !== -1) continue;
    const frames: { v: number; i: number }[] = [{ v: root, i: 0 }];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      const next = uses[f.v]!;
      if (f.i < next.length) {
        const w = next[f.i++]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          frames.push({ v: w, i: 0 });
        } else if (onStack[w]) low[f.v] = Math.min(low[f.v]!, order[w]!);
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]!.v;
        low[parent] = Math.min(low[parent]!, low[f.v]!);
      }
      if (low[f.v] !== order[f.v]) continue;
      const members: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = false;
        members.push(w);
      } while (w !== f.v);
      members.sort((a, b) => a - b);
      if (members.length > MAX_CYCLE_FOLLOWED) longCycle(ck, members.map((m) => names[m]!), uses, names, index);
      else for (const m of members) out.push(names[m]!);
    }
  }
  return out;
}

/** E0210 for a cycle too long to follow name by name: reported at its first declaration, which is then not checked, nor the others. */
function longCycle(ck: CheckContext, members: string[], uses: number[][], names: string[], index: Map<string, number>): void {
  // The shortest way from the first member back to itself (breadth first).
  const first = index.get(members[0]!)!;
  const inCycle = new Set(members.map((m) => index.get(m)!));
  const from = new Map<number, number>();
  const queue = [first];
  let last = -1;
  for (let k = 0; k < queue.length && last < 0; k++) {
    for (const w of uses[queue[k]!]!) {
      if (!inCycle.has(w)) continue;
      if (w === first) {
        last = queue[k]!;
        break;
      }
      if (!from.has(w)) {
        from.set(w, queue[k]!);
        queue.push(w);
      }
    }
  }
  const path: string[] = [];
  for (let v = last; v !== first && v >= 0; v = from.get(v)!) path.push(names[v]!);
  path.push(names[first]!);
  path.reverse();
  const shown = path.length > 6 ? [...path.slice(0, 3), '…', ...path.slice(-2)] : path;
  const name = names[first]!;
  const decl = ck.top.get(name)!.decl;
  ck.report(
    error(
      'E0210',
      `\`${name}\` depends on itself through ${path.length} declarations: ${[...shown, name].map((n) => (n === '…' ? n : `\`${n}\``)).join(' → ')}`,
      (decl.name as Ident).span,
      'a value cannot be computed from itself: break the cycle by computing one of them from other values',
    ),
  );
  ck.settle(members);
}

/** Dependencies first (depth first, dependencies by name), without recursion: a chain of lets may be long. */
/** The evaluation-order stage: the program-level and partner-level names, each after what it uses. */
export function evaluationOrder(ck: CheckContext, decls: readonly Decl[]): void {
  const done = new Set<string>();
  const list: string[] = [];
  const path = new Set<string>();
  const stack: { n: string; deps: string[]; i: number }[] = [];
  const enter = (n: string) => {
    if (done.has(n) || path.has(n)) return;
    path.add(n);
    stack.push({ n, deps: [...ck.dependencies(n)].sort(), i: 0 });
  };
  for (const name of valueDecls(ck, decls)) {
    enter(name);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.deps.length) {
        enter(top.deps[top.i++]!);
        continue;
      }
      stack.pop();
      path.delete(top.n);
      done.add(top.n);
      list.push(top.n);
    }
  }
  for (const n of list) {
    const l = ck.out.lets.get(n);
    if (l && l.level === 'program') ck.out.programOrder.push(n);
    else if (l && l.level === 'event') ck.out.eventOrder.push(n);
    else ck.out.partnerOrder.push(n);
  }
}
