/**
 * The checker: resolves names and checks types, units and levels of a parsed `ProgramFile`
 * (spec §3–§10), and produces the `CheckedProgram` the evaluator lowers from. Its stages are
 * listed in STAGES, in order; each is a function of the shared context (context.ts), in its own
 * file. This file is the core they share: resolving a name, checking each let, measure and tier
 * once (dependencies first, cycles reported), scopes and constants. Never throws: a missing child
 * is skipped.
 */
import { error, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import type { Decl, Expr, FieldRef, Ident, LetDecl, MeasureDecl, NameRef, ProgramFile, Span, TierDecl, Window } from '../language/syntax.js';
import { findExpr } from '../language/syntax.js';
import type { CheckedProgram, FieldInfo, LetInfo, Level, Symbol, Type, WindowInfo } from './checked.js';
import type { CheckContext, TopDecl, TopKind } from './context.js';
import { fold, type Const } from './consts.js';
import { collectDeclarations } from './declarations.js';
import { checkLet, checkMeasure, checkTier, checkWindow } from './definitions.js';
import { checkFieldOptions } from './fields.js';
import { checkRefFields, recheckPrevious } from './memory.js';
import { ExprChecker, type ExprScope } from './exprs.js';
import { checkHeader } from './header.js';
import { dependencyOrder, evaluationOrder } from './order.js';
import { checkPot } from './payouts.js';
import { checkFieldRanges } from './ranges.js';
import { checkRule } from './rules.js';
import { suggest } from './suggest.js';
import { checkTest } from './tests.js';
import { ERROR, tickList } from './types.js';
import { unusedAndUnbounded } from './warnings.js';

export type { CheckedProgram } from './checked.js';

/** The checker's stages, in order: each reads what the ones before it found. */
const STAGES: readonly { name: string; run: (ck: Checker, decls: readonly Decl[]) => void }[] = [
  { name: 'header', run: (ck) => ck.checkHeader() },
  { name: 'declarations: names, fields, tier levels', run: collectDeclarations },
  { name: '`ref` fields: known event kinds, no circle', run: checkRefFields },
  { name: 'lets, measures and tiers, dependencies first', run: (ck, decls) => dependencyOrder(ck, decls).forEach((name) => ck.ensure(name)) },
  // must follow the lets, measures and tiers: `previous X` of one checked later is checked again, with X's type
  { name: 'previous values of names checked later', run: (ck) => recheckPrevious(ck, ck.pendingPrevious) },
  { name: 'field options: columns and defaults', run: checkFieldOptions },
  { name: 'field ranges', run: checkFieldRanges },
  { name: 'pots', run: (ck, decls) => decls.forEach((d) => d.kind === 'PayoutDecl' && checkPot(ck, d)) },
  { name: 'rules', run: (ck, decls) => ck.checkRules(decls) },
  { name: 'tests', run: (ck, decls) => ck.checkTests(decls) },
  { name: 'warnings', run: unusedAndUnbounded },
  { name: 'evaluation order', run: evaluationOrder },
];

/** Checks a parsed program. Never throws; every problem is a diagnostic. */
export function check(file: ProgramFile): CheckedProgram {
  return new Checker(file).run();
}

/** The checker's state and core, shared by the stages through `CheckContext`. */
class Checker implements CheckContext {
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
      eventOrder: [],
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
    for (const stage of STAGES) stage.run(this, decls);
    this.out.diagnostics = sortDiagnostics(this.diags);
    return this.out;
  }

  /** The header stage. */
  checkHeader(): void {
    this.out.header = checkHeader(this.file, this.diags, (v, s) => this.x.checkDate(v, s));
    this.currency = this.out.header.currency;
  }

  /** The rules stage: names unique (E0217), each rule checked. */
  checkRules(decls: readonly Decl[]): void {
    const names = new Map<string, Span>();
    for (const d of decls) {
      if (d.kind !== 'RuleDecl') continue;
      this.unique(names, d.name?.value, d.name?.span, 'E0217', 'rule');
      checkRule(this, d);
    }
  }

  /** The tests stage: names unique (E0218), each test checked; what tests use does not count as used. */
  checkTests(decls: readonly Decl[]): void {
    const names = new Map<string, Span>();
    this.inTest = true;
    for (const d of decls) {
      if (d.kind !== 'TestDecl') continue;
      this.unique(names, d.name?.value, d.name?.span, 'E0218', 'test');
      checkTest(this, d);
    }
    this.inTest = false;
  }

  /** The lets, measures and tiers whose check met `previous X` with X not checked yet (recheckPrevious checks them again). */
  readonly pendingPrevious = new Set<string>();

  letInfo(name: string): LetInfo | undefined {
    return this.out.lets.get(name);
  }

  checkWindow(w: Window): WindowInfo {
    return checkWindow(this, w);
  }

  /**
   * `previous NAME`: the type of NAME, with no dependency (its value is the previous period's).
   * A tier's type is known from its levels; a measure or let checked already gives its own; one
   * not checked yet is not checked from here (it may use this declaration in the same period,
   * which is no cycle): its type is unknown for now (`error`, accepted silently), and the
   * declaration that asked is checked again once every one has been (recheckPrevious).
   */
  usePrevious(name: string, _at: Ident): { type: Type; level: Level } {
    const caller = this.stack[this.stack.length - 1];
    if (caller?.name !== name) this.markUsed(name); // its own previous value does not make a declaration used
    const kind = this.top.get(name)?.kind;
    if (kind === 'tier') return { type: this.out.tiers.get(name)!.type, level: 'partner' };
    if (this.state.get(name) !== 'done') {
      if (caller) this.pendingPrevious.add(caller.name);
      return { type: ERROR, level: 'partner' };
    }
    if (kind === 'measure') return { type: this.out.measures.get(name)?.type ?? ERROR, level: 'partner' };
    const l = this.out.lets.get(name);
    return { type: l?.type ?? ERROR, level: l?.level ?? 'partner' };
  }

  dependencies(name: string): ReadonlySet<string> {
    return this.deps.get(name) ?? new Set();
  }

  settle(names: readonly string[]): void {
    for (const m of names) {
      this.state.set(m, 'done');
      this.used.add(m);
    }
  }

  private unique(seen: Map<string, Span>, name: string | undefined, span: Span | undefined, code: string, what: string): void {
    if (name === undefined || !span) return;
    const prev = seen.get(name);
    if (prev) this.report(error(code, `there are two ${what}s named "${name}"`, span, `give each ${what} its own name`, [{ span: prev, message: 'the first one' }]));
    else seen.set(name, span);
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
      if (t.kind === 'let') checkLet(this, t.decl as LetDecl);
      else if (t.kind === 'measure') checkMeasure(this, t.decl as MeasureDecl);
      else if (t.kind === 'tier') checkTier(this, t.decl as TierDecl);
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
    const culprit = findExpr(e, (x) => (x.kind === 'Name' || x.kind === 'Field' || x.kind === 'PeriodBound') && this.x.level(x) !== 'program') ?? e;
    const name =
      culprit.kind === 'Name' ? culprit.name : culprit.kind === 'Field' ? `${culprit.object?.name}.${culprit.field?.name}` : culprit.kind === 'PeriodBound' ? `period.${culprit.bound}` : undefined;
    const varies = culprit.kind === 'PeriodBound' ? 'in every period' : 'for every partner';
    this.report(
      error(
        'E0223',
        `${what} must be a constant${name ? `, but \`${name}\` is different ${varies}` : ''}`,
        culprit.span,
        'use a number or an amount of money, or a `let` that uses only constants',
      ),
    );
    return false;
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


}
