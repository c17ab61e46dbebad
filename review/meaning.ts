/**
 * What changed in meaning between two versions of a program: declarations added, removed, renamed
 * (same body, new name) and changed, each change shown clause by clause in the language's own
 * syntax (`tier status: Gold from 1_000_000 EUR → 800_000 EUR`).
 *
 * Both versions are formatted first, then parsed again, so that every clause prints as the
 * formatter writes it (a slice of the formatted text, its comments taken out and its lines joined).
 * Trees are compared generically, over whatever objects the parser builds: `span` and `comments`
 * are ignored, a literal's source spelling (`text`, beside its exact `value`) gives way to its value
 * compared as a decimal (`1_000` = `1000`, `1.50` = `1.5`), optional lists that are absent or empty
 * are one thing, and the order of declarations and of named items (fields, tier levels, lookup
 * entries, header clauses, pot options) does not count. Nothing here knows the shape of an
 * expression, so it keeps working when node shapes change.
 *
 * Browser-safe: no Node module.
 */
import type { Diagnostic } from '../core/diagnostics.js';
import { format } from '../language/format.js';
import { parse } from '../language/parser.js';
import type { Decl, Header, ProgramFile } from '../language/syntax.js';

/** A change inside a declaration. */
export interface ClauseChange {
  change: 'changed' | 'added' | 'removed';
  /** One line: `Gold from 1_000_000 EUR → 800_000 EUR`, `+ approval above 10_000 EUR`. */
  summary: string;
  /** The whole clause before and after, when the summary leaves part of it out. */
  old?: string;
  new?: string;
}

export type DeclKind = 'program' | 'partner' | 'event' | 'let' | 'measure' | 'tier' | 'payout' | 'rule' | 'test';

/** A declaration that was added, removed, renamed or changed. */
export interface DeclChange {
  change: 'added' | 'removed' | 'renamed' | 'changed';
  kind: DeclKind;
  /** As the program writes it: `status`, `"Router SPIFF"`; empty for `program` and `partner`. */
  name: string;
  /** The old name, when renamed. */
  oldName?: string;
  /** `tier status`, `rule "Router SPIFF"`, `payout cash`. */
  label: string;
  /** Added or removed: the declaration as formatted, without its comments. */
  text?: string;
  /** Changed (and renamed with changes in the uses of other renames): its clauses. */
  clauses: ClauseChange[];
}

export interface MeaningDiff {
  /** False when the two versions mean the same (formatting, comments and order aside). */
  changed: boolean;
  changes: DeclChange[];
}

/** A version that parsed: its formatted text and the tree parsed from it. */
export interface Version {
  text: string;
  file: ProgramFile;
}

/** Formats and parses a version, or gives its syntax errors (diagnostics against the text as given). */
export function prepare(source: string): { version: Version } | { diagnostics: Diagnostic[] } {
  const f = format(source);
  if (f.text === undefined) return { diagnostics: f.diagnostics.filter((d) => d.severity === 'error') };
  return { version: { text: f.text, file: parse(f.text).file } };
}

/** What changed in meaning from `old` to `new` (both parsed without syntax errors). */
export function compareVersions(old: Version, neu: Version): MeaningDiff {
  const olds = declsOf(old);
  const news = declsOf(neu);
  const removed = [...olds.keys()].filter((k) => !news.has(k));
  const added = [...news.keys()].filter((k) => !olds.has(k));
  // Renames: a removed and an added declaration of one kind whose bodies are the same.
  const renames = new Renames();
  const renamedTo = new Map<string, string>();
  for (const r of removed) {
    const o = olds.get(r)!;
    const match = added.find((k) => !renamedTo.has(k) && news.get(k)!.kind === o.kind && keyOf(news.get(k)!.node, NO_RENAMES, true) === keyOf(o.node, NO_RENAMES, true));
    if (match === undefined) continue;
    renamedTo.set(match, r);
    renames.add(o.kind, o.name, news.get(match)!.name);
  }
  const renamedFrom = new Map([...renamedTo].map(([n, o]) => [o, n]));
  const changes: DeclChange[] = [];
  for (const [k, n] of news) {
    const o = olds.get(k);
    if (o) {
      if (keyOf(o.node, renames) === keyOf(n.node, renames)) continue;
      const clauses = clauseChanges(old, neu, o, n, renames);
      changes.push({ change: 'changed', kind: n.kind, name: n.shown, label: n.label, clauses });
    } else if (renamedTo.has(k)) {
      const was = olds.get(renamedTo.get(k)!)!;
      changes.push({ change: 'renamed', kind: n.kind, name: n.shown, oldName: was.shown, label: n.label, clauses: [] });
    } else changes.push({ change: 'added', kind: n.kind, name: n.shown, label: n.label, text: clean(neu, n.node.span, true), clauses: [] });
  }
  for (const k of removed) {
    if (renamedFrom.has(k)) continue;
    const o = olds.get(k)!;
    changes.push({ change: 'removed', kind: o.kind, name: o.shown, label: o.label, text: clean(old, o.node.span, true), clauses: [] });
  }
  const order: DeclKind[] = ['program', 'partner', 'event', 'measure', 'tier', 'let', 'payout', 'rule', 'test'];
  changes.sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind));
  return { changed: changes.length > 0, changes };
}

/** Both steps in one: the diff, or the syntax errors of the side that has them. */
export function compareSources(oldSource: string, newSource: string): { diff: MeaningDiff; old: Version; new: Version } | { side: 'old' | 'new'; diagnostics: Diagnostic[] } {
  const o = prepare(oldSource);
  if ('diagnostics' in o) return { side: 'old', diagnostics: o.diagnostics };
  const n = prepare(newSource);
  if ('diagnostics' in n) return { side: 'new', diagnostics: n.diagnostics };
  return { diff: compareVersions(o.version, n.version), old: o.version, new: n.version };
}

// ---------------------------------------------------------------------------------------------
// Declarations and their identity

type AnyNode = { kind: string; span: { start: number; end: number }; [k: string]: unknown };

interface DeclEntry {
  kind: DeclKind;
  /** The identity (a name, or the rule's or test's title). */
  name: string;
  shown: string;
  label: string;
  node: AnyNode;
  /** The span of the name in the formatted text, where a change's context starts after. */
  nameEnd?: number;
}

function declKind(node: AnyNode): DeclKind {
  if (node.kind === 'Header') return 'program';
  return node.kind.replace(/Decl$/, '').toLowerCase() as DeclKind;
}

function declsOf(v: Version): Map<string, DeclEntry> {
  const out = new Map<string, DeclEntry>();
  const all: (Decl | Header)[] = [...(v.file.header ? [v.file.header] : []), ...v.file.decls];
  for (const d of all) {
    const node = d as unknown as AnyNode;
    const kind = declKind(node);
    const nameNode = kind === 'program' ? undefined : (node['name'] as AnyNode | undefined);
    const name = nameNode ? String(nameNode['name'] ?? nameNode['value'] ?? '') : '';
    const shown = nameNode?.kind === 'String' ? JSON.stringify(name) : name;
    let key = `${kind}:${name}`;
    for (let i = 2; out.has(key); i++) key = `${kind}:${name}#${i}`;
    out.set(key, { kind, name, shown, label: shown ? `${kind} ${shown}` : kind, node, ...(nameNode ? { nameEnd: nameNode.span.end } : {}) });
  }
  return out;
}

/** Old names → new names, by what they name: values (lets, measures, tiers) and pots. */
class Renames {
  readonly values = new Map<string, string>();
  readonly pots = new Map<string, string>();
  add(kind: DeclKind, from: string, to: string): void {
    if (kind === 'let' || kind === 'measure' || kind === 'tier') this.values.set(from, to);
    if (kind === 'payout') this.pots.set(from, to);
  }
  get size(): number {
    return this.values.size + this.pots.size;
  }
}
const NO_RENAMES = new Renames();

// ---------------------------------------------------------------------------------------------
// The generic comparison: a canonical key per node

const IGNORED = new Set(['span', 'comments']);

function isNode(x: unknown): x is AnyNode {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as AnyNode).kind === 'string';
}

/** Expression node kinds: lists of them are ordered operands; lists of anything else are items of a block. */
const EXPR_KINDS = new Set(['Number', 'Money', 'Date', 'String', 'Bool', 'Name', 'Field', 'Binary', 'Unary', 'InRange', 'InSet', 'If', 'Call', 'Lookup', 'Bands', 'PeriodLit']);

function isItemList(x: unknown): x is AnyNode[] {
  return Array.isArray(x) && x.length > 0 && x.every((e) => isNode(e) && !EXPR_KINDS.has(e.kind));
}

/** A decimal's canonical text: `007.50` → `7.5`, `1000` → `1000`. */
function canonicalDecimal(v: string): string {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(v);
  if (!m) return v;
  const int = m[2]!.replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const s = frac ? `${int || '0'}.${frac}` : int || '0';
  return s === '0' ? s : m[1] + s;
}

/** The key of an item in its block: its name, its lookup key, or its kind (then its rank among items of that key). */
function itemKey(n: AnyNode): string {
  const name = n['name'];
  if (isNode(name) && name.kind === 'Ident') return `${n.kind}:${String(name['name'])}`;
  const key = n['key'];
  if (isNode(key)) return `${n.kind}:${String(key['name'] ?? JSON.stringify(key['value']))}`;
  return n.kind;
}

function keyedItems(items: readonly AnyNode[]): Map<string, AnyNode> {
  const out = new Map<string, AnyNode>();
  const seen = new Map<string, number>();
  for (const it of items) {
    const k = itemKey(it);
    const i = seen.get(k) ?? 0;
    seen.set(k, i + 1);
    out.set(`${k}#${i}`, it);
  }
  return out;
}

/** The properties that carry meaning, in a fixed order: no span, no comments, no empty list, no spelling beside a value. */
function meaningfulProps(n: Record<string, unknown>): [string, unknown][] {
  const spelled = typeof n['text'] === 'string' && typeof n['value'] === 'string';
  return Object.keys(n)
    .sort()
    .filter((k) => !IGNORED.has(k) && !(spelled && k === 'text'))
    .map((k): [string, unknown] => [k, spelled && k === 'value' ? canonicalDecimal(n[k] as string) : n[k]])
    .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0));
}

const keyCache = new WeakMap<object, string>();

/**
 * A node's canonical key: equal keys, equal meaning. With `renames`, names are read as renamed
 * (old names to new ones), so that a rename does not show as a change of every use; `noName`
 * leaves out the node's own name (for "same body, new name").
 */
function keyOf(x: unknown, renames: Renames = NO_RENAMES, noName = false): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x);
  const cacheable = renames.size === 0 && !noName;
  if (cacheable) {
    const hit = keyCache.get(x);
    if (hit !== undefined) return hit;
  }
  let out: string;
  if (Array.isArray(x)) {
    if (isItemList(x)) {
      const keyed = [...keyedItems(x)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      out = `{${keyed.map(([k, v]) => `${JSON.stringify(k)}:${keyOf(v, renames)}`).join(',')}}`;
    } else out = `[${x.map((e) => keyOf(e, renames)).join(',')}]`;
  } else {
    const n = x as Record<string, unknown>;
    const props = meaningfulProps(n).filter(([k]) => !(noName && k === 'name'));
    out = `{${props.map(([k, v]) => `${JSON.stringify(k)}:${renamed(n, k, v, renames)}`).join(',')}}`;
  }
  if (cacheable) keyCache.set(x, out);
  return out;
}

/** A reference read through the renames: a bare name, the pot of an award, the name an `expect` reads. */
function renamed(n: Record<string, unknown>, k: string, v: unknown, renames: Renames): string {
  if (renames.size > 0) {
    if (n['kind'] === 'Name' && k === 'name' && typeof v === 'string') return JSON.stringify(renames.values.get(v) ?? v);
    const ident = isNode(v) && v.kind === 'Ident' ? String(v['name']) : undefined;
    if (ident !== undefined && ((n['kind'] === 'Award' && k === 'pot') || (n['kind'] === 'Expect' && k === 'name'))) {
      const to = renames.pots.get(ident) ?? renames.values.get(ident) ?? ident;
      return keyOf({ ...(v as object), name: to });
    }
  }
  return keyOf(v, renames);
}

// ---------------------------------------------------------------------------------------------
// Clause changes: the smallest differing parts, each shown in its clause

interface Point {
  change: 'changed' | 'added' | 'removed';
  /** The clause (an item of a block, or the declaration) each side. */
  ctxOld?: AnyNode;
  ctxNew?: AnyNode;
  /** The differing part each side. */
  a?: AnyNode;
  b?: AnyNode;
  /** An item added or removed inside another item (a field of a test record): that item, each side. */
  within?: [AnyNode, AnyNode];
}

function points(a: AnyNode, b: AnyNode, ctxOld: AnyNode, ctxNew: AnyNode, renames: Renames, out: Point[]): void {
  if (keyOf(a, renames) === keyOf(b, renames)) return;
  const whole = (): void => {
    out.push({ change: 'changed', ctxOld, ctxNew, a, b });
  };
  if (a.kind !== b.kind) return whole();
  const pa = new Map(meaningfulProps(a));
  const pb = new Map(meaningfulProps(b));
  const props = [...new Set([...pa.keys(), ...pb.keys()])];
  const mine: Point[] = [];
  for (const k of props) {
    const va = pa.get(k);
    const vb = pb.get(k);
    if (keyOf(va, renames) === keyOf(vb, renames)) continue;
    if (isItemList(va) || isItemList(vb)) {
      const oa = keyedItems(isItemList(va) ? va : []);
      const ob = keyedItems(isItemList(vb) ? vb : []);
      for (const [ik, y] of ob) {
        const x = oa.get(ik);
        if (x) points(x, y, x, y, renames, mine);
        else mine.push({ change: 'added', ctxNew: y, b: y, within: [a, b] });
      }
      for (const [ik, x] of oa) if (!ob.has(ik)) mine.push({ change: 'removed', ctxOld: x, a: x, within: [a, b] });
    } else if (isNode(va) && isNode(vb)) points(va, vb, ctxOld, ctxNew, renames, mine);
    else if (Array.isArray(va) && Array.isArray(vb) && va.length === vb.length && va.every(isNode) && vb.every(isNode)) {
      va.forEach((x, i) => points(x as AnyNode, vb[i] as AnyNode, ctxOld, ctxNew, renames, mine));
    } else return whole(); // a scalar, a list's length, a part present on one side only
  }
  // Inside an expression, two differing parts are one change of the expression.
  const clause = a === ctxOld || !EXPR_KINDS.has(a.kind);
  if (!clause && mine.filter((p) => p.change === 'changed' && p.ctxOld === ctxOld).length > 1) return whole();
  out.push(...mine);
}

/** The text of a span of a version's formatted text: comments out, lines joined, one line unless `lines`. */
function clean(v: Version, span: { start: number; end: number }, lines = false): string {
  let text = '';
  let at = span.start;
  for (const c of v.file.comments) {
    if (c.span.end <= at || c.span.start >= span.end) continue;
    text += v.text.slice(at, c.span.start);
    at = c.span.end;
  }
  text += v.text.slice(at, span.end);
  const split = text.split('\n');
  const kept = split.map((l, i) => (i < split.length - 1 ? l.trimEnd() : l)).filter((l, i) => i === 0 || l.trim() !== '');
  return lines ? kept.join('\n') : kept.map((l, i) => (i === 0 ? l : l.trim())).join(' ').replace(/([{[(]) (?=[\]})])/g, '$1');
}

const SHORT_PREFIX = 30;

function clauseChanges(old: Version, neu: Version, o: DeclEntry, n: DeclEntry, renames: Renames): ClauseChange[] {
  const pts: Point[] = [];
  points(o.node, n.node, o.node, n.node, renames, pts);
  return pts.map((p): ClauseChange => {
    if (p.change !== 'changed') {
      const summary = p.change === 'added' ? `+ ${clean(neu, p.b!.span)}` : `- ${clean(old, p.a!.span)}`;
      const [wo, wn] = p.within!;
      return wo === o.node ? { change: p.change, summary } : { change: p.change, summary, old: clean(old, wo.span), new: clean(neu, wn.span) };
    }
    // The clause's text from its start (after the declaration's name, for a declaration) to the part that changed.
    const isDecl = p.ctxOld === o.node;
    const from = (ctx: AnyNode, entry: DeclEntry) => (ctx === entry.node && entry.nameEnd !== undefined ? entry.nameEnd : ctx.span.start);
    const oldFrom = from(p.ctxOld!, o);
    const newFrom = from(p.ctxNew!, n);
    const whole = p.a === p.ctxOld;
    const oldPart = whole ? clean(old, { start: oldFrom, end: p.a!.span.end }) : clean(old, p.a!.span);
    const newPart = whole ? clean(neu, { start: newFrom, end: p.b!.span.end }) : clean(neu, p.b!.span);
    let prefix = whole ? '' : clean(old, { start: oldFrom, end: p.a!.span.start });
    prefix = prefix.replace(/^\s*=?\s*/, '');
    if (prefix.trim() === '') prefix = '';
    const suffix = whole ? '' : clean(old, { start: p.a!.span.end, end: p.ctxOld!.span.end }).trim();
    const shortened = prefix.length > SHORT_PREFIX;
    if (shortened) prefix = `${prefix.split(' ')[0]} … `;
    const summary = `${prefix}${trimEq(oldPart)} → ${trimEq(newPart)}`;
    if (!(shortened || suffix !== '') || (isDecl && isBlock(p.ctxOld!))) return { change: 'changed', summary };
    const ctxText = (v: Version, ctx: AnyNode, start: number) => trimEq(clean(v, { start, end: ctx.span.end }));
    return { change: 'changed', summary, old: ctxText(old, p.ctxOld!, oldFrom), new: ctxText(neu, p.ctxNew!, newFrom) };
  });
}

function trimEq(s: string): string {
  return s.replace(/^\s*=\s*/, '').trim();
}

/** A declaration with a block of items (a tier, a payout, a rule…), as opposed to a one-line let or measure. */
function isBlock(n: AnyNode): boolean {
  return Object.values(n).some((v) => Array.isArray(v) && isItemList(v));
}
