/**
 * `incent/runtime`: run stored artifacts — load and validate an artifact, validate data, evaluate
 * periods, read statements, run a program's test blocks. No parser and no compiler (an engine that
 * runs compiled programs does not load them); everything here runs in Node and in the browser.
 * Reading a data folder from disk is `incent/node`; compiling is `incent`.
 *
 * @module incent/runtime
 */
export {
  loadArtifact,
  ArtifactSchema,
  ArtifactError,
  ARTIFACT_VERSION,
  type Artifact,
  type FieldSpec,
  type FieldType,
  type IR,
  type IRMeta,
  type Mode,
  type PotSpec,
  type PotUnit,
  type RuleSpec,
  type ScopeSpec,
  type Step,
  type TestSpec,
  type ValueKind,
  type CmpKind,
  type WindowSpec,
} from './artifact.js';
export type { Num, Fixed } from './num.js';
export { loadData, recordSchemas, evaluationData } from './data/load.js';
export type { InputDataset } from './data/builder.js';
export type { RecordSchema } from './data/schema.js';
export { formatProblem, type Problem, type RejectedRecord, type Reason, type FileStats } from './data/problems.js';
export { rejectFiles } from './data/rejects.js';
export { CODES, type CodeInfo } from '../core/codes.js';
export { printable, isDataDiagnostic, type DataDiagnostic, type JsonDiagnostic, type Severity, type Span } from '../core/diagnostics.js';
export { JsonDiagnosticSchema, JsonDiagnosticsSchema } from '../core/diagnostics-schema.js';
export {
  Evaluator,
  type Dataset,
  type EventSource,
  type PartnerRow,
  type PeriodResult,
  type PartnerResult,
  type PotResult,
  type AwardResult,
  type Adjustment,
  type RunOptions,
} from './evaluate.js';
export { EvalError, type EventRow, type Value } from './compile-ir.js';
export { statementJson, statementTable, statementCsv, explainPartner, type StatementJson, type PotJson } from './statement.js';
export { StatementJsonSchema, StatementsJsonSchema, PotJsonSchema } from './statement-schema.js';
export { runTests, type TestOutcome, type TestFailure } from './tests.js';
