/**
 * The records that `ref` fields name (§12.3): `refund.activation.reward` reads the activation
 * whose id the refund's `activation` field holds. The first pass keeps, for each kind that an
 * expression reads through a `ref` field, every valid record of that kind by its id — this is
 * what a `ref` costs per record of the named kind (its row and an entry in a map; a kind that is
 * only named, never read through, keeps nothing). The data's whole-set checks have made sure that
 * every id a valid record names is there (runtime/data/builder.ts, node-stream.ts).
 */
import type { EventRow } from './compile-ir.js';

export class RefIndex {
  private readonly byKind = new Map<string, Map<string, EventRow>>();

  constructor(kinds: Iterable<string>) {
    for (const k of kinds) this.byKind.set(k, new Map());
  }

  /** Whether the records of this kind are kept. */
  keeps(kind: string): boolean {
    return this.byKind.has(kind);
  }

  /** Pass 1: a valid record of a kept kind. */
  add(kind: string, r: EventRow): void {
    this.byKind.get(kind)?.set(r.id, r);
  }

  /** The record of `kind` with this id. */
  get(kind: string, id: string): EventRow {
    const r = this.byKind.get(kind)?.get(id);
    if (!r) throw new Error(`internal: no ${kind} ${JSON.stringify(id)} (the data's checks should have rejected the record that names it)`);
    return r;
  }
}
