/**
 * Checks of the v0.2 constructs that reach beyond one declaration (§12.3): `ref` fields (their
 * kinds exist and do not go in a circle) and `previous NAME` of a name checked after the
 * declaration that uses it (that declaration is checked again, once every type is known).
 */
import { error, type Diagnostic } from '../core/diagnostics.js';
import type { Decl, LetDecl, MeasureDecl, Span, TierDecl } from '../language/syntax.js';
import type { CheckContext } from './context.js';
import { checkLet, checkMeasure, checkTier } from './definitions.js';

/**
 * The `ref` fields stage: each names a declared event kind (E0205), and no kind leads back to
 * itself through `ref` fields (E0227) — so that the records a kind names are all known when its
 * own records are checked, in one pass over the kinds in that order (runtime/data/DATA.md).
 */
export function checkRefFields(ck: CheckContext, decls: readonly Decl[]): void {
  const edges = new Map<string, { field: string; target: string; span: Span }[]>();
  for (const d of decls) {
    if (d.kind !== 'EventDecl' || !d.name || ck.out.events.get(d.name.name)?.decl !== d) continue;
    const kind = d.name.name;
    const out: { field: string; target: string; span: Span }[] = [];
    for (const f of d.fields ?? []) {
      if (f?.type?.kind !== 'RefType' || !f.type.event || !f.name) continue;
      const info = ck.out.events.get(kind)!.fields.get(f.name.name);
      if (!info || info.decl !== f) continue;
      if (!ck.out.events.has(f.type.event.name)) {
        ck.unknownEvent(f.type.event);
        delete info.ref;
        continue;
      }
      out.push({ field: f.name.name, target: f.type.event.name, span: f.type.span });
    }
    edges.set(kind, out);
  }
  // A circle: depth first from each kind in source order, reported once at its first `ref` field.
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    const path: { kind: string; via?: { field: string; target: string; span: Span } }[] = [];
    const stack: { kind: string; i: number }[] = [{ kind: start, i: 0 }];
    state.set(start, 'visiting');
    path.push({ kind: start });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = edges.get(top.kind)?.[top.i++];
      if (!next) {
        state.set(top.kind, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      if (state.get(next.target) === 'visiting') {
        const from = path.findIndex((p) => p.kind === next.target);
        const kinds = [...path.slice(from).map((p) => p.kind), next.target];
        const first = path[from + 1]?.via ?? next;
        const self = kinds.length === 2;
        ck.report(
          error(
            'E0227',
            self ? `\`${top.kind}.${next.field}\` names a record of its own kind, \`${top.kind}\`` : `\`ref\` fields go in a circle: ${kinds.map((k) => `\`${k}\``).join(' → ')}`,
            first.span,
            self ? 'a `ref` field names a record of another kind; for a record of the same kind, keep its id as `text`' : 'a kind cannot be named back by the kinds it names: keep one of these fields as `text`',
          ),
        );
        // Report each circle once: its fields no longer count as refs.
        for (const k of kinds.slice(0, -1)) for (const e of edges.get(k) ?? []) if (kinds.includes(e.target)) delete ck.out.events.get(k)!.fields.get(e.field)!.ref;
        edges.set(top.kind, []);
        continue;
      }
      if (state.get(next.target) === 'done') continue;
      state.set(next.target, 'visiting');
      path.push({ kind: next.target, via: next });
      stack.push({ kind: next.target, i: 0 });
    }
  }
}

/**
 * The lets, measures and tiers that met `previous X` before X was checked, checked again now that
 * every type is known (their first check took X's value as of no type, accepted silently). A
 * declaration with an error already is not checked again; the second check's diagnostics that
 * repeat the first's are dropped. A let whose unit is still unknown takes it only from its own
 * previous value: E0443.
 */
export function recheckPrevious(ck: CheckContext, pending: ReadonlySet<string>): void {
  if (pending.size === 0) return;
  const hasError = (span: Span) => ck.diags.some((d) => d.severity === 'error' && d.span.start >= span.start && d.span.end <= span.end);
  const seen = new Set(ck.diags.map(key));
  const before = ck.diags.length;
  const order = [...pending].sort((a, b) => ck.top.get(a)!.decl.span.start - ck.top.get(b)!.decl.span.start);
  for (const name of order) {
    const t = ck.top.get(name);
    if (!t || hasError(t.decl.span)) continue;
    if (t.kind === 'let') checkLet(ck, t.decl as LetDecl);
    else if (t.kind === 'measure') checkMeasure(ck, t.decl as MeasureDecl);
    else if (t.kind === 'tier') checkTier(ck, t.decl as TierDecl);
  }
  const added = ck.diags.splice(before);
  for (const d of added) if (!seen.has(key(d))) ck.diags.push(d);
  for (const name of order) {
    const l = ck.out.lets.get(name);
    if (!l || l.type.kind !== 'error' || hasError(l.decl.span)) continue;
    ck.report(
      error(
        'E0443',
        `the unit of \`${name}\` cannot be known: it is computed only from previous values of itself`,
        l.decl.name.span,
        `give it a value of its unit where it starts, e.g. \`if … then previous ${name} + 1 else 0\``,
      ),
    );
  }
}

function key(d: Diagnostic): string {
  return `${d.span.start}:${d.span.end}:${d.code}:${d.message}`;
}
