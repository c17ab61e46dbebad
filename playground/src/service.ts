/**
 * The editor's language service, computed from the compiler's own results: completion, hover and
 * go to definition over a `CompileResult` (its syntax tree, and the checked program's symbols, types,
 * levels and references). Pure: runs in the language worker, and in unit tests.
 */
import type { CompileResult } from '../../compiler/compile.js';
import type { CheckedProgram, Type, Level } from '../../compiler/checked.js';
import { KEYWORDS, tokenize } from '../../language/tokens.js';
import { walkExpr, type Expr, type Ident, type Span, type Decl, PAYOUT_KINDS, ROUNDING_MODES } from '../../language/syntax.js';

export type ItemKind = 'keyword' | 'let' | 'measure' | 'tier' | 'level' | 'pot' | 'event' | 'field' | 'function' | 'value' | 'type' | 'snippet';

export interface CompletionItem {
  label: string;
  kind: ItemKind;
  detail?: string;
  /** Text to insert (a Monaco snippet when `snippet` is true); the label otherwise. */
  insertText?: string;
  snippet?: boolean;
  sortText?: string;
}

export interface CompletionResult {
  items: CompletionItem[];
  /** The span of the word being completed (replaced by the item). */
  replace: Span;
}

export interface HoverResult {
  span: Span;
  /** Markdown paragraphs (user text inside code spans/blocks only). */
  contents: string[];
  /** The name whose per-partner value the page can add (lets, measures, tiers). */
  valueName?: string;
}

// ---------------------------------------------------------------------------------------------
// Types, units and levels in words

export function describeType(t: Type | undefined): string {
  if (!t) return 'unknown';
  switch (t.kind) {
    case 'number':
      return t.integer ? 'integer' : 'number';
    case 'money':
      return t.currency ? `money (${t.currency})` : 'money';
    case 'enum':
      return `one of ${t.members.map((m) => JSON.stringify(m)).join(', ')}`;
    case 'tier':
      return `a level of \`${t.tier}\` (${t.levels.join(' < ')})`;
    case 'error':
      return 'unknown (see the problems)';
    default:
      return t.kind;
  }
}

function levelWords(l: Level | undefined): string {
  return l === 'program' ? 'program level (one value)' : l === 'partner' ? 'partner level (per partner, per period)' : l === 'event' ? 'event level (per event)' : '';
}

// ---------------------------------------------------------------------------------------------
// Symbols at a position

export type Sym =
  | { kind: 'let' | 'measure' | 'tier' | 'pot' | 'event'; name: string }
  | { kind: 'level'; tier: string; name: string }
  | { kind: 'partnerField'; name: string }
  | { kind: 'eventField'; event: string; name: string };

const within = (s: Span | undefined, o: number) => s !== undefined && s.start <= o && o <= s.end;

function declExprs(d: Decl): (Expr | undefined)[] {
  switch (d.kind) {
    case 'LetDecl':
      return [d.value];
    case 'MeasureDecl':
      return [d.arg, d.where, d.otherwise];
    case 'TierDecl':
      return [d.by, ...d.levels.map((l) => l.threshold)];
    case 'PayoutDecl':
      return (d.options ?? []).flatMap((o) => ('amount' in o ? [o.amount] : 'values' in o ? o.values : []));
    case 'RuleDecl':
      return d.clauses.flatMap((c) =>
        c.kind === 'Award' ? [c.amount] : c.kind === 'RuleCap' ? [c.amount] : c.kind === 'ForTop' ? [c.by, ...c.thenBy, c.where] : c.kind === 'ForEachEvent' || c.kind === 'ForEachPartner' ? [c.where] : [],
      );
    case 'TestDecl':
      return d.items.flatMap((i) => (i.kind === 'Expect' ? [i.value] : i.kind === 'TestPartner' || i.kind === 'TestEvent' ? i.fields.map((f) => f.value) : []));
    default:
      return [];
  }
}

/** The symbol written at `offset` (a use or a declaration), with the span of its name there. */
export function symbolAt(c: CheckedProgram, offset: number): { sym: Sym; span: Span } | undefined {
  let best: { sym: Sym; span: Span } | undefined;
  const offer = (span: Span | undefined, sym: Sym | undefined) => {
    if (!span || !sym || !within(span, offset)) return;
    if (!best || span.end - span.start < best.span.end - best.span.start) best = { sym, span };
  };
  const fromRef = (s: import('../../compiler/checked.js').Symbol | undefined): Sym | undefined => {
    if (!s) return undefined;
    switch (s.kind) {
      case 'let':
      case 'measure':
      case 'tier':
        return { kind: s.kind, name: s.name };
      case 'level':
        return { kind: 'level', tier: s.tier, name: s.level };
      case 'partnerField':
        return { kind: 'partnerField', name: s.field };
      case 'eventField':
        return { kind: 'eventField', event: s.event, name: s.field };
      case 'path':
        return s.target.kind === 'let' ? { kind: 'let', name: s.target.name } : { kind: 'eventField', event: s.target.event, name: s.target.field };
    }
  };
  for (const [node, s] of c.refs) {
    if (!within(node.span, offset)) continue;
    if (node.kind === 'Field') {
      if (within(node.object.span, offset)) {
        if (s.kind === 'eventField') offer(node.object.span, { kind: 'event', name: s.event });
        // a path (§12.3) starts at an event kind, or at a `ref` field of the event in scope
        if (s.kind === 'path') offer(node.object.span, node.object.name === s.event ? { kind: 'event', name: s.event } : { kind: 'eventField', event: s.event, name: node.object.name });
        if (s.kind === 'let') offer(node.object.span, { kind: 'event', name: node.object.name });
      } else if (s.kind === 'path' && node.via?.some((h) => within(h.span, offset))) {
        // each `ref` field between: a field of the kind before it
        const start = node.object.name === s.event ? 0 : 1;
        node.via.forEach((h, i) => {
          const owner = i + start === 0 ? s.event : s.hops[i + start - 1]?.event;
          if (owner) offer(h.span, { kind: 'eventField', event: owner, name: h.name });
        });
      } else offer(node.field.span, fromRef(s));
    } else offer(node.span, fromRef(s));
  }
  const ident = (i: Ident | undefined, sym: Sym) => offer(i?.span, sym);
  const potOrTierOrMeasure = (name: string): Sym | undefined =>
    c.pots.has(name) ? { kind: 'pot', name } : c.tiers.has(name) ? { kind: 'tier', name } : c.measures.has(name) ? { kind: 'measure', name } : c.lets.has(name) ? { kind: 'let', name } : undefined;
  for (const d of c.file.decls) {
    if (!within(d.span, offset)) continue;
    switch (d.kind) {
      case 'LetDecl':
      case 'MeasureDecl':
      case 'TierDecl':
        ident(d.name, { kind: d.kind === 'LetDecl' ? 'let' : d.kind === 'MeasureDecl' ? 'measure' : 'tier', name: d.name?.name });
        if (d.kind === 'MeasureDecl' && d.event) ident(d.event, { kind: 'event', name: d.event.name });
        if (d.kind === 'TierDecl') for (const l of d.levels) ident(l.name, { kind: 'level', tier: d.name.name, name: l.name.name });
        break;
      case 'PayoutDecl':
        ident(d.name, { kind: 'pot', name: d.name.name });
        break;
      case 'EventDecl':
        ident(d.name, { kind: 'event', name: d.name.name });
        for (const f of d.fields) {
          ident(f.name, { kind: 'eventField', event: d.name.name, name: f.name.name });
          if (f.type?.kind === 'RefType' && c.events.has(f.type.event.name)) ident(f.type.event, { kind: 'event', name: f.type.event.name });
        }
        break;
      case 'PartnerDecl':
        for (const f of d.fields) ident(f.name, { kind: 'partnerField', name: f.name.name });
        break;
      case 'RuleDecl':
        for (const cl of d.clauses) {
          if (cl.kind === 'Award' && cl.pot) ident(cl.pot, { kind: 'pot', name: cl.pot.name });
          if (cl.kind === 'ForEachEvent' && cl.event) ident(cl.event, { kind: 'event', name: cl.event.name });
          // `once per partner and FIELD` (§12.2)
          if (cl.kind === 'Once' && cl.key) {
            const key = c.rules.find((r) => r.decl === d)?.onceKey;
            const sym = key ? fromRef(c.refs.get(key)) : undefined;
            if (sym) ident(cl.key, sym);
          }
        }
        break;
      case 'TestDecl':
        for (const it of d.items) {
          if (it.kind === 'TestEvent' && it.event) {
            ident(it.event, { kind: 'event', name: it.event.name });
            for (const f of it.fields) if (f.name.name !== 'partner') ident(f.name, { kind: 'eventField', event: it.event.name, name: f.name.name });
          }
          if (it.kind === 'TestPartner') for (const f of it.fields) ident(f.name, { kind: 'partnerField', name: f.name.name });
          if (it.kind === 'Expect' && it.name) {
            const s = potOrTierOrMeasure(it.name.name);
            if (s) ident(it.name, s);
          }
        }
        break;
    }
    // Lookup keys that are tier levels; the names of `previous NAME` and `NAME at DATE` (§12.3).
    for (const root of declExprs(d))
      walkExpr(root, (e) => {
        if ((e.kind === 'Previous' || e.kind === 'At') && e.name) {
          const s = potOrTierOrMeasure(e.name.name);
          if (s) ident(e.name, s);
        }
        if (e.kind !== 'Lookup') return;
        const kt = c.types.get(e.key);
        if (kt?.kind !== 'tier') return;
        for (const en of e.entries) if (en.key.kind === 'Ident') ident(en.key, { kind: 'level', tier: kt.tier, name: en.key.name });
      });
  }
  return best;
}

/** Where a symbol is declared. */
export function declarationOf(c: CheckedProgram, sym: Sym): Span | undefined {
  switch (sym.kind) {
    case 'let':
      return c.lets.get(sym.name)?.decl.name.span;
    case 'measure':
      return c.measures.get(sym.name)?.decl.name.span;
    case 'tier':
      return c.tiers.get(sym.name)?.decl.name.span;
    case 'level': {
      const t = c.tiers.get(sym.tier);
      return t?.decl.levels.find((l) => l.name.name === sym.name)?.name.span;
    }
    case 'pot':
      return c.pots.get(sym.name)?.decl.name.span;
    case 'event':
      return c.events.get(sym.name)?.decl.name.span;
    case 'partnerField': {
      const f = c.partner.fields.get(sym.name);
      return f?.decl?.name.span ?? c.partner.decl?.span;
    }
    case 'eventField': {
      const ev = c.events.get(sym.event);
      return ev?.fields.get(sym.name)?.decl?.name.span ?? ev?.decl.name.span;
    }
  }
}

function declSpan(c: CheckedProgram, sym: Sym): Span | undefined {
  switch (sym.kind) {
    case 'let':
      return c.lets.get(sym.name)?.decl.span;
    case 'measure':
      return c.measures.get(sym.name)?.decl.span;
    case 'tier':
      return c.tiers.get(sym.name)?.decl.span;
    case 'level':
      return c.tiers.get(sym.tier)?.decl.span;
    case 'pot':
      return c.pots.get(sym.name)?.decl.span;
    case 'event':
      return c.events.get(sym.name)?.decl.span;
    case 'partnerField':
      return c.partner.fields.get(sym.name)?.decl?.span;
    case 'eventField':
      return c.events.get(sym.event)?.fields.get(sym.name)?.decl?.span;
  }
}

function excerpt(text: string, span: Span | undefined, maxLines = 8): string | undefined {
  if (!span) return undefined;
  const lines = text.slice(span.start, span.end).split(/\r?\n/);
  const cut = lines.length > maxLines ? [...lines.slice(0, maxLines), '  …'] : lines;
  return cut.join('\n');
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';
const block = (s: string) => '```incent\n' + s.replace(/```/g, "'''") + '\n```';

/** What a symbol is, in words: kind, type/unit and level. */
export function symbolSummary(c: CheckedProgram, sym: Sym): string {
  switch (sym.kind) {
    case 'let': {
      const l = c.lets.get(sym.name);
      const of = l?.event ? ` of each ${code(l.event)} event (read it as ${code(`${l.event}.${sym.name}`)})${l.running ? ', with a running total' : ''}` : '';
      return `**let** ${code(sym.name)}: ${describeType(l?.type)} — ${levelWords(l?.level)}${of}`;
    }
    case 'measure': {
      const m = c.measures.get(sym.name);
      const w = m?.window ? (m.window.form === 'last' ? `last ${m.window.count} ${m.window.unit}` : m.window.form) : '';
      return `**measure** ${code(sym.name)}: ${describeType(m?.type)} — ${m?.op ?? ''}${m?.event ? ` of ${code(m.event)} events` : ''}, ${w} — ${levelWords('partner')}`;
    }
    case 'tier': {
      const t = c.tiers.get(sym.name);
      return `**tier** ${code(sym.name)} by ${describeType(t?.byType)}: ${t?.levels.map((l) => code(l.name)).join(' < ') ?? ''} — ${levelWords('partner')}`;
    }
    case 'level': {
      const t = c.tiers.get(sym.tier);
      const i = t?.levels.findIndex((l) => l.name === sym.name) ?? -1;
      return `**level** ${code(sym.name)} of tier ${code(sym.tier)} (${i === 0 ? 'the base level' : `level ${i + 1} of ${t?.levels.length ?? '?'}`}) — ${levelWords('program')}`;
    }
    case 'pot': {
      const p = c.pots.get(sym.name);
      return `**payout** ${code(sym.name)} as ${p?.kind ?? '?'}: amounts in ${p?.unit === 'money' ? `money (${c.header.currency})` : (p?.unit ?? '?')}, rounding ${p?.rounding ?? '?'}`;
    }
    case 'event': {
      const ev = c.events.get(sym.name);
      return `**event** ${code(sym.name)}: ${ev ? [...ev.fields.values()].map((f) => `${code(f.name)} ${describeType(f.type)}`).join(', ') : ''}`;
    }
    case 'partnerField': {
      const f = c.partner.fields.get(sym.name);
      return `**partner field** ${code('partner.' + sym.name)}: ${describeType(f?.type)}${f?.implicit ? ' (implicit)' : ''} — ${levelWords('partner')}`;
    }
    case 'eventField': {
      const f = c.events.get(sym.event)?.fields.get(sym.name);
      const ref = f?.ref ? `, the id of a record of ${code(f.ref)}: read its fields as ${code(`${sym.event}.${sym.name}.FIELD`)}` : '';
      return `**field** ${code(`${sym.event}.${sym.name}`)}: ${describeType(f?.type)}${f?.implicit ? ' (implicit)' : ''}${ref} — ${levelWords('event')}`;
    }
  }
}

export function hover(r: CompileResult, text: string, offset: number): HoverResult | undefined {
  const c = r.checked;
  if (!c) return undefined;
  const at = symbolAt(c, offset);
  if (!at) return keywordHover(text, offset);
  const contents = [symbolSummary(c, at.sym)];
  const decl = excerpt(text, declSpan(c, at.sym));
  if (decl) contents.push(block(decl));
  const valueName = at.sym.kind === 'let' || at.sym.kind === 'measure' || at.sym.kind === 'tier' ? at.sym.name : undefined;
  return { span: at.span, contents, ...(valueName ? { valueName } : {}) };
}

/** What the v0.2 constructs' own words mean (§12), for a hover over the word. */
const KEYWORD_DOCS: Record<string, string> = {
  interpolate: '**interpolate** `X { x1: y1, x2: y2, … }` — the straight line between the two points around X, exactly; the first or last point\'s value outside them',
  running: '**running sum** / **running count** — the total of this partner\'s events before this one, in (date, id) order, within the window (`over`, default: this period)',
  previous: '**previous** `NAME` — the value of a measure, let or tier in the period before the one evaluated (its value before the program: zero, or the lowest level)',
  between: '**days between** `A and B` — the number of days from date A to date B (negative when B is before A)',
  ref: '**ref** `EVENT` — the id of a record of another event kind, validated like a partner id; read its fields through it (`refund.original.amount`)',
  default: '**default** `VALUE` — the value of an empty cell or a missing key',
  from: '**from** `"Column header"` — the column (or JSON key) the field is read from',
};

function keywordHover(text: string, offset: number): HoverResult | undefined {
  const end = offset + (/^[\p{L}\p{N}_]*/u.exec(text.slice(offset))?.[0].length ?? 0);
  const { toks, inComment } = tokensBefore(text, end);
  const t = toks[toks.length - 1];
  if (inComment || !t || t.start > offset || t.end !== end) return undefined;
  // `ref` is a word of its own only as a field's type (a contextual word); the others are keywords.
  if (!t.type.startsWith('Kw_') && !(t.image === 'ref' && toks[toks.length - 2]?.image === ':')) return undefined;
  if (t.image === 'previous' && /^\s+(period|year)\b/.test(text.slice(end))) return undefined; // the window
  const span = { start: t.start, end: t.end };
  const prev = toks[toks.length - 2];
  if ((t.image === 'start' || t.image === 'end') && prev?.image === '.' && kw(toks[toks.length - 3], 'period'))
    return { span, contents: [`**period.${t.image}** — date: the ${t.image === 'start' ? 'first' : 'last'} day of the period being evaluated`] };
  const doc = KEYWORD_DOCS[t.image];
  return doc ? { span, contents: [doc] } : undefined;
}

export function definition(r: CompileResult, offset: number): Span | undefined {
  const c = r.checked;
  if (!c) return undefined;
  const at = symbolAt(c, offset);
  return at ? declarationOf(c, at.sym) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Completion

interface Tok {
  image: string;
  start: number;
  end: number;
  /** `Kw_x`, `Identifier`, `StringLit`… */
  type: string;
}

const DECL_SNIPPETS: CompletionItem[] = [
  { label: 'program', kind: 'snippet', insertText: 'program "${1:Name}" {\n  currency ${2:EUR}\n  period ${3|quarter,month,half,year|}\n  start ${4:2026-01-01}\n}', snippet: true, detail: 'the program header' },
  { label: 'partner', kind: 'snippet', insertText: 'partner {\n  ${1:region}: ${2:text}\n}', snippet: true, detail: 'partner attributes' },
  { label: 'event', kind: 'snippet', insertText: 'event ${1:sale} {\n  ${2:amount}: ${3:money}\n}', snippet: true, detail: 'an event kind' },
  { label: 'let', kind: 'snippet', insertText: 'let ${1:name} = ${2:1}', snippet: true, detail: 'a named value' },
  { label: 'measure', kind: 'snippet', insertText: 'measure ${1:revenue} = sum ${2:sale.amount}', snippet: true, detail: 'an aggregate per partner' },
  { label: 'tier', kind: 'snippet', insertText: 'tier ${1:status} by ${2:revenue} {\n  ${3:Member}\n  ${4:Silver} from ${5:100_000 EUR}\n}', snippet: true, detail: 'tier levels' },
  { label: 'payout', kind: 'snippet', insertText: 'payout ${1:cash} as ${2|cash,points,credit,fund,giftcard,item|}', snippet: true, detail: 'a pot' },
  { label: 'rule', kind: 'snippet', insertText: 'rule "${1:Name}" {\n  for each ${2:sale}\n  award ${3:amount * 1%} to ${4:cash}\n}', snippet: true, detail: 'an earning rule' },
  { label: 'test', kind: 'snippet', insertText: 'test "${1:name}" {\n  period ${2:2026-Q1}\n  expect "${3:P1}" ${4:cash} = ${5:0 EUR}\n}', snippet: true, detail: 'a test block' },
];

const RULE_CLAUSES: CompletionItem[] = [
  { label: 'for each', kind: 'keyword', insertText: 'for each ' },
  { label: 'for top', kind: 'snippet', insertText: 'for top ${1:10} partners by ${2:revenue}', snippet: true },
  { label: 'award', kind: 'snippet', insertText: 'award ${1:amount} to ${2:pot}', snippet: true },
  { label: 'cap', kind: 'keyword', insertText: 'cap ' },
  { label: 'once per partner', kind: 'keyword' },
  { label: 'once per partner per period', kind: 'keyword' },
  { label: 'once per partner and', kind: 'snippet', insertText: 'once per partner and ${1:field}', snippet: true, detail: 'the first event per partner and value of a field' },
  // §13: the ledger
  { label: 'redeem', kind: 'snippet', insertText: 'redeem ${1:stars} from ${2:pot}', snippet: true, detail: 'take from the oldest lots first (in a for each rule)' },
  { label: 'for random', kind: 'snippet', insertText: 'for random ${1:3} partners weighted by ${2:entries} seed "${3:Summer 2026}"', snippet: true, detail: 'a seeded, reproducible draw' },
];

/** v0.2 expressions (§12.2, §12.3), offered with the names in an expression. */
const EXPR_SNIPPETS: CompletionItem[] = [
  { label: 'running sum', kind: 'snippet', insertText: 'running sum ${1:amount}', snippet: true, detail: 'the total of the events before this one (in a for each rule)', sortText: '~running sum' },
  { label: 'running count', kind: 'snippet', insertText: 'running count', detail: 'how many events came before this one (in a for each rule)', sortText: '~running count' },
  { label: 'interpolate', kind: 'snippet', insertText: 'interpolate ${1:attainment} { ${2:80%}: ${3:2%}, ${4:120%}: ${5:6%} }', snippet: true, detail: 'linear between points', sortText: '~interpolate' },
  { label: 'previous', kind: 'keyword', insertText: 'previous ', detail: 'a value in the previous period', sortText: '~previous' },
  // §12.4: dates
  { label: 'days between', kind: 'snippet', insertText: 'days between ${1:date} and ${2:period.end}', snippet: true, detail: 'the number of days from one date to another', sortText: '~days between' },
  { label: 'period.start', kind: 'keyword', detail: 'the first day of the period evaluated', sortText: '~period.start' },
  { label: 'period.end', kind: 'keyword', detail: 'the last day of the period evaluated', sortText: '~period.end' },
];
const TIER_OPTIONS: CompletionItem[] = [
  { label: 'down at most', kind: 'snippet', insertText: 'down at most ${1:1} level per ${2|year,period|}', snippet: true, detail: 'a level falls at most N levels a period or a year' },
];

/** The options after a field's type (§12.1, §14.3), in the order the grammar takes them. */
const FIELD_OPTIONS: CompletionItem[] = [
  { label: 'in', kind: 'snippet', insertText: 'in ${1:0}..${2:100}', snippet: true, detail: 'the range of the values (outside it: a data problem)' },
  { label: 'from', kind: 'snippet', insertText: 'from "${1:Column header}"', snippet: true, detail: 'the column (or JSON key) the field is read from' },
  { label: 'default', kind: 'snippet', insertText: 'default ${1:0}', snippet: true, detail: 'the value of an empty cell or a missing key' },
];

const HEADER_CLAUSES = ['currency', 'period', 'start', 'end', 'rounding'];
const POT_OPTIONS: CompletionItem[] = [
  { label: 'rounding', kind: 'keyword', insertText: 'rounding ' },
  { label: 'cap', kind: 'snippet', insertText: 'cap ${1:1_000 EUR} per partner', snippet: true },
  { label: 'budget', kind: 'keyword', insertText: 'budget ' },
  { label: 'budget … first come first served', kind: 'snippet', insertText: 'budget ${1:10_000 EUR} first come first served', snippet: true, detail: 'awards paid in order while the budget lasts' },
  { label: 'minimum', kind: 'keyword', insertText: 'minimum ' },
  { label: 'denominations', kind: 'keyword', insertText: 'denominations ' },
  { label: 'approval above', kind: 'keyword', insertText: 'approval above ' },
  { label: 'value', kind: 'keyword', insertText: 'value ' },
  // §13: the ledger
  { label: 'expire after', kind: 'snippet', insertText: 'expire after ${1:6} ${2|months,periods|}', snippet: true, detail: 'each period’s credit is a lot that expires' },
  { label: 'hold', kind: 'snippet', insertText: 'hold ${1:30} ${2|days,months|}', snippet: true, detail: 'awards pending until their event date + N' },
  { label: 'draw', kind: 'snippet', insertText: 'draw ${1:2_000 EUR} per period ${2|recoverable,non-recoverable|}', snippet: true, detail: 'a payment below it is topped up' },
];
const WINDOWS = ['this period', 'previous period', 'year to date', 'half to date', 'previous year', 'program to date', 'last 4 quarters', 'last 12 months', 'last 2 years'];
const EXPR_KEYWORDS = ['and', 'or', 'not', 'in', 'if', 'then', 'else', 'true', 'false', 'lookup', 'bands', 'marginal', 'where', 'over', 'by', 'to', 'per', 'below', 'from', 'at'];
const FUNCTIONS = ['floor', 'ceil', 'round', 'min', 'max', 'abs'];
const AGGREGATES = ['sum', 'count', 'count distinct', 'min', 'max', 'average'];
const FIELD_TYPES = ['text', 'integer', 'decimal', 'money', 'date', 'boolean'];

function tokensBefore(text: string, offset: number): { toks: Tok[]; inComment: boolean } {
  const r = tokenize(text.slice(0, offset));
  const comments = (r.groups['comments'] as { startOffset: number; image: string }[] | undefined) ?? [];
  const last = comments[comments.length - 1];
  const inComment = last !== undefined && last.startOffset + last.image.length === offset && !last.image.includes('\n');
  return { toks: r.tokens.map((t) => ({ image: t.image, start: t.startOffset, end: t.startOffset + t.image.length, type: t.tokenType.name })), inComment };
}

const kw = (t: Tok | undefined, ...words: string[]) => t !== undefined && t.type.startsWith('Kw_') && words.includes(t.image);

interface Block {
  /** The top-level declaration word (`rule`, `tier`…) or `program`. */
  decl?: string;
  depth: number;
  /** The tokens before the innermost open `{`. */
  opener: Tok[];
  /** The tokens of the current top-level declaration. */
  declToks: Tok[];
}

function blockOf(toks: Tok[]): Block {
  let decl: string | undefined;
  let declStart = 0;
  const stack: number[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (stack.length === 0 && t.type.startsWith('Kw_') && ['program', 'partner', 'event', 'let', 'measure', 'tier', 'payout', 'rule', 'test'].includes(t.image)) {
      // `partner` starts a declaration only at the top level and not inside an expression (`partner.kind`).
      if (!(t.image === 'partner' && (toks[i + 1]?.image === '.' || kw(toks[i - 1], 'each', 'top')))) {
        decl = t.image;
        declStart = i;
      }
    }
    if (t.image === '{') stack.push(i);
    else if (t.image === '}') stack.pop();
  }
  const open = stack[stack.length - 1];
  return { decl, depth: stack.length, opener: open === undefined ? [] : toks.slice(Math.max(declStart, open - 4), open), declToks: toks.slice(declStart) };
}

function lineStartBefore(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^\s*$/.test(text.slice(lineStart, offset));
}

/**
 * Fields of an event or of partners (`partner`), by the object's name; an event's fields include
 * its event-level lets (§12.2), and a `ref` field (§12.3) leads to the fields of the kind it names.
 */
function fieldsOf(c: CheckedProgram, obj: string, via?: string): { name: string; type: Type; implicit: boolean }[] {
  if (obj === 'partner') return [...c.partner.fields.values()];
  let kind = c.events.has(obj) ? obj : undefined;
  if (!kind) for (const ev of via ? [c.events.get(via)] : c.events.values()) if (ev?.fields.get(obj)?.ref) kind = ev.fields.get(obj)!.ref;
  const ev = kind ? c.events.get(kind) : undefined;
  if (!ev) return [];
  const lets = [...c.lets.values()].filter((l) => l.event === kind).map((l) => ({ name: l.name, type: l.type, implicit: false }));
  return [...ev.fields.values(), ...lets];
}

/** The type of the name written just before an operator (`status >=`, `sale.category =`). */
function typeOfOperand(c: CheckedProgram, toks: Tok[], event: string | undefined): Type | undefined {
  const a = toks[toks.length - 1];
  if (!a) return undefined;
  if (toks[toks.length - 2]?.image === '.') {
    const obj = toks[toks.length - 3]?.image;
    if (obj) return fieldsOf(c, obj).find((f) => f.name === a.image)?.type;
  }
  const n = a.image;
  if (c.tiers.has(n)) return c.tiers.get(n)!.type;
  if (c.lets.has(n)) return c.lets.get(n)!.type;
  if (c.measures.has(n)) return c.measures.get(n)!.type;
  if (event) {
    const f = c.events.get(event)?.fields.get(n);
    if (f) return f.type;
  }
  for (const ev of c.events.values()) if (ev.fields.get(n)) return ev.fields.get(n)!.type;
  return c.partner.fields.get(n)?.type;
}

function valueItems(t: Type | undefined, quoted: boolean): CompletionItem[] {
  if (t?.kind === 'enum') return t.members.map((m) => ({ label: quoted ? m : JSON.stringify(m), kind: 'value', detail: `one of the values of ${t.name ?? 'the field'}` }));
  if (t?.kind === 'tier' && !quoted) return t.levels.map((l, i) => ({ label: l, kind: 'level', detail: `level ${i + 1} of tier ${t.tier}`, sortText: `0${i}` }));
  return [];
}

function nameItems(c: CheckedProgram, event: string | undefined, inMeasure: boolean): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const l of c.lets.values()) out.push({ label: l.name, kind: 'let', detail: `let · ${describeType(l.type)} · ${l.level}` });
  for (const m of c.measures.values()) out.push({ label: m.name, kind: 'measure', detail: `measure · ${describeType(m.type)}` });
  for (const t of c.tiers.values()) {
    out.push({ label: t.name, kind: 'tier', detail: `tier · ${t.levels.map((l) => l.name).join(' < ')}` });
    t.levels.forEach((l, i) => out.push({ label: l.name, kind: 'level', detail: `level ${i + 1} of tier ${t.name}` }));
  }
  if (event) for (const f of c.events.get(event)?.fields.values() ?? []) out.push({ label: f.name, kind: 'field', detail: `${event}.${f.name} · ${describeType(f.type)}`, sortText: `0${f.name}` });
  if (inMeasure || event) for (const ev of c.events.values()) for (const f of ev.fields.values()) if (!f.implicit || inMeasure) out.push({ label: `${ev.name}.${f.name}`, kind: 'field', detail: describeType(f.type) });
  for (const f of c.partner.fields.values()) out.push({ label: `partner.${f.name}`, kind: 'field', detail: `partner attribute · ${describeType(f.type)}` });
  for (const f of FUNCTIONS) out.push({ label: f, kind: 'function', insertText: `${f}($1)`, snippet: true, detail: 'function' });
  for (const k of EXPR_KEYWORDS) out.push({ label: k, kind: 'keyword', sortText: `~${k}` });
  out.push(...EXPR_SNIPPETS);
  return out;
}

function potItems(c: CheckedProgram): CompletionItem[] {
  return [...c.pots.values()].map((p) => ({ label: p.name, kind: 'pot', detail: `payout as ${p.kind ?? '?'} · ${p.unit}` }));
}

function eventItems(c: CheckedProgram): CompletionItem[] {
  return [...c.events.values()].map((e) => ({ label: e.name, kind: 'event', detail: `event · ${[...e.fields.keys()].join(', ')}` }));
}

function kwItems(words: readonly string[], detail?: string): CompletionItem[] {
  return words.map((w) => ({ label: w, kind: 'keyword', ...(detail ? { detail } : {}) }));
}

/** Completion at `offset` of `text`; `r` is the compile result of `text`. */
export function complete(r: CompileResult, text: string, offset: number): CompletionResult {
  const c = r.checked;
  const { toks: all, inComment } = tokensBefore(text, offset);
  let replace: Span = { start: offset, end: offset };
  if (inComment || !c) return { items: [], replace };
  let toks = all;
  const last = all[all.length - 1];
  // Inside a string: enumeration values (`category = "har`).
  if (last && last.end === offset && (last.type === 'UnterminatedString' || (last.type === 'StringLit' && offset < last.end))) {
    replace = { start: last.start + 1, end: offset };
    const before = all.slice(0, -1);
    const block = blockOf(before);
    const ev = scopeEvent(c, block);
    return { items: stringItems(c, before, ev, block), replace };
  }
  if (last && last.end === offset && (last.type === 'Identifier' || last.type.startsWith('Kw_') || last.type === 'HalfMode')) {
    replace = { start: last.start, end: offset };
    toks = all.slice(0, -1);
  }
  const block = blockOf(toks);
  const p1 = toks[toks.length - 1];
  const p2 = toks[toks.length - 2];
  const atLineStart = lineStartBefore(text, replace.start);
  const ev = scopeEvent(c, block);
  const items = ((): CompletionItem[] => {
    if (p1?.image === '.' && kw(p2, 'period'))
      return [
        { label: 'start', kind: 'field', detail: 'date — the first day of the period being evaluated' },
        { label: 'end', kind: 'field', detail: 'date — the last day of the period being evaluated' },
      ];
    if (p1?.image === '.' && p2) {
      const fs = fieldsOf(c, p2.image, ev);
      return fs.map((f) => ({ label: f.name, kind: 'field' as const, detail: describeType(f.type) }));
    }
    if (kw(p1, 'to') && !kw(p2, 'year', 'program')) return potItems(c);
    if (kw(p1, 'each')) return [...eventItems(c), { label: 'partner', kind: 'keyword', detail: 'one award per partner per period' }];
    if (kw(p1, 'count') && block.decl === 'measure') return [...eventItems(c), { label: 'distinct', kind: 'keyword' }];
    if (kw(p1, 'as') && block.decl === 'payout') return kwItems(PAYOUT_KINDS, 'payout kind').map((i) => ({ ...i, kind: 'type' }));
    if (kw(p1, 'rounding')) return kwItems(ROUNDING_MODES, 'rounding mode').map((i) => ({ ...i, kind: 'value' }));
    if (kw(p1, 'period') && block.decl === 'program') return kwItems(['month', 'quarter', 'year'], 'evaluation period');
    if (kw(p1, 'over')) return kwItems(WINDOWS, 'window');
    if (kw(p1, 'currency')) return kwItems(['EUR', 'USD', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD'], 'ISO 4217');
    if (p1?.image === ':' && (block.decl === 'event' || block.decl === 'partner') && block.depth === 1)
      return [
        ...kwItems(FIELD_TYPES, 'field type').map((i) => ({ ...i, kind: 'type' as const })),
        { label: 'one of', kind: 'keyword', insertText: 'one of "$1"', snippet: true },
        ...(block.decl === 'event' ? [{ label: 'ref', kind: 'keyword' as const, insertText: 'ref ', detail: 'the id of a record of another event kind' }] : []),
      ];
    if (p1?.image === 'ref' && p2?.image === ':' && block.decl === 'event') return eventItems(c);
    if (p1 && ['=', '!=', '<', '<=', '>', '>='].includes(p1.image)) {
      const t = typeOfOperand(c, toks.slice(0, -1), ev);
      const vals = valueItems(t, false);
      if (vals.length) return vals;
    }
    if (block.decl === 'measure' && kw(p1, 'measure')) return [];
    if (block.decl === 'measure' && p1?.image === '=' && block.depth === 0) return kwItems(AGGREGATES, 'aggregate');
    // Keys of a lookup over a tier: its levels.
    const op = block.opener;
    if (block.depth > 0 && kw(op[op.length - 2], 'lookup') && atKeyPosition(toks)) {
      const t = typeOfOperand(c, op, ev);
      if (t?.kind === 'tier') return [...valueItems(t, false), { label: 'else', kind: 'keyword' }];
      if (t?.kind === 'enum') return [...valueItems(t, false), { label: 'else', kind: 'keyword' }];
    }
    if (block.depth === 0 && (atLineStart || !block.decl)) return DECL_SNIPPETS;
    if (block.decl === 'program' && block.depth === 1 && atLineStart) return kwItems(HEADER_CLAUSES);
    if (block.decl === 'payout' && block.depth === 1 && atLineStart) return POT_OPTIONS;
    if (block.decl === 'tier' && block.depth === 1 && atLineStart) return TIER_OPTIONS;
    if (block.decl === 'rule' && block.depth === 1 && atLineStart) return RULE_CLAUSES;
    if ((block.decl === 'event' || block.decl === 'partner') && block.depth === 1) return fieldOptionItems(text, toks, replace.start);
    if (block.decl === 'test' && block.depth === 1 && atLineStart) return [{ label: 'period', kind: 'keyword' }, { label: 'partner', kind: 'snippet', insertText: 'partner "${1:P1}" { $2 }', snippet: true }, ...eventItems(c), { label: 'expect', kind: 'snippet', insertText: 'expect "${1:P1}" ${2:pot} = ${3:0}', snippet: true }];
    if (block.decl === 'test' && p2?.type === 'StringLit' && kw(toks[toks.length - 3], 'expect')) return [...potItems(c), ...[...c.tiers.keys()].map((t) => ({ label: t, kind: 'tier' as const })), ...[...c.measures.keys()].map((m) => ({ label: m, kind: 'measure' as const }))];
    if (block.decl === 'test' && block.depth === 2) {
      const evName = block.opener[block.opener.length - 1]?.image;
      const fs = evName ? fieldsOf(c, evName === '"' ? 'partner' : evName) : [];
      const list = block.opener.some((t) => kw(t, 'partner')) ? fieldsOf(c, 'partner') : fs;
      if (p1?.image === '{' || p1?.image === ',') return list.filter((f) => f.name !== 'id').map((f) => ({ label: f.name, kind: 'field' as const, insertText: `${f.name}: `, detail: describeType(f.type) }));
    }
    return nameItems(c, ev, block.decl === 'measure');
  })();
  return { items, replace };
}

/**
 * After a field's type, on the field's own line: the options not yet given, each only after the
 * ones the grammar puts before it (`NAME: TYPE [in A..B] [from "Header"] [default VALUE]`).
 */
function fieldOptionItems(text: string, toks: Tok[], at: number): CompletionItem[] {
  let colon = toks.length - 1;
  while (colon >= 0 && toks[colon]!.image !== ':') colon--;
  if (colon < 0 || colon === toks.length - 1 || text.slice(toks[colon]!.end, at).includes('\n')) return [];
  const after = toks.slice(colon + 1);
  const last = after[after.length - 1]!;
  if (['in', 'from', 'default', 'ref', 'of', ',', '..'].includes(last.image) || kw(after[0], 'one') && after.length < 2) return [];
  let given = -1;
  FIELD_OPTIONS.forEach((o, i) => {
    if (after.some((t) => t.image === o.label)) given = i;
  });
  return FIELD_OPTIONS.slice(given + 1);
}

/** Right after `{` or after a lookup entry's value: where a key goes. */
function atKeyPosition(toks: Tok[]): boolean {
  const p = toks[toks.length - 1];
  return p?.image === '{' || p?.image === ',' || (toks.length > 1 && toks[toks.length - 2]?.image === ':');
}

/** The event kind in scope: the rule's `for each EVENT`, or the event a measure aggregates. */
function scopeEvent(c: CheckedProgram, b: Block): string | undefined {
  if (b.decl === 'rule') {
    for (let i = 0; i + 1 < b.declToks.length; i++) if (kw(b.declToks[i], 'each') && b.declToks[i + 1]!.type === 'Identifier') return b.declToks[i + 1]!.image;
  }
  if (b.decl === 'measure') {
    for (const t of b.declToks) if (c.events.has(t.image)) return t.image;
  }
  return undefined;
}

function stringItems(c: CheckedProgram, before: Tok[], ev: string | undefined, block: Block): CompletionItem[] {
  const p1 = before[before.length - 1];
  // `FIELD = "…`, `FIELD != "…`
  if (p1 && (p1.image === '=' || p1.image === '!=')) return valueItems(typeOfOperand(c, before.slice(0, -1), ev), true);
  // `FIELD in ["a", "…`
  for (let i = before.length - 1; i >= 0; i--) {
    const t = before[i]!;
    if (t.image === '[') {
      if (kw(before[i - 1], 'in')) return valueItems(typeOfOperand(c, before.slice(0, i - 1), ev), true);
      break;
    }
    if (t.image !== ',' && t.type !== 'StringLit') break;
  }
  // Lookup keys: `lookup category { "…`
  const op = block.opener;
  if (block.depth > 0 && kw(op[op.length - 2], 'lookup') && atKeyPosition(before)) return valueItems(typeOfOperand(c, op, ev), true);
  // Test records: `sale { category: "…`
  if (block.decl === 'test' && p1?.image === ':') {
    const field = before[before.length - 2]?.image;
    const evName = block.opener[block.opener.length - 1]?.image;
    const isPartner = block.opener.some((t) => kw(t, 'partner'));
    const f = field ? (isPartner ? c.partner.fields.get(field) : evName ? c.events.get(evName)?.fields.get(field) : undefined) : undefined;
    if (field === 'partner' && !isPartner) return [];
    return valueItems(f?.type, true);
  }
  return [];
}

/** Every keyword, for tests. */
export const ALL_KEYWORDS: readonly string[] = KEYWORDS;
