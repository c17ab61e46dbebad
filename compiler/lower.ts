/**
 * Lowering: a checked program (`CheckedProgram`, no errors) → the runtime's artifact (`Artifact`).
 * Resolves every name to where its value lives and every comparison to how it compares, so that
 * the runtime never looks at the syntax tree.
 */
import type { Artifact, CmpKind, FieldSpec, FieldType, IR, RunningSpec, Step, TestSpec, ValueKind, WindowSpec } from '../runtime/artifact.js';
import { ARTIFACT_VERSION } from '../runtime/artifact-version.js';
import type { Binary, BinaryOp, Expr, Window } from '../language/syntax.js';
import { leftSpine } from '../language/syntax.js';
import type { CheckedProgram, FieldInfo, Type } from './checked.js';
import { fold, isLiteral, type Const } from './consts.js';
import { formatDecimal } from '../core/decimal.js';

export class LoweringError extends Error {}

function isArith(op: BinaryOp): op is '+' | '-' | '*' | '/' {
  return op === '+' || op === '-' || op === '*' || op === '/';
}

export function valueKind(t: Type | undefined): ValueKind {
  switch (t?.kind) {
    case 'money':
      return 'money';
    case 'text':
    case 'enum':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'date':
      return 'date';
    case 'tier':
      return 'level';
    default:
      return 'num';
  }
}

function cmpKind(t: Type | undefined): CmpKind {
  switch (t?.kind) {
    case 'text':
    case 'enum':
    case 'date':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'tier':
      return 'level';
    default:
      return 'num';
  }
}

function fieldType(t: Type): FieldType {
  switch (t.kind) {
    case 'money':
      return 'money';
    case 'number':
      return t.integer ? 'integer' : 'decimal';
    case 'enum':
      return { enum: [...t.members] };
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    default:
      return 'text';
  }
}

/**
 * The fields of a record: each with its range (`in A..B`), its column when mapped (`from "…"`), its
 * default, lowered like a test value, and the kind a `ref` field names.
 */
function fields(map: Map<string, FieldInfo>, literal: (e: Expr) => string | boolean): FieldSpec[] {
  return [...map.values()].map((f) => ({
    name: f.name,
    type: f.ref ? { ref: f.ref } : fieldType(f.type),
    ...(f.range ? { range: { min: constText(f.range.min), max: constText(f.range.max) } } : {}),
    ...(f.column !== f.name ? { column: f.column } : {}),
    ...(f.default ? { default: literal(f.default) } : {}),
    ...(f.anyCurrency ? { anyCurrency: f.anyCurrency.by === undefined ? {} : { by: f.anyCurrency.by } } : {}),
  }));
}

/** A window as written, normalized (the checker has validated it). */
function windowSpec(w: Window | undefined): WindowSpec {
  if (!w) return { form: 'this period' };
  return w.form === 'last' ? { form: 'last', count: Number(w.count.value), unit: w.unit } : { form: w.form };
}

/** A range bound as the artifact keeps it: a plain decimal, or a date. */
function constText(c: Const): string {
  return c.kind === 'num' ? formatDecimal(c.value) : String(c.value);
}

/**
 * `origins`, when given, is told the expression each lowered node comes from (for tools that map
 * the artifact back to the source: coverage's lines, `review/coverage.ts`).
 */
export function lower(c: CheckedProgram, source: string, origins?: Map<IR, Expr>): Artifact {
  const text = (e: { span: { start: number; end: number } }) => source.slice(e.span.start, e.span.end);
  const type = (e: Expr) => c.types.get(e);
  const tierLevels = (tier: string) => c.tiers.get(tier)?.levels.map((l) => l.name) ?? [];
  /** The running totals met while lowering, in order (`running` nodes refer to them by index). */
  const running: RunningSpec[] = [];
  /** The event kind a running total counts: the rule's (while its clauses are lowered) or its let's. */
  let runningKind = '';
  /** A let's value: an event-level let's is computed on the event in scope (`elet`), any other's is the partner's (`ref`). */
  const letRef = (name: string, src: string): IR => (c.lets.get(name)?.level === 'event' ? { k: 'elet', name, src } : { k: 'ref', name, src });

  const ir = (e: Expr | undefined): IR => {
    if (!e) throw new LoweringError('internal: an expression is missing (the program has errors)');
    const node = lowerExpr(e);
    node.u = valueKind(type(e));
    origins?.set(node, e);
    return node;
  };
  const lowerExpr = (e: Expr): IR => {
    const src = text(e);
    switch (e.kind) {
      case 'Number':
        return { k: 'num', v: e.value, src };
      case 'Money':
        return { k: 'money', v: e.value, src };
      case 'Date':
        return { k: 'str', v: e.value, src };
      case 'String':
        return { k: 'str', v: e.value, src };
      case 'Bool':
        return { k: 'bool', v: e.value, src };
      case 'Name':
      case 'Field': {
        const sym = c.refs.get(e);
        if (!sym) throw new LoweringError(`internal: \`${src}\` was not resolved`);
        switch (sym.kind) {
          case 'let':
            return letRef(sym.name, src);
          case 'measure':
          case 'tier':
            return { k: 'ref', name: sym.name, src };
          case 'path': {
            // From the last record back to the event in scope: each hop reads its `ref` field on the record before it.
            const t = sym.target;
            let node: IR = t.kind === 'eventField' ? { k: 'efield', f: t.field, src } : { k: 'elet', name: t.name, src };
            node.u = valueKind(type(e));
            for (let h = sym.hops.length - 1; h >= 0; h--) {
              node = { k: 'deref', f: sym.hops[h]!.field, kind: sym.hops[h]!.event, a: node, src, u: valueKind(type(e)) };
            }
            return node;
          }
          case 'level':
            return { k: 'level', tier: sym.tier, i: sym.index, src };
          case 'partnerField':
            return { k: 'pfield', f: sym.field, src };
          case 'eventField':
            return { k: 'efield', f: sym.field, src };
        }
        break;
      }
      case 'Binary':
        return binary(e);
      case 'Unary':
        return e.op === '-' ? { k: 'neg', a: ir(e.operand), src } : { k: 'not', a: ir(e.operand), src };
      case 'InRange':
        return { k: 'range', t: cmpKind(type(e.value)), x: ir(e.value), lo: ir(e.from), hi: ir(e.to), src };
      case 'InSet':
        return { k: 'set', t: cmpKind(type(e.value)), x: ir(e.value), items: e.items.map(ir), src };
      case 'If':
        return { k: 'if', c: ir(e.cond), a: ir(e.then), b: ir(e.otherwise), src };
      case 'Call':
        switch (e.fn) {
          case 'floor':
          case 'ceil':
          case 'abs':
            return { k: e.fn, a: ir(e.args[0]), src };
          case 'round': {
            const money = type(e.args[0]!)?.kind === 'money';
            return { k: 'round', a: ir(e.args[0]), digits: money ? c.header.minorDigits : 0, mode: c.header.rounding, src };
          }
          case 'min':
          case 'max':
            return { k: e.fn, t: cmpKind(type(e.args[0]!)), args: e.args.map(ir), src };
        }
        break;
      case 'Lookup': {
        const kt = type(e.key);
        const byLevel = kt?.kind === 'tier';
        const levels = byLevel ? tierLevels(kt.tier) : [];
        return {
          k: 'lookup',
          t: byLevel ? 'level' : 'str',
          key: ir(e.key),
          keys: e.entries.map((en) => (en.key.kind === 'Ident' ? levels.indexOf(en.key.name) : en.key.value)),
          values: e.entries.map((en) => ir(en.value)),
          ...(e.otherwise ? { otherwise: ir(e.otherwise) } : {}),
          src,
        };
      }
      case 'Duration':
        // A duration is its number of days or months: the unit is known where it meets a date (`dateadd`).
        return { ...ir(e.count), src };
      case 'DaysBetween':
        return { k: 'days', a: ir(e.from), b: ir(e.to), src };
      case 'PeriodBound':
        return { k: 'period', bound: e.bound, src };
      case 'Bands': {
        const below = e.bands.find((b) => b.bound === 'below');
        const froms = e.bands.filter((b) => b.bound === 'from');
        const ordered = below ? [below, ...froms] : froms;
        return {
          k: 'bands',
          mode: e.mode,
          x: ir(e.subject),
          thresholds: froms.map((b) => ir(b.threshold)),
          values: ordered.map((b) => ir(b.value)),
          labels: ordered.map((b) => `${b.bound} ${text(b.threshold)}`),
          src,
        };
      }
      case 'Interpolate':
        return { k: 'interp', x: ir(e.subject), points: e.points.map((p) => ir(p.at)), values: e.points.map((p) => ir(p.value)), labels: e.points.map((p) => text(p.at)), src };
      case 'Previous':
        return { k: 'prev', name: e.name.name, src };
      case 'At':
        return { k: 'at', name: e.name.name, date: ir(e.date), src };
      case 'Running': {
        if (!runningKind) throw new LoweringError('internal: a running total outside a rule or an event-level let');
        running.push({ event: runningKind, op: e.op, ...(e.arg ? { arg: ir(e.arg) } : {}), ...(e.where ? { where: ir(e.where) } : {}), window: windowSpec(e.window) });
        return { k: 'running', i: running.length - 1, src };
      }
    }
    throw new LoweringError(`internal: cannot lower \`${src}\``);
  };

  /**
   * A binary operation and the operations down its left side, lowered in a loop from the
   * innermost out (a chain of n operands is a tree n deep): a run of arithmetic becomes one `arith`
   * node with its steps, evaluated from the left as the source associates, and a run of `and` (or
   * of `or`) one `and` (`or`) node with its operands. The artifact is then as deep as the source
   * nests (MAX_NESTING) times a few precedence levels, so every stage after it (validation,
   * compilation to closures, traces, a worker's structured clone) may recurse over it.
   */
  const binary = (e: Binary): IR => {
    const spine = leftSpine(e);
    let i = spine.length - 1;
    let below: Expr = spine[i]!.left;
    let acc = ir(below);
    while (i >= 0) {
      const n = spine[i]!;
      const nt = type(n);
      if ((n.op === '+' || n.op === '-') && nt?.kind === 'date') {
        // A date moved by a duration (§12.4): `d ± n days|months`, or `n days + d`.
        const lt = type(n.left);
        const [d, dur] = lt?.kind === 'date' ? [acc, n.right] : [ir(n.right), n.left];
        const unit = (type(dur) as { unit: 'days' | 'months' }).unit;
        acc = { k: 'dateadd', d, n: lt?.kind === 'date' ? ir(dur) : acc, unit, neg: n.op === '-', src: text(n), u: 'date' };
        below = n;
        i--;
      } else if (isArith(n.op)) {
        const rest: Extract<IR, { k: 'arith' }>['rest'] = [];
        for (; i >= 0 && isArith(spine[i]!.op) && type(spine[i]!)?.kind !== 'date'; i--) rest.push({ op: spine[i]!.op as '+' | '-' | '*' | '/', b: ir(spine[i]!.right) });
        below = spine[i + 1]!;
        acc = { k: 'arith', a: acc, rest, src: text(below), u: valueKind(type(below)) };
      } else if (n.op === 'and' || n.op === 'or') {
        const op = n.op;
        const args = [acc];
        for (; i >= 0 && spine[i]!.op === op; i--) args.push(ir(spine[i]!.right));
        below = spine[i + 1]!;
        acc = { k: op, args, src: text(below), u: 'bool' };
      } else {
        const lt = type(n.left);
        const t = lt?.kind === 'error' || lt === undefined ? type(n.right) : lt;
        acc = { k: 'cmp', op: n.op, t: cmpKind(t), a: acc, b: ir(n.right), src: text(n), u: 'bool' };
        below = n;
        i--;
      }
    }
    return acc;
  };

  const steps: Step[] = [];
  for (const name of c.partnerOrder) {
    const m = c.measures.get(name);
    if (m) {
      steps.push({
        kind: 'measure',
        name,
        op: m.op,
        event: m.event ?? '',
        ...(m.arg ? { arg: ir(m.arg) } : {}),
        ...(m.where ? { where: ir(m.where) } : {}),
        ...(m.otherwise ? { otherwise: ir(m.otherwise) } : {}),
        window: m.window,
        value: m.op === 'count' || m.op === 'count distinct' ? 'num' : valueKind(m.type),
        ...(m.op === 'count distinct' && m.arg ? { keyKind: valueKind(type(m.arg)) } : {}),
      });
      continue;
    }
    const t = c.tiers.get(name);
    if (t) {
      steps.push({
        kind: 'tier',
        name,
        by: ir(t.by),
        levels: t.levels.map((l) => l.name),
        thresholds: t.levels.slice(1).map((l) => ir(l.threshold)),
        byKind: valueKind(t.byType),
        ...(t.down ? { down: t.down } : {}),
      });
      continue;
    }
    const l = c.lets.get(name);
    if (l) {
      steps.push({ kind: 'let', name, value: ir(l.decl.value), valueKind: valueKind(l.type), ...(l.type.kind === 'tier' ? { tier: l.type.tier } : {}) });
    }
  }

  const eventLets = c.eventOrder.map((name) => {
    const l = c.lets.get(name)!;
    runningKind = l.event ?? '';
    const value = ir(l.decl.value);
    runningKind = '';
    return { name, event: l.event ?? '', value, valueKind: valueKind(l.type) };
  });

  // The values of the program-level lets, folded dependencies first (for test values that use them).
  let constants: Map<string, Const | undefined> | undefined;
  const constantOf = (e: Expr): Const | undefined => {
    if (!constants) {
      const folded = new Map<string, Const | undefined>();
      for (const name of c.programOrder) folded.set(name, fold(c.lets.get(name)!.decl.value, (n) => folded.get(n)));
      constants = folded;
    }
    const known = constants;
    return fold(e, (n) => known.get(n));
  };
  /** A test value: a literal as written, a tier level by name, or the value of a constant the checker computed (E0438 otherwise). */
  const literal = (e: Expr): string | boolean => {
    if (e.kind === 'Name' && c.refs.get(e)?.kind === 'level') return e.name;
    if (isLiteral(e)) return e.kind === 'Unary' ? `-${(e.operand as { value: string }).value}`.replace(/^--/, '') : (e as { value: string | boolean }).value;
    const v = constantOf(e);
    if (v?.kind === 'num') return formatDecimal(v.value);
    if (v?.kind === 'bool' || v?.kind === 'str' || v?.kind === 'date') return v.value;
    throw new LoweringError(`internal: the test value \`${text(e)}\` was not computed (the program has errors)`);
  };
  // §13.4: a test value of a `money any` field keeps its code (`12.50 GBP`), as a data file has it.
  const anyLiteral = (e: Expr): string | boolean => {
    const x = e.kind === 'Unary' && e.op === '-' ? e.operand : e;
    return x.kind === 'Money' ? `${String(literal(e))} ${x.currency}` : literal(e);
  };
  const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
  const tests: TestSpec[] = c.tests.map((t) => ({
    name: t.name,
    line: lineOf(t.decl.span.start),
    period: t.period ?? '',
    partners: t.partners.map((p) => ({ id: p.id, fields: Object.fromEntries([...p.fields].map(([k, v]) => [k, literal(v)])) })),
    events: t.events.map((ev) => ({ event: ev.event, fields: Object.fromEntries([...ev.fields].map(([k, v]) => [k, c.events.get(ev.event)?.fields.get(k)?.anyCurrency ? anyLiteral(v) : literal(v)])) })),
    ...(t.rates.length ? { rates: t.rates.map((r) => ({ at: r.at, currency: r.currency, rate: r.rate })) } : {}),
    expects: t.expects.map((x) => ({ partner: x.partner, name: x.name, target: x.target, ...(x.figure ? { figure: x.figure } : {}), value: String(literal(x.value)), line: lineOf(x.span.start) })),
  }));

  // §13.1: redemption rules, lowered apart from the rules that award.
  const redemptions = c.rules
    .filter((r) => r.redeem && r.scope?.kind === 'ForEachEvent')
    .map((r) => {
      const s = r.scope as Extract<typeof r.scope, { kind: 'ForEachEvent' }>;
      runningKind = s.event.name;
      const spec = { name: r.name, event: s.event.name, ...(s.where ? { where: ir(s.where) } : {}), amount: ir(r.redeem!.amount), pot: r.redeem!.pot.name };
      runningKind = '';
      return spec;
    });
  return {
    version: ARTIFACT_VERSION,
    program: {
      name: c.header.name,
      currency: c.header.currency,
      minorDigits: c.header.minorDigits,
      period: c.header.period,
      start: c.header.start,
      ...(c.header.end ? { end: c.header.end } : {}),
      rounding: c.header.rounding,
      ...(c.header.exchangeRates ? { exchangeRates: c.header.exchangeRates } : {}),
    },
    partner: { declared: c.partner.declared, fields: fields(c.partner.fields, literal) },
    events: [...c.events.values()].map((ev) => ({ name: ev.name, fields: fields(ev.fields, literal) })),
    constants: c.programOrder.map((name) => {
      const l = c.lets.get(name)!;
      return { name, value: ir(l.decl.value), valueKind: valueKind(l.type) };
    }),
    steps,
    tiers: [...c.tiers.values()].map((t) => ({ name: t.name, levels: t.levels.map((l) => l.name) })),
    pots: [...c.pots.values()].map((p) => ({
      name: p.name,
      kind: p.kind ?? 'cash',
      unit: p.unit,
      rounding: p.rounding,
      ...(p.cap ? { cap: { amount: ir(p.cap.amount), per: p.cap.per } } : {}),
      ...(p.budget ? { budget: ir(p.budget) } : {}),
      ...(p.budget && p.budgetOrder === 'first come first served' ? { budgetOrder: 'first come first served' as const } : {}),
      ...(p.minimum ? { minimum: ir(p.minimum) } : {}),
      ...(p.denominations ? { denominations: p.denominations.map(ir) } : {}),
      ...(p.approval ? { approval: ir(p.approval) } : {}),
      ...(p.value ? { value: ir(p.value) } : {}),
      ...(p.expire ? { expire: p.expire } : {}),
      ...(p.expire || p.redeemed ? { lots: true } : {}),
      ...(p.hold ? { hold: p.hold } : {}),
      ...(p.draw
        ? { draw: { amount: ir(p.draw.amount), recoverable: p.draw.recoverable, ...(p.draw.window ? { window: { count: p.draw.window.count, from: ir(p.draw.window.from) } } : {}), ...(p.draw.where ? { where: ir(p.draw.where) } : {}) } }
        : {}),
    })),
    rules: c.rules.filter((r) => !r.redeem).map((r) => {
      const s = r.scope!;
      runningKind = s.kind === 'ForEachEvent' ? s.event.name : '';
      const scope =
        s.kind === 'ForEachEvent'
          ? { kind: 'each-event' as const, event: s.event.name, ...(s.where ? { where: ir(s.where) } : {}) }
          : s.kind === 'ForEachPartner'
            ? { kind: 'each-partner' as const, ...(s.where ? { where: ir(s.where) } : {}) }
            : s.kind === 'ForRandom'
              ? {
                  kind: 'random' as const,
                  n: Math.min(Number(s.count.value), Number.MAX_SAFE_INTEGER),
                  ...(s.weight ? { weight: ir(s.weight) } : {}),
                  seed: s.seed.value,
                  ...(s.where ? { where: ir(s.where) } : {}),
                }
              : {
                kind: 'top' as const,
                // At most every partner is ranked: a count beyond the safe integers means the same.
                n: Math.min(Number(s.count.value), Number.MAX_SAFE_INTEGER),
                keys: [s.by, ...s.thenBy].map(ir),
                keyKinds: [s.by, ...s.thenBy].map((k) => valueKind(type(k))),
                ...(s.where ? { where: ir(s.where) } : {}),
              };
      const rule = {
        name: r.name,
        scope,
        awards: r.awards.map((a) => ({ pot: a.pot.name, amount: ir(a.amount) })),
        ...(r.cap ? { cap: { amount: ir(r.cap.amount), perEvent: r.cap.perEvent } } : {}),
        ...(r.once ? { once: { perPeriod: r.once.perPeriod, ...(r.onceKey ? { key: ir(r.onceKey) } : {}) } } : {}),
      };
      runningKind = '';
      return rule;
    }),
    eventLets,
    running,
    ...(redemptions.length ? { redemptions } : {}),
    tests,
  };
}
