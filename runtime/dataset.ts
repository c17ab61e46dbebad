/** Bridges validated input records (`records.ts`) and the evaluator's typed rows (`evaluate.ts`). */
import type { Artifact, FieldType } from './artifact.js';
import type { EventRow, Value } from './compile-ir.js';
import type { Dataset } from './evaluate.js';
import * as N from './num.js';
import { loadDataset, type Dataset as InputDataset, type RecordSchema } from './records.js';

const IMPLICIT_EVENT = new Set(['id', 'partner', 'date']);

/** The record schemas a program's data must follow: `partners` (when declared) and one per event kind. */
export function recordSchemas(a: Artifact): RecordSchema[] {
  const currency = a.program.currency;
  const schemas: RecordSchema[] = [];
  if (a.partner.declared) schemas.push({ file: 'partners', kind: 'partner', fields: a.partner.fields.filter((f) => f.name !== 'id'), currency });
  for (const ev of a.events) schemas.push({ file: ev.name, kind: 'event', fields: ev.fields.filter((f) => !IMPLICIT_EVENT.has(f.name)), currency });
  return schemas;
}

function convert(v: Value | undefined, t: FieldType | undefined): Value {
  if (v === undefined) return '';
  if (t === 'money' || t === 'decimal') return N.parseNum(String(v));
  if (t === 'integer') return typeof v === 'number' ? N.int(v) : N.parseNum(String(v));
  return v;
}

/** Typed rows for the evaluator from validated records. */
export function evaluationData(a: Artifact, input: InputDataset): Dataset {
  const ptypes = new Map(a.partner.fields.map((f) => [f.name, f.type]));
  const partners = (input.partners ?? input.partnerIds.map((id) => ({ id, values: {} as Record<string, Value> }))).map((r) => {
    const attrs: Record<string, Value> = {};
    for (const f of a.partner.fields) if (f.name !== 'id') attrs[f.name] = convert(r.values[f.name] as Value, ptypes.get(f.name));
    return { id: r.id, attrs };
  });
  const events: Record<string, EventRow[]> = {};
  for (const ev of a.events) {
    const rows = input.events.get(ev.name) ?? [];
    const fields = ev.fields.filter((f) => !IMPLICIT_EVENT.has(f.name));
    events[ev.name] = rows.map((r) => {
      const row: EventRow = { id: r.id, partner: r.partner, date: r.date! };
      for (const f of fields) row[f.name] = convert(r.values[f.name] as Value, f.type);
      return row;
    });
  }
  return { partners, events, rejected: input.rejected.length };
}

/** Loads a whole data set from file texts keyed by file name (`sale.csv`, `partners.json`). */
export function loadData(a: Artifact, texts: ReadonlyMap<string, string> | Record<string, string>): { input: InputDataset; data: Dataset } {
  const input = loadDataset(recordSchemas(a), texts);
  return { input, data: evaluationData(a, input) };
}
