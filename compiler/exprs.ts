/** Expression checking: name resolution, units (§5), levels, and the lookup/bands/marginal tables. */
import { error, type Diagnostic } from '../core/diagnostics.js';
import { suggest } from './suggest.js';
import type { Band, BandsExpr, Binary, Call, Expr, FieldRef, Lookup, MoneyLit, NameRef, NumberLit, Span, StringLit } from '../language/syntax.js';
import { leftSpine } from '../language/syntax.js';
import type { EventInfo, FieldInfo, Level, Symbol, TierInfo, Type } from './checked.js';
import { fold, sameExpr, type Const, type LetConst } from './consts.js';
import { decimalTextProblem, MAX_DIGITS, MAX_EXPONENT, magnitudeText, rangeRule } from '../core/limits.js';
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
}

/** Where an expression is checked. */
export interface ExprScope {
  /** The event kind whose fields are in scope unqualified (`for each sale`, `count sale`). */
  event?: string;
  /** Set inside a measure: the event kind aggregated, inferred from the fields used. */
  measure?: { name: string; event?: string; eventSpan?: Span };
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
        if (t.kind === 'number' || t.kind === 'money' || t.kind === 'error') return { type: t, level };
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
    // 2. Declarations.
    const dk = env.declKind(e.name);
    if (dk === 'let' || dk === 'measure' || dk === 'tier') {
      env.refs.set(e, { kind: dk, name: e.name });
      return env.use(e.name, e);
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
    const ev = env.events.get(obj);
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
    const f = ev.fields.get(fname);
    if (!f) {
      const guess = suggest(fname, ev.fields.keys());
      this.report(
        error('E0206', `event \`${obj}\` has no field \`${fname}\``, e.field.span, guess ? `did you mean \`${obj}.${guess}\`?` : `its fields are ${tickList([...ev.fields.keys()])}`),
      );
      return { type: ERROR, level: 'event' };
    }
    if (scope.measure && !scope.event) {
      const m = scope.measure;
      if (m.event && m.event !== obj) {
        this.report(
          error(
            'E0212',
            `measure \`${m.name}\` mixes two event kinds: \`${m.event}\` and \`${obj}\``,
            e.span,
            'a measure aggregates one event kind: write one measure per kind and combine them in a `let`',
            m.eventSpan ? [{ span: m.eventSpan, message: `\`${m.event}\` is used here` }] : [],
          ),
        );
        return { type: ERROR, level: 'event' };
      }
      m.event = obj;
      m.eventSpan ??= e.span;
      return this.eventField(e, obj, f);
    }
    const inScope = scope.event ?? scope.measure?.event;
    if (inScope === obj) return this.eventField(e, obj, f);
    if (inScope) {
      this.report(
        error(
          'E0208',
          `\`${obj}.${fname}\` is a field of \`${obj}\`, but ${scope.measure ? `this measure aggregates \`${inScope}\`` : `this rule runs for each \`${inScope}\``}`,
          e.span,
          scope.measure ? `a measure aggregates one event kind; use a separate measure for \`${obj}\`` : `aggregate \`${obj}\` in a measure and use the measure here`,
        ),
      );
      return { type: ERROR, level: 'event' };
    }
    this.report(error('E0207', `\`${obj}.${fname}\` is an event field, but no event is in scope in ${scope.place}`, e.span, scope.noEventHint));
    return { type: ERROR, level: 'program' };
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
    for (const [x, t] of [
      [e.left, l],
      [e.right, r],
    ] as const) {
      if (t.kind !== 'number' && t.kind !== 'money') {
        const what = t.kind === 'date' ? 'date arithmetic is not part of Incent: compare dates, or use a window in a measure' : `\`${e.op}\` works on numbers and money`;
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
