/**
 * The checker's declarations stage: names before anything uses them — the partner block, every
 * top-level name (lets, measures, tiers, payouts, events), the fields of partners and events with
 * their types, and the levels of tiers.
 */
import { error } from '../core/diagnostics.js';
import type { Decl, FieldDecl, Ident, Span, TierDecl, TypeRef } from '../language/syntax.js';
import type { FieldInfo, TierInfo, Type } from './checked.js';
import type { CheckContext, TopDecl, TopKind } from './context.js';
import { suggest } from './suggest.js';
import { BOOLEAN, DATE, ERROR, INTEGER, NUMBER, TEXT, money } from './types.js';

const TYPE_NAMES = ['text', 'integer', 'decimal', 'money', 'date', 'boolean'];

/** The declarations stage: the partner block, the names of lets, measures, tiers, payouts and events, their fields, and the levels of tiers (E0202, E0203, E0219, E0221, E0222). */
export function collectDeclarations(ck: CheckContext, decls: readonly Decl[]): void {
  let partnerDecl: Decl | undefined;
  for (const d of decls) {
    if (d.kind === 'PartnerDecl') {
      if (partnerDecl) {
        ck.report(error('E0202', 'the `partner` block is declared twice', d.span, 'declare every partner field in one `partner { … }` block', [{ span: partnerDecl.span, message: 'the first one' }]));
        continue;
      }
      partnerDecl = d;
      ck.partnerDeclared = true;
      ck.out.partner.declared = true;
      ck.out.partner.decl = d;
    }
  }
  ck.partnerFields.set('id', { name: 'id', type: TEXT, implicit: true, column: 'id' });
  if (partnerDecl?.kind === 'PartnerDecl') fields(ck, partnerDecl.fields ?? [], ck.partnerFields, 'partner', 'every partner has an `id`');

  const kinds: Partial<Record<Decl['kind'], TopKind>> = { LetDecl: 'let', MeasureDecl: 'measure', TierDecl: 'tier', PayoutDecl: 'pot', EventDecl: 'event' };
  for (const d of decls) {
    const kind = kinds[d.kind];
    if (!kind || !('name' in d) || !d.name || (d.name as Ident).kind !== 'Ident') continue;
    const name = (d.name as Ident).name;
    const prev = ck.top.get(name);
    if (prev) {
      ck.report(
        error('E0202', `\`${name}\` is already declared (as a ${prev.kind === 'pot' ? 'payout' : prev.kind})`, (d.name as Ident).span, 'give each let, measure, tier, payout and event its own name', [
          { span: (prev.decl.name as Ident).span, message: 'first declared here' },
        ]),
      );
      continue;
    }
    ck.top.set(name, { kind, decl: d as TopDecl });
    if (d.kind === 'EventDecl') {
      const eventFields = new Map<string, FieldInfo>([
        ['id', { name: 'id', type: TEXT, implicit: true, column: 'id' }],
        ['partner', { name: 'partner', type: TEXT, implicit: true, column: 'partner' }],
        ['date', { name: 'date', type: DATE, implicit: true, column: 'date' }],
      ]);
      fields(ck, d.fields ?? [], eventFields, `event \`${name}\``, 'every event has `id`, `partner` and `date`');
      ck.out.events.set(name, { name, decl: d, fields: eventFields });
      // §13.4: with exchange rates, `rates.csv` holds the rates; an event kind cannot have that file too.
      if (name === 'rates' && ck.out.header.exchangeRates) {
        ck.report(error('E0233', 'an event kind cannot be named `rates` in a program with exchange rates', (d.name as Ident).span, 'its file would be `rates.csv`, which holds the exchange rates: give the event kind another name'));
      }
    }
    if (d.kind === 'TierDecl') collectTier(ck, d);
  }
}

function fields(ck: CheckContext, decls: FieldDecl[], into: Map<string, FieldInfo>, owner: string, implicitNote: string): void {
  const spans = new Map<string, Span>();
  for (const f of decls) {
    if (!f?.name) continue;
    const name = f.name.name;
    const prev = into.get(name);
    if (prev?.implicit) {
      implicitField(ck, f, prev, owner, implicitNote, spans);
      continue;
    }
    if (prev) {
      ck.report(error('E0203', `${owner} declares the field \`${name}\` twice`, f.name.span, 'keep one declaration of each field', [{ span: spans.get(name)!, message: 'first declared here' }]));
      continue;
    }
    spans.set(name, f.name.span);
    // `ref EVENT` (§12.3): text (an id) that names a record of the kind; the kind is checked once every kind is known.
    const column = { column: f.column?.value ?? name, ...(f.default ? { default: f.default } : {}) };
    if (f.type?.kind === 'RefType') {
      if (owner === 'partner') {
        ck.report(error('E0229', `a partner field cannot be a \`ref\``, f.type.span, 'a `ref` field names a record of another event kind from an event: declare it in an `event`, or keep the id as `text`'));
        into.set(name, { name, type: TEXT, implicit: false, decl: f, ...column });
        continue;
      }
      into.set(name, { name, type: TEXT, implicit: false, decl: f, ...column, ...(f.type.event ? { ref: f.type.event.name } : {}) });
      continue;
    }
    if (f.type?.kind === 'MoneyAnyType') {
      into.set(name, { name, type: money(ck.currency), implicit: false, decl: f, ...column, anyCurrency: f.type.by ? { by: f.type.by.name } : {} });
      continue;
    }
    into.set(name, { name, type: typeRef(ck, f.type, name), implicit: false, decl: f, ...column });
  }
  anyCurrencies(ck, into, owner);
}

/**
 * `money any` fields (§13.4): the program needs `exchange rates` (E0231), and `by FIELD` must name a
 * text field of the same record (E0230) — the code is read from it, record by record.
 */
function anyCurrencies(ck: CheckContext, into: Map<string, FieldInfo>, owner: string): void {
  for (const f of into.values()) {
    if (!f.anyCurrency || f.decl?.type?.kind !== 'MoneyAnyType') continue;
    const t = f.decl.type;
    if (!ck.out.header.exchangeRates) {
      ck.report(error('E0231', `\`${f.name}\` holds amounts in any currency, but the program has no exchange rates`, t.span, 'add `exchange rates monthly` (or `daily`) to the header, and a `rates.csv` (`month` or `date`, `currency`, `rate`) to the data'));
    }
    // Converted at the rate of the record's date: a partner has no date, and a range in the program's
    // currency would be checked before the conversion.
    if (owner === 'partner') {
      ck.report(error('E0232', `a partner field cannot be \`money any\``, t.span, 'an amount is converted at the rate of its event’s date, and partners have none: declare the field in an `event`, or as `money` in the program’s currency'));
    } else if (f.decl.range) {
      ck.report(error('E0232', `\`${f.name}\` holds amounts in any currency: it takes no range`, f.decl.range.span, 'a range is checked on the value as read, before its conversion: remove `in …`, and bound what the rules compute instead (`min`, a cap)'));
    }
    if (!t.by) continue;
    const by = into.get(t.by.name);
    if (!by) {
      const guess = suggest(t.by.name, [...into.values()].filter((g) => g.type.kind === 'text' && !g.ref).map((g) => g.name));
      ck.report(error('E0230', `${owner} has no field \`${t.by.name}\``, t.by.span, guess ? `did you mean \`${guess}\`?` : `declare the text field that holds the currency code, e.g. \`${t.by.name}: text\``));
    } else if (by.type.kind !== 'text' || by.ref || by.implicit) {
      ck.report(error('E0230', `the currency of \`${f.name}\` must come from a text field, and \`${t.by.name}\` is not one`, t.by.span, `declare \`${t.by.name}: text\` (the currency code, e.g. "GBP"), or name another field`));
    }
  }
}

/**
 * An implicit field (`id`; events' `partner` and `date`) may be declared only to map it to a
 * column, with its own type and no default (§12.1: `id: text from "Invoice"`); E0222 otherwise.
 */
function implicitField(ck: CheckContext, f: FieldDecl, info: FieldInfo, owner: string, implicitNote: string, spans: Map<string, Span>): void {
  const name = info.name;
  const every = owner === 'partner' ? 'every partner' : 'every event';
  const typeName = info.type.kind === 'date' ? 'date' : 'text';
  const written = `${name}: ${typeName} from "${f.column?.value ?? 'Column'}"`;
  const first = spans.get(name);
  if (first) {
    ck.report(error('E0203', `${owner} declares the field \`${name}\` twice`, f.name.span, 'keep one declaration of each field', [{ span: first, message: 'first declared here' }]));
    return;
  }
  spans.set(name, f.name.span);
  if (!f.column) {
    ck.report(error('E0222', `\`${name}\` is an implicit field of ${every}`, f.name.span, `${implicitNote} already: remove this line, map it to a column of the data (\`${written}\`), or choose another name`));
    return;
  }
  const declared = f.type?.kind === 'SimpleType' ? f.type.name?.name : f.type?.kind === 'MoneyAnyType' ? 'money any' : 'one of';
  if (declared !== typeName) {
    ck.report(error('E0222', `\`${name}\` is an implicit field of ${every}, of type ${typeName}`, f.type?.span ?? f.name.span, `declare it only to map it to a column, with its own type: \`${written}\``));
    return;
  }
  if (f.default) {
    ck.report(error('E0222', `\`${name}\` is an implicit field of ${every}: it takes no default`, f.default.span, `every record has its own ${name}: remove \`default …\``));
    return;
  }
  if (f.range) {
    ck.report(error('E0222', `\`${name}\` is an implicit field of ${every}: it takes no range`, f.range.span, `declare it only to map it to a column: remove \`in …\``));
    return;
  }
  info.column = f.column.value;
  info.decl = f;
}

function typeRef(ck: CheckContext, t: TypeRef | undefined, field: string): Type {
  if (!t || t.kind === 'RefType') return t ? TEXT : ERROR;
  if (t.kind === 'MoneyAnyType') return money(ck.currency);
  if (t.kind === 'EnumType') {
    const members: string[] = [];
    for (const m of t.members ?? []) {
      if (!m) continue;
      if (members.includes(m.value)) ck.report(error('E0203', `\`${m.value}\` is listed twice in \`${field}\``, m.span, 'list each value once'));
      else members.push(m.value);
    }
    return { kind: 'enum', members, name: field };
  }
  switch (t.name?.name) {
    case 'text':
      return TEXT;
    case 'integer':
      return INTEGER;
    case 'decimal':
      return NUMBER;
    case 'money':
      return money(ck.currency);
    case 'date':
      return DATE;
    case 'boolean':
      return BOOLEAN;
    case undefined:
      return ERROR;
  }
  const guess = suggest(t.name.name, TYPE_NAMES);
  ck.report(
    error('E0221', `\`${t.name.name}\` is not a type`, t.name.span, guess ? `did you mean \`${guess}\`?` : 'the types are `text`, `integer`, `decimal`, `money`, `date`, `boolean` and `one of "a", "b", …`'),
  );
  return ERROR;
}

function collectTier(ck: CheckContext, d: TierDecl): void {
  const name = d.name.name;
  const levels = (d.levels ?? []).filter((l) => l?.name);
  const names: string[] = [];
  const spans = new Map<string, Span>();
  const kept: TierInfo['levels'] = [];
  for (const l of levels) {
    const prev = spans.get(l.name.name);
    if (prev) {
      ck.report(error('E0219', `tier \`${name}\` has two levels named \`${l.name.name}\``, l.name.span, 'give each level its own name', [{ span: prev, message: 'the first one' }]));
      continue;
    }
    spans.set(l.name.name, l.name.span);
    names.push(l.name.name);
    kept.push({ name: l.name.name, ...(l.threshold ? { threshold: l.threshold } : {}), span: l.span });
  }
  ck.out.tiers.set(name, { name, decl: d, ...(d.by ? { by: d.by } : {}), byType: ERROR, levels: kept, type: { kind: 'tier', tier: name, levels: names } });
}
