/**
 * Incent as a library: compile a program, load a compiled artifact, validate data, run periods,
 * read statements and traces. Everything here runs in Node and in the browser; reading a data
 * folder from disk is `runtime/data/node-stream.ts` (Node only).
 */
export { compile, type CompileResult } from './compiler/compile.js';
export { format } from './language/format.js';
export { parse } from './language/parser.js';
export { renderDiagnostic, renderDiagnostics, diagnosticToJson, SourceText, type Diagnostic, type JsonDiagnostic } from './core/diagnostics.js';
export { loadArtifact, ArtifactSchema, ArtifactError, type Artifact } from './runtime/artifact.js';
export { loadData, recordSchemas, evaluationData } from './runtime/data/load.js';
export { formatProblem, type Problem, type RejectedRecord } from './runtime/data/problems.js';
export { Evaluator, type Dataset, type EventSource, type PeriodResult, type PartnerResult, type PotResult, type AwardResult, type RunOptions } from './runtime/evaluate.js';
export { statementJson, statementTable, statementCsv, explainPartner, type StatementJson } from './runtime/statement.js';
export { runTests, type TestOutcome } from './runtime/tests.js';
