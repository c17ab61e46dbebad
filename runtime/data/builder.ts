/** Input records at the boundary: every record of a data set converted and validated, every problem of every record, and the whole-dataset checks (duplicate ids, partners). */
import { parseDate, type Day } from '../../core/periods.js';
import * as N from '../num.js';
import type { EventRow } from '../compile-ir.js';
import type { PartnerRow } from '../results.js';
import { CsvScanner, CsvSyntaxError, scanCsv } from './csv.js';
import { Failure, MISSING } from './convert.js';
import { FastRow } from './fast-row.js';
import { anyFields, convertRecord, readRates, type AnyField, type RateTable, type RatesRead } from './exchange.js';
import { chooseDataFiles, type DataFormat } from './files.js';
import { IdTable } from './hash.js';
import { jsonError, jsonStructure, lineAt } from './json.js';
import { MAX_COLUMNS, MAX_JSON_DEPTH, MAX_LINE_CHARS } from './limits.js';
import { duplicateId, placeText, problem, reason, show, unknownPartner, unknownRecord, type FileStats, type Problem, type Reason, type RecordAt, type RejectedRecord } from './problems.js';
import { compileSchema, NO_DEFAULT, type CompiledSchema, type RecordSchema, type Row, type Value } from './schema.js';


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
 * row; for a rejected one the fields that did convert, for the dataset checks), the line, its
 * number in its file, the file (index into `files`) and the status. Rejected records' details live
 * in `rejected`; records that share their line are numbered in `shared`. Ids are indexed as they
 * arrive: the first index per id, and every index of the ids seen more than once.
 */
interface KindState {
  kind: string;
  compiled: CompiledSchema;
  files: FileStats[];
  n: number;
  rows: Row[];
  lines: Int32Array;
  ns: Int32Array;
  fileOf: Uint16Array;
  status: Uint8Array;
  shared: Map<number, number>;
  rejected: Map<number, RejectedRecord>;
  firstById: IdTable;
  duplicates: Map<string, number[]>;
  /** The `money any` fields (§13.4), converted at the rates once the record's fields have converted; none for most kinds. */
  any: AnyField[];
}

function grow<T extends Int32Array | Uint16Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/**
 * Where a streaming reader (`node-stream.ts`) takes the records instead of the builder keeping
 * them: each record as converted, in the order read; the builder keeps nothing per record.
 * Records are known by their number in the file (`at.n`), which every read of a file gives alike.
 */
export interface RecordSink {
  /** A valid record's row (`rejected` undefined), or a rejected record's converted fields and its record (whose `raw` is attached just after). */
  record(at: RecordAt, row: Row, rejected: RejectedRecord | undefined): void;
  /** Records with this number are not converted (a later read of a file whose bad records are known). */
  skip?(n: number): boolean;
  /** Whether the raw form of the record with this number is wanted: it is given to `raw`, as read, before anything else. */
  wantRaw?(n: number): boolean;
  raw?(n: number, raw: unknown): void;
}

/** The reading of one CSV file: its rows (the header first), its end; and for a reader that converts some records itself (`bytes.ts`), the header's columns and the counting of those records. */
export interface CsvFile {
  row: (fields: string[], line: number) => void;
  end: () => void;
  /** Each schema field's column and the header's width, once a usable header was read; `false` after an unusable one. */
  header: () => { columnOf: readonly number[]; width: number } | false | undefined;
  /** Counts a record the caller converted itself (it gives its number, as `row` would have). */
  countRecord: () => number;
  /** Counts `n` records converted elsewhere (`tail.ts`), as `countRecord` n times. */
  countRecords: (n: number) => void;
}

/** A CSV row as read, for a rejected record: its cells (the header is in the file's stats). */
function csvRaw(fields: readonly string[]): string[] {
  return [...fields];
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
    /** The exchange rates (§13.4) that `money any` amounts are converted at; without them, every amount in another currency lacks its rate. */
    private readonly rates?: RateTable,
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
        ns: new Int32Array(1024),
        fileOf: new Uint16Array(1024),
        status: new Uint8Array(1024),
        shared: new Map(),
        rejected: new Map(),
        firstById: new IdTable(rows),
        duplicates: new Map(),
        any: anyFields(s),
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

  /**
   * The next record of a file: counts it, and says whether to go on with it (a sink may skip it).
   * Gives its raw form first, when the sink wants it.
   */
  private next(stats: FileStats, raw: () => unknown): boolean {
    const n = ++stats.input;
    if (this.sink?.wantRaw?.(n)) this.sink.raw!(n, raw());
    return !this.sink?.skip?.(n);
  }

  /** Appends an entry (a valid row, or a rejected record's converted fields); returns its index. */
  private push(st: KindState, fileIndex: number, at: RecordAt, row: Row, status: number, rejected?: RejectedRecord): number {
    if (this.sink) {
      this.sink.record(at, row, rejected);
      return -1;
    }
    const i = st.n++;
    if (i === st.lines.length) {
      const size = i * 2;
      st.lines = grow(st.lines, size);
      st.ns = grow(st.ns, size);
      st.fileOf = grow(st.fileOf, size);
      st.status = grow(st.status, size);
    }
    st.rows.push(row);
    st.lines[i] = at.line;
    st.ns[i] = at.n;
    if (at.record !== undefined) st.shared.set(i, at.record);
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
   * Converts one record (already counted). `extra`: problems found before conversion (then the
   * record is rejected); `quiet`: they are already reported once for the file, so they only go to
   * the rejected record. Returns the rejected record, if it was rejected, for the caller to
   * attach its raw form.
   */
  private add(kind: string, stats: FileStats, at: RecordAt, obj: Record<string, unknown>, extra: Reason[], quiet = false): RejectedRecord | undefined {
    const st = this.state(kind);
    const c = st.compiled;
    const row = extra.length === 0 ? c.parse(obj) : undefined;
    if (row !== undefined) {
      const why = st.any.length === 0 ? undefined : convertRecord(st.any, row, this.rates, c.schema.currency);
      if (why === undefined || why.length === 0) {
        this.push(st, st.files.indexOf(stats), at, row, VALID);
        return undefined;
      }
      return this.reject(kind, stats, at, row, why.map((r) => withColumn(c, r)));
    }
    // Rejected: collect every problem, and the values that did convert (for the dataset checks).
    const partial: Row = {};
    const reasons: Reason[] = [...extra];
    for (let i = 0; i < c.fields.length; i++) {
      const name = c.names[i];
      const v = c.converters[i](obj[name]);
      if (v instanceof Failure) {
        if (!(extra.length > 0 && v === MISSING)) reasons.push(withColumn(c, { ...v.reason, field: name }));
      } else partial[name] = v;
    }
    // The amounts in another currency whose fields did convert: what their conversion says too.
    if (st.any.length > 0) for (const r of convertRecord(st.any, partial, this.rates, c.schema.currency)) reasons.push(withColumn(c, r));
    return this.reject(kind, stats, at, partial, reasons, quiet ? extra.length : 0);
  }

  /** Records a rejected record; its reasons are problems too, except the first `quiet` ones. */
  private reject(kind: string, stats: FileStats, at: RecordAt, partial: Row, reasons: Reason[], quiet = 0): RejectedRecord {
    for (let i = quiet; i < reasons.length; i++) this.problems.push(problem({ file: stats.file, ...at }, reasons[i]!));
    const rejected: RejectedRecord = { kind, file: stats.file, ...at, raw: undefined, reasons };
    const st = this.state(kind);
    this.push(st, st.files.indexOf(stats), at, partial, REJECTED, rejected);
    return rejected;
  }

  /**
   * Starts a CSV file: returns a row handler for the CsvScanner (or scanCsv) and a function to
   * call at the end. The first row is the header.
   */
  csvFile(kind: string, file: string): CsvFile {
    const st = this.state(kind);
    const c = st.compiled;
    const stats = this.newStats(kind, file);
    const fileIndex = st.files.length - 1;
    let fast: FastRow | undefined;
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
        // A field's column is its name, or the header it is mapped to (`from "…"`, §12.1). A field
        // with a default may have no column: every record then takes the default (D0119, a warning).
        const absent = c.columns.flatMap((col, i) => (index.has(col) ? [] : [i]));
        const missing = absent.filter((i) => c.defaults[i] === NO_DEFAULT).map((i) => c.columns[i]);
        const shownHeader = fields.length > 20 ? `${fields.slice(0, 20).join(', ')}, … (${fields.length} columns)` : fields.join(', ');
        for (const i of absent) {
          const field = c.columns[i] !== c.names[i] ? { field: c.names[i] } : {};
          if (c.defaults[i] === NO_DEFAULT) this.fileProblem(file, line, reason('D0103', { column: c.columns[i], header: shownHeader, ...field }));
          else this.fileProblem(file, line, reason('D0119', { column: c.columns[i], ...field }));
        }
        const unknown = fields.filter((h) => !c.columns.includes(h));
        if (unknown.length > 0) this.fileProblem(file, line, reason('D0104', { columns: unknown }));
        if (missing.length > 0) headerBroken = `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`;
        else if (index.size !== fields.length) headerBroken = 'a column appears twice in the header';
        columnOf = c.columns.map((col) => index.get(col) ?? -1);
        if (headerBroken === undefined) fast = new FastRow(c, this.sink === undefined || 'partner', columnOf);
        return;
      }
      const h = header!;
      if (!this.next(stats, () => csvRaw(fields))) return;
      const at: RecordAt = { line, n: stats.input };
      if (headerBroken === undefined && fields.length === h.length && fast && st.any.length === 0) {
        const r = fast.convert(fields, columnOf);
        if (r !== undefined) {
          this.push(st, fileIndex, at, r, VALID);
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
      const rejected = this.add(kind, stats, at, obj, extra, headerBroken !== undefined);
      if (rejected) rejected.raw = csvRaw(fields);
    };
    const end = (): void => {
      if (!sawHeader) this.fileProblem(file, 1, reason('D0101', {}));
    };
    return {
      row,
      end,
      header: () => (!sawHeader ? undefined : headerBroken !== undefined ? false : { columnOf, width: header!.length }),
      countRecord: () => ++stats.input,
      countRecords: (n: number) => {
        stats.input += n;
      },
    };
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

  /** One JSON record (an element of an array file, or an NDJSON line), already counted. */
  private jsonRecord(kind: string, stats: FileStats, unknownKeys: Set<string>, at: RecordAt, v: unknown, extra: Reason[]): void {
    const c = this.state(kind).compiled;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      const rejected = this.add(kind, stats, at, {}, [reason('D0114', { value: show(v) })]);
      if (rejected) rejected.raw = v;
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!c.columns.includes(k) && !unknownKeys.has(k)) {
        unknownKeys.add(k);
        this.fileProblem(stats.file, at.line, reason('D0113', { key: k }));
      }
    }
    const rejected = this.add(kind, stats, at, c.mapped ? byField(c, o) : o, extra);
    if (rejected) rejected.raw = v;
  }

  /** A JSON file: an array of objects. Line numbers are those where each element starts. */
  addJsonText(kind: string, file: string, text: string): void {
    const stats = this.newStats(kind, file);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const structure = jsonStructure(text, true);
    if (structure.tooDeep !== undefined) {
      this.fileProblem(file, structure.tooDeep, reason('D0117', { limit: String(MAX_JSON_DEPTH) }));
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const line = m ? lineAt(text, Number(m[1])) : 1;
      this.fileProblem(file, line, reason('D0111', { reason: jsonError(e as Error) }));
      return;
    }
    if (!Array.isArray(data)) {
      this.fileProblem(file, 1, reason('D0112', {}));
      return;
    }
    const records = structure.records;
    const unknownKeys = new Set<string>();
    for (let i = 0; i < data.length; i++) {
      const v: unknown = data[i];
      if (!this.next(stats, () => v)) continue;
      const info = records[i];
      const line = info?.line ?? 1;
      // Records that start on one line are told apart by their number in the file.
      const shared = records[i - 1]?.line === line || records[i + 1]?.line === line;
      const at: RecordAt = { line, n: stats.input, ...(shared ? { record: i + 1 } : {}) };
      this.jsonRecord(kind, stats, unknownKeys, at, v, info?.duplicateKey === undefined ? [] : [reason('D0116', { key: info.duplicateKey })]);
    }
  }

  /**
   * An NDJSON reader: push text chunks, then end(). One JSON object per line (a line ends with
   * LF, CRLF or a lone CR, as in CSV); empty lines are skipped.
   */
  ndjsonFile(kind: string, file: string): { push: (chunk: string) => void; end: () => void } {
    const stats = this.newStats(kind, file);
    const unknownKeys = new Set<string>();
    let buffer = '';
    let line = 1;
    let first = true;
    let failed = false;
    const one = (text: string, at: number): void => {
      if (text.trim() === '') return;
      if (!this.next(stats, () => text)) return;
      const where: RecordAt = { line: at, n: stats.input };
      const structure = jsonStructure(text, false);
      if (structure.tooDeep !== undefined) {
        const rejected = this.reject(kind, stats, where, {}, [reason('D0118', { limit: String(MAX_JSON_DEPTH) })]);
        rejected.raw = text;
        return;
      }
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        const rejected = this.reject(kind, stats, where, {}, [reason('D0115', { reason: jsonError(e as Error) })]);
        rejected.raw = text;
        return;
      }
      const dup = structure.records[0]?.duplicateKey;
      this.jsonRecord(kind, stats, unknownKeys, where, v, dup === undefined ? [] : [reason('D0116', { key: dup })]);
    };
    /** Takes the complete lines of the buffer; at the end (`final`), the rest too. */
    const lines = (final: boolean): void => {
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        if (c === 13 && i + 1 === buffer.length && !final) break; // an LF may follow in the next chunk
        one(buffer.slice(start, i), line++);
        if (c === 13 && buffer.charCodeAt(i + 1) === 10) i++;
        start = i + 1;
      }
      buffer = buffer.slice(start);
      if (final && buffer.length > 0) one(buffer, line);
      else if (buffer.length > MAX_LINE_CHARS) {
        failed = true;
        this.fileProblem(file, line, reason('D0107', { limit: MAX_LINE_CHARS.toLocaleString('en-US') }));
      }
    };
    const push = (chunk: string): void => {
      if (failed) return;
      if (first && chunk.length > 0) {
        first = false;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      // Only the new characters are searched for a line break: a long line costs its length once.
      const from = Math.max(0, buffer.length - 1);
      buffer += chunk;
      let k = from;
      while (k < buffer.length && buffer.charCodeAt(k) !== 10 && buffer.charCodeAt(k) !== 13) k++;
      if (k === buffer.length) {
        if (buffer.length > MAX_LINE_CHARS) {
          failed = true;
          this.fileProblem(file, line, reason('D0107', { limit: MAX_LINE_CHARS.toLocaleString('en-US') }));
        }
        return;
      }
      lines(false);
    };
    const end = (): void => {
      if (failed) return;
      lines(true);
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
          rejectedPartner.set(r.id, this.place(st, i));
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
      const partnerFiles = st.files.map((f) => f.file).join(', ');
      // Without a readable partner file (missing, several, a broken header), the run stops on that
      // one problem: events are not each reported as naming an unknown partner.
      const readable = st.files.length === 1 && !this.problems.some((p) => p.scope === 'file' && p.severity === 'error' && p.file === st.files[0]!.file);
      if (readable) for (const ks of this.kinds.values()) {
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

    // 2b. `ref` fields (§12.3), the named kinds first
    for (const kind of refOrder(this.kinds)) this.checkRefs(this.state(kind));

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
    rejected.sort(byPlace);
    const problems = [...this.problems].sort(byPlace); // stable: same-line problems keep their order
    const latestDay = latestDate === undefined ? undefined : parseDate(latestDate);
    return { partners, partnerIds: partnerIds!, events, problems, rejected, files, latestDay, rejectedPartners: rejectedPartner };
  }

  /** Where entry i is: its file, line, and record number when it shares its line. */
  private at(st: KindState, i: number): { file: string } & RecordAt {
    const record = st.shared.get(i);
    return { file: st.files[st.fileOf[i]].file, line: st.lines[i], n: st.ns[i], ...(record === undefined ? {} : { record }) };
  }

  private place(st: KindState, i: number): string {
    return placeText(this.at(st, i));
  }

  /**
   * Rejects entry i (valid or already rejected) for one more reason, found by a whole-dataset
   * check. A record that was valid has no raw form yet: `loadDataset` reads it again.
   */
  private rejectEntry(st: KindState, i: number, reason: Reason): void {
    const why = withColumn(st.compiled, reason);
    const at = this.at(st, i);
    this.problems.push(problem(at, why));
    let r = st.rejected.get(i);
    if (r === undefined) {
      r = { kind: st.kind, ...at, raw: undefined, reasons: [] };
      st.rejected.set(i, r);
      st.status[i] = REJECTED;
    }
    r.reasons.push(why);
  }

  /**
   * The `ref` fields of a kind (§12.3): each record that is not merged names a valid record of the
   * field's kind, else it is rejected (D0304, or D0305 when that record was rejected). A named kind
   * whose file could not be read (missing, broken header) stops the run on that problem alone.
   */
  private checkRefs(st: KindState): void {
    const refs = refFields(st.compiled);
    if (refs.length === 0) return;
    for (const { field, kind } of refs) {
      const target = this.kinds.get(kind);
      if (!target || target.files.length !== 1 || this.problems.some((p) => p.scope === 'file' && p.severity === 'error' && p.file === target.files[0]!.file)) continue;
      const { valid, rejected } = this.idsOf(target);
      const files = target.files.map((f) => f.file).join(', ');
      for (let i = 0; i < st.n; i++) {
        if (st.status[i] === MERGED) continue;
        const id = st.rows[i][field];
        if (typeof id !== 'string' || valid.has(id)) continue;
        this.rejectEntry(st, i, unknownRecord(id, kind, field, rejected.get(id), files));
      }
    }
  }

  /** A kind's ids: of its valid records, and of its rejected ones (where the first such record is). */
  private idsOf(st: KindState): { valid: Set<string>; rejected: Map<string, string> } {
    const valid = new Set<string>();
    const rejected = new Map<string, string>();
    for (let i = 0; i < st.n; i++) {
      const id = st.rows[i].id;
      if (typeof id !== 'string') continue;
      if (st.status[i] === VALID) valid.add(id);
      else if (st.status[i] === REJECTED && !rejected.has(id)) rejected.set(id, this.place(st, i));
    }
    return { valid, rejected };
  }

  private resolveDuplicates(st: KindState): void {
    const names = st.compiled.names;
    for (const [id, group] of st.duplicates) {
      group.sort((a, b) => {
        const fa = st.files[st.fileOf[a]].file;
        const fb = st.files[st.fileOf[b]].file;
        return fa < fb ? -1 : fa > fb ? 1 : st.ns[a] - st.ns[b];
      });
      const first = st.rows[group[0]];
      const identical = group.every((i) => st.status[i] === VALID && names.every((n) => sameValue(st.rows[i][n], first[n])));
      if (identical) {
        for (const i of group.slice(1)) st.status[i] = MERGED; // counted once (the first by file and line)
        continue;
      }
      for (const i of group) {
        const others = group.filter((o) => o !== i).map((o) => this.place(st, o));
        this.rejectEntry(st, i, duplicateId(id, others));
      }
    }
  }
}


/** The `ref` fields of a record schema (§12.3), with the kind each names. */
export function refFields(c: CompiledSchema): { field: string; kind: string }[] {
  return c.fields.flatMap((f) => (typeof f.type === 'object' && 'ref' in f.type ? [{ field: f.name, kind: f.type.ref }] : []));
}

/** Kinds with `ref` fields, each after the kinds it names (they never go in a circle: the checker sees to it). */
function refOrder(kinds: ReadonlyMap<string, KindState>): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (k: string, depth: number): void => {
    const st = kinds.get(k);
    if (!st || done.has(k) || depth > kinds.size) return;
    for (const r of refFields(st.compiled)) visit(r.kind, depth + 1);
    done.add(k);
    out.push(k);
  };
  for (const k of kinds.keys()) visit(k, 0);
  return out;
}

/** A JSON object read by the fields' columns (§12.1: `amount: money from "Net Amount (€)"`), as an object keyed by field names. */
function byField(c: CompiledSchema, o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < c.names.length; i++) out[c.names[i]] = Object.hasOwn(o, c.columns[i]) ? o[c.columns[i]] : undefined;
  return out;
}

/** A reason about a field that is read from another column says the column too. */
export function withColumn(c: CompiledSchema, r: Reason): Reason {
  if (r.field === undefined || r.column !== undefined) return r;
  const i = c.names.indexOf(r.field);
  return i >= 0 && c.columns[i] !== r.field ? { ...r, column: c.columns[i] } : r;
}

/** Equal typed values (`10` and `10.00 EUR` are the same amount). */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return N.cmp(a, b) === 0;
}

/**
 * Problems and records in the order of their place: by file, then line, then number in the file
 * (a rejected record's `n`; a problem's `record` when records share a line, as in a JSON array on
 * one line, so that the problems of its records are in record order however they were found).
 */
export function byPlace<T extends { file: string; line: number; n?: number; record?: number }>(a: T, b: T): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.n ?? a.record ?? 0) - (b.n ?? b.record ?? 0);
}

/**
 * Reads the raw form (as written: CSV cells, the JSON value) of the records of one file with
 * these numbers, feeding the file to a builder that converts nothing (`feed`).
 */
export function readRaw(schema: RecordSchema, numbers: ReadonlySet<number>, feed: (b: DatasetBuilder) => void): Map<number, unknown> {
  const raw = new Map<number, unknown>();
  const b = new DatasetBuilder([schema], {
    record: () => {},
    skip: () => true,
    wantRaw: (n) => numbers.has(n),
    raw: (n, r) => raw.set(n, r),
  });
  feed(b);
  return raw;
}

/** Feeds a whole text to a builder, by format. */
export function feedText(b: DatasetBuilder, kind: string, name: string, format: DataFormat, text: string): void {
  if (format === 'csv') b.addCsvText(kind, name, text);
  else if (format === 'json') b.addJsonText(kind, name, text);
  else b.addNdjsonText(kind, name, text);
}

/**
 * Reads a program's `rates.csv` (§13.4) from texts, when its schemas have one: through a reader of
 * its own (with a sink), before the events that need it.
 */
export function readRatesText(schema: RecordSchema, name: string | undefined, format: DataFormat, text: string | undefined): RatesRead {
  return readRates(schema, (sink) => {
    const b = new DatasetBuilder([schema], sink);
    if (name !== undefined && text !== undefined) feedText(b, schema.file, name, format, text);
    return b;
  });
}

/** Convenience for tests and the browser: a whole data set from texts keyed by file name (`sale.csv`, `partners.json`). */
export function loadDataset(allSchemas: readonly RecordSchema[], texts: ReadonlyMap<string, string> | Record<string, string>): InputDataset {
  const map = texts instanceof Map ? texts : new Map(Object.entries(texts));
  const ratesSchema = allSchemas.find((s) => s.kind === 'rates');
  const schemas = allSchemas.filter((s) => s.kind !== 'rates');
  const fileProblems: Problem[] = [];
  const { files: all } = chooseDataFiles(allSchemas, (name) => map.has(name), (file, why) => fileProblems.push(problem({ file, line: 0 }, why)));
  // The rates first (§13.4): the events' amounts are converted as they are read.
  let rates: RatesRead | undefined;
  if (ratesSchema) {
    const rf = all.find((f) => f.schema === ratesSchema);
    rates = readRatesText(ratesSchema, rf?.name, rf?.format ?? 'csv', rf ? map.get(rf.name) : undefined);
  }
  const files = all.filter((f) => f.schema !== ratesSchema);
  const b = new DatasetBuilder(schemas, undefined, rates?.table);
  for (const p of fileProblems) b.problems.push(p);
  for (const { schema, name, format } of files) feedText(b, schema.file, name, format, map.get(name)!);
  const d = b.finish();
  // Records rejected by the whole-dataset checks were valid when read: their raw form, as written, is read again.
  for (const { schema, name, format } of files) {
    const missing = d.rejected.filter((r) => r.file === name && r.raw === undefined);
    if (missing.length === 0) continue;
    const raw = readRaw(schema, new Set(missing.map((r) => r.n)), (rb) => feedText(rb, schema.file, name, format, map.get(name)!));
    for (const r of missing) r.raw = raw.get(r.n);
  }
  if (rates) {
    d.problems = [...d.problems, ...rates.problems].sort(byPlace);
    d.rejected = [...d.rejected, ...rates.rejected].sort(byPlace);
    d.files = [...d.files, ...rates.files];
  }
  return d;
}
