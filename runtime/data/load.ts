/** A program's data from texts: its record schemas, and validated input records (`builder.ts`, which already types values as the evaluator reads them) as the evaluator's `Dataset` (`../evaluate.ts`). */
import type { Artifact, FieldSpec } from '../artifact.js';
import type { EventRow, Value } from '../compile-ir.js';
import type { Dataset } from '../results.js';
import { loadDataset, type InputDataset } from './builder.js';
import { ratesSchema } from './exchange.js';
import type { RecordSchema } from './schema.js';

const IMPLICIT_EVENT = new Set(['id', 'partner', 'date']);
const IMPLICIT_PARTNER = new Set(['id']);

/** The columns of implicit fields read from another column (`id: text from "Invoice"`), when any is. */
function implicitColumns(fields: readonly FieldSpec[], implicit: ReadonlySet<string>): { implicitColumns?: Record<string, string> } {
  const mapped = fields.filter((f) => implicit.has(f.name) && f.column !== undefined);
  return mapped.length ? { implicitColumns: Object.fromEntries(mapped.map((f) => [f.name, f.column!])) } : {};
}

/** The record schemas a program's data must follow: `partners` (when declared), one per event kind, and `rates` (§13.4) with `exchange rates`. */
export function recordSchemas(a: Artifact): RecordSchema[] {
  const currency = a.program.currency;
  const schemas: RecordSchema[] = [];
  if (a.partner.declared) {
    schemas.push({ file: 'partners', kind: 'partner', fields: a.partner.fields.filter((f) => !IMPLICIT_PARTNER.has(f.name)), ...implicitColumns(a.partner.fields, IMPLICIT_PARTNER), currency });
  }
  for (const ev of a.events) schemas.push({ file: ev.name, kind: 'event', fields: ev.fields.filter((f) => !IMPLICIT_EVENT.has(f.name)), ...implicitColumns(ev.fields, IMPLICIT_EVENT), currency });
  // §13.4: with `exchange rates`, the data has a `rates.csv`, read before the events.
  const rates = ratesSchema(a);
  if (rates) schemas.push(rates);
  return schemas;
}

/**
 * The evaluator's rows from validated records: the same row objects (no copy). Without a partner
 * declaration, the partners are the ids that events name, with no attributes.
 */
export function evaluationData(a: Artifact, input: InputDataset): Dataset {
  const partners =
    input.partners ??
    input.partnerIds.map((id) => {
      const attrs: Record<string, Value> = {};
      for (const f of a.partner.fields) if (f.name !== 'id') attrs[f.name] = '';
      return { id, attrs };
    });
  const events: Record<string, EventRow[]> = {};
  for (const ev of a.events) events[ev.name] = input.events.get(ev.name) ?? [];
  return { partners, events, rejected: input.rejected.length };
}

/** Loads a whole data set from file texts keyed by file name (`sale.csv`, `partners.json`). */
export function loadData(a: Artifact, texts: ReadonlyMap<string, string> | Record<string, string>): { input: InputDataset; data: Dataset } {
  const input = loadDataset(recordSchemas(a), texts);
  return { input, data: evaluationData(a, input) };
}
