/**
 * A period's partner environments (measures, tiers and lets), in the partners' order — by id, as
 * `<` compares them — and found by id when asked.
 *
 * Most runs never ask for most of them by id: finishing reads them in order, and only a few events
 * (an early rule's, a late rule's) look their partner up. So no map of a million ids is made up
 * front (hashing each id and growing the table took ~0.5 µs a partner, ~0.3 s for 600,000): the
 * first lookups are binary searches of the sorted list, and the map is made only once lookups pass
 * a sixteenth of the partners (then it pays for itself).
 */
import type { PartnerEnv } from './compile-ir.js';

/** Lookups by binary search before the map is made: at least this many, or a sixteenth of the partners. */
const SEARCHES = 1024;

export class PartnerEnvs {
  private byId: Map<string, PartnerEnv> | undefined;
  private searches = 0;

  /** `list`: the environments in the order of their ids (checked: otherwise the map is made at once). */
  constructor(readonly list: readonly PartnerEnv[]) {
    for (let i = 1; i < list.length; i++) {
      if (!(list[i - 1]!.id < list[i]!.id)) {
        this.byId = this.index();
        break;
      }
    }
  }

  /** Partner `id`'s environment, looked for first at position `i` (the periods of a run list the same partners). */
  at(i: number, id: string): PartnerEnv | undefined {
    const env = this.list[i];
    return env?.id === id ? env : this.get(id);
  }

  get(id: string): PartnerEnv | undefined {
    if (this.byId) return this.byId.get(id);
    if (++this.searches > Math.max(SEARCHES, this.list.length >> 4)) {
      this.byId = this.index();
      return this.byId.get(id);
    }
    const list = this.list;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = list[mid]!.id;
      if (at === id) return list[mid];
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private index(): Map<string, PartnerEnv> {
    const m = new Map<string, PartnerEnv>();
    for (const env of this.list) m.set(env.id, env);
    return m;
  }
}
