/**
 * The redemptions a run could not apply (§13.1, D0401/D0402), placed in their data files: found by
 * the evaluator by event kind and id, they are given the file, line and raw form of their record
 * here — the kind's file read again (`read`: its text by name, undefined when absent) — so that
 * they are reported as `redemption.csv:3: …` and, with `--reject`, written to the reject folder
 * like any other rejected record. Browser-safe: the command reads the data folder, the playground
 * its tables.
 */
import type { Artifact } from '../artifact.js';
import { byPlace, DatasetBuilder, feedText, readRatesText, readRaw } from '../data/builder.js';
import type { RateTable } from '../data/exchange.js';
import { chooseDataFiles } from '../data/files.js';
import { recordSchemas } from '../data/load.js';
import { problem, type Problem, type RecordAt, type RejectedRecord } from '../data/problems.js';
import type { LedgerProblem } from './ledger.js';

export function placeLedgerProblems(read: (name: string) => string | undefined, a: Artifact, found: readonly LedgerProblem[]): { problems: Problem[]; rejected: RejectedRecord[] } {
  const problems: Problem[] = [];
  const rejected: RejectedRecord[] = [];
  const kinds = [...new Set(found.map((p) => p.kind))];
  const schemas = recordSchemas(a).filter((s) => s.kind === 'event' && kinds.includes(s.file));
  const texts = new Map<string, string>();
  const present = (name: string) => {
    const t = read(name);
    if (t !== undefined) texts.set(name, t);
    return t !== undefined;
  };
  const { files } = chooseDataFiles(schemas, present, () => {});
  // §13.4: records with `money any` amounts are valid only once converted: read at the same rates.
  let rates: RateTable | undefined;
  const ratesSchema = recordSchemas(a).find((s) => s.kind === 'rates');
  if (ratesSchema && schemas.some((s) => s.fields.some((f) => f.anyCurrency))) {
    const rf = chooseDataFiles([ratesSchema], present, () => {}).files[0];
    rates = readRatesText(ratesSchema, rf?.name, rf?.format ?? 'csv', rf ? texts.get(rf.name) : undefined).table;
  }
  for (const { schema, name, format } of files) {
    const mine = found.filter((p) => p.kind === schema.file);
    const ids = new Set(mine.map((p) => p.id));
    const text = texts.get(name)!;
    const at = new Map<string, RecordAt>();
    const b = new DatasetBuilder([schema], {
      record: (where, row, bad) => {
        const id = row['id'];
        if (!bad && typeof id === 'string' && ids.has(id) && !at.has(id)) at.set(id, { ...where });
      },
    }, rates);
    feedText(b, schema.file, name, format, text);
    const raw = readRaw(schema, new Set([...at.values()].map((x) => x.n)), (rb) => feedText(rb, schema.file, name, format, text));
    const byId = new Map<string, RejectedRecord>();
    for (const p of mine) {
      const where = at.get(p.id) ?? { line: 0, n: 0 };
      const reason = { code: p.code, message: p.message };
      problems.push(problem({ file: name, line: where.line, ...(where.record === undefined ? {} : { record: where.record }) }, reason));
      const r = byId.get(p.id);
      if (r) r.reasons.push(reason);
      else byId.set(p.id, { kind: schema.file, file: name, ...where, raw: raw.get(where.n), reasons: [reason] });
    }
    rejected.push(...byId.values());
  }
  // A kind whose file was not found again (it changed since the run read it): the problems without a line.
  for (const p of found) {
    if (files.some((f) => f.schema.file === p.kind)) continue;
    problems.push(problem({ file: `${p.kind}.csv`, line: 0 }, { code: p.code, message: `${p.kind} ${JSON.stringify(p.id)}: ${p.message}` }));
  }
  return { problems: problems.sort(byPlace), rejected: rejected.sort(byPlace) };
}
