/**
 * The JSON Schemas in schemas/, generated from the zod schemas that validate the same documents
 * (zod's `z.toJSONSchema`, JSON Schema 2020-12): for those who read Incent's JSON without
 * TypeScript. `npm run schemas` writes them; they are committed and shipped in the package, and
 * test/package/schemas.test.ts fails when they differ from what this generates.
 *
 * - artifact.schema.json: a compiled program as `loadArtifact` accepts it (`compile().artifact`, stored as JSON);
 * - statement.schema.json: one period's statement, as `incent run --format json` prints it (`--all`: an array of them);
 * - diagnostics.schema.json: what `incent check --format json` prints;
 * - diff.schema.json: what `incent diff --format json` prints;
 * - coverage.schema.json: what `incent run|test --coverage-format json` prints;
 * - exposure.schema.json: the exposure report of `incent check --exposure --format json` (its `exposure`).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { JsonDiagnosticsSchema } from '../core/diagnostics-schema.js';
import { reportSchemas } from '../review/schema.js';
import { ArtifactSchema, IRSchema } from '../runtime/artifact.js';
import { StatementJsonSchema } from '../runtime/statement-schema.js';

const { CoverageReportSchema, DiffReportSchema, ExposureReportSchema } = reportSchemas();

/** Names for the shared definitions (`$defs`): the expression tree is recursive. */
const names = z.registry<{ id: string }>();
names.add(IRSchema, { id: 'IR' });

function jsonSchema(schema: z.ZodType, io: 'input' | 'output', title: string, description: string): string {
  const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, metadata: names });
  return JSON.stringify({ $schema, title, description, ...rest }, null, 2) + '\n';
}

/** File name → text of every schema. */
export function schemaFiles(): Record<string, string> {
  return {
    // What loadArtifact accepts (its input): like zod, the schema lets unknown properties through.
    'artifact.schema.json': jsonSchema(ArtifactSchema, 'input', 'Incent artifact', 'A compiled Incent program (version 1), as compile() produces it and loadArtifact() validates it.'),
    'statement.schema.json': jsonSchema(StatementJsonSchema, 'output', 'Incent statement', 'One period of a program: partners, their tiers, pots and awards with traces, totals and cost (`incent run --format json`; with --all, an array of these). Amounts are exact decimal strings.'),
    'diagnostics.schema.json': jsonSchema(JsonDiagnosticsSchema, 'output', 'Incent diagnostics', 'The diagnostics of one or more programs (`incent check --format json`): code, severity, message, optional hint, range and related ranges.'),
    'coverage.schema.json': jsonSchema(CoverageReportSchema, 'output', 'Incent coverage', 'Which parts of a program a run over data, or its tests, reached (`incent run --coverage-format json`, `incent test --coverage-format json`): every rule, band, lookup entry, tier level, cap, budget and minimum with its line and what reached it.'),
    'exposure.schema.json': jsonSchema(ExposureReportSchema, 'output', 'Incent exposure', 'The most each pot of a program can pay — one partner in one period, all partners in one period, over the program — or what leaves it unbounded and the change that bounds it (`incent check --exposure --format json`, its `exposure`). Amounts are exact decimal strings in the pot\'s unit.'),
    'diff.schema.json': jsonSchema(DiffReportSchema, 'output', 'Incent diff', 'What changed between two versions of a program (`incent diff --format json`): changes in meaning by declaration and clause, and with data the payout impact per period — cost, pots, affected partners, tier moves, movers, budgets and caps, approvals, rules that fire anew. Amounts are exact decimal strings.'),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
  for (const [name, text] of Object.entries(schemaFiles())) {
    writeFileSync(dir + name, text);
    console.log(`schemas/${name}`);
  }
}
