/**
 * How the parser decides between alternatives and whether to enter an optional part, without
 * computing it at every start of the command. Chevrotain computes, for every alternation and
 * optional production of the grammar, the token sequences (up to three tokens) that lead into each
 * choice; doing so for the whole grammar took ~95 ms at every start, two thirds of making the
 * parser. Those sequences depend on the grammar alone, so they are computed once, by chevrotain's own
 * `getLookaheadPaths`, and kept in language/lookahead-table.ts (`npm run lookahead` writes it; a
 * test fails when it differs from what chevrotain computes for the current grammar). The decision
 * functions built from them follow chevrotain's LL(k) strategy. A production missing from the table
 * (a grammar changed without regenerating it) is computed by chevrotain the first time it is met.
 */
import { EOF, getLookaheadPaths, LLkLookaheadStrategy, tokenMatcher, type ILookaheadStrategy, type IOrAlt, type IToken, type Rule, type TokenType } from 'chevrotain';
import { LOOKAHEAD } from './lookahead-table.js';
import { allTokens } from './tokens.js';

type AltOptions = Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0];
type OptOptions = Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0];
type AltFn = ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']>;
type OptFn = ReturnType<ILookaheadStrategy['buildLookaheadForOptional']>;
/** What the decision functions read: the parser's next tokens. */
interface Reader {
  LA(howMuch: number): IToken;
}

/** The key of a production in the table: its rule, its kind and its occurrence in the rule. */
export function productionKey(rule: string, prodType: string, occurrence: number): string {
  return `${rule}:${prodType}:${occurrence}`;
}

/** The lookahead paths of one production as chevrotain computes them: for an alternation, each alternative's; for an optional part, the paths into it. */
export function computePaths(rule: Rule, prodType: string, occurrence: number, maxLookahead: number): TokenType[][][] {
  const paths = getLookaheadPaths({ occurrence, rule, prodType: prodType as Parameters<typeof getLookaheadPaths>[0]['prodType'], maxLookahead });
  return prodType === 'Alternation' ? paths : [paths[0]!];
}

function matches(reader: Reader, path: TokenType[]): boolean {
  for (let i = 0; i < path.length; i++) if (!tokenMatcher(reader.LA(i + 1), path[i]!)) return false;
  return true;
}

/** The alternative to take (chevrotain's `buildAlternativesLookAheadFunc`, without dynamic tokens). */
export function alternationFunction(alts: TokenType[][][], hasPredicates: boolean): AltFn {
  if (hasPredicates) {
    return function (this: Reader, orAlts?: IOrAlt<unknown>[]) {
      for (let t = 0; t < alts.length; t++) {
        const gate = orAlts?.[t]?.GATE;
        if (gate !== undefined && gate.call(this) === false) continue;
        for (const path of alts[t]!) if (matches(this, path)) return t;
      }
      return undefined;
    };
  }
  if (alts.every((alt) => alt.every((path) => path.length === 1))) {
    const choice: Record<number, number> = {};
    alts.forEach((alt, idx) => {
      for (const type of alt.flat()) {
        if (!(type.tokenTypeIdx! in choice)) choice[type.tokenTypeIdx!] = idx;
        for (const extending of type.categoryMatches ?? []) if (!(extending in choice)) choice[extending] = idx;
      }
    });
    return function (this: Reader) {
      return choice[this.LA(1).tokenTypeIdx!];
    };
  }
  return function (this: Reader) {
    for (let t = 0; t < alts.length; t++) for (const path of alts[t]!) if (matches(this, path)) return t;
    return undefined;
  };
}

/** Whether to enter an optional part (chevrotain's `buildSingleAlternativeLookaheadFunction`, without dynamic tokens). */
export function optionalFunction(paths: TokenType[][]): OptFn {
  if (paths.every((path) => path.length === 1)) {
    const types = paths.flat();
    if (types.length === 1 && !(types[0]!.categoryMatches ?? []).length) {
      const idx = types[0]!.tokenTypeIdx!;
      return function (this: Reader) {
        return this.LA(1).tokenTypeIdx === idx;
      };
    }
    const enter: boolean[] = [];
    for (const type of types) {
      enter[type.tokenTypeIdx!] = true;
      for (const extending of type.categoryMatches ?? []) enter[extending] = true;
    }
    return function (this: Reader) {
      return enter[this.LA(1).tokenTypeIdx!] === true;
    };
  }
  return function (this: Reader) {
    for (const path of paths) if (matches(this, path)) return true;
    return false;
  };
}

const byName = new Map<string, TokenType>([...allTokens, EOF].map((t) => [t.name, t]));

function fromTable(key: string): TokenType[][][] | undefined {
  const names = LOOKAHEAD[key];
  return names?.map((alt) => alt.map((path) => path.map((n) => byName.get(n)!)));
}

/**
 * The parser's lookahead: from the table when the production is in it, otherwise chevrotain's own,
 * built the first time the production is met. Validation (the tests' `checkGrammar`) is chevrotain's.
 */
export class TableLookahead implements ILookaheadStrategy {
  private readonly eager: ILookaheadStrategy;
  /** Productions not found in the table (for the tests: none, when the table is current). */
  readonly missing: string[] = [];

  constructor(private readonly options: { maxLookahead: number }) {
    this.eager = new LLkLookaheadStrategy(options);
  }

  validate(options: Parameters<ILookaheadStrategy['validate']>[0]): ReturnType<ILookaheadStrategy['validate']> {
    return this.eager.validate(options);
  }

  initialize(options: { rules: Rule[] }): void {
    this.eager.initialize?.(options);
  }

  buildLookaheadForAlternation(options: AltOptions): AltFn {
    const key = productionKey(options.rule.name, 'Alternation', options.prodOccurrence);
    const alts = fromTable(key);
    if (alts) return alternationFunction(alts, options.hasPredicates);
    this.missing.push(key);
    let fn: AltFn | undefined;
    const eager = this.eager;
    return function (this: unknown, orAlts?: IOrAlt<unknown>[]) {
      fn ??= eager.buildLookaheadForAlternation(options);
      return fn.call(this, orAlts);
    };
  }

  buildLookaheadForOptional(options: OptOptions): OptFn {
    const key = productionKey(options.rule.name, options.prodType, options.prodOccurrence);
    const paths = fromTable(key);
    if (paths) return optionalFunction(paths[0]!);
    this.missing.push(key);
    let fn: OptFn | undefined;
    const eager = this.eager;
    return function (this: unknown) {
      fn ??= eager.buildLookaheadForOptional(options);
      return fn.call(this);
    };
  }
}

/** A strategy that records every production's paths as chevrotain computes them (for `npm run lookahead` and its test). */
export class RecordingLookahead extends TableLookahead {
  readonly table: Record<string, string[][][]> = {};

  override buildLookaheadForAlternation(options: AltOptions): AltFn {
    this.record(options.rule, 'Alternation', options.prodOccurrence, options.maxLookahead);
    return super.buildLookaheadForAlternation(options);
  }

  override buildLookaheadForOptional(options: OptOptions): OptFn {
    this.record(options.rule, options.prodType, options.prodOccurrence, options.maxLookahead);
    return super.buildLookaheadForOptional(options);
  }

  private record(rule: Rule, prodType: string, occurrence: number, maxLookahead: number): void {
    this.table[productionKey(rule.name, prodType, occurrence)] = computePaths(rule, prodType, occurrence, maxLookahead).map((alt) => alt.map((path) => path.map((t) => t.name)));
  }
}
