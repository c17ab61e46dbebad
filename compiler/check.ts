/**
 * The checker: resolves names and checks types, units and levels of a parsed `ProgramFile`
 * (spec §3–§10), and produces the `CheckedProgram` the evaluator lowers from.
 *
 * Stages, in order: header → declarations (names, fields, tier levels) → lets, measures and
 * tiers (checked lazily, so they may be declared in any order; cycles are reported) → pots →
 * rules → tests → warnings → evaluation order. Never throws: a missing child is skipped.
 */
import { error, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { suggest } from './suggest.js';
import type { Decl, EventDecl, Expr, FieldDecl, FieldRef, Ident, LetDecl, MeasureDecl, NameRef, PayoutDecl, ProgramFile, Span, TierDecl, TypeRef } from '../language/syntax.js';
import { findExpr, walkExpr } from '../language/syntax.js';
import type { CheckedProgram, EventInfo, FieldInfo, Level, LetInfo, MeasureInfo, Symbol, TierInfo, Type, WindowInfo } from './checked.js';
import { ExprChecker, type Env, type ExprScope } from './exprs.js';
import { fold, type Const } from './consts.js';
import { MAX_CYCLE_FOLLOWED, MAX_WINDOW_MONTHS } from '../core/limits.js';
import { formatPeriod, isValidDate, periodOf, windowFirstMonth, windowMonths } from '../core/periods.js';
import { checkHeader } from './header.js';
import { checkPot } from './payouts.js';
import { checkRule } from './rules.js';
import { checkTest } from './tests.js';
import { BOOLEAN, DATE, ERROR, INTEGER, NUMBER, TEXT, describe, grouped, isOrdered, money, tickList } from './types.js';
import { measureNeverHolds, unusedAndUnbounded } from './warnings.js';

export type { CheckedProgram } from './checked.js';

const TYPE_NAMES = ['text', 'integer', 'decimal', 'money', 'date', 'boolean'];

type TopKind = 'let' | 'measure' | 'tier' | 'pot' | 'event';
type TopDecl = LetDecl | MeasureDecl | TierDecl | PayoutDecl | EventDecl;

/** Checks a parsed program. Never throws; every problem is a diagnostic. */
export function check(file: ProgramFile): CheckedProgram {
  return new Checker(file).run();
}

/** The checker's state, shared by the stage functions (`payouts.ts`, `rules.ts`, `tests.ts`, `warnings.ts`). */
export class Checker implements Env {
  readonly diags: Diagnostic[] = [];
  readonly types = new Map<Expr, Type>();
  readonly levels = new Map<Expr, Level>();
  readonly refs = new Map<NameRef | FieldRef, Symbol>();
  readonly out: CheckedProgram;
  readonly x: ExprChecker;
  currency = '';
  partnerDeclared = false;
  partnerFields = new Map<string, FieldInfo>();
  get events() {
    return this.out.events;
  }
  get tiers() {
    return this.out.tiers;
  }

  /** Top-level declarations by name (the first one when a name is declared twice). */
  readonly top = new Map<string, { kind: TopKind; decl: TopDecl }>();
  /** Declarations used by the program's logic (tests do not count). */
  readonly used = new Set<string>();
  /** While true (inside tests), references do not count as uses. */
  inTest = false;
  private readonly state = new Map<string, 'visiting' | 'done'>();
  private readonly stack: { name: string; via?: NameRef }[] = [];
  private readonly deps = new Map<string, Set<string>>();
  private readonly cycles = new Set<string>();

  constructor(readonly file: ProgramFile) {
    this.x = new ExprChecker(this);
    this.out = {
      file,
      diagnostics: this.diags,
      header: { name: '', currency: '', minorDigits: 2, period: 'quarter', start: '', rounding: 'half-even' },
      partner: { declared: false, fields: this.partnerFields },
      events: new Map(),
      lets: new Map(),
      measures: new Map(),
      tiers: new Map(),
      pots: new Map(),
      rules: [],
      tests: [],
      programOrder: [],
      partnerOrder: [],
      types: this.types,
      levels: this.levels,
      refs: this.refs,
    };
  }

  report(d: Diagnostic): void {
    this.diags.push(d);
  }

  run(): CheckedProgram {
    const decls = (this.file?.decls ?? []).filter((d): d is Decl => !!d);
    this.out.header = checkHeader(this.file, this.diags, (v, s) => this.x.checkDate(v, s));
    this.currency = this.out.header.currency;
    this.collect(decls);
    for (const name of this.dependencyOrder(decls)) this.ensure(name);
    for (const d of decls) if (d.kind === 'PayoutDecl') checkPot(this, d);
    const ruleNames = new Map<string, Span>();
    const testNames = new Map<string, Span>();
    for (const d of decls) {
      if (d.kind === 'RuleDecl') {
        this.unique(ruleNames, d.name?.value, d.name?.span, 'E0217', 'rule');
        checkRule(this, d);
      }
    }
    this.inTest = true;
    for (const d of decls) {
      if (d.kind === 'TestDecl') {
        this.unique(testNames, d.name?.value, d.name?.span, 'E0218', 'test');
        checkTest(this, d);
      }
    }
    this.inTest = false;
    unusedAndUnbounded(this, decls);
    this.order(decls);
    this.out.diagnostics = sortDiagnostics(this.diags);
    return this.out;
  }

  private unique(seen: Map<string, Span>, name: string | undefined, span: Span | undefined, code: string, what: string): void {
    if (name === undefined || !span) return;
    const prev = seen.get(name);
    if (prev) this.report(error(code, `there are two ${what}s named "${name}"`, span, `give each ${what} its own name`, [{ span: prev, message: 'the first one' }]));
    else seen.set(name, span);
  }

  // -------------------------------------------------------------------------------------------
  // Declarations: names, fields, tier levels

  private collect(decls: Decl[]): void {
    let partnerDecl: Decl | undefined;
    for (const d of decls) {
      if (d.kind === 'PartnerDecl') {
        if (partnerDecl) {
          this.report(error('E0202', 'the `partner` block is declared twice', d.span, 'declare every partner field in one `partner { … }` block', [{ span: partnerDecl.span, message: 'the first one' }]));
          continue;
        }
        partnerDecl = d;
        this.partnerDeclared = true;
        this.out.partner.declared = true;
        this.out.partner.decl = d;
      }
    }
    this.partnerFields.set('id', { name: 'id', type: TEXT, implicit: true });
    if (partnerDecl?.kind === 'PartnerDecl') this.fields(partnerDecl.fields ?? [], this.partnerFields, 'partner', 'every partner has an `id`');

    const kinds: Partial<Record<Decl['kind'], TopKind>> = { LetDecl: 'let', MeasureDecl: 'measure', TierDecl: 'tier', PayoutDecl: 'pot', EventDecl: 'event' };
    for (const d of decls) {
      const kind = kinds[d.kind];
      if (!kind || !('name' in d) || !d.name || (d.name as Ident).kind !== 'Ident') continue;
      const name = (d.name as Ident).name;
      const prev = this.top.get(name);
      if (prev) {
        this.report(
          error('E0202', `\`${name}\` is already declared (as a ${prev.kind === 'pot' ? 'payout' : prev.kind})`, (d.name as Ident).span, 'give each let, measure, tier, payout and event its own name', [
            { span: (prev.decl.name as Ident).span, message: 'first declared here' },
          ]),
        );
        continue;
      }
      this.top.set(name, { kind, decl: d as TopDecl });
      if (d.kind === 'EventDecl') {
        const fields = new Map<string, FieldInfo>([
          ['id', { name: 'id', type: TEXT, implicit: true }],
          ['partner', { name: 'partner', type: TEXT, implicit: true }],
          ['date', { name: 'date', type: DATE, implicit: true }],
        ]);
        this.fields(d.fields ?? [], fields, `event \`${name}\``, 'every event has `id`, `partner` and `date`');
        this.out.events.set(name, { name, decl: d, fields });
      }
      if (d.kind === 'TierDecl') this.collectTier(d);
    }
  }

  private fields(decls: FieldDecl[], into: Map<string, FieldInfo>, owner: string, implicitNote: string): void {
    const spans = new Map<string, Span>();
    for (const f of decls) {
      if (!f?.name) continue;
      const name = f.name.name;
      const prev = into.get(name);
      if (prev?.implicit) {
        this.report(error('E0222', `\`${name}\` is an implicit field of ${owner === 'partner' ? 'every partner' : 'every event'}`, f.name.span, `${implicitNote} already: remove this line, or choose another name`));
        continue;
      }
      if (prev) {
        this.report(error('E0203', `${owner} declares the field \`${name}\` twice`, f.name.span, 'keep one declaration of each field', [{ span: spans.get(name)!, message: 'first declared here' }]));
        continue;
      }
      spans.set(name, f.name.span);
      into.set(name, { name, type: this.typeRef(f.type, name), implicit: false, decl: f });
    }
  }

  private typeRef(t: TypeRef | undefined, field: string): Type {
    if (!t) return ERROR;
    if (t.kind === 'EnumType') {
      const members: string[] = [];
      for (const m of t.members ?? []) {
        if (!m) continue;
        if (members.includes(m.value)) this.report(error('E0203', `\`${m.value}\` is listed twice in \`${field}\``, m.span, 'list each value once'));
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
        return money(this.currency);
      case 'date':
        return DATE;
      case 'boolean':
        return BOOLEAN;
      case undefined:
        return ERROR;
    }
    const guess = suggest(t.name.name, TYPE_NAMES);
    this.report(
      error('E0221', `\`${t.name.name}\` is not a type`, t.name.span, guess ? `did you mean \`${guess}\`?` : 'the types are `text`, `integer`, `decimal`, `money`, `date`, `boolean` and `one of "a", "b", …`'),
    );
    return ERROR;
  }

  private collectTier(d: TierDecl): void {
    const name = d.name.name;
    const levels = (d.levels ?? []).filter((l) => l?.name);
    const names: string[] = [];
    const spans = new Map<string, Span>();
    const kept: TierInfo['levels'] = [];
    for (const l of levels) {
      const prev = spans.get(l.name.name);
      if (prev) {
        this.report(error('E0219', `tier \`${name}\` has two levels named \`${l.name.name}\``, l.name.span, 'give each level its own name', [{ span: prev, message: 'the first one' }]));
        continue;
      }
      spans.set(l.name.name, l.name.span);
      names.push(l.name.name);
      kept.push({ name: l.name.name, ...(l.threshold ? { threshold: l.threshold } : {}), span: l.span });
    }
    this.out.tiers.set(name, { name, decl: d, ...(d.by ? { by: d.by } : {}), byType: ERROR, levels: kept, type: { kind: 'tier', tier: name, levels: names } });
  }

  // -------------------------------------------------------------------------------------------
  // Env

  declKind(name: string): TopKind | undefined {
    return this.top.get(name)?.kind;
  }

  valueNames(): string[] {
    return [...this.top.entries()].filter(([, v]) => v.kind === 'let' || v.kind === 'measure' || v.kind === 'tier').map(([k]) => k);
  }

  /** The folded values of the program-level lets checked so far. */
  private readonly letConsts = new Map<string, Const | undefined>();
  private readonly folding = new Set<string>();

  /**
   * The constant value of a program-level let (for thresholds, amounts, conditions), folded once:
   * lets are checked dependencies first, so folding a let finds its dependencies folded already.
   */
  letConst = (name: string): Const | undefined => {
    const t = this.top.get(name);
    if (t?.kind !== 'let') return undefined;
    const info = this.out.lets.get(name);
    if (info && info.level !== 'program') return undefined;
    if (this.letConsts.has(name)) return this.letConsts.get(name);
    if (this.folding.has(name)) return undefined; // a cycle, reported as E0210
    this.folding.add(name);
    const c = fold((t.decl as LetDecl).value, this.letConst);
    this.folding.delete(name);
    if (info) this.letConsts.set(name, c);
    return c;
  };

  /** Marks a declaration as used by the program's logic. */
  markUsed(name: string): void {
    if (!this.inTest) this.used.add(name);
  }

  use(name: string, ref: NameRef): { type: Type; level: Level } {
    this.markUsed(name);
    const caller = this.stack[this.stack.length - 1];
    if (caller) this.deps.get(caller.name)?.add(name);
    const kind = this.top.get(name)!.kind;
    if (this.state.get(name) === 'visiting') {
      this.cycle(name, ref);
      return { type: kind === 'tier' ? this.out.tiers.get(name)!.type : ERROR, level: 'partner' };
    }
    this.ensure(name, ref);
    if (kind === 'tier') return { type: this.out.tiers.get(name)!.type, level: 'partner' };
    if (kind === 'measure') return { type: this.out.measures.get(name)?.type ?? ERROR, level: 'partner' };
    const l = this.out.lets.get(name);
    return { type: l?.type ?? ERROR, level: l?.level ?? 'program' };
  }

  private cycle(name: string, ref: NameRef): void {
    const i = this.stack.findIndex((f) => f.name === name);
    const frames = this.stack.slice(i);
    const key = frames
      .map((f) => f.name)
      .sort()
      .join(' ');
    if (this.cycles.has(key)) return;
    this.cycles.add(key);
    const path = [...frames.map((f) => `\`${f.name}\``), `\`${name}\``].join(' → ');
    const related = [
      ...frames.slice(1).map((f, j) => ({ span: f.via!.span, message: `\`${frames[j]!.name}\` uses \`${f.name}\` here` })),
      { span: ref.span, message: `\`${frames[frames.length - 1]!.name}\` uses \`${name}\` here` },
    ];
    const decl = this.top.get(name)!.decl;
    this.report(
      error('E0210', `\`${name}\` depends on itself: ${path}`, (decl.name as Ident).span, 'a value cannot be computed from itself: break the cycle by computing one of them from other values', related),
    );
  }

  /** Checks a let, measure or tier once (lazily, on first use or in source order). */
  ensure(name: string, via?: NameRef): void {
    if (this.state.has(name)) return;
    const t = this.top.get(name);
    if (!t) return;
    this.state.set(name, 'visiting');
    this.deps.set(name, new Set());
    this.stack.push({ name, ...(via ? { via } : {}) });
    try {
      if (t.kind === 'let') this.checkLet(t.decl as LetDecl);
      else if (t.kind === 'measure') this.checkMeasure(t.decl as MeasureDecl);
      else if (t.kind === 'tier') this.checkTier(t.decl as TierDecl);
    } finally {
      this.stack.pop();
      this.state.set(name, 'done');
    }
  }

  /** A scope with no event: lets, tiers, `for each partner`, pot options, tests. */
  noEvent(place: string, hint?: string): ExprScope {
    return {
      place,
      noEventHint: hint ?? 'this value is computed once per partner: aggregate the events in a measure, e.g. `measure total = sum sale.amount`',
    };
  }

  /** Reports the first name in `e` that makes it vary, where a constant is required. */
  requireConstant(e: Expr | undefined, what: string): boolean {
    if (!e || this.x.level(e) === 'program') return true;
    const culprit = findExpr(e, (x) => (x.kind === 'Name' || x.kind === 'Field') && this.x.level(x) !== 'program') ?? e;
    const name = culprit.kind === 'Name' ? culprit.name : culprit.kind === 'Field' ? `${culprit.object?.name}.${culprit.field?.name}` : undefined;
    this.report(
      error(
        'E0223',
        `${what} must be a constant${name ? `, but \`${name}\` is different for every partner` : ''}`,
        culprit.span,
        'use a number or an amount of money, or a `let` that uses only constants',
      ),
    );
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Lets, measures, tiers

  private checkLet(d: LetDecl): void {
    const scope = this.noEvent(`\`let ${d.name.name}\``, 'a `let` is computed once per partner, not per event: aggregate the events in a measure, e.g. `measure total = sum sale.amount`');
    const type = this.x.check(d.value, scope);
    const info: LetInfo = { name: d.name.name, decl: d, type, level: this.x.level(d.value) };
    this.out.lets.set(d.name.name, info);
    // A constant is computed once at the start of a run: fold it now, so that a computation that
    // leaves the size of numbers is a diagnostic (E0322) rather than an error of every run.
    if (info.level === 'program') this.x.reportOverflow(this.letConst(d.name.name));
  }

  private checkMeasure(d: MeasureDecl): void {
    const name = d.name.name;
    const m: NonNullable<ExprScope['measure']> = { name };
    if (d.event) {
      if (this.out.events.has(d.event.name)) {
        m.event = d.event.name;
        m.eventSpan = d.event.span;
      } else this.unknownEvent(d.event);
    } else {
      // The event kind is that of the first qualified field (`sale.amount`), if any.
      const firstRef = [d.arg, d.where].flatMap((e) => collectRefs(e)).find((r) => this.out.events.has(r.object?.name ?? ''));
      if (firstRef) {
        m.event = firstRef.object.name;
        m.eventSpan = firstRef.span;
      }
    }
    const scope: ExprScope = { measure: m, place: `measure \`${name}\``, noEventHint: '' };
    const argType = d.arg ? this.x.check(d.arg, scope) : ERROR;
    const whereType = this.x.check(d.where, scope);
    this.x.expectBoolean(d.where, whereType, '`where`');
    if (m.event) this.markUsed(m.event);
    let type: Type = ERROR;
    const argErr = argType.kind === 'error';
    const badArg = (what: string, hint: string) => {
      if (!argErr && d.arg) this.report(error('E0321', `\`${d.op}\` needs ${what}, but this is ${describe(argType)}`, d.arg.span, hint));
    };
    switch (d.op) {
      case 'count':
      case 'count distinct':
        type = INTEGER;
        break;
      case 'sum':
        if (argType.kind === 'number' || argType.kind === 'money') type = argType;
        else badArg('numbers or money', 'sum an amount or a quantity, e.g. `sum sale.amount`; to count events write `count sale`');
        break;
      case 'average':
        if (argType.kind === 'number') type = NUMBER;
        else if (argType.kind === 'money') type = argType;
        else badArg('numbers or money', 'average an amount or a quantity, e.g. `average sale.amount`');
        break;
      case 'min':
      case 'max':
        if (isOrdered(argType) && !argErr) type = argType;
        else badArg('numbers, money or dates', `\`${d.op}\` picks the smallest or largest of ordered values`);
        break;
    }
    if (!m.event && !d.event && (d.arg || d.where) && !argErr) {
      this.report(
        error('E0224', `measure \`${name}\` uses no event field, so it has no events to aggregate`, (d.arg ?? d.where)!.span, 'aggregate a field of an event, e.g. `sum sale.amount`, or count events: `count sale`'),
      );
    }
    // else DEFAULT
    const needsElse = d.op === 'min' || d.op === 'max' || d.op === 'average';
    if (needsElse && !d.otherwise) {
      this.report(
        error('E0410', `measure \`${name}\` needs an \`else\`: the ${d.op} of no events is undefined`, d.name.span, `add the value for a partner with no events, e.g. \`else 0${type.kind === 'money' ? ` ${type.currency}` : ''}\``),
      );
    }
    if (d.otherwise) {
      const ot = this.x.check(d.otherwise, this.noEvent(`the \`else\` of measure \`${name}\``));
      if (!needsElse) {
        this.report(
          error(
            'E0411',
            `\`${d.op}\` takes no \`else\`: ${d.op === 'sum' ? 'the sum of no events is zero' : 'the count of no events is zero'}`,
            d.otherwise.span,
            'remove `else …`; only `min`, `max` and `average` need one',
          ),
        );
      } else if (type.kind !== 'error') this.x.expectType(d.otherwise, ot, type, `the \`else\` of measure \`${name}\``);
    }
    let window: WindowInfo = { form: 'this period' };
    const w = d.window;
    if (w) {
      if (w.form === 'last') {
        const n = w.count?.value;
        if (!w.count || !/^\d+$/.test(n ?? '') || Number(n) < 1 || w.count.percent) {
          if (w.count) this.report(error('E0412', `\`last ${w.count.text}\` needs a whole number of ${w.unit} above zero`, w.count.span, `write e.g. \`last 4 ${w.unit}\``));
        } else window = { form: 'last', count: Number(n), unit: w.unit };
      } else window = { form: w.form };
      if (!this.windowInRange(window, w.span)) window = { form: 'this period' };
    }
    const info: MeasureInfo = {
      name,
      decl: d,
      op: d.op,
      ...(m.event ? { event: m.event } : {}),
      type,
      window,
      ...(d.arg ? { arg: d.arg } : {}),
      ...(d.where ? { where: d.where } : {}),
      ...(d.otherwise ? { otherwise: d.otherwise } : {}),
    };
    this.out.measures.set(name, info);
    measureNeverHolds(this, d);
  }

  /**
   * E0412 for a window that reaches back further than a window may (MAX_WINDOW_MONTHS), or
   * before 0001-01-01 from the program's first period (the calendar's first day).
   */
  private windowInRange(w: WindowInfo, at: Span): boolean {
    const { period, start } = this.out.header;
    if (w.form === 'last') {
      const months = windowMonths({ n: w.count, unit: w.unit }, period);
      if (months > MAX_WINDOW_MONTHS) {
        const span = !Number.isSafeInteger(months) ? 'thousands of years' : months % 12 === 0 ? `${grouped(months / 12)} years` : `${grouped(months)} months`;
        this.report(
          error('E0412', `this window spans ${span}, but a window spans at most ${MAX_WINDOW_MONTHS / 12} years`, at, 'use a shorter window, or `program to date` for everything since the program started'),
        );
        return false;
      }
    }
    if (!isValidDate(start)) return true;
    const first = periodOf(period, start);
    const kind = w.form === 'last' ? { kind: 'last' as const, n: w.count, unit: w.unit } : { kind: w.form };
    if (windowFirstMonth(kind, first) < 12) {
      this.report(
        error('E0412', `this window reaches back before 0001-01-01 from the program's first period (${formatPeriod(first)})`, at, 'Incent counts dates from 0001-01-01: start the program later, or use a shorter window'),
      );
      return false;
    }
    return true;
  }

  unknownEvent(id: Ident): void {
    const guess = suggest(id.name, this.out.events.keys());
    const known = [...this.out.events.keys()];
    this.report(
      error(
        'E0205',
        `\`${id.name}\` is not an event kind`,
        id.span,
        guess ? `did you mean \`${guess}\`?` : known.length ? `the event kinds are ${tickList(known)}` : `declare it: \`event ${id.name} { … }\``,
      ),
    );
  }

  private checkTier(d: TierDecl): void {
    const info = this.out.tiers.get(d.name.name)!;
    const byType = this.x.check(d.by, this.noEvent(`the \`by\` of tier \`${d.name.name}\``, 'a tier is computed once per partner: rank by a measure, e.g. `tier status by revenue { … }`'));
    if (d.by && byType.kind !== 'error' && byType.kind !== 'number' && byType.kind !== 'money') {
      this.report(error('E0320', `tier \`${d.name.name}\` must be by a number or money, but this is ${describe(byType)}`, d.by.span, 'rank partners by a measure, e.g. `tier status by revenue { … }`'));
    }
    info.byType = byType.kind === 'number' || byType.kind === 'money' ? byType : ERROR;
    const levels = d.levels ?? [];
    if (levels.length === 0) {
      this.report(error('E0416', `tier \`${d.name.name}\` has no levels`, d.name.span, 'list the levels from the base level up, e.g. `Member`, then `Silver from 250_000 EUR`'));
      return;
    }
    let prev: { e: Expr; v: import('./consts.js').Const } | undefined;
    levels.forEach((l, i) => {
      if (!l?.name) return;
      if (i === 0 && l.threshold) {
        this.report(
          error('E0413', `the first level, \`${l.name.name}\`, is the base level and takes no threshold`, l.threshold.span, `remove \`from …\`, or add a base level before \`${l.name.name}\` (every partner starts there)`),
        );
      }
      if (i > 0 && !l.threshold) {
        this.report(error('E0413', `level \`${l.name.name}\` needs a threshold`, l.name.span, `only the first level is the base level: write \`${l.name.name} from AMOUNT\``));
      }
      if (!l.threshold) return;
      const tt = this.x.check(l.threshold, this.noEvent(`a threshold of tier \`${d.name.name}\``));
      if (!this.requireConstant(l.threshold, `a threshold of tier \`${d.name.name}\``)) return;
      if (info.byType.kind !== 'error' && !this.x.expectType(l.threshold, tt, info.byType, `a threshold of tier \`${d.name.name}\``)) return;
      if (i === 0) return;
      const c = this.x.constant(l.threshold);
      if (c?.kind !== 'num') return;
      if (prev && prev.v.kind === 'num' && !c.value.gt(prev.v.value)) {
        this.report(
          error('E0414', `the thresholds of tier \`${d.name.name}\` must increase: \`${l.name.name}\` starts at or below the level before it`, l.threshold.span, 'order the levels from the lowest threshold to the highest', [
            { span: prev.e.span, message: 'the previous threshold' },
          ]),
        );
      }
      prev = { e: l.threshold, v: c };
    });
  }

  /** The names of the lets, measures and tiers, in source order (the first declaration of each name). */
  private valueDecls(decls: Decl[]): string[] {
    return decls.flatMap((d) => ((d.kind === 'LetDecl' || d.kind === 'MeasureDecl' || d.kind === 'TierDecl') && d.name && this.top.get(d.name.name)?.decl === d ? [d.name.name] : []));
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
  private dependencyOrder(decls: Decl[]): string[] {
    const names = this.valueDecls(decls);
    const index = new Map(names.map((n, i) => [n, i]));
    const uses = names.map((n) => {
      const d = this.top.get(n)!.decl;
      const roots =
        d.kind === 'LetDecl' ? [d.value] : d.kind === 'MeasureDecl' ? [d.arg, d.where, d.otherwise] : d.kind === 'TierDecl' ? [d.by, ...(d.levels ?? []).map((l) => l?.threshold)] : [];
      const out = new Set<number>();
      for (const r of roots)
        walkExpr(r, (x) => {
          const j = x.kind === 'Name' ? index.get(x.name) : undefined;
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
        if (members.length > MAX_CYCLE_FOLLOWED) this.longCycle(members.map((m) => names[m]!), uses, names, index);
        else for (const m of members) out.push(names[m]!);
      }
    }
    return out;
  }

  /** E0210 for a cycle too long to follow name by name: reported at its first declaration, which is then not checked, nor the others. */
  private longCycle(members: string[], uses: number[][], names: string[], index: Map<string, number>): void {
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
    const decl = this.top.get(name)!.decl;
    this.report(
      error(
        'E0210',
        `\`${name}\` depends on itself through ${path.length} declarations: ${[...shown, name].map((n) => (n === '…' ? n : `\`${n}\``)).join(' → ')}`,
        (decl.name as Ident).span,
        'a value cannot be computed from itself: break the cycle by computing one of them from other values',
      ),
    );
    for (const m of members) {
      this.state.set(m, 'done');
      this.used.add(m);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Evaluation order

  /** Dependencies first (depth first, dependencies by name), without recursion: a chain of lets may be long. */
  private order(decls: Decl[]): void {
    const done = new Set<string>();
    const list: string[] = [];
    const path = new Set<string>();
    const stack: { n: string; deps: string[]; i: number }[] = [];
    const enter = (n: string) => {
      if (done.has(n) || path.has(n)) return;
      path.add(n);
      stack.push({ n, deps: [...(this.deps.get(n) ?? [])].sort(), i: 0 });
    };
    for (const name of this.valueDecls(decls)) {
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
      const l = this.out.lets.get(n);
      if (l && l.level === 'program') this.out.programOrder.push(n);
      else this.out.partnerOrder.push(n);
    }
  }
}

/** The qualified field references (`sale.amount`) in an expression, in source order. */
export function collectRefs(e: Expr | undefined): FieldRef[] {
  const out: FieldRef[] = [];
  walkExpr(e, (x) => {
    if (x.kind === 'Field') out.push(x);
  });
  return out;
}


