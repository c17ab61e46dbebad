/** Expression checking: name resolution, units (§5), levels, and the lookup/bands/marginal tables. */
import { error, type Diagnostic } from '../core/diagnostics.js';
import { suggest } from './suggest.js';
import type { AtDate, Band, BandsExpr, Binary, Call, DaysBetween, Duration, Expr, FieldRef, Ident, Interpolate, Lookup, MoneyLit, NameRef, NumberLit, Previous, Running, Span, StringLit, Window } from '../language/syntax.js';
import { findExpr, leftSpine } from '../language/syntax.js';
import type { EventInfo, FieldInfo, LetInfo, Level, Symbol, TierInfo, Type, WindowInfo } from './checked.js';
import { fold, sameExpr, type Const, type LetConst } from './consts.js';
import { decimalTextProblem, MAX_DIGITS, MAX_EXPONENT, magnitudeText, rangeRule } from '../core/limits.js';
import { KEYWORDS } from '../language/tokens.js';
import { daysInMonth, isValidDate } from '../core/periods.js';
import {
  BOOLEAN,
  DATE,
  ERROR,
  INTEGER,
  NUMBER,
  TEXT,
  comparable,
  describe,
  isOrdered,
  maxLevel,
  money,
  tickList,
  unify,
} from './types.js';

/** What the expression checker needs from the program being checked. */
export interface Env {
  /** The program's currency ('' when unknown: money literals are then not checked). */
  currency: string;
  diags: Diagnostic[];
  types: Map<Expr, Type>;
  levels: Map<Expr, Level>;
  refs: Map<NameRef | FieldRef, Symbol>;
  partnerDeclared: boolean;
  partnerFields: Map<string, FieldInfo>;
  events: Map<string, EventInfo>;
  tiers: Map<string, TierInfo>;
  /** What a top-level name declares, if anything. */
  declKind(name: string): 'let' | 'measure' | 'tier' | 'pot' | 'event' | undefined;
  /** Checks a let, measure or tier (once, lazily, detecting cycles) and gives its type and level. */
  use(name: string, ref: NameRef): { type: Type; level: Level };
  /** The constant value of a program-level let, for constant folding. */
  letConst: LetConst;
  /** Every declared name usable as a value, for "did you mean". */
  valueNames(): string[];
  /** A let checked so far (its level, and for an event-level let its event kind). */
  letInfo(name: string): LetInfo | undefined;
  /** The type of a let, measure or tier for `previous NAME`: no dependency (it is the previous period's value). */
  usePrevious(name: string, at: Ident): { type: Type; level: Level };
  /** A window checked like a measure's (E0412), normalized. */
  checkWindow(w: Window): WindowInfo;
  /** Marks a declaration as used by the program's logic (an event kind read through a `ref` field). */
  markUsed(name: string): void;
}

/** Where an expression is checked. */
export interface ExprScope {
  /** The event kind whose fields are in scope unqualified (`for each sale`, `count sale`). */
  event?: string;
  /**
   * Set inside a measure, and inside a let (`owner: 'let'`, §12.2): the event kind aggregated (or
   * whose fields the let uses), inferred from the fields used; `running` is set when a let uses a
   * running total.
   */
  measure?: { name: string; event?: string; eventSpan?: Span; owner?: 'measure' | 'let'; running?: boolean };
  /** Where `running sum|count` may be written (§12.2): the clauses of a `for each EVENT` rule, a let. */
  running?: boolean;
  /** Inside a running total's value or condition: each event's own values only. */
  inRunning?: boolean;
  /** A rule whose scope is missing (reported): a running total there says nothing more. */
  noScope?: boolean;
  /** How to fix an event field used where no event is in scope. */
  noEventHint: string;
  /** What the place is called in messages: `a \`let\``, `a tier's \`by\``… */
  place: string;
}

export class ExprChecker {
  constructor(private readonly env: Env) {}

  private report(d: Diagnostic): void {
    this.env.diags.push(d);
  }

  /** Checks an expression (absent after a syntax error: then `error`), recording its type and level. */
  check(e: Expr | undefined, scope: ExprScope, tierHint?: string): Type {
    if (!e) return ERROR;
    const { type, level } = this.infer(e, scope, tierHint);
    this.env.types.set(e, type);
    this.env.levels.set(e, level);
    return type;
  }

  level(e: Expr | undefined): Level {
    return (e && this.env.levels.get(e)) ?? 'program';
  }

  private lv(...es: (Expr | undefined)[]): Level {
    return maxLevel(...es.map((x) => this.level(x)));
  }

  /**
   * The value of `e` when it is a constant (`consts.ts`). A computation of constants that leaves
   * the size of numbers is reported here, once, at the operation (E0322), and is not a constant.
   */
  constant(e: Expr | undefined): Const | undefined {
    return this.reportOverflow(fold(e, this.env.letConst));
  }

  /** Reports a folded value that left the size of numbers (E0322, once per operation); gives the other values back. */
  reportOverflow(c: Const | undefined): Const | undefined {
    if (c?.kind !== 'overflow') return c;
    if (!this.overflows.has(c.at)) {
      this.overflows.add(c.at);
      const what = { '+': 'addition', '-': 'subtraction', '*': 'multiplication', '/': 'division' }[c.at.op as '+'] ?? 'computation';
      this.report(
        error(
          'E0322',
          `this ${what} gives ${magnitudeText(c.value)}, but ${rangeRule(c.value)}`,
          c.at.span,
          `every number Incent computes is zero or between 10^-${MAX_EXPONENT} and 10^${MAX_EXPONENT} in size: check the amounts and units of this computation`,
        ),
      );
    }
    return undefined;
  }

  /** The operations already reported as leaving the size of numbers (E0322). */
  private readonly overflows = new Set<Expr>();

  private infer(e: Expr, scope: ExprScope, tierHint?: string): { type: Type; level: Level } {
    const P: Level = 'program';
    switch (e.kind) {
      case 'Number':
        this.literal(e, 'number');
        return { type: /^-?\d+$/.test(e.value) ? INTEGER : NUMBER, level: P };
      case 'Money':
        this.literal(e, 'amount');
        if (this.env.currency && e.currency !== this.env.currency) {
          this.report(
            error(
              'E0309',
              `\`${e.text} ${e.currency}\` is in ${e.currency}, but the program's currency is ${this.env.currency}`,
              e.span,
              `every amount of money is in the program's currency: write \`${e.text} ${this.env.currency}\``,
            ),
          );
        }
        return { type: money(this.env.currency || e.currency), level: P };
      case 'Date':
        this.checkDate(e.value, e.span);
        return { type: DATE, level: P };
      case 'String':
        return { type: TEXT, level: P };
      case 'Bool':
        return { type: BOOLEAN, level: P };
      case 'Name':
        return this.name(e, scope, tierHint);
      case 'Field':
        return this.field(e, scope);
      case 'Unary': {
        const t = this.check(e.operand, scope);
        const level = this.lv(e.operand);
        if (e.op === 'not') {
          this.expectBoolean(e.operand, t, '`not`');
          return { type: BOOLEAN, level };
        }
        if (t.kind === 'number' || t.kind === 'money' || t.kind === 'duration' || t.kind === 'error') return { type: t, level };
        this.report(error('E0302', `\`-\` needs a number or money, but this is ${describe(t)}`, e.operand.span, 'only numbers and amounts of money can be negated'));
        return { type: ERROR, level };
      }
      case 'Binary':
        return this.binaryChain(e, scope);
      case 'InRange': {
        const [v, a, b] = this.checkAligned([e.value, e.from, e.to], scope, tierHint);
        for (const [x, t] of [
          [e.from, a],
          [e.to, b],
        ] as const) {
          if (x && !comparable(v!, t!)) this.mismatch(e.value, v!, x, t!, x.span);
        }
        if (!isOrdered(v!)) this.unordered(e.value, v!, '`in A..B`');
        return { type: BOOLEAN, level: this.lv(e.value, e.from, e.to) };
      }
      case 'InSet': {
        const [v, ...ts] = this.checkAligned([e.value, ...(e.items ?? [])], scope, tierHint);
        (e.items ?? []).forEach((item, i) => {
          if (!item) return;
          if (v!.kind === 'enum' && item.kind === 'String') this.member(item, v!);
          else if (!comparable(v!, ts[i]!)) this.mismatch(e.value, v!, item, ts[i]!, item.span);
        });
        return { type: BOOLEAN, level: this.lv(e.value, ...(e.items ?? [])) };
      }
      case 'If': {
        const c = this.check(e.cond, scope);
        this.expectBoolean(e.cond, c, 'the condition of `if`');
        const t = this.check(e.then, scope, tierHint);
        const o = this.check(e.otherwise, scope, tierHint ?? (t.kind === 'tier' ? t.tier : undefined));
        const u = unify(t, o);
        if (!u && e.then && e.otherwise) {
          this.report(
            error('E0306', `the branches of \`if\` differ: \`then\` gives ${describe(t)}, \`else\` gives ${describe(o)}`, e.otherwise.span, 'both branches must give a value of one type', [
              { span: e.then.span, message: `this is ${describe(t)}` },
            ]),
          );
        }
        return { type: u ?? ERROR, level: this.lv(e.cond, e.then, e.otherwise) };
      }
      case 'Call':
        return this.call(e, scope);
      case 'Lookup':
        return this.lookup(e, scope);
      case 'Bands':
        return this.bands(e, scope);
      case 'Interpolate':
        return this.interpolate(e, scope);
      case 'Running':
        return this.running(e, scope);
      case 'Previous':
        return this.previous(e);
      case 'At':
        return this.atDate(e, scope);
      case 'Duration':
        return this.duration(e, scope);
      case 'DaysBetween':
        return this.daysBetween(e, scope);
      case 'PeriodBound':
        // The evaluated period's first or last day: the same for every event of a period, different per period.
        return { type: DATE, level: 'partner' };
      case 'Skipped':
        return { type: ERROR, level: P }; // reported by the parser (E0107)
    }
    return { type: ERROR, level: P };
  }

  /**
   * E0323/E0324: a number literal with more significant digits than numbers have (it would be
   * rounded without a word), or outside their size (`core/limits.ts`).
   */
  private literal(e: NumberLit | MoneyLit, what: 'number' | 'amount'): void {
    const problem = decimalTextProblem(e.value);
    if (!problem) return;
    const span = e.kind === 'Money' ? { start: e.span.start, end: e.span.start + e.text.length } : e.span;
    if (problem === 'digits') {
      const digits = e.value.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length;
      this.report(
        error(
          'E0323',
          `this ${what} has ${digits} significant digits, but numbers have at most ${MAX_DIGITS}`,
          span,
          `Incent computes with ${MAX_DIGITS} significant digits (counted from the first to the last digit that is not zero): round the ${what} to ${MAX_DIGITS} digits`,
        ),
      );
    } else if (problem === 'too large') {
      this.report(error('E0324', `this ${what} is too large: numbers must stay below 10^${MAX_EXPONENT} in size`, span, `a number has at most ${MAX_EXPONENT} digits before the decimal point`));
    } else {
      this.report(
        error(
          'E0324',
          `this ${what} is too small: a number other than zero must be at least 10^-${MAX_EXPONENT} in size`,
          span,
          `write 0, or a number whose first digit that is not zero is at most ${MAX_EXPONENT} places after the decimal point`,
        ),
      );
    }
  }

  checkDate(value: string, span: Span): boolean {
    if (isValidDate(value)) return true;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const why = m && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? `that month has ${daysInMonth(Number(m[1]), Number(m[2]))} days` : 'months run from 01 to 12';
    this.report(error('E0310', `\`${value}\` is not a date that exists`, span, `check the day and month: ${why}`));
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Names

  private name(e: NameRef, scope: ExprScope, tierHint?: string): { type: Type; level: Level } {
    const env = this.env;
    if (!e.name) return { type: ERROR, level: 'program' }; // a name the parser's error recovery inserted: the syntax error is reported
    const eventInScope = scope.event ?? scope.measure?.event;
    // 1. The fields of the event in scope come first (they shadow declarations).
    if (eventInScope) {
      const f = env.events.get(eventInScope)?.fields.get(e.name);
      if (f) return this.eventField(e, eventInScope, f);
    }
    // A keyword is a name only as a field of an event (§12.1): nothing else can be named by one.
    if (isKeyword(e.name)) return this.keywordName(e, scope);
    // 2. Declarations.
    const dk = env.declKind(e.name);
    if (dk === 'let' || dk === 'measure' || dk === 'tier') {
      env.refs.set(e, { kind: dk, name: e.name });
      const r = env.use(e.name, e);
      return dk === 'let' ? this.letInScope(e, e.name, r, scope) : r;
    }
    // 3. Tier levels: the tier being compared first, then any tier that has the level.
    if (tierHint) {
      const t = env.tiers.get(tierHint);
      const i = t ? t.levels.findIndex((l) => l.name === e.name) : -1;
      if (t && i >= 0) return this.levelRef(e, t, i);
    }
    const owners = [...env.tiers.values()].filter((t) => t.levels.some((l) => l.name === e.name));
    const hinted = tierHint ? env.tiers.get(tierHint) : undefined;
    if (hinted && dk === undefined && e.name !== 'partner' && ![...env.events.values()].some((ev) => ev.fields.has(e.name))) {
      const guess = suggest(e.name, hinted.type.levels);
      this.report(error('E0215', `\`${e.name}\` is not a level of tier \`${hinted.name}\``, e.span, guess ? `did you mean \`${guess}\`?` : `its levels are ${tickList(hinted.type.levels)}`));
      return { type: ERROR, level: 'program' };
    }
    if (owners.length === 1 && dk === undefined) {
      return this.levelRef(e, owners[0]!, owners[0]!.levels.findIndex((l) => l.name === e.name));
    }
    if (owners.length > 1 && dk === undefined) {
      this.report(
        error('E0216', `\`${e.name}\` is a level of more than one tier: ${tickList(owners.map((t) => t.name))}`, e.span, `compare it with the tier you mean, e.g. \`${owners[0]!.name} >= ${e.name}\``),
      );
      return { type: ERROR, level: 'program' };
    }
    if (dk === 'pot' || dk === 'event' || e.name === 'partner') {
      const what = dk === 'pot' ? 'a pot' : dk === 'event' ? 'an event kind' : 'the partner';
      const hint =
        dk === 'pot'
          ? `a pot is where awards go (\`award … to ${e.name}\`); its balance is not a value`
          : dk === 'event'
            ? `use one of its fields (\`${e.name}.FIELD\`), or count its events in a measure: \`measure n = count ${e.name}\``
            : 'use one of its fields: `partner.FIELD`';
      this.report(error('E0213', `\`${e.name}\` is ${what}, not a value`, e.span, hint));
      return { type: ERROR, level: 'program' };
    }
    // 4. In a measure whose event kind is not known yet: a field of exactly one event kind.
    const kinds = [...env.events.values()].filter((ev) => ev.fields.has(e.name));
    if (scope.measure && !scope.measure.event && !scope.event) {
      if (kinds.length === 1) {
        scope.measure.event = kinds[0]!.name;
        scope.measure.eventSpan = e.span;
        return this.eventField(e, kinds[0]!.name, kinds[0]!.fields.get(e.name)!);
      }
      if (kinds.length > 1) {
        this.report(
          error(
            'E0211',
            `\`${e.name}\` is a field of several event kinds: ${tickList(kinds.map((k) => k.name))}`,
            e.span,
            `say which one: \`${kinds[0]!.name}.${e.name}\``,
          ),
        );
        return { type: ERROR, level: 'event' };
      }
    }
    // 5. An event field where no event (or another event) is in scope.
    if (kinds.length > 0) {
      if (eventInScope) {
        this.report(
          error(
            'E0208',
            `\`${e.name}\` is not a field of \`${eventInScope}\` (it is a field of ${tickList(kinds.map((k) => k.name))})`,
            e.span,
            scope.measure ? `a measure aggregates one event kind; use a separate measure for \`${kinds[0]!.name}\`` : `this rule runs for each \`${eventInScope}\`; use a measure over \`${kinds[0]!.name}\``,
          ),
        );
        return { type: ERROR, level: 'event' };
      }
      this.report(
        error('E0207', `\`${e.name}\` is a field of event \`${kinds[0]!.name}\`, but no event is in scope in ${scope.place}`, e.span, scope.noEventHint),
      );
      return { type: ERROR, level: 'program' };
    }
    // 6. Unknown.
    const candidates = [...env.valueNames(), ...[...env.tiers.values()].flatMap((t) => t.levels.map((l) => l.name))];
    if (eventInScope) candidates.push(...(env.events.get(eventInScope)?.fields.keys() ?? []));
    const guess = suggest(e.name, candidates);
    this.report(
      error('E0201', `\`${e.name}\` is not defined`, e.span, guess ? `did you mean \`${guess}\`?` : 'declare it with `let`, `measure` or `tier`, or check the spelling'),
    );
    return { type: ERROR, level: 'program' };
  }

  /**
   * A keyword written as a bare name (`value` in `where value > 5 EUR`) that is not a field of the
   * event in scope: in a measure whose event kind is not known yet, a field of the one event kind
   * that has it; else E0225, which says how to write it (`sale.value`, `partner.value`), or for
   * `period`, `period.start` / `period.end`.
   */
  private keywordName(e: NameRef, scope: ExprScope): { type: Type; level: Level } {
    const env = this.env;
    const kinds = [...env.events.values()].filter((ev) => ev.fields.has(e.name));
    if (scope.measure && !scope.measure.event && !scope.event && kinds.length === 1) {
      scope.measure.event = kinds[0]!.name;
      scope.measure.eventSpan = e.span;
      return this.eventField(e, kinds[0]!.name, kinds[0]!.fields.get(e.name)!);
    }
    if (scope.measure && !scope.measure.event && !scope.event && kinds.length > 1) {
      this.report(error('E0211', `\`${e.name}\` is a field of several event kinds: ${tickList(kinds.map((k) => k.name))}`, e.span, `say which one: \`${kinds[0]!.name}.${e.name}\``));
      return { type: ERROR, level: 'event' };
    }
    const eventInScope = scope.event ?? scope.measure?.event;
    const forms = [...kinds.map((k) => `${k.name}.${e.name}`), ...(env.partnerFields.has(e.name) ? [`partner.${e.name}`] : [])];
    const where = eventInScope ? `\`${eventInScope}\` has no field \`${e.name}\`` : `no event is in scope in ${scope.place}`;
    let hint: string;
    if (e.name === 'period') hint = `the period being evaluated is \`period.start\` … \`period.end\`${forms.length ? `; the field is ${tickList(forms)}` : ''}`;
    else if (e.name === 'partner') hint = 'use one of its fields: `partner.FIELD`';
    else if (forms.length) hint = `write ${tickList(forms)}`;
    else hint = `\`${e.name}\` is a keyword; declare a field named \`${e.name}\`, or check the spelling`;
    if (e.name === 'partner' && !eventInScope) {
      this.report(error('E0213', '`partner` is the partner, not a value', e.span, hint));
      return { type: ERROR, level: 'program' };
    }
    this.report(error('E0225', `\`${e.name}\` is a keyword; alone it names a field of the event in scope, but ${where}`, e.span, hint));
    return { type: ERROR, level: eventInScope ? 'event' : 'program' };
  }

  private levelRef(e: NameRef, t: TierInfo, index: number): { type: Type; level: Level } {
    this.env.refs.set(e, { kind: 'level', tier: t.name, level: e.name, index });
    return { type: t.type, level: 'program' };
  }

  private eventField(e: NameRef | FieldRef, event: string, f: FieldInfo): { type: Type; level: Level } {
    this.env.refs.set(e, { kind: 'eventField', event, field: f.name });
    return { type: f.type, level: 'event' };
  }

  private field(e: FieldRef, scope: ExprScope): { type: Type; level: Level } {
    const env = this.env;
    const obj = e.object?.name;
    const fname = e.field?.name;
    if (!obj || !fname) return { type: ERROR, level: 'program' }; // missing, or inserted by the parser's error recovery
    if (obj === 'period') {
      // `period.start` and `period.end` are PeriodBound nodes: anything else is not a part of the period.
      const guess = suggest(fname, ['start', 'end']);
      this.report(error('E0214', `the period has no \`${fname}\`: it has \`period.start\` and \`period.end\``, e.field.span, guess ? `did you mean \`period.${guess}\`?` : 'a field named `period` is written with its record: `sale.period`, `partner.period`'));
      return { type: ERROR, level: 'partner' };
    }
    if (obj === 'partner') {
      const f = env.partnerFields.get(fname);
      if (!f) {
        const guess = suggest(fname, env.partnerFields.keys());
        const hint = guess
          ? `did you mean \`partner.${guess}\`?`
          : env.partnerDeclared
            ? `declare it in the \`partner\` block: \`${fname}: text\``
            : `declare partner fields in a \`partner { ${fname}: TYPE }\` block`;
        this.report(error('E0204', `partners have no field \`${fname}\``, e.field.span, hint));
        return { type: ERROR, level: 'partner' };
      }
      env.refs.set(e, { kind: 'partnerField', field: fname });
      return { type: f.type, level: 'partner' };
    }
    // A `ref` field of the event in scope leads to the record it names (§12.3): `activation.reward`.
    const inScopeKind = scope.event ?? scope.measure?.event;
    const scopeField = inScopeKind ? env.events.get(inScopeKind)?.fields.get(obj) : undefined;
    if (scopeField?.ref) return this.path(e, inScopeKind!, [e.object, ...(e.via ?? [])], scope);
    const ev = env.events.get(obj);
    if (!ev && scopeField) {
      this.report(error('E0214', `\`${obj}\` is ${describe(scopeField.type)}, it has no fields`, e.object.span, 'only a `ref` field leads to another record: `sale: ref sale`'));
      return { type: ERROR, level: 'event' };
    }
    if (!ev) {
      const guess = suggest(obj, ['partner', ...env.events.keys()]);
      const dk = env.declKind(obj);
      this.report(
        error(
          'E0214',
          dk ? `\`${obj}\` is a ${dk}, it has no fields` : `\`${obj}\` is neither \`partner\` nor an event kind`,
          e.object.span,
          guess ? `did you mean \`${guess}.${fname}\`?` : `fields are read from \`partner\` or from an event: ${tickList(['partner', ...env.events.keys()])}`,
        ),
      );
      return { type: ERROR, level: 'program' };
    }
    if (e.via?.length) {
      if (!this.qualifiedKind(e, obj, scope)) return { type: ERROR, level: 'event' };
      return this.path(e, obj, e.via, scope);
    }
    const f = ev.fields.get(fname);
    // An event-level let of this kind reads like one of its fields (§12.2): `activation.reward`.
    if (!f && env.declKind(fname) === 'let' && env.letInfo(fname)?.event === obj) {
      env.refs.set(e, { kind: 'let', name: fname });
      const r = env.use(fname, { kind: 'Name', name: fname, span: e.field.span });
      return this.qualifiedKind(e, obj, scope) ? this.letInScope(e, fname, r, scope) : { type: ERROR, level: 'event' };
    }
    if (!f) {
      const guess = suggest(fname, ev.fields.keys());
      this.report(
        error('E0206', `event \`${obj}\` has no field \`${fname}\``, e.field.span, guess ? `did you mean \`${obj}.${guess}\`?` : `its fields are ${tickList([...ev.fields.keys()])}`),
      );
      return { type: ERROR, level: 'event' };
    }
    if (!this.qualifiedKind(e, obj, scope)) return { type: ERROR, level: scope.event || scope.measure ? 'event' : 'program' };
    return this.eventField(e, obj, f);
  }

  /**
   * Whether the event kind `obj`, named first in `obj.…`, may be read here: it is the kind in
   * scope, or (in a measure or a let whose kind is not known yet) becomes it. Reports E0212,
   * E0208 or E0207 otherwise.
   */
  private qualifiedKind(e: FieldRef, obj: string, scope: ExprScope): boolean {
    const written = [e.object, ...(e.via ?? []), e.field].map((x) => x?.name).join('.');
    if (scope.measure && !scope.event) {
      const m = scope.measure;
      if (m.event && m.event !== obj) {
        const what = m.owner === 'let' ? `let \`${m.name}\`` : `measure \`${m.name}\``;
        this.report(
          error(
            'E0212',
            `${what} mixes two event kinds: \`${m.event}\` and \`${obj}\``,
            e.span,
            m.owner === 'let'
              ? 'a let uses the fields of one event kind: write one let per kind, or read the other kind through a `ref` field'
              : 'a measure aggregates one event kind: write one measure per kind and combine them in a `let`',
            m.eventSpan ? [{ span: m.eventSpan, message: `\`${m.event}\` is used here` }] : [],
          ),
        );
        return false;
      }
      m.event = obj;
      m.eventSpan ??= e.span;
      return true;
    }
    const inScope = scope.event ?? scope.measure?.event;
    if (inScope === obj) return true;
    if (inScope) {
      const via = this.refFieldTo(inScope, obj);
      this.report(
        error(
          'E0208',
          `\`${written}\` is a field of \`${obj}\`, but ${scope.measure ? `this measure aggregates \`${inScope}\`` : `this rule runs for each \`${inScope}\``}`,
          e.span,
          via
            ? `read it through the \`ref\` field: \`${via}.${[...(e.via ?? []), e.field].map((x) => x?.name).join('.')}\``
            : scope.measure
              ? `a measure aggregates one event kind; use a separate measure for \`${obj}\``
              : `aggregate \`${obj}\` in a measure and use the measure here`,
        ),
      );
      return false;
    }
    this.report(error('E0207', `\`${written}\` is an event field, but no event is in scope in ${scope.place}`, e.span, scope.noEventHint));
    return false;
  }

  /** A `ref` field of `kind` that leads to `target`, if there is one (for hints). */
  private refFieldTo(kind: string, target: string): string | undefined {
    for (const f of this.env.events.get(kind)?.fields.values() ?? []) if (f.ref === target) return f.name;
    return undefined;
  }

  /**
   * A path through `ref` fields (§12.3) from a record of `base`: each hop must be a `ref` field,
   * the end a field or an event-level let of the last kind. `base` is already known to be in scope.
   */
  private path(e: FieldRef, base: string, hops: Ident[], scope: ExprScope): { type: Type; level: Level } {
    const env = this.env;
    let kind = base;
    const steps: { field: string; event: string }[] = [];
    for (const h of hops) {
      if (!h) return { type: ERROR, level: 'event' };
      const f = env.events.get(kind)?.fields.get(h.name);
      if (!f) {
        const guess = suggest(h.name, env.events.get(kind)?.fields.keys() ?? []);
        this.report(error('E0206', `event \`${kind}\` has no field \`${h.name}\``, h.span, guess ? `did you mean \`${guess}\`?` : `its fields are ${tickList([...(env.events.get(kind)?.fields.keys() ?? [])])}`));
        return { type: ERROR, level: 'event' };
      }
      if (!f.ref) {
        this.report(error('E0214', `\`${kind}.${h.name}\` is ${describe(f.type)}, it has no fields`, h.span, 'only a `ref` field leads to another record: `sale: ref sale`'));
        return { type: ERROR, level: 'event' };
      }
      steps.push({ field: h.name, event: f.ref });
      kind = f.ref;
      env.markUsed(kind); // its records are read: the kind is used
    }
    const fname = e.field?.name;
    if (!fname) return { type: ERROR, level: 'event' }; // missing (a name the parser found missing has no text)
    const f = env.events.get(kind)?.fields.get(fname);
    if (f) {
      env.refs.set(e, { kind: 'path', event: base, hops: steps, target: { kind: 'eventField', event: kind, field: fname } });
      return { type: f.type, level: 'event' };
    }
    if (env.declKind(fname) === 'let' && env.letInfo(fname)?.event === kind) {
      const r = env.use(fname, { kind: 'Name', name: fname, span: e.field.span });
      if (env.letInfo(fname)?.running) {
        this.report(error('E0440', `\`${fname}\` uses a running total, which is known only for the events a \`for each ${kind}\` rule awards`, e.field.span, 'read the fields it is made of instead, or compute the running total in the rule'));
        return { type: ERROR, level: 'event' };
      }
      if (scope.measure && !scope.event) scope.measure.event ??= base;
      env.refs.set(e, { kind: 'path', event: base, hops: steps, target: { kind: 'let', name: fname } });
      return { type: r.type, level: 'event' };
    }
    const guess = suggest(fname, env.events.get(kind)?.fields.keys() ?? []);
    this.report(error('E0206', `event \`${kind}\` has no field \`${fname}\``, e.field.span, guess ? `did you mean \`${guess}\`?` : `its fields are ${tickList([...(env.events.get(kind)?.fields.keys() ?? [])])}`));
    return { type: ERROR, level: 'event' };
  }

  /**
   * A let used here: a program- or partner-level one anywhere; an event-level one (§12.2) only
   * where its event kind is in scope, like a field of that kind (E0207, E0208, E0212 otherwise);
   * one that uses a running total only in a `for each EVENT` rule (E0440).
   */
  private letInScope(e: NameRef | FieldRef, name: string, r: { type: Type; level: Level }, scope: ExprScope): { type: Type; level: Level } {
    if (r.level !== 'event') return r;
    const info = this.env.letInfo(name);
    const kind = info?.event;
    if (!kind) return { type: ERROR, level: 'event' }; // its own error is reported
    if (info.running && scope.inRunning) {
      this.report(error('E0441', `\`${name}\` uses a running total, and a running total cannot add up running totals`, e.span, 'add up the event\'s own values: its fields, the partner\'s fields and constants'));
      return { type: ERROR, level: 'event' };
    }
    if (info.running && !scope.running) {
      this.report(error('E0440', `\`${name}\` uses a running total, which is known only inside a \`for each ${kind}\` rule`, e.span, 'use it in the rule\'s `where`, `award` or `cap … per event`'));
      return { type: ERROR, level: 'event' };
    }
    if (scope.measure && !scope.event) {
      const m = scope.measure;
      if (m.event && m.event !== kind) {
        const what = m.owner === 'let' ? `let \`${m.name}\`` : `measure \`${m.name}\``;
        this.report(
          error('E0212', `${what} mixes two event kinds: \`${m.event}\` and \`${kind}\` (through \`${name}\`)`, e.span, 'use the fields of one event kind; read another kind through a `ref` field', m.eventSpan ? [{ span: m.eventSpan, message: `\`${m.event}\` is used here` }] : []),
        );
        return { type: ERROR, level: 'event' };
      }
      m.event ??= kind;
      m.eventSpan ??= e.span;
      if (info.running) m.running = true;
      return r;
    }
    const inScope = scope.event;
    if (inScope === kind) return r;
    if (inScope) {
      const via = this.refFieldTo(inScope, kind);
      this.report(
        error(
          'E0208',
          `\`${name}\` is computed from each \`${kind}\` event, but this rule runs for each \`${inScope}\``,
          e.span,
          via ? `read it through the \`ref\` field: \`${via}.${name}\`` : `aggregate it in a measure over \`${kind}\` and use the measure here`,
        ),
      );
      return { type: ERROR, level: 'event' };
    }
    this.report(
      error('E0207', `\`${name}\` is computed from each \`${kind}\` event, but no event is in scope in ${scope.place}`, e.span, `use it inside \`for each ${kind}\`, or add it up in a measure: \`measure total_${name} = sum ${kind}.${name}\``),
    );
    return { type: ERROR, level: 'program' };
  }

  // -------------------------------------------------------------------------------------------
  // Dates (§12.4)

  /** `N days`, `N months`: N a whole number. */
  private duration(e: Duration, scope: ExprScope): { type: Type; level: Level } {
    const t = this.check(e.count, scope);
    const level = this.lv(e.count);
    const type: Type = { kind: 'duration', unit: e.unit };
    if (t.kind === 'error' || !e.count) return { type, level };
    if (t.kind === 'number' && t.integer) return { type, level };
    if (t.kind === 'number') {
      const c = this.constant(e.count);
      if (c?.kind === 'num' && c.value.isInteger()) return { type, level };
    }
    const hint =
      t.kind === 'number'
        ? `dates move by whole ${e.unit}: round the number first, e.g. \`round(x) ${e.word}\``
        : t.kind === 'money'
          ? `divide the money by \`1 ${t.currency}\` for a number, then round it`
          : `write a whole number before \`${e.word}\`, e.g. \`30 ${e.unit}\``;
    this.report(error('E0320', `the number of ${e.unit} must be a whole number, but this is ${t.kind === 'number' ? 'a decimal number' : describe(t)}`, e.count.span, hint));
    return { type: ERROR, level };
  }

  /** `days between A and B`: two dates, B − A in days (a whole number). */
  private daysBetween(e: DaysBetween, scope: ExprScope): { type: Type; level: Level } {
    const level = this.lv(e.from, e.to);
    let ok = true;
    for (const x of [e.from, e.to]) {
      const t = this.check(x, scope);
      if (!x || t.kind === 'error' || t.kind === 'date') continue;
      ok = false;
      this.report(error('E0320', `\`days between\` counts the days from one date to another, but this is ${describe(t)}`, x.span, 'give two dates: `days between sale.date and sale.shipped`'));
    }
    return { type: ok ? INTEGER : ERROR, level: ok ? this.lv(e.from, e.to) : level };
  }

  /**
   * `+`/`-` where a side is a date or a duration (§12.4): date ± duration is a date, duration + date
   * a date, durations of one unit add and subtract; a date minus a date is `days between`.
   */
  private dateArithmetic(e: Binary, l: Type, r: Type, level: Level): { type: Type; level: Level } {
    const lit = (x: Expr) => (x.kind === 'Number' && !x.percent ? x.text : undefined);
    if (l.kind === 'date' && r.kind === 'duration') return { type: DATE, level };
    if (l.kind === 'duration' && r.kind === 'date' && e.op === '+') return { type: DATE, level };
    if (l.kind === 'duration' && r.kind === 'duration') {
      if (l.unit === r.unit) return { type: l, level };
      this.report(error('E0302', `\`${e.op}\` cannot combine a number of days and a number of months`, e.span, 'months have different lengths: move the date in two steps, `date + 1 month + 10 days`'));
      return { type: ERROR, level };
    }
    if (l.kind === 'date' && r.kind === 'date') {
      const hint = e.op === '-' ? `the days from one date to another are \`days between ${srcOf(e.right)} and ${srcOf(e.left)}\`` : 'add a number of days or months to a date: `date + 30 days`';
      this.report(error('E0302', `\`${e.op}\` cannot ${e.op === '-' ? 'subtract a date from a date' : 'add two dates'}`, e.span, hint));
      return { type: ERROR, level };
    }
    if (l.kind === 'duration' && r.kind === 'date') {
      this.report(error('E0302', 'a date cannot be subtracted from a number of days or months', e.span, `subtract the days from the date: \`${srcOf(e.right)} - …\``));
      return { type: ERROR, level };
    }
    // A date or a duration with a number (or something else).
    const [d, other, otherType] = l.kind === 'date' || l.kind === 'duration' ? [l, e.right, r] : [r, e.left, l];
    const n = lit(other);
    const unit = d.kind === 'duration' ? d.unit : 'days';
    const hint =
      d.kind === 'date'
        ? otherType.kind === 'number'
          ? n === '1'
            ? 'say what the number counts: `1 day` or `1 month`'
            : `say what the number counts: \`${n ?? 'N'} days\` or \`${n ?? 'N'} months\``
          : 'a date moves by a number of days or months: `date + 30 days`'
        : otherType.kind === 'number'
          ? `write the number in ${unit} too: \`${n ?? 'N'} ${unit}\``
          : `a number of ${unit} is added to a date: \`date + 30 ${unit}\``;
    this.report(error('E0302', `\`${e.op}\` cannot combine ${describe(d)} with ${describe(otherType)}`, e.span, hint));
    return { type: ERROR, level };
  }

  // -------------------------------------------------------------------------------------------
  // Operators

  /** Checks expressions that are compared with each other; a bare tier level is checked after the tier it is compared with. */
  private checkAligned(es: (Expr | undefined)[], scope: ExprScope, tierHint?: string): Type[] {
    const out: Type[] = new Array(es.length);
    const isLevelName = (x: Expr | undefined) =>
      x?.kind === 'Name' && this.env.declKind(x.name) === undefined && !(scope.event && this.env.events.get(scope.event)?.fields.has(x.name));
    const order = es.map((_, i) => i).sort((a, b) => Number(isLevelName(es[a])) - Number(isLevelName(es[b])));
    let hint = tierHint;
    for (const i of order) {
      out[i] = this.check(es[i], scope, hint);
      if (!hint && out[i]!.kind === 'tier') hint = (out[i] as { tier: string }).tier;
    }
    return out;
  }

  /**
   * A binary operation and the operations down its left side (a chain such as `a + b - c`),
   * checked in a loop from the innermost out, so that a chain of thousands of operands does not
   * recurse thousands deep. Each operation's type and level are recorded as `check` records them.
   */
  private binaryChain(e: Binary, scope: ExprScope): { type: Type; level: Level } {
    const spine = leftSpine(e);
    let result: { type: Type; level: Level } | undefined;
    for (let i = spine.length - 1; i >= 0; i--) {
      const n = spine[i]!;
      result = this.binary(n, scope, result?.type);
      if (i > 0) {
        this.env.types.set(n, result.type);
        this.env.levels.set(n, result.level);
      }
    }
    return result!;
  }

  /** One binary operation; `leftType` is its left operand's type when that was checked already (in a chain). */
  private binary(e: Binary, scope: ExprScope, leftType?: Type): { type: Type; level: Level } {
    const level = (): Level => this.lv(e.left, e.right);
    const left = () => leftType ?? this.check(e.left, scope);
    if (e.op === 'and' || e.op === 'or') {
      const l = left();
      const r = this.check(e.right, scope);
      this.expectBoolean(e.left, l, `\`${e.op}\``);
      this.expectBoolean(e.right, r, `\`${e.op}\``);
      return { type: BOOLEAN, level: level() };
    }
    if (['=', '!=', '<', '<=', '>', '>='].includes(e.op)) {
      // A left operand checked already is an operation, never a tier level to align with.
      const [l, r] = leftType ? [leftType, this.check(e.right, scope)] : this.checkAligned([e.left, e.right], scope);
      if (!e.left || !e.right) return { type: BOOLEAN, level: level() };
      if (l!.kind === 'enum' && e.right.kind === 'String') this.member(e.right, l!);
      else if (r!.kind === 'enum' && e.left.kind === 'String') this.member(e.left, r!);
      else if (!comparable(l!, r!)) {
        this.mismatch(e.left, l!, e.right, r!);
        return { type: BOOLEAN, level: level() };
      }
      if (e.op !== '=' && e.op !== '!=') {
        if (!isOrdered(l!)) this.unordered(e.left, l!, `\`${e.op}\``);
        else if (!isOrdered(r!)) this.unordered(e.right, r!, `\`${e.op}\``);
      }
      return { type: BOOLEAN, level: level() };
    }
    const l = left();
    const r = this.check(e.right, scope);
    if (!e.left || !e.right || l.kind === 'error' || r.kind === 'error') return { type: ERROR, level: level() };
    if ((e.op === '+' || e.op === '-') && [l, r].some((t) => t.kind === 'date' || t.kind === 'duration')) return this.dateArithmetic(e, l, r, level());
    if (e.op === '*' && (l.kind === 'duration' || r.kind === 'duration')) {
      // A whole number of times a duration: `2 * 15 days`.
      const [d, n, nt] = l.kind === 'duration' ? [l, e.right, r] : [r, e.left, l];
      if (nt.kind === 'number' && nt.integer) return { type: d, level: level() };
      this.report(error('E0302', `\`*\` multiplies ${describe(d)} only by a whole number, but this is ${describe(nt)}`, n.span, `write the number of ${(d as { unit: string }).unit} itself, e.g. \`30 ${(d as { unit: string }).unit}\``));
      return { type: ERROR, level: level() };
    }
    for (const [x, t] of [
      [e.left, l],
      [e.right, r],
    ] as const) {
      if (t.kind !== 'number' && t.kind !== 'money') {
        const what = t.kind === 'date' ? 'a date moves by days or months (`date + 30 days`); the days between two dates are `days between a and b`' : t.kind === 'duration' ? `a number of ${t.unit} is added to a date: \`date + 30 ${t.unit}\`` : `\`${e.op}\` works on numbers and money`;
        this.report(error('E0302', `\`${e.op}\` needs numbers or money, but this is ${describe(t)}`, x.span, what));
        return { type: ERROR, level: level() };
      }
    }
    const cur = l.kind === 'money' ? l.currency : r.kind === 'money' ? r.currency : this.env.currency;
    const M = money(cur);
    const num = (x: Expr) => (x.kind === 'Number' && !x.percent ? `${x.text} ${cur}` : undefined);
    const bad = (message: string, hint: string) => {
      this.report(error('E0301', message, e.span, hint));
      return { type: ERROR, level: level() };
    };
    const ln = l.kind === 'number';
    const rn = r.kind === 'number';
    switch (e.op) {
      case '+':
      case '-': {
        if (ln && rn) return { type: { kind: 'number', integer: (l as { integer: boolean }).integer && (r as { integer: boolean }).integer }, level: level() };
        if (!ln && !rn) return { type: M, level: level() };
        const numberSide = ln ? e.left : e.right;
        const lit = num(numberSide);
        const verb = e.op === '+' ? `add money (${cur}) and a number` : ln ? `subtract money (${cur}) from a number` : `subtract a number from money (${cur})`;
        return bad(
          `cannot ${verb}${lit ? ` — write \`${lit}\`` : ''}`,
          lit ? `a number becomes money when written with the currency: \`${lit}\`` : `multiply the number by \`1 ${cur}\` to make it money, or divide the money by \`1 ${cur}\` to make it a number`,
        );
      }
      case '*':
        if (ln && rn) return { type: { kind: 'number', integer: (l as { integer: boolean }).integer && (r as { integer: boolean }).integer }, level: level() };
        if (ln || rn) return { type: M, level: level() };
        return bad(`cannot multiply money (${cur}) by money`, `divide one side by \`1 ${cur}\` to make it a number, e.g. \`(amount / 1 ${cur}) * 2 ${cur}\``);
      case '/':
        if (ln && rn) return { type: NUMBER, level: level() };
        if (!ln && rn) return { type: M, level: level() };
        if (!ln && !rn) return { type: NUMBER, level: level() };
        return bad(`cannot divide a number by money (${cur})`, `divide money by money to get a number (\`amount / 1 ${cur}\`), or money by a number to get money`);
    }
    return { type: ERROR, level: level() };
  }

  expectBoolean(e: Expr | undefined, t: Type, what: string): void {
    if (!e || t.kind === 'boolean' || t.kind === 'error') return;
    this.report(error('E0305', `${what} needs a condition, but this is ${describe(t)}`, e.span, 'write a comparison, e.g. `amount >= 100 EUR`'));
  }

  /** A string literal compared with an enumeration must be one of its members. */
  member(s: StringLit, t: Type): void {
    if (t.kind !== 'enum' || t.members.includes(s.value)) return;
    const guess = suggest(s.value, t.members);
    this.report(
      error(
        'E0304',
        `\`${s.value}\` is not a ${t.name ? `\`${t.name}\`` : 'value of this enumeration'}: ${t.members.join(', ')}`,
        s.span,
        guess ? `did you mean \`${guess}\`?` : `use one of ${t.members.map((m) => JSON.stringify(m)).join(', ')}`,
      ),
    );
  }

  mismatch(a: Expr, ta: Type, b: Expr, tb: Type, at?: Span): void {
    let hint = 'compare values of one unit';
    if ((ta.kind === 'money' && tb.kind === 'number') || (ta.kind === 'number' && tb.kind === 'money')) {
      const n = ta.kind === 'number' ? a : b;
      const cur = ta.kind === 'money' ? ta.currency : (tb as { currency: string }).currency;
      hint = n.kind === 'Number' && !n.percent ? `write the number as money: \`${n.text} ${cur}\`` : `divide the money by \`1 ${cur}\` to compare numbers`;
    } else if (ta.kind === 'tier' && tb.kind === 'tier') {
      hint = `levels of \`${ta.tier}\` are ${tickList(ta.levels)}`;
    }
    this.report(error('E0303', `cannot compare ${describe(ta)} with ${describe(tb)}`, at ?? spanOf(a, b), hint));
  }

  unordered(x: Expr, t: Type, what: string): void {
    this.report(
      error('E0311', `${what} needs values that have an order, but this is ${describe(t)}`, x.span, 'only numbers, money, dates and tier levels are ordered; use `=`, `!=` or `in [...]`'),
    );
  }

  /** Reports a value of the wrong type where `want` is required (test values, defaults, thresholds). */
  expectType(e: Expr | undefined, got: Type, want: Type, what: string): boolean {
    if (!e || got.kind === 'error' || want.kind === 'error') return true;
    if (want.kind === 'enum' && e.kind === 'String') {
      this.member(e, want);
      return true;
    }
    if (want.kind === 'number' && want.integer && got.kind === 'number' && !got.integer) {
      const c = this.constant(e);
      if (c?.kind === 'num' && c.value.isInteger()) return true;
      this.report(error('E0320', `${what} must be a whole number, but this is ${e.kind === 'Number' ? `\`${e.text}\`` : 'a decimal number'}`, e.span, 'write an integer, or use `floor`, `ceil` or `round`'));
      return false;
    }
    if (unify(got, want)) return true;
    let hint = `write ${describe(want)}`;
    if (want.kind === 'money' && got.kind === 'number') hint = e.kind === 'Number' && !e.percent ? `write it with the currency: \`${e.text} ${want.currency}\`` : `multiply it by \`1 ${want.currency}\``;
    if (want.kind === 'number' && got.kind === 'money') hint = `divide it by \`1 ${got.currency}\` to make it a number`;
    if (want.kind === 'tier') hint = `write one of ${tickList(want.levels)}`;
    this.report(error('E0320', `${what} must be ${describe(want)}, but this is ${describe(got)}`, e.span, hint));
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Functions, lookups, bands

  private call(e: Call, scope: ExprScope): { type: Type; level: Level } {
    const args = e.args ?? [];
    const ts = this.checkAligned(args, scope);
    const level = this.lv(...args);
    const one = e.fn === 'floor' || e.fn === 'ceil' || e.fn === 'round' || e.fn === 'abs';
    if (one ? args.length !== 1 : args.length < 2) {
      this.report(
        error('E0308', `\`${e.fn}\` takes ${one ? 'one value' : 'two or more values'}, but ${args.length === 1 ? 'one is' : `${args.length} are`} given`, e.span, one ? `write \`${e.fn}(x)\`` : `write \`${e.fn}(a, b)\``),
      );
      return { type: ERROR, level };
    }
    if (ts.some((t) => t.kind === 'error')) return { type: ERROR, level };
    const t = ts[0]!;
    switch (e.fn) {
      case 'floor':
      case 'ceil':
        if (t.kind === 'number') return { type: INTEGER, level };
        this.report(
          error(
            'E0307',
            `\`${e.fn}\` needs a number, but this is ${describe(t)}`,
            args[0]!.span,
            t.kind === 'money' ? `divide by \`1 ${t.currency}\` first (\`${e.fn}(amount / 1 ${t.currency})\`), or use \`round\` to round money to cents` : `\`${e.fn}\` rounds a number to an integer`,
          ),
        );
        return { type: ERROR, level };
      case 'round':
      case 'abs':
        if (t.kind === 'number') return { type: e.fn === 'round' ? INTEGER : t, level };
        if (t.kind === 'money') return { type: t, level };
        this.report(error('E0307', `\`${e.fn}\` needs a number or money, but this is ${describe(t)}`, args[0]!.span, `\`${e.fn}\` works on numbers and amounts of money`));
        return { type: ERROR, level };
      default: {
        let u: Type = t;
        for (let i = 1; i < ts.length; i++) {
          const next = unify(u, ts[i]!);
          if (!next) {
            this.report(error('E0307', `\`${e.fn}\` needs values of one type, but this is ${describe(ts[i]!)} and the first is ${describe(t)}`, args[i]!.span, 'give every value the same unit'));
            return { type: ERROR, level };
          }
          u = next;
        }
        if (!isOrdered(u)) {
          this.report(error('E0307', `\`${e.fn}\` needs numbers, money, dates or tier levels, but this is ${describe(u)}`, args[0]!.span, 'only ordered values have a minimum or maximum'));
          return { type: ERROR, level };
        }
        return { type: u, level };
      }
    }
  }

  private lookup(e: Lookup, scope: ExprScope): { type: Type; level: Level } {
    const kt = this.check(e.key, scope);
    const entries = e.entries ?? [];
    let valueType: Type | undefined;
    let first: Expr | undefined;
    const valueOf = (v: Expr | undefined) => {
      const t = this.check(v, scope, valueType?.kind === 'tier' ? valueType.tier : undefined);
      if (!v || t.kind === 'error') return;
      if (!valueType) {
        valueType = t;
        first = v;
        return;
      }
      const u = unify(valueType, t);
      if (u) valueType = u;
      else {
        this.report(
          error('E0316', `the values of this \`lookup\` differ: this is ${describe(t)}, the first is ${describe(valueType)}`, v.span, 'give every entry a value of one type', [
            { span: first!.span, message: `this is ${describe(valueType)}` },
          ]),
        );
      }
    };
    for (const en of entries) valueOf(en.value);
    valueOf(e.otherwise);
    const level = this.lv(e.key, ...entries.map((x) => x.value), e.otherwise);
    if (kt.kind !== 'tier' && kt.kind !== 'enum') {
      if (kt.kind !== 'error' && e.key) {
        this.report(
          error('E0315', `\`lookup\` needs a tier or an enumeration as its key, but this is ${describe(kt)}`, e.key.span, 'key the table by a tier (`lookup status { … }`) or a `one of` field (`lookup category { … }`)'),
        );
      }
      return { type: valueType ?? ERROR, level };
    }
    const keys = kt.kind === 'tier' ? kt.levels : kt.members;
    const seen = new Map<string, Span>();
    for (const en of entries) {
      const k = en.key;
      if (!k) continue;
      const isLevel = k.kind === 'Ident';
      const name = isLevel ? k.name : k.value;
      if (kt.kind === 'tier' && !isLevel) {
        this.report(error('E0215', `\`lookup ${kt.tier}\` is keyed by levels, not by text`, k.span, `write the level without quotes: ${keys.includes(name) ? `\`${name}\`` : tickList(keys)}`));
        continue;
      }
      if (kt.kind === 'enum' && isLevel) {
        this.report(error('E0304', `the keys of this \`lookup\` are text values: write \`"${name}"\``, k.span, `the values are ${keys.map((x) => JSON.stringify(x)).join(', ')}`));
        continue;
      }
      if (!keys.includes(name)) {
        const guess = suggest(name, keys);
        if (kt.kind === 'tier') {
          this.report(error('E0215', `\`${name}\` is not a level of tier \`${kt.tier}\``, k.span, guess ? `did you mean \`${guess}\`?` : `its levels are ${tickList(keys)}`));
        } else {
          this.member({ kind: 'String', value: name, span: k.span }, kt);
        }
        continue;
      }
      const prev = seen.get(name);
      if (prev) {
        this.report(error('E0220', `\`${name}\` is given twice in this \`lookup\``, k.span, 'keep one entry per key', [{ span: prev, message: 'first given here' }]));
        continue;
      }
      seen.set(name, k.span);
    }
    const missing = keys.filter((k) => !seen.has(k));
    if (missing.length > 0 && !e.otherwise) {
      const shown = kt.kind === 'tier' ? tickList(missing) : missing.map((m) => JSON.stringify(m)).join(', ');
      this.report(
        error(
          'E0417',
          `this \`lookup\` has no value for ${shown}`,
          e.key?.span ?? e.span,
          `add ${missing.length === 1 ? 'an entry' : 'entries'} for ${shown}, or an \`else: VALUE\` for every other key`,
        ),
      );
    }
    return { type: valueType ?? ERROR, level };
  }

  private bands(e: BandsExpr, scope: ExprScope): { type: Type; level: Level } {
    const st = this.check(e.subject, scope);
    const bands: Band[] = (e.bands ?? []).filter((b): b is Band => !!b);
    let valueType: Type | undefined;
    let firstValue: Expr | undefined;
    for (const b of bands) {
      const tt = this.check(b.threshold, scope);
      if (b.threshold && tt.kind !== 'error' && st.kind !== 'error' && !unify(tt, st)) {
        this.report(
          error(
            'E0317',
            `this threshold is ${describe(tt)}, but \`${e.mode}\` compares ${describe(st)}`,
            b.threshold.span,
            st.kind === 'money' && tt.kind === 'number' && b.threshold.kind === 'Number' ? `write \`${b.threshold.text} ${st.currency}\`` : `thresholds have the unit of the value banded`,
          ),
        );
      }
      if (b.threshold && this.level(b.threshold) === 'event') {
        this.report(error('E0223', 'a band threshold must be the same for every event', b.threshold.span, 'use a constant or a partner-level value, e.g. `from partner.target`'));
      }
      const vt = this.check(b.value, scope);
      if (!b.value || vt.kind === 'error') continue;
      if (!valueType) {
        valueType = vt;
        firstValue = b.value;
      } else {
        const u = unify(valueType, vt);
        if (u) valueType = u;
        else
          this.report(
            error('E0316', `the values of these bands differ: this is ${describe(vt)}, the first is ${describe(valueType)}`, b.value.span, 'give every band a value of one type', [
              { span: firstValue!.span, message: `this is ${describe(valueType)}` },
            ]),
          );
      }
    }
    const level = this.lv(e.subject, ...bands.flatMap((b) => [b.threshold, b.value]));
    if (st.kind !== 'error' && st.kind !== 'number' && st.kind !== 'money' && e.subject) {
      this.report(error('E0317', `\`${e.mode}\` needs a number or money, but this is ${describe(st)}`, e.subject.span, 'band a measure or another amount, e.g. `bands revenue { … }`'));
      return { type: valueType ?? ERROR, level };
    }
    this.bandShape(e, bands);
    if (e.mode === 'bands' || !valueType || st.kind === 'error') return { type: valueType ?? ERROR, level };
    // marginal: Σ (part of X in the band, of X's unit) × rate.
    if (valueType.kind === 'number') return { type: st, level };
    if (valueType.kind === 'money' && st.kind === 'number') return { type: valueType, level };
    this.report(
      error(
        'E0318',
        `\`marginal\` multiplies each part of ${describe(st)} by its rate, so a rate cannot be ${describe(valueType)}`,
        firstValue!.span,
        st.kind === 'money' ? 'write rates as numbers or percentages, e.g. `3%`' : 'write rates as numbers, percentages or money per unit',
      ),
    );
    return { type: ERROR, level };
  }

  // -------------------------------------------------------------------------------------------
  // v0.2: interpolating tables, running totals, previous values, values at a date (§12.2, §12.3)

  /**
   * `interpolate X { P1: V1, … }`: X and the points of one unit (number or money), the points
   * constants that increase, at least two of them; the values of one unit (number or money). The
   * result is a decimal of the values' unit (interpolating between whole numbers gives fractions).
   */
  private interpolate(e: Interpolate, scope: ExprScope): { type: Type; level: Level } {
    const st = this.check(e.subject, scope);
    const points = (e.points ?? []).filter((p) => !!p);
    let valueType: Type | undefined;
    let firstValue: Expr | undefined;
    let prev: { v: Const & { kind: 'num' }; e: Expr } | undefined;
    for (const p of points) {
      const pt = this.check(p.at, scope);
      if (p.at && pt.kind !== 'error' && st.kind !== 'error' && !unify(pt, st)) {
        this.report(
          error(
            'E0317',
            `this point is ${describe(pt)}, but \`interpolate\` reads ${describe(st)}`,
            p.at.span,
            st.kind === 'money' && pt.kind === 'number' && p.at.kind === 'Number' ? `write \`${p.at.text} ${st.currency}\`` : 'the points have the unit of the value interpolated',
          ),
        );
      } else if (p.at && this.level(p.at) !== 'program') {
        const culprit = findVarying(p.at, (x) => this.level(x)) ?? p.at;
        this.report(error('E0223', `the points of \`interpolate\` must be constants, but \`${srcOf(culprit)}\` is different for every partner`, culprit.span, 'write numbers, percentages or amounts, or `let`s that use only constants'));
      } else if (p.at) {
        const c = this.constant(p.at);
        if (c?.kind === 'num') {
          if (prev && !c.value.gt(prev.v.value)) {
            this.report(
              error('E0420', `interpolation points must increase: \`${srcOf(p.at)}\` is not above \`${srcOf(prev.e)}\``, p.at.span, 'order the points from the lowest to the highest, without repeats', [
                { span: prev.e.span, message: 'the previous point' },
              ]),
            );
          }
          prev = { v: c, e: p.at };
        }
      }
      const vt = this.check(p.value, scope);
      if (!p.value || vt.kind === 'error') continue;
      if (vt.kind !== 'number' && vt.kind !== 'money') {
        this.report(error('E0317', `\`interpolate\` needs values that are numbers or money, but this is ${describe(vt)}`, p.value.span, 'a value between two points is computed from the values on either side'));
        continue;
      }
      if (!valueType) {
        valueType = vt;
        firstValue = p.value;
      } else {
        const u = unify(valueType, vt);
        if (u) valueType = u;
        else
          this.report(
            error('E0316', `the values of this \`interpolate\` differ: this is ${describe(vt)}, the first is ${describe(valueType)}`, p.value.span, 'give every point a value of one unit', [
              { span: firstValue!.span, message: `this is ${describe(valueType)}` },
            ]),
          );
      }
    }
    const level = this.lv(e.subject, ...points.flatMap((p) => [p.at, p.value]));
    if (st.kind !== 'error' && st.kind !== 'number' && st.kind !== 'money' && e.subject) {
      this.report(error('E0317', `\`interpolate\` needs a number or money, but this is ${describe(st)}`, e.subject.span, 'interpolate over a measure or another amount, e.g. `interpolate attainment { … }`'));
      return { type: ERROR, level };
    }
    if (points.length < 2) {
      this.report(error('E0442', `\`interpolate\` needs at least two points, but ${points.length === 1 ? 'one is' : 'none are'} given`, e.span, 'give the points between which values are interpolated, e.g. `interpolate attainment { 80%: 2%, 120%: 6% }`'));
    }
    const t = valueType?.kind === 'number' ? NUMBER : valueType;
    return { type: t ?? ERROR, level };
  }

  /**
   * `running sum X [where C] [over W]`, `running count [where C] [over W]` (§12.2): only in a
   * `for each EVENT` rule's clauses or in a let (E0440); X and C are each event's own values — its
   * fields, the partner's fields and constants (E0441) — so that the totals are made in the pass
   * over the events, before any period's partner values are known.
   */
  private running(e: Running, scope: ExprScope): { type: Type; level: Level } {
    const letScope = scope.measure?.owner === 'let' ? scope.measure : undefined;
    const kind = scope.event ?? letScope?.event;
    const inner: ExprScope = { ...scope, inRunning: true };
    const argType = this.check(e.arg, inner);
    const whereType = this.check(e.where, inner);
    this.expectBoolean(e.where, whereType, '`where`');
    if (e.window) this.env.checkWindow(e.window);
    if (scope.inRunning) {
      this.report(error('E0441', 'a running total cannot add up running totals', e.span, 'add up the event\'s own values: its fields, the partner\'s fields and constants'));
      return { type: ERROR, level: 'event' };
    }
    if (scope.noScope) return { type: ERROR, level: 'event' };
    if (!scope.running || !kind) {
      this.report(
        error(
          'E0440',
          letScope && !kind ? `\`running ${e.op}\` in \`let ${letScope.name}\` needs the let to read its event's fields` : `\`running ${e.op}\` is known only inside a \`for each EVENT\` rule, not in ${scope.place}`,
          e.span,
          letScope && !kind
            ? `name the event kind in the total, e.g. \`running sum sale.amount\``
            : 'a running total adds up the events of the rule\'s kind before each one: use it in the `where`, an `award` or `cap … per event` of a `for each EVENT` rule',
        ),
      );
      return { type: ERROR, level: 'event' };
    }
    if (letScope) letScope.running = true;
    for (const x of [e.arg, e.where]) {
      const culprit = x && this.notOwnValue(x);
      if (culprit) {
        this.report(
          error(
            'E0441',
            `a running total adds up each event's own values, but \`${culprit.text}\` ${culprit.why}`,
            culprit.span,
            'use the event\'s fields, the partner\'s fields and constants inside the running total, and partner-level values outside it: `running sum amount + revenue`',
          ),
        );
        return { type: ERROR, level: 'event' };
      }
    }
    if (e.op === 'count') return { type: INTEGER, level: 'event' };
    if (argType.kind === 'number' || argType.kind === 'money') return { type: argType, level: 'event' };
    if (argType.kind !== 'error' && e.arg) this.report(error('E0321', `\`running sum\` needs numbers or money, but this is ${describe(argType)}`, e.arg.span, 'sum an amount or a quantity, e.g. `running sum amount`; to count events write `running count`'));
    return { type: ERROR, level: 'event' };
  }

  /** The first part of a running total's value or condition that is not an event's own value, with why. */
  private notOwnValue(e: Expr): { text: string; why: string; span: Span } | undefined {
    let found: { text: string; why: string; span: Span } | undefined;
    findExprIn(e, (x) => {
      if (x.kind === 'Previous' || x.kind === 'At') {
        found = { text: x.kind === 'Previous' ? `previous ${x.name?.name}` : `${x.name?.name} at …`, why: 'is a value of a period', span: x.span };
        return true;
      }
      if (x.kind !== 'Name' && x.kind !== 'Field') return false;
      const sym = this.env.refs.get(x);
      const text = x.kind === 'Name' ? x.name : [x.object, ...(x.via ?? []), x.field].map((i) => i?.name).join('.');
      if (sym?.kind === 'measure' || sym?.kind === 'tier') found = { text, why: `is a ${sym.kind}, computed per period`, span: x.span };
      else if (sym?.kind === 'path') found = { text, why: 'is read through a `ref` field', span: x.span };
      else if (sym?.kind === 'let') {
        const l = this.env.letInfo(sym.name);
        if (l?.level === 'partner') found = { text, why: 'is a let computed per period', span: x.span };
      }
      return found !== undefined;
    });
    return found;
  }

  /** `previous NAME` (§12.3): a tier's, measure's or partner-level let's value in the previous period (E0228 for anything else). */
  private previous(e: Previous): { type: Type; level: Level } {
    const name = e.name?.name;
    if (name === undefined) return { type: ERROR, level: 'partner' };
    if (!this.periodValue(e.name, '`previous`')) return { type: ERROR, level: 'partner' };
    const r = this.env.usePrevious(name, e.name);
    if (r.level === 'event') {
      this.report(error('E0228', `\`previous\` needs a value per period, but \`${name}\` is computed from each event`, e.name.span, 'use `previous` with a measure, a tier or a let of partner-level values'));
      return { type: ERROR, level: 'partner' };
    }
    return { type: r.type, level: 'partner' };
  }

  /** `NAME at DATE` (§12.3): a partner-level value in the period that contains the date. */
  private atDate(e: AtDate, scope: ExprScope): { type: Type; level: Level } {
    const name = e.name?.name;
    const dt = this.check(e.date, scope);
    if (e.date && dt.kind !== 'date' && dt.kind !== 'error') {
      this.report(error('E0320', `\`${name} at …\` needs a date, but this is ${describe(dt)}`, e.date.span, 'give the date of the period, e.g. `rate at sale.date`'));
    }
    const level = maxLevel('partner', this.level(e.date));
    if (name === undefined || !this.periodValue(e.name, '`at`')) return { type: ERROR, level };
    const r = this.env.use(name, { kind: 'Name', name, span: e.name.span });
    if (r.level === 'event') {
      this.report(error('E0228', `\`at\` needs a value per period, but \`${name}\` is computed from each event`, e.name.span, 'use `at` with a measure, a tier or a let of partner-level values'));
      return { type: ERROR, level };
    }
    return { type: r.type, level };
  }

  /** Whether a name is a let, measure or tier (E0201 for an unknown name, E0228 for a pot, an event or a field). */
  private periodValue(id: Ident, what: string): boolean {
    const dk = this.env.declKind(id.name);
    if (dk === 'let' || dk === 'measure' || dk === 'tier') return true;
    if (dk === undefined && id.name !== 'partner') {
      const guess = suggest(id.name, this.env.valueNames());
      this.report(error('E0201', `\`${id.name}\` is not defined`, id.span, guess ? `did you mean \`${guess}\`?` : `${what} needs a measure, a tier or a let`));
      return false;
    }
    const is = dk === 'pot' ? 'a pot' : dk === 'event' ? 'an event kind' : 'the partner';
    this.report(error('E0228', `${what} needs a measure, a tier or a let, but \`${id.name}\` is ${is}`, id.span, `${what} reads the value a measure, tier or let had in a period`));
    return false;
  }

  /** `below T1` first, then `from` bands; the first `from` is T1; constant thresholds increase. */
  private bandShape(e: BandsExpr, bands: Band[]): void {
    if (bands.length === 0) return;
    const first = bands[0]!;
    if (first.bound !== 'below') {
      this.report(error('E0418', `the first band must be \`below T1\``, first.span, `start with the band under the first threshold, e.g. \`below 100_000 EUR: 2%\``));
      return;
    }
    const froms = bands.slice(1);
    for (const b of froms) {
      if (b.bound === 'below') {
        this.report(error('E0418', 'only the first band is written `below`', b.span, 'write the later bands as `from THRESHOLD: VALUE`', [{ span: first.span, message: 'the first band' }]));
        return;
      }
    }
    if (froms.length === 0) {
      this.report(error('E0418', `\`${e.mode}\` needs at least one \`from\` band after \`below\``, first.span, `add \`from ${srcOf(first.threshold)}: VALUE\` for the values from the threshold up`));
      return;
    }
    const t1 = first.threshold;
    const f1 = froms[0]!.threshold;
    const ok = (x: Expr) => this.env.types.get(x)?.kind !== 'error'; // an error there is reported already
    if (t1 && f1 && ok(t1) && ok(f1)) {
      const a = this.constant(t1);
      const b = this.constant(f1);
      const same = a?.kind === 'num' && b?.kind === 'num' ? a.value.eq(b.value) : !a && !b && sameExpr(t1, f1);
      if (!same) {
        this.report(
          error('E0419', 'the first `from` threshold must be the `below` threshold', f1.span, 'the `below` band covers everything under T1 and the first `from` band starts at T1: write the same threshold in both', [
            { span: t1.span, message: 'the `below` threshold' },
          ]),
        );
      }
    }
    let prev: { v: Const & { kind: 'num' }; e: Expr } | undefined;
    for (const b of froms) {
      const c = this.constant(b.threshold);
      if (c?.kind !== 'num' || !b.threshold) continue;
      if (prev && !c.value.gt(prev.v.value)) {
        this.report(
          error('E0420', `band thresholds must increase: \`${srcOf(b.threshold)}\` is not above \`${srcOf(prev.e)}\``, b.threshold.span, 'order the bands from the lowest threshold to the highest, without repeats', [
            { span: prev.e.span, message: 'the previous threshold' },
          ]),
        );
      }
      prev = { v: c, e: b.threshold };
    }
  }
}

/** The first name or field in `e` whose level is not the program's (what makes a value vary). */
function findVarying(e: Expr, level: (x: Expr) => Level): Expr | undefined {
  let found: Expr | undefined;
  findExprIn(e, (x) => (x.kind === 'Name' || x.kind === 'Field' || x.kind === 'Previous' || x.kind === 'At') && level(x) !== 'program' && (found = x) !== undefined);
  return found;
}

/** Depth-first search (parents first) for an expression for which `test` holds. */
function findExprIn(e: Expr, test: (x: Expr) => boolean): void {
  findExpr(e, test);
}

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

/** Whether a bare name is a keyword (a field named like one, §12.1). */
function isKeyword(name: string): boolean {
  return KEYWORD_SET.has(name);
}

function spanOf(a: Expr, b: Expr): Span {
  return { start: Math.min(a.span.start, b.span.start), end: Math.max(a.span.end, b.span.end) };
}

/** A short rendering of a literal expression for messages (`100_000 EUR`), or `…`. */
export function srcOf(e: Expr | undefined): string {
  if (!e) return '…';
  switch (e.kind) {
    case 'Number':
      return e.text;
    case 'Money':
      return `${e.text} ${e.currency}`;
    case 'Date':
      return e.value;
    case 'String':
      return JSON.stringify(e.value);
    case 'Name':
      return e.name;
    case 'Field':
      return `${e.object?.name}.${e.field?.name}`;
    case 'Unary':
      return e.op === '-' ? `-${srcOf(e.operand)}` : `not ${srcOf(e.operand)}`;
    default:
      return '…';
  }
}
