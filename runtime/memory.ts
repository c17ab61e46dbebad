/**
 * Tiers with memory and previous values (§12.3): the level a tier holds under `down at most N
 * level[s] per period|year`, and the partner's values before the program (what `previous NAME`
 * reads in the first period).
 */
import type { Step } from './artifact.js';
import type { PartnerEnv } from './compile-ir.js';

/** Why each tier held by `down at most N` has its level, for an explanation: `status Silver: it reached Member, …`. */
export function heldNotes(steps: readonly Step[], env: PartnerEnv): Record<string, string> | undefined {
  if (!env.held) return undefined;
  const out: Record<string, string> = {};
  for (const st of steps) {
    const h = env.held[st.name];
    if (st.kind !== 'tier' || !st.down || !h) continue;
    const n = st.down.count;
    const held = st.levels[env.vals[st.name] as number] ?? '';
    out[st.name] = `${st.name} ${held}: it reached ${st.levels[h.computed] ?? ''}, and falls at most ${n} level${n === 1 ? '' : 's'} below ${st.levels[h.anchor] ?? ''}, its level at the end of the previous ${st.down.per}`;
  }
  return out;
}

/**
 * A tier's level after `down at most N`: never more than N levels below its level at the end of
 * the previous period (`per period`), or at the end of the previous calendar year (`per year`:
 * the anchor changes at each year's first period and holds through the year). Upgrades are
 * immediate. No floor in the run's first period, nor (per year) in its first year. `prev` is the
 * previous period's environment, `newYear` whether this period starts a calendar year.
 */
export function heldLevel(step: Step & { kind: 'tier' }, computed: number, env: PartnerEnv, prev: PartnerEnv | undefined, newYear: boolean): number {
  const down = step.down;
  if (!down || !prev) return computed;
  const anchor = down.per === 'period' || newYear ? (prev.vals[step.name] as number) : prev.anchors?.[step.name];
  if (anchor === undefined) return computed;
  (env.anchors ??= {})[step.name] = anchor;
  const floor = anchor - down.count;
  if (computed >= floor) return computed;
  (env.held ??= {})[step.name] = { computed, anchor };
  return floor;
}
