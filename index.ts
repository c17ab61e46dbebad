/**
 * `incent`: Incent as a library — compile a program, then everything `incent/runtime` has: load a
 * compiled artifact, validate data, run periods, read statements and traces. Everything here runs
 * in Node and in the browser; reading a data folder from disk is `incent/node` (Node only).
 *
 * @module incent
 */
export { compile, type CompileResult } from './compiler/compile.js';
export { format, type FormatResult } from './language/format.js';
export { parse, type ParseResult } from './language/parser.js';
export { renderDiagnostic, renderDiagnostics, diagnosticToJson, SourceText, type Diagnostic, type RelatedSpan, type RenderOptions } from './core/diagnostics.js';
export * from './runtime/index.js';
