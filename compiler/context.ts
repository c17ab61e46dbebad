/**
 * What the checker's stages share (check.ts lists them): the program found so far, the
 * diagnostics, and the checker core's services — resolving a name (checking a let, measure or tier
 * once, dependencies first, with cycles found), scopes, constants. The stages take this context,
 * not the checker class, so that no stage imports the checker.
 */
import type { Diagnostic } from '../core/diagnostics.js';
import type { EventDecl, Expr, Ident, LetDecl, MeasureDecl, NameRef, PayoutDecl, ProgramFile, TierDecl } from '../language/syntax.js';
import type { CheckedProgram } from './checked.js';
import type { Env, ExprChecker, ExprScope } from './exprs.js';

export type TopKind = 'let' | 'measure' | 'tier' | 'pot' | 'event';
export type TopDecl = LetDecl | MeasureDecl | TierDecl | PayoutDecl | EventDecl;

export interface CheckContext extends Env {
  readonly file: ProgramFile;
  /** What the checker produces, filled stage by stage. */
  readonly out: CheckedProgram;
  readonly x: ExprChecker;
  /** Top-level declarations by name (the first one when a name is declared twice). */
  readonly top: Map<string, { kind: TopKind; decl: TopDecl }>;
  /** Declarations used by the program's logic (tests do not count). */
  readonly used: Set<string>;
  /** While true (inside tests), references do not count as uses. */
  inTest: boolean;
  report(d: Diagnostic): void;
  /** Marks a declaration as used by the program's logic. */
  markUsed(name: string): void;
  /** Checks a let, measure or tier once (lazily, on first use or in the order given). */
  ensure(name: string, via?: NameRef): void;
  /** A scope with no event: lets, tiers, `for each partner`, pot options, tests. */
  noEvent(place: string, hint?: string): ExprScope;
  /** Reports the first name in `e` that makes it vary, where a constant is required (E0223). */
  requireConstant(e: Expr | undefined, what: string): boolean;
  /** E0205 for a name that is not an event kind. */
  unknownEvent(id: Ident): void;
  /** The names a let, measure or tier used when it was checked. */
  dependencies(name: string): ReadonlySet<string>;
  /** Counts these declarations as checked and used, unchecked (the members of a cycle reported once). */
  settle(names: readonly string[]): void;
  /** The lets, measures and tiers whose check met `previous X` with X not checked yet. */
  readonly pendingPrevious: Set<string>;
}
