/** "Did you mean": the diagnostic model's edit-distance suggestion, plus swapped neighbouring letters (`cahs` → `cash`). */
import { didYouMean } from '../core/diagnostics.js';

export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const best = didYouMean(name, list);
  if (best !== undefined) return best;
  for (const c of list.sort()) {
    if (c.length !== name.length || name.length < 2) continue;
    const diff: number[] = [];
    for (let i = 0; i < c.length && diff.length <= 2; i++) if (c[i] !== name[i]) diff.push(i);
    if (diff.length === 2 && diff[1] === diff[0]! + 1 && c[diff[0]!] === name[diff[1]!] && c[diff[1]!] === name[diff[0]!]) return c;
  }
  return undefined;
}
