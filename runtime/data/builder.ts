/** Input records at the boundary: every record of a data set converted and validated, every problem of every record, and the whole-dataset checks (duplicate ids, partners). */
import { parseDate, type Day } from '../../core/periods.js';
import * as N from '../num.js';
import type { EventRow } from '../compile-ir.js';
import type { PartnerRow } from '../results.js';
import { CsvScanner, CsvSyntaxError, scanCsv } from './csv.js';
import { Failure, MISSING } from './convert.js';
import { FastRow } from './fast-row.js';
import { chooseDataFiles } from './files.js';
import { IdTable } from './hash.js';
import { MAX_COLUMNS } from './limits.js';
import { duplicateId, problem, reason, show, unknownPartner, type FileStats, type Problem, type Reason, type RejectedRecord } from './problems.js';
import { compileSchema, type CompiledSchema, type RecordSchema, type Row, type Value } from './schema.js';


export interface InputDataset {
  /** Valid partner records sorted by id, when a partner schema was given; else undefined. */
  partners: PartnerRow[] | undefined;
  /** Every partner id, sorted: from the partner file, or (without one) the ids that valid events name. */
  partnerIds: string[];
  /** Valid events per kind (the schema's `file`), in the order read. */
  events: Map<string, EventRow[]>;
  /** Every problem, errors and warnings, sorted by file then line. */
  problems: Problem[];
  rejected: RejectedRecord[];
  files: FileStats[];
  /** The day of the latest valid event (for the periods of a run without an `end`). */
  latestDay: Day | undefined;
  /** Partner ids whose every record was rejected → where the first such record is (`partners.csv:4`). */
  rejectedPartners: Map<string, string>;
}


/** Whether a run must stop: any error (record errors only when rejected records are not accepted). */
export function hasBlockingProblems(d: InputDataset, acceptRejects: boolean): boolean {
  return d.problems.some((p) => p.severity === 'error' && (p.scope === 'file' || !acceptRejects));
}

// ---------------------------------------------------------------------------------------------
// Reading files into a dataset

/** Where an entry stands after the whole-dataset checks. */
const VALID = 0;
const REJECTED = 1;
const MERGED = 2;

/**
 * The records of one kind, in the order read, as parallel columns: the row (a valid record's typed
 * row; for a rejected one the fields that did convert, for the dataset checks), the line, the
 * file (index into `files`) and the status. Rejected records' details live in `rejected`. Ids are
 * indexed as they arrive: the first index per id, and every index of the ids seen more than once.
 */
interface KindState {
  kind: string;
  compiled: CompiledSchema;
  files: FileStats[];
  n: number;
  rows: Row[];
  lines: Int32Array;
  fileOf: Uint16Array;
  status: Uint8Array;
  rejected: Map<number, RejectedRecord>;
  firstById: IdTable;
  duplicates: Map<string, number[]>;
}

function grow<T extends Int32Array | Uint16Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/**
 * Where a streaming reader (`node-stream.ts`) takes the records instead of the builder keeping
 * them: each record as converted, in the order read; the builder keeps nothing per record.
 */
export interface RecordSink {
  /** A valid record's row (`rejected` undefined), or a rejected record's converted fields and its record (whose `raw` is attached just after). */
  record(line: number, row: Row, rejected: RejectedRecord | undefined): void;
  /** Records starting on this line are not converted (a later read of a file whose bad lines are known). */
  skip?(line: number): boolean;
}

/**
 * Collects the records of a data set file by file, then checks the whole (finish()).
 * Every record read ends up exactly once as valid, rejected, or merged into an identical one.
 * With a `sink`, records go to it as they are read and nothing per record is kept (finish() is
 * then not for use); the messages are the same.
 */
export class DatasetBuilder {
  private readonly kinds = new Map<string, KindState>();
  private readonly partnerKind: string | undefined;
  /** Every problem in the order found (record problems of whole-dataset checks come after those of reading). */
  readonly problems: Problem[] = [];

  constructor(
    schemas: readonly RecordSchema[],
    private readonly sink?: RecordSink,
  ) {
    let partnerKind: string | undefined;
    for (const s of schemas) {
      if (this.kinds.has(s.file)) throw new Error(`internal: two schemas for ${s.file}`);
      if (s.kind === 'partner') {
        if (partnerKind !== undefined) throw new Error('internal: two partner schemas');
        partnerKind = s.file;
      }
      const rows: Row[] = [];
      this.kinds.set(s.file, {
        kind: s.file,
        compiled: compileSchema(s),
        files: [],
        n: 0,
        rows,
        lines: new Int32Array(1024),
        fileOf: new Uint16Array(1024),
        status: new Uint8Array(1024),
        rejected: new Map(),
        firstById: new IdTable(rows),
        duplicates: new Map(),
      });
    }
    this.partnerKind = partnerKind;
  }

  private state(kind: string): KindState {
    const st = this.kinds.get(kind);
    if (!st) throw new Error(`internal: no schema for ${kind}`);
    return st;
  }

  /** The files read so far, with their counts (complete after finish()). */
  fileStats(): FileStats[] {
    return [...this.kinds.values()].flatMap((st) => st.files);
  }

  private newStats(kind: string, file: string): FileStats {
    const stats: FileStats = { kind, file, input: 0, valid: 0, rejected: 0, merged: 0 };
    const st = this.state(kind);
    if (st.files.length === 0xffff) throw new Error(`internal: too many files for ${kind}`);
    st.files.push(stats);
    return stats;
  }

  /** A problem of a whole file (missing file, bad header, broken quoting, bad JSON), or a warning about it. */
  fileProblem(file: string, line: number, r: Reason): void {
    this.problems.push(problem({ file, line }, r));
  }

  /** Appends an entry (a valid row, or a rejected record's converted fields); returns its index. */
  private push(st: KindState, fileIndex: number, line: number, row: Row, status: number, rejected?: RejectedRecord): number {
    if (this.sink) {
      this.sink.record(line, row, rejected);
      return -1;
    }
    const i = st.n++;
    if (i === st.lines.length) {
      const size = i * 2;
      st.lines = grow(st.lines, size);
      st.fileOf = grow(st.fileOf, size);
      st.status = grow(st.status, size);
    }
    st.rows.push(row);
    st.lines[i] = line;
    st.fileOf[i] = fileIndex;
    st.status[i] = status;
    if (rejected) st.rejected.set(i, rejected);
    const id = row.id;
    if (typeof id === 'string') {
      const first = st.firstById.firstOrAdd(id, i);
      if (first >= 0) {
        const all = st.duplicates.get(id);
        if (all) all.push(i);
        else st.duplicates.set(id, [first, i]);
      }
    }
    return i;
  }

  /**
   * Converts one record. `extra`: problems found before conversion (then the record is rejected);
   * `quiet`: they are already reported once for the file, so they only go to the rejected record.
   * Returns the rejected record, if it was rejected, for the caller to attach its raw form.
   */
  private add(kind: string, stats: FileStats, line: number, obj: Record<string, unknown>, extra: Reason[], quiet = false): RejectedRecord | undefined {
    const st = this.state(kind);
    const c = st.compiled;
    stats.input++;
    const r = extra.length === 0 ? c.zod.safeParse(obj) : undefined;
    if (r?.success) {
      this.push(st, st.files.indexOf(stats), line, r.data, VALID);
      return undefined;
    }
    // Rejected: collect every problem, and the values that did convert (for the dataset checks).
    const partial: Row = {};
    const reasons: Reason[] = [...extra];
    for (let i = 0; i < c.fields.length; i++) {
      const name = c.names[i];
      const v = c.converters[i](obj[name]);
      if (v instanceof Failure) {
        if (!(extra.length > 0 && v === MISSING)) reasons.push({ ...v.reason, field: name });
      } else partial[name] = v;
    }
    return this.reject(kind, stats, line, partial, reasons, quiet ? extra.length : 0);
  }

  /** Records a rejected record; its reasons are problems too, except the first `quiet` ones. */
  private reject(kind: string, stats: FileStats, line: number, partial: Row, reasons: Reason[], quiet = 0): RejectedRecord {
    for (let i = quiet; i < reasons.length; i++) this.problems.push(problem({ file: stats.file, line }, reasons[i]!));
    const rejected: RejectedRecord = { kind, file: stats.file, line, raw: undefined, reasons };
    const st = this.state(kind);
    this.push(st, st.files.indexOf(stats), line, partial, REJECTED, rejected);
    return rejected;
  }

  /**
   * Starts a CSV file: returns a row handler for the CsvScanner (or scanCsv) and a function to
   * call at the end. The first row is the header.
   */
  csvFile(kind: string, file: string): { row: (fields: string[], line: number) => void; end: () => void } {
    const st = this.state(kind);
    const c = st.compiled;
    const stats = this.newStats(kind, file);
    const fileIndex = st.files.length - 1;
    const fast = new FastRow(c, this.sink === undefined || 'partner');
    let header: string[] | undefined;
    let columnOf: number[] = [];
    let headerBroken: string | undefined;
    let sawHeader = false;
    const row = (fields: string[], line: number): void => {
      if (!sawHeader) {
        sawHeader = true;
        header = fields;
        stats.columns = fields;
        if (fields.length > MAX_COLUMNS) {
          this.fileProblem(file, line, reason('D0109', { count: fields.length.toLocaleString('en-US'), limit: MAX_COLUMNS.toLocaleString('en-US') }));
          headerBroken = 'the header has too many columns';
          columnOf = c.names.map(() => -1);
          return;
        }
        const index = new Map<string, number>();
        fields.forEach((h, i) => {
          if (index.has(h)) this.fileProblem(file, line, reason('D0102', { column: h }));
          else index.set(h, i);
        });
        const missing = c.names.filter((n) => !index.has(n));
        const shownHeader = fields.length > 20 ? `${fields.slice(0, 20).join(', ')}, … (${fields.length} columns)` : fields.join(', ');
        for (const n of missing) this.fileProblem(file, line, reason('D0103', { column: n, header: shownHeader }));
        const unknown = fields.filter((h) => !c.names.includes(h));
        if (unknown.length > 0) this.fileProblem(file, line, reason('D0104', { columns: unknown }));
        if (missing.length > 0) headerBroken = `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`;
        else if (index.size !== fields.length) headerBroken = 'a column appears twice in the header';
        columnOf = c.names.map((n) => index.get(n) ?? -1);
        return;
      }
      const h = header!;
      if (this.sink?.skip?.(line)) {
        stats.input++;
        return;
      }
      if (headerBroken === undefined && fields.length === h.length) {
        const r = fast.convert(fields, columnOf);
        if (r !== undefined) {
          stats.input++;
          this.push(st, fileIndex, line, r, VALID);
          return;
        }
      }
      const extra: Reason[] = [];
      if (headerBroken) extra.push(reason('D0201', { reason: headerBroken }));
      else if (fields.length !== h.length) extra.push(reason('D0202', { count: fields.length, header: h.length }));
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < columnOf.length; i++) {
        const k = columnOf[i];
        obj[c.names[i]] = k >= 0 ? fields[k] : undefined;
      }
      const rejected = this.add(kind, stats, line, obj, extra, headerBroken !== undefined);
      if (rejected) {
        // every cell, by column name (cells beyond the header as #N)
        const raw: Record<string, string> = {};
        for (let i = 0; i < Math.max(h.length, fields.length); i++) raw[i < h.length ? h[i] : `#${i + 1}`] = fields[i] ?? '';
        rejected.raw = raw;
      }
    };
    const end = (): void => {
      if (!sawHeader) this.fileProblem(file, 1, reason('D0101', {}));
    };
    return { row, end };
  }

  /** A whole CSV text (a syntax error is a problem of the file; the rows before it were read). */
  addCsvText(kind: string, file: string, text: string | Uint8Array): void {
    const f = this.csvFile(kind, file);
    try {
      scanCsv(text, f.row);
      f.end();
    } catch (e) {
      this.csvError(file, e);
    }
  }

  /** Reports an exception from a CsvScanner or from UTF-8 decoding as a problem of the file. */
  csvError(file: string, e: unknown): void {
    if (e instanceof CsvSyntaxError) this.fileProblem(file, e.line, e.reason);
    else if (e instanceof TypeError) this.fileProblem(file, 0, reason('D0005', {}));
    else throw e;
  }

  /** A streaming CSV reader for this file: push decoded text chunks, then end(). */
  csvScanner(kind: string, file: string): { push: (chunk: string) => void; end: () => void } {
    const f = this.csvFile(kind, file);
    const scanner = new CsvScanner(f.row);
    let failed = false;
    return {
      push: (chunk) => {
        if (failed) return;
        try {
          scanner.push(chunk);
        } catch (e) {
          failed = true;
          this.csvError(file, e);
        }
      },
      end: () => {
        if (failed) return;
        try {
          scanner.end();
          f.end();
        } catch (e) {
          this.csvError(file, e);
        }
      },
    };
  }

  private jsonElement(kind: string, stats: FileStats, unknownKeys: Set<string>, line: number, v: unknown): void {
    const c = this.state(kind).compiled;
    if (this.sink?.skip?.(line)) {
      stats.input++;
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      const rejected = this.add(kind, stats, line, {}, [reason('D0114', { value: show(v) })]);
      if (rejected) rejected.raw = v;
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!c.names.includes(k) && !unknownKeys.has(k)) {
        unknownKeys.add(k);
        this.fileProblem(stats.file, line, reason('D0113', { key: k }));
      }
    }
    const rejected = this.add(kind, stats, line, o, []);
    if (rejected) rejected.raw = v;
  }

  /** A JSON file: an array of objects. Line numbers are those where each element starts. */
  addJsonText(kind: string, file: string, text: string): void {
    const stats = this.newStats(kind, file);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const line = m ? lineAt(text, Number(m[1])) : 1;
      this.fileProblem(file, line, reason('D0111', { reason: (e as Error).message }));
      return;
    }
    if (!Array.isArray(data)) {
      this.fileProblem(file, 1, reason('D0112', {}));
      return;
    }
    const lines = jsonArrayElementLines(text);
    const unknownKeys = new Set<string>();
    data.forEach((v, i) => this.jsonElement(kind, stats, unknownKeys, lines[i] ?? 1, v));
  }

  /** An NDJSON reader: push text chunks, then end(). One JSON object per line; empty lines are skipped. */
  ndjsonFile(kind: string, file: string): { push: (chunk: string) => void; end: () => void } {
    const stats = this.newStats(kind, file);
    const unknownKeys = new Set<string>();
    let buffer = '';
    let line = 1;
    let first = true;
    const one = (text: string, at: number): void => {
      if (text.trim() === '') return;
      if (this.sink?.skip?.(at)) {
        stats.input++;
        return;
      }
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        stats.input++;
        const rejected = this.reject(kind, stats, at, {}, [reason('D0115', { reason: (e as Error).message })]);
        rejected.raw = text;
        return;
      }
      this.jsonElement(kind, stats, unknownKeys, at, v);
    };
    const push = (chunk: string): void => {
      if (first && chunk.length > 0) {
        first = false;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      buffer += chunk;
      let start = 0;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n', start)) {
        one(buffer.slice(start, nl), line++);
        start = nl + 1;
      }
      buffer = buffer.slice(start);
    };
    const end = (): void => {
      if (buffer.length > 0) one(buffer, line);
      buffer = '';
    };
    return { push, end };
  }

  addNdjsonText(kind: string, file: string, text: string): void {
    const f = this.ndjsonFile(kind, file);
    f.push(text);
    f.end();
  }

  /** The whole-dataset checks; then the result. Call once. */
  finish(): InputDataset {
    // 1. duplicate ids, per kind
    for (const st of this.kinds.values()) this.resolveDuplicates(st);

    // 2. partners
    let partners: PartnerRow[] | undefined;
    let partnerIds: string[];
    const validPartner = new Set<string>();
    const rejectedPartner = new Map<string, string>();
    if (this.partnerKind !== undefined) {
      const st = this.state(this.partnerKind);
      const valid: Row[] = [];
      for (let i = 0; i < st.n; i++) {
        const r = st.rows[i];
        if (st.status[i] === VALID) {
          valid.push(r);
          validPartner.add(r.id as string);
        } else if (st.status[i] === REJECTED && typeof r.id === 'string' && !rejectedPartner.has(r.id)) {
          rejectedPartner.set(r.id, `${st.files[st.fileOf[i]].file}:${st.lines[i]}`);
        }
      }
      valid.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const fieldNames = st.compiled.names.filter((n) => n !== 'id');
      partners = valid.map((r) => {
        const attrs: Record<string, Value> = {};
        for (const n of fieldNames) attrs[n] = r[n];
        return { id: r.id as string, attrs };
      });
      partnerIds = partners.map((p) => p.id);
      const partnerFiles = st.files.map((f) => f.file).join(', ') || 'the partner file';
      for (const ks of this.kinds.values()) {
        if (ks.kind === this.partnerKind) continue;
        for (let i = 0; i < ks.n; i++) {
          if (ks.status[i] === MERGED) continue;
          const p = ks.rows[i].partner;
          if (typeof p !== 'string' || validPartner.has(p)) continue;
          const where = rejectedPartner.get(p);
          this.rejectEntry(ks, i, unknownPartner(p, where, partnerFiles));
        }
      }
    }

    // 3. results
    const events = new Map<string, EventRow[]>();
    const rejected: RejectedRecord[] = [];
    const files: FileStats[] = [];
    const idsFromEvents = new Set<string>();
    let latestDate: string | undefined; // YYYY-MM-DD: the latest date is the greatest string
    for (const st of this.kinds.values()) {
      for (const f of st.files) files.push(f);
      const isEvent = st.kind !== this.partnerKind;
      // counts: valid = input - rejected - merged (only the few others are looked at)
      for (const stats of st.files) stats.valid = stats.input;
      for (const i of [...st.rejected.keys()].sort((a, b) => a - b)) {
        const stats = st.files[st.fileOf[i]];
        stats.valid--;
        stats.rejected++;
        rejected.push(st.rejected.get(i)!); // in the order read (the sort below is stable)
      }
      for (const group of st.duplicates.values()) {
        for (const i of group) {
          if (st.status[i] !== MERGED) continue;
          const stats = st.files[st.fileOf[i]];
          stats.valid--;
          stats.merged++;
        }
      }
      if (!isEvent) continue;
      const all = st.rejected.size === 0 && st.duplicates.size === 0; // every entry valid
      const list: EventRow[] = all ? (st.rows as EventRow[]) : [];
      for (let i = 0; i < st.n; i++) {
        if (!all && st.status[i] !== VALID) continue;
        const r = st.rows[i] as EventRow;
        if (!all) list.push(r);
        if (this.partnerKind === undefined) idsFromEvents.add(r.partner);
        if (latestDate === undefined || r.date > latestDate) latestDate = r.date;
      }
      events.set(st.kind, list);
    }
    if (this.partnerKind === undefined) partnerIds = [...idsFromEvents].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const byPlace = <T extends { file: string; line: number }>(a: T, b: T) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
    rejected.sort(byPlace);
    const problems = [...this.problems].sort(byPlace); // stable: same-line problems keep their order
    const latestDay = latestDate === undefined ? undefined : parseDate(latestDate);
    return { partners, partnerIds: partnerIds!, events, problems, rejected, files, latestDay, rejectedPartners: rejectedPartner };
  }

  /** Rejects entry i (valid or already rejected) for one more reason, found by a whole-dataset check. */
  private rejectEntry(st: KindState, i: number, why: Reason): void {
    const file = st.files[st.fileOf[i]].file;
    const line = st.lines[i];
    this.problems.push(problem({ file, line }, why));
    let r = st.rejected.get(i);
    if (r === undefined) {
      r = { kind: st.kind, file, line, raw: rawOfRow(st.rows[i]), reasons: [] };
      st.rejected.set(i, r);
      st.status[i] = REJECTED;
    }
    r.reasons.push(why);
  }

  private resolveDuplicates(st: KindState): void {
    const names = st.compiled.names;
    const place = (i: number) => `${st.files[st.fileOf[i]].file}:${st.lines[i]}`;
    for (const [id, group] of st.duplicates) {
      group.sort((a, b) => {
        const fa = st.files[st.fileOf[a]].file;
        const fb = st.files[st.fileOf[b]].file;
        return fa < fb ? -1 : fa > fb ? 1 : st.lines[a] - st.lines[b];
      });
      const first = st.rows[group[0]];
      const identical = group.every((i) => st.status[i] === VALID && names.every((n) => sameValue(st.rows[i][n], first[n])));
      if (identical) {
        for (const i of group.slice(1)) st.status[i] = MERGED; // counted once (the first by file and line)
        continue;
      }
      for (const i of group) {
        const others = group.filter((o) => o !== i).map(place);
        this.rejectEntry(st, i, duplicateId(id, others));
      }
    }
  }
}


/** Equal typed values (`10` and `10.00 EUR` are the same amount). */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return N.cmp(a, b) === 0;
}

/** A valid record rejected by a whole-dataset check, as text: its typed values by field name. */
export function rawOfRow(r: Row): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'object' ? N.toText(v) : String(v);
  return out;
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The line on which each element of a top-level JSON array starts (the text must be valid JSON). */
export function jsonArrayElementLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let depth = 0;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (expectElement && c !== 93) {
      out.push(line);
      expectElement = false;
    }
    if (c === 34) {
      // skip a string
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      continue;
    }
    if (c === 91 || c === 123) {
      depth++;
      if (depth === 1 && c === 91) expectElement = true;
    } else if (c === 93 || c === 125) {
      depth--;
      expectElement = false;
    } else if (c === 44 && depth === 1) expectElement = true;
  }
  return out;
}

/** Convenience for tests and the browser: a whole data set from texts keyed by file name (`sale.csv`, `partners.json`). */
export function loadDataset(schemas: readonly RecordSchema[], texts: ReadonlyMap<string, string> | Record<string, string>): InputDataset {
  const map = texts instanceof Map ? texts : new Map(Object.entries(texts));
  const b = new DatasetBuilder(schemas);
  const { files } = chooseDataFiles(schemas, (name) => map.has(name), (file, why) => b.fileProblem(file, 0, why));
  for (const { schema, name, format } of files) {
    const text = map.get(name)!;
    if (format === 'csv') b.addCsvText(schema.file, name, text);
    else if (format === 'json') b.addJsonText(schema.file, name, text);
    else b.addNdjsonText(schema.file, name, text);
  }
  return b.finish();
}
