/**
 * Node only: a data folder as an `EventSource` that reads the event files again for each pass of
 * the evaluator instead of holding their records, so that a run's memory grows with the number of
 * partners (and the rejected records), not with the number of records.
 *
 * - `partners.*` is read whole, into memory (partners are few), with `DatasetBuilder`.
 * - An event file is read synchronously in 1 MiB chunks (CSV through `CsvScanner`, NDJSON line by
 *   line; a JSON array file is read whole, each time) every time it is scanned, and each record is
 *   converted again with the same code (`DatasetBuilder` with a `RecordSink`): validation is
 *   deterministic, so every read agrees, and the messages are those of the in-memory path.
 * - The first scan of a kind validates while it gives rows to the evaluator (its pass 1). Ids are
 *   appended as 64-bit hashes (8 bytes a record in typed arrays, no
 *   strings; no lookup per record), radix-sorted once the file is read: a hash read more than once
 *   is a suspected duplicate. If any was, the file is read once more for the records with those
 *   hashes only, which are grouped by their real ids and resolved as `finish()` does: identical →
 *   counted once (the first by line), else every record with the id rejected. If that takes out a
 *   row already given to the evaluator, `invalidated()` tells the evaluator to run pass 1 again
 *   (`record-sets.ts` keeps the hashes).
 * - Lines that must not be given (rejected, merged) are a bitset over line numbers; later
 *   scans skip them before converting anything.
 * - A CSV file read as columns (`bytes.ts`) of `tailMinBytes` or more may have its tail read by
 *   another thread in its first scan, its part applied here as if read here (`tail.ts`).
 * - Problems are known after the first scan of every kind; `invalidated()` (called by the evaluator
 *   after pass 1) throws `DataProblemsError` when the data must not run.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from '../artifact.js';
import type { EventRow } from '../compile-ir.js';
import type { EventSource } from '../evaluate.js';
import type { PartnerRow } from '../results.js';
import { byPlace, DatasetBuilder, readRaw, refFields, sameValue, withColumn, type CsvFile, type RecordSink } from './builder.js';
import { GENERAL, readCsvBytes, TOOK, type PlainLines } from './bytes.js';
import { ByteRows } from './byte-rows.js';
import { BATCH, PartnerTable, type ColumnBatch, type ColumnNeeds } from './columns.js';
import { FastRow } from './fast-row.js';
import { readRates, type RateTable } from './exchange.js';
import { chooseDataFiles, type DataFormat } from './files.js';
import { BitSet, idKey, IdHashes } from './record-sets.js';
import { readTail, SPLIT_MIN_BYTES, splitTail, type TailJob, type TailKernel, type TailPart, type TailReader } from './tail.js';
import type { KernelPart } from '../column-months.js';
import { currencyDigits } from '../../core/money.js';
import { recordSchemas } from './load.js';
import { duplicateId, placeText, problem, reason, unknownPartner, unknownRecord, type FileStats, type Problem, type Reason, type RecordAt, type RejectedRecord } from './problems.js';
import { compileSchema, type CompiledSchema, type RecordSchema, type Row } from './schema.js';

type Format = DataFormat;

/** The data has problems that stop the run: every problem, errors and warnings, sorted by file and line. */
export class DataProblemsError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the data`);
    this.name = 'DataProblemsError';
  }
}

export interface StreamOptions {
  /** Bytes per read (default 1 MiB). */
  chunkSize?: number;
  /** Record problems do not stop the run (`--reject FILE`); file problems always do. */
  acceptRejects?: boolean;
  /** Tests only: keep this many bits of the id hashes, so that distinct ids collide and the verification path runs. */
  hashBits?: number;
  /**
   * Event kinds whose file another reader reads (a database, `warehouse/`): their file must be
   * there as for any kind, but it is not read here (no scan, no validation: that reader's).
   */
  readElsewhere?: ReadonlySet<string>;
  /**
   * Another thread to read the tail of large event files in their first scan (`tail.ts`), and from
   * how many bytes a file is split (default `SPLIT_MIN_BYTES`, 96 MiB). Without it, every file is read here.
   */
  tail?: TailReader;
  tailMinBytes?: number;
}

/** Reads a file's text in chunks, decoding UTF-8 strictly (invalid bytes throw a TypeError). */
function readChunks(path: string, chunkSize: number, push: (text: string) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkSize);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (;;) {
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0) break;
      push(decoder.decode(buf.subarray(0, n), { stream: true }));
    }
    push(decoder.decode());
  } finally {
    closeSync(fd);
  }
}

/**
 * What a data file is, before it is opened: only a regular file is read (opening a FIFO would
 * wait for a writer, a device may never end, a folder is not data). Its fingerprint (size and
 * time of change) tells later reads whether it changed; undefined when it is not read.
 */
function regularFile(b: DatasetBuilder, name: string, path: string): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    b.fileProblem(name, 0, reason('D0008', { reason: code === 'ELOOP' ? 'ELOOP: a symbolic link that loops' : (code ?? (e as Error).message) }));
    return undefined;
  }
  if (!st.isFile()) {
    b.fileProblem(name, 0, reason('D0007', { what: st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : 'a device' }));
    return undefined;
  }
  return `${st.size}:${st.mtimeMs}`;
}

/**
 * Reads one file into a builder (a file's problems go to the builder); returns its fingerprint ('' when it was not read).
 * `plain`: a CSV file is read on bytes (`bytes.ts`), its plain lines given to the handler this makes.
 */
function feed(b: DatasetBuilder, kind: string, name: string, path: string, format: Format, chunkSize: number, plain?: (f: CsvFile) => PlainLines): string {
  const fingerprint = regularFile(b, name, path);
  if (fingerprint === undefined) return '';
  try {
    if (format === 'csv' && plain) {
      const f = b.csvFile(kind, name);
      readCsvBytes(path, chunkSize, f, plain(f), (e) => b.csvError(name, e));
    } else if (format === 'json') {
      const bytes = readFileSync(path);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        b.fileProblem(name, 0, reason('D0005', {}));
        return fingerprint;
      }
      b.addJsonText(kind, name, text);
    } else if (format === 'csv') {
      const sink = b.csvScanner(kind, name);
      try {
        readChunks(path, chunkSize, sink.push);
        sink.end();
      } catch (e) {
        b.csvError(name, e);
      }
    } else {
      const sink = b.ndjsonFile(kind, name);
      try {
        readChunks(path, chunkSize, sink.push);
        sink.end();
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        b.fileProblem(name, 0, reason('D0005', {}));
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw e;
    b.fileProblem(name, 0, reason('D0008', { reason: code }));
  }
  return fingerprint;
}

/**
 * What reads a kind's events as columns (the evaluator's column kernels, `../fast-pass1.ts`): the
 * fields it reads and how, batches of records proven valid and exact, and as rows, in the order
 * read, the valid records that the batches cannot hold.
 */
export interface ColumnConsumer {
  needs: ColumnNeeds;
  batch(b: ColumnBatch): void;
  row(r: EventRow): void;
  /** Adds the sums of a tail read elsewhere (`tail.ts`); false: not added (nothing changed). Without it, files are read here whole. */
  absorb?(part: KernelPart, table: PartnerTable): boolean;
}

/** A read's state shared by its row sink and its batches: whether records are still given, and the exception that stopped it. */
interface Giving {
  yielding: boolean;
  error: unknown;
}

/** What the folder's partners say about an event's partner id. */
interface PartnerCheck {
  /** Why the id is not usable, or undefined when it is (always, without a partner declaration). */
  why(p: unknown): Reason | undefined;
}

/**
 * The whole-set checks of a record after its id's (duplicates): its partner, then its `ref`
 * fields (§12.3) — the reasons it is rejected, in the order `DatasetBuilder.finish()` gives them.
 */
interface SetCheck {
  why(row: Row): Reason[];
}

/** One event kind's file, read for each scan. Records are known by their number in the file (`n`), which every read gives alike. */
class KindStream {
  validated = false;
  /** Set when a row given to the evaluator turned out invalid, or merged into an earlier one. */
  dirty = false;
  private input = 0;
  private merged = 0;
  readonly readProblems: Problem[] = [];
  readonly duplicateProblems: Problem[] = [];
  readonly partnerProblems: Problem[] = [];
  private readonly rejected: RejectedRecord[] = [];
  private readonly rejectedAt = new Map<number, RejectedRecord>();
  /** Records not to give to the evaluator: rejected, merged. */
  private readonly bad = new BitSet();
  private suspects = new Set<number>();
  private readonly ids = new IdHashes();
  private readonly seed = (Math.random() * 0x7fffffff) | 0;
  private readonly names: string[];
  private readonly compiled: CompiledSchema;
  private fingerprint = '';
  /** The CSV header, once read. */
  private columns: string[] | undefined;
  /**
   * For a kind that `ref` fields name (§12.3): the ids of its valid records (exact strings: what a
   * named kind keeps per record), and of its rejected ones with where the first such record is.
   */
  readonly validIds: Set<string> | undefined;
  private readonly rejectedIds = new Map<string, { n: number; at: string }>();
  /** The record checks after duplicates (partner, `ref` fields): set by the folder once the kinds are known. */
  checks: SetCheck;

  constructor(
    readonly schema: RecordSchema,
    readonly name: string,
    private readonly path: string,
    private readonly format: Format,
    private readonly chunkSize: number,
    partners: PartnerCheck,
    private readonly mask: number,
    named: boolean,
    /** The exchange rates (§13.4) its `money any` amounts are converted at, read before it. */
    private readonly rates?: RateTable,
    /** Another thread for the tail of its first scan (`tail.ts`). */
    private readonly tail?: { reader: TailReader; minBytes: number },
  ) {
    this.compiled = compileSchema(schema);
    this.names = this.compiled.names;
    this.checks = { why: (row) => (partners.why(row.partner) ? [partners.why(row.partner)!] : []) };
    this.validIds = named ? new Set() : undefined;
  }

  /** Whether the file was read as declared (no problem of the whole file): only then are `ref`s to it checked. */
  readable(): boolean {
    return this.validated && !this.readProblems.some((p) => p.scope === 'file' && p.severity === 'error');
  }

  /** The rejected records' ids, where the first such record of each is (for D0305). */
  rejectedIdAt(id: string): string | undefined {
    return this.rejectedIds.get(id)?.at;
  }

  private noteRejected(id: unknown, at: RecordAt): void {
    if (typeof id !== 'string') return;
    const prev = this.rejectedIds.get(id);
    if (!prev || at.n < prev.n) this.rejectedIds.set(id, { n: at.n, at: placeText({ file: this.name, ...at }) });
  }

  /**
   * Whether the file can be read as columns (`scan` then takes a `ColumnConsumer`): CSV, without a
   * field that has a range (`in A..B`: the byte path does not check ranges; its converter does),
   * without `money any` fields (§13.4: their amounts are converted at the rates on the row path),
   * without `ref` fields and not named by one (§12.3: their checks and the named kind's ids are kept
   * from each record's strings, which the byte path does not make). Fields read from another column
   * (`from "…"`) are read on bytes (the header maps them); an empty cell goes to the row path, which
   * gives it the field's default; a file without the column of a field that has a default is read
   * as rows (`plainLines`).
   */
  get columnar(): boolean {
    return this.format === 'csv' && this.validIds === undefined && !this.schema.fields.some((f) => f.range || f.anyCurrency || (typeof f.type === 'object' && 'ref' in f.type));
  }

  private read(sink: RecordSink, plain?: (f: CsvFile) => PlainLines): DatasetBuilder {
    const b = new DatasetBuilder([this.schema], sink, this.rates);
    const fingerprint = feed(b, this.schema.file, this.name, this.path, this.format, this.chunkSize, plain);
    if (this.fingerprint === '') this.fingerprint = fingerprint;
    else if (fingerprint !== this.fingerprint) throw new DataProblemsError([problem({ file: this.name, line: 0 }, reason('D0006', {}))]);
    return b;
  }

  private partnerReason(r: RejectedRecord, reason: Reason): void {
    const why = withColumn(this.compiled, reason);
    const p = problem(r, why);
    this.partnerProblems.push(p);
    const of = this.partnerProblemOf.get(r.n);
    if (of) of.push(p);
    else this.partnerProblemOf.set(r.n, [p]);
    r.reasons.push(why);
  }

  private setReasons(r: RejectedRecord, why: readonly Reason[]): void {
    for (const w of why) this.partnerReason(r, w);
  }

  /** The partner and `ref` problems of each record rejected for them alone when read (by number): undone if it turns out merged into an identical earlier record. */
  private readonly partnerProblemOf = new Map<number, Problem[]>();

  /** Rejects a record that was valid when read (its raw form is read again at the end, with the others'). */
  private rejectValid(at: RecordAt): RejectedRecord {
    const r: RejectedRecord = { kind: this.schema.file, file: this.name, ...at, raw: undefined, reasons: [] };
    this.rejected.push(r);
    this.rejectedAt.set(at.n, r);
    this.bad.add(at.n);
    return r;
  }

  /**
   * The first scan: validates every record, gives the valid ones to `each` (unless `yielding` is
   * false), resolves suspected duplicates. An exception from `each` is returned, after the file has
   * been read to its end (so that its problems are all known); `each` gets no more rows after it.
   */
  first(each: (row: EventRow) => void, yielding: boolean, columns?: { consumer: ColumnConsumer; table: PartnerTable }): unknown {
    const giving: Giving = { yielding, error: undefined };
    let flush = (): void => {};
    const give = columns ? (r: EventRow) => (flush(), columns.consumer.row(r)) : each;
    const sink: RecordSink = {
      record: (at, row, rejected) => {
        this.input++;
        const id = row.id;
        if (typeof id === 'string') this.ids.addId(id, this.seed, this.mask);
        if (rejected) {
          this.rejected.push(rejected);
          this.rejectedAt.set(at.n, rejected);
          this.bad.add(at.n);
          this.noteRejected(id, at);
          this.setReasons(rejected, this.checks.why(row));
          return;
        }
        const why = this.checks.why(row);
        if (why.length > 0) {
          this.noteRejected(id, at);
          this.setReasons(this.rejectValid(at), why);
          return;
        }
        this.validIds?.add(id as string);
        if (!giving.yielding) return;
        try {
          give(row as EventRow);
        } catch (e) {
          giving.error = e;
          giving.yielding = false;
        }
      },
    };
    const plain = columns && this.columnar ? (f: CsvFile) => {
      const p = this.plainLines(f, columns.consumer, columns.table, giving, true);
      flush = p.flush;
      return p;
    } : undefined;
    try {
      this.ids.expect(Math.ceil(statSync(this.path).size / 40)); // a record takes 40 bytes or more, most often
    } catch {
      // not readable: the read says so
    }
    const b = this.read(sink, plain);
    for (const p of b.problems) this.readProblems.push(p);
    this.columns = b.fileStats()[0]?.columns;
    this.suspects = this.ids.duplicates();
    if (this.suspects.size > 0) this.resolveDuplicates();
    this.validated = true;
    return giving.error;
  }

  /**
   * The byte reader's plain lines into batches for `consumer`: records it converts are counted
   * here; on the first read each one's id hash is appended (as `first`
   * does), on later reads the bad ones are skipped. Batches go to the consumer when full, before a
   * row is given (records keep their order) and before the reader reuses its buffer.
   */
  private plainLines(f: CsvFile, consumer: ColumnConsumer, table: PartnerTable, giving: Giving, first: boolean): PlainLines {
    const c = compileSchema(this.schema);
    let header: { columnOf: readonly number[]; width: number } | undefined;
    let absent = false;
    const fast = new FastRow(c, 'partner');
    const make = (cells: string[]): EventRow => {
      const r = fast.convert(cells, header!.columnOf);
      if (r === undefined) throw new Error(`internal: ${this.name}: a record read as valid on bytes is not valid`);
      return r as EventRow;
    };
    const rows = new ByteRows(c, currencyDigits(this.schema.currency) ?? 0, consumer.needs, table, make, BATCH);
    rows.idSeed = this.seed;
    const batch = rows.batch;
    const flush = (): void => {
      if (batch.n === 0) return;
      if (giving.yielding) {
        try {
          consumer.batch(batch);
        } catch (e) {
          if (!first) throw e;
          giving.error = e;
          giving.yielding = false;
        }
      }
      batch.n = 0;
    };
    /** Whether the header was read and every field has a column (then the byte reader is set up for it). */
    const ready = (): boolean => {
      if (header === undefined) {
        header = f.header() || undefined;
        if (header === undefined) return false;
        // A field without a column (it has a default, §12.1) has no bytes to read: every record goes to the row path.
        if (header.columnOf.some((col) => col < 0)) absent = true;
        else rows.header(header.columnOf, header.width);
      }
      return !absent;
    };
    /** A tail read elsewhere, applied as if read here: its sums, its ids, its records, then its lines that go as rows (in order). */
    const apply = (part: TailPart): boolean => {
      flush();
      if (giving.yielding && !consumer.absorb!(part.kernel, table)) return false;
      this.input += part.records;
      f.countRecords(part.records);
      this.ids.append(part.h1, part.h2, part.records, this.mask);
      if (!giving.yielding || part.backCount === 0) return true;
      const clean = rows.clean;
      rows.clean = false;
      batch.buf = part.back;
      for (let k = 0; k < part.backCount; k++) {
        const start = k === 0 ? 0 : part.backEnds[k - 1]!;
        const end = part.backEnds[k]!;
        if (rows.convert(part.back, start, end) !== TOOK) throw new Error(`internal: ${this.name}: a line read on bytes in another thread is not read alike here`);
        batch.starts[batch.n] = start;
        batch.ends[batch.n] = end;
        if (++batch.n === batch.capacity) flush();
      }
      flush();
      rows.clean = clean;
      return true;
    };
    return {
      flush,
      clean: (clean) => {
        rows.clean = clean;
      },
      split: () => {
        if (!first || !this.tail || !consumer.absorb || !ready()) return undefined;
        return splitTail(this.tail.reader, this.tail.minBytes, { kind: this.schema.file, path: this.path, columnOf: header!.columnOf, width: header!.width, idSeed: this.seed, mask: this.mask, chunkSize: this.chunkSize }, apply);
      },
      lines: (buf, start, limit, taken) => {
        taken.lines = 0;
        // on the first read only (a later one skips the bad records one by one)
        if (!first || !giving.yielding || !ready() || !rows.hasRuns || !rows.clean) return start;
        if (batch.buf !== buf) {
          flush();
          batch.buf = buf;
        }
        const j0 = batch.n;
        const to = rows.runLines(buf, start, limit);
        const k = batch.n - j0;
        if (k > 0) {
          f.countRecords(k);
          this.input += k;
          this.ids.addAll(rows.runH1, rows.runH2, j0, batch.n, this.mask);
          if (batch.n === batch.capacity) flush();
        }
        taken.lines = k;
        return to;
      },
      line: (buf, start, end) => {
        if (!ready()) return GENERAL;
        const took = rows.convert(buf, start, end);
        if (took !== TOOK) return took;
        const n = f.countRecord();
        if (first) {
          this.input++;
          this.ids.add(rows.idH1, rows.idH2, this.mask);
          if (!giving.yielding) return TOOK;
        } else if (this.bad.has(n)) return TOOK;
        if (batch.buf !== buf) {
          flush();
          batch.buf = buf;
        }
        batch.starts[batch.n] = start;
        batch.ends[batch.n] = end;
        if (++batch.n === batch.capacity) flush();
        return TOOK;
      },
    };
  }

  /** Reads the records whose id hashes were seen twice, groups them by id, and settles each group as `DatasetBuilder.finish()` does. */
  private resolveDuplicates(): void {
    const groups = new Map<string, { at: RecordAt; row: Row; valid: boolean }[]>();
    this.read({
      record: (at, row, rejected) => {
        const id = row.id;
        if (typeof id !== 'string') return;
        if (!this.suspects.has(idKey(id, this.seed, this.mask))) return;
        const g = groups.get(id);
        const m = { at, row, valid: rejected === undefined };
        if (g) g.push(m);
        else groups.set(id, [m]);
      },
    });
    const names = this.names;
    const undone = new Set<unknown>();
    for (const [id, group] of groups) {
      const first = group[0]!;
      if (group.length === 1) continue; // a hash collision: settled when read
      if (group.every((m) => m.valid && names.every((n) => sameValue(m.row[n], first.row[n])))) {
        this.merged += group.length - 1; // counted once: the others stay out (given to pass 1, it runs again)
        for (const m of group.slice(1)) {
          const r = this.rejectedAt.get(m.at.n);
          if (r) {
            // a valid record rejected when read for its partner alone: merged, it is not checked (as finish() does)
            this.rejectedAt.delete(m.at.n);
            undone.add(r);
            for (const p of this.partnerProblemOf.get(m.at.n) ?? []) undone.add(p);
          } else this.dirty = true; // it was given to pass 1
          this.bad.add(m.at.n);
        }
        continue;
      }
      for (const m of group) {
        const duplicate = withColumn(
          this.compiled,
          duplicateId(
            id,
            group.filter((o) => o !== m).map((o) => placeText({ file: this.name, ...o.at })),
          ),
        );
        this.duplicateProblems.push(problem({ file: this.name, ...m.at }, duplicate));
        const why = this.checks.why(m.row);
        let r = this.rejectedAt.get(m.at.n);
        if (r === undefined) {
          this.dirty = true; // it was given to the evaluator
          this.validIds?.delete(id);
          r = this.rejectValid(m.at);
        }
        this.noteRejected(id, m.at);
        if (why.length > 0) r.reasons.splice(r.reasons.length - why.length, 0, duplicate); // before the partner's and the refs', as finish() orders them
        else r.reasons.push(duplicate);
      }
    }
    this.undo(undone);
  }

  /** Removes rejected records and problems that resolving the duplicates undid. */
  private undo(undone: ReadonlySet<unknown>): void {
    if (undone.size === 0) return;
    const keep = <T>(list: T[]) => {
      let k = 0;
      for (const x of list) if (!undone.has(x)) list[k++] = x;
      list.length = k;
    };
    keep(this.rejected);
    keep(this.partnerProblems);
  }

  /** A later scan: the valid rows only, converted again; bad records are skipped unread. With `columns`, as batches (and rows). */
  again(each: (row: EventRow) => void, columns?: { consumer: ColumnConsumer; table: PartnerTable }): void {
    let flush = (): void => {};
    const give = columns ? (r: EventRow) => (flush(), columns.consumer.row(r)) : each;
    const plain = columns && this.columnar ? (f: CsvFile) => {
      const p = this.plainLines(f, columns.consumer, columns.table, { yielding: true, error: undefined }, false);
      flush = p.flush;
      return p;
    } : undefined;
    this.read({
      skip: (n) => this.bad.has(n),
      record: (at, row, rejected) => {
        if (rejected) throw new Error(`internal: ${placeText({ file: this.name, ...at })} was valid when first read`);
        give(row as EventRow);
      },
    }, plain);
  }

  /** Gives the records rejected after they were read as valid their raw form, as written (one more read, only when there are such records). */
  private completeRaw(): void {
    const numbers = new Set(this.rejected.filter((r) => r.raw === undefined).map((r) => r.n));
    if (numbers.size === 0) return;
    const raw = readRaw(this.schema, numbers, (b) => feed(b, this.schema.file, this.name, this.path, this.format, this.chunkSize));
    for (const r of this.rejected) if (r.raw === undefined) r.raw = raw.get(r.n);
  }

  stats(): FileStats {
    const rejected = this.rejected.length;
    return { kind: this.schema.file, file: this.name, input: this.input, valid: this.input - rejected - this.merged, rejected, merged: this.merged, ...(this.columns ? { columns: this.columns } : {}) };
  }

  rejectedRecords(): RejectedRecord[] {
    this.completeRaw();
    return this.rejected;
  }

  /** What the kind keeps between scans (for tests: nothing per valid record but typed arrays). */
  retained(): { indexBytes: number; lineSetBytes: number; rejected: number; suspects: number } {
    return { indexBytes: this.ids.bytes, lineSetBytes: this.bad.words.byteLength, rejected: this.rejected.length, suspects: this.suspects.size };
  }
}


/**
 * A data folder read as a stream: the partners in memory, the events read again for each scan.
 * `scan` follows the `EventSource` contract; `problems()`, `rejectedRecords()` and `files()` are
 * complete once every kind has been scanned once (they read the rest first when it has not).
 */
export class DataStream implements EventSource {
  /** Valid partners sorted by id (declared partners), or none (the evaluator takes the ids that events name). */
  readonly partners: PartnerRow[];
  private readonly folderProblems: Problem[] = [];
  private readonly partnerProblems: Problem[];
  private readonly partnerRejected: RejectedRecord[];
  private readonly partnerFiles: FileStats[];
  private readonly kinds = new Map<string, KindStream>();
  private readonly acceptRejects: boolean;
  /** Every partner id the column reads met, by index (the declared partners first). */
  private readonly table: PartnerTable;
  /** `rates.csv` (§13.4), read first, when the program has exchange rates. */
  private readonly ratesRead: ReturnType<typeof readRates> | undefined;

  constructor(dir: string, schemas: readonly RecordSchema[], options: StreamOptions = {}) {
    const chunkSize = options.chunkSize ?? 1 << 20;
    this.acceptRejects = options.acceptRejects ?? false;
    const partnerSchema = schemas.find((s) => s.kind === 'partner');
    const pb = new DatasetBuilder(partnerSchema ? [partnerSchema] : []);
    const fileProblem = (file: string, why: Reason) => this.folderProblems.push(problem({ file, line: 0 }, why));
    let entries: string[] = [];
    let readable = true;
    try {
      entries = readdirSync(dir);
    } catch (e) {
      fileProblem(dir, reason('D0004', { reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message }));
      readable = false;
    }
    const present = new Set(entries);
    const { files, known } = chooseDataFiles(readable ? schemas : [], (name) => present.has(name), fileProblem);
    const declared = schemas.map((s) => s.file).join(', ');
    for (const f of [...entries].sort()) {
      if (known.has(f) || !/\.(csv|json|ndjson)$/.test(f)) continue;
      fileProblem(f, reason('D0003', { reads: declared }));
    }
    // The exchange rates (§13.4), whole, before the events whose amounts they convert.
    const ratesSchema = schemas.find((s) => s.kind === 'rates');
    if (ratesSchema) {
      const rf = files.find((f) => f.schema === ratesSchema);
      const read = readRates(ratesSchema, (sink) => {
        const rb = new DatasetBuilder([ratesSchema], sink);
        if (rf) feed(rb, ratesSchema.file, rf.name, join(dir, rf.name), rf.format, chunkSize);
        return rb;
      });
      this.ratesRead = read;
    }
    // Partners, whole.
    const pf = files.find((f) => f.schema.kind === 'partner');
    if (pf) feed(pb, pf.schema.file, pf.name, join(dir, pf.name), pf.format, chunkSize);
    const pd = pb.finish();
    this.partners = pd.partners ?? [];
    this.partnerProblems = pd.problems;
    this.partnerRejected = pd.rejected;
    this.partnerFiles = pd.files;
    const valid = new Set(this.partners.map((p) => p.id));
    const partnerFileNames = pd.files.map((f) => f.file).join(', ');
    // Without a readable partner file (missing, several, a broken header), the run stops on that
    // one problem: events are not each reported as naming an unknown partner.
    const partnersRead = pf !== undefined && !pd.problems.some((p) => p.scope === 'file' && p.severity === 'error');
    const check: PartnerCheck = partnerSchema && partnersRead
      ? { why: (p) => (typeof p !== 'string' || valid.has(p) ? undefined : unknownPartner(p, pd.rejectedPartners.get(p), partnerFileNames)) }
      : { why: () => undefined };
    const named = new Set(schemas.flatMap((s) => refFields(compileSchema(s)).map((r) => r.kind)));
    this.table = new PartnerTable(partnerSchema && partnersRead ? this.partners : [], (id) => check.why(id) === undefined);
    for (const f of files) {
      if (f.schema.kind !== 'event' || options.readElsewhere?.has(f.schema.file)) continue;
      this.kinds.set(f.schema.file, new KindStream(f.schema, f.name, join(dir, f.name), f.format, chunkSize, check, options.hashBits === undefined ? -1 : 2 ** options.hashBits - 1, named.has(f.schema.file), this.ratesRead?.table, options.tail && { reader: options.tail, minBytes: options.tailMinBytes ?? SPLIT_MIN_BYTES }));
    }
    // `ref` fields (§12.3): a record names a valid record of the field's kind (that kind is read
    // first: `scan` and `validate` see to it), unless that kind's file cannot be read.
    for (const k of this.kinds.values()) {
      const refs = refFields(compileSchema(k.schema)).map((r) => ({ ...r, target: this.kinds.get(r.kind) }));
      if (refs.length === 0) continue;
      const partnerWhy = k.checks.why;
      k.checks = {
        why: (row) => {
          const out = partnerWhy(row);
          for (const r of refs) {
            const t = r.target;
            if (!t || !t.readable()) continue;
            const id = row[r.field];
            if (typeof id !== 'string' || t.validIds!.has(id)) continue;
            out.push(unknownRecord(id, r.kind, r.field, t.rejectedIdAt(id), t.name));
          }
          return out;
        },
      };
      this.targets.set(k.schema.file, refs.flatMap((r) => (r.target ? [r.target] : [])));
    }
  }

  /** Per kind with `ref` fields, the kinds it names: read (validated) before it. */
  private readonly targets = new Map<string, KindStream[]>();

  /** Validates the kinds a kind names through `ref` fields, then nothing more (their own scan gives their rows). */
  private first(k: KindStream, each: (row: EventRow) => void, yielding: boolean, depth = 0): unknown {
    for (const t of this.targets.get(k.schema.file) ?? []) if (!t.validated && depth <= this.kinds.size) this.first(t, () => {}, false, depth + 1);
    return k.first(each, yielding);
  }

  /** Whether the problems found so far stop the run. */
  private fatal(): boolean {
    return this.problems(false).some((p) => p.severity === 'error' && (p.scope === 'file' || !this.acceptRejects));
  }

  scan(kind: string, each: (row: EventRow) => void): void {
    const k = this.kinds.get(kind);
    if (!k) return;
    if (k.validated) {
      k.again(each);
      return;
    }
    const error = this.first(k, each, !this.fatal());
    if (error === undefined || k.dirty) return; // a dirty kind's error comes again in pass 1's second run, if the row is valid
    this.validate(); // data problems come before evaluation errors, as in the in-memory path
    throw error;
  }

  /**
   * `scan`, as columns: the kind's valid events as batches for `consumer` (and rows for those the
   * batches cannot hold), when its file is CSV; false (nothing read) otherwise.
   */
  scanColumns(kind: string, consumer: ColumnConsumer): boolean {
    const k = this.kinds.get(kind);
    if (!k) return true;
    if (!k.columnar) return false;
    const columns = { consumer, table: this.table };
    if (k.validated) {
      k.again(() => {}, columns);
      return true;
    }
    const error = k.first(() => {}, !this.fatal(), columns);
    if (error === undefined || k.dirty) return true;
    this.validate();
    throw error;
  }

  /**
   * Reads the tail of a kind's file for another thread's split (`tail.ts`; this runs in that
   * thread, on a folder opened alike), with the partners as they are before any event is read.
   */
  readTail(job: TailJob, make: (back: (b: ColumnBatch, i: number) => void) => TailKernel | undefined): TailPart {
    const k = this.kinds.get(job.kind);
    if (!k) throw new Error(`internal: no event file ${job.kind} to read the tail of`);
    return readTail(job, k.schema, this.table, make);
  }

  /** Reads every kind not read yet; throws `DataProblemsError` when the data must not run. */
  validate(): void {
    for (const k of this.kinds.values()) if (!k.validated) this.first(k, () => {}, false);
    if (this.fatal()) throw new DataProblemsError(this.problems());
  }

  invalidated(): boolean {
    this.validate();
    let dirty = false;
    for (const k of this.kinds.values()) {
      dirty ||= k.dirty;
      k.dirty = false;
    }
    return dirty;
  }

  rejected(): number {
    return this.rejectedRecords().length;
  }

  private complete(): void {
    for (const k of this.kinds.values()) if (!k.validated) this.first(k, () => {}, false);
  }

  /** Every problem, errors and warnings, sorted by file then line (as `DatasetBuilder.finish()` orders them). */
  problems(complete = true): Problem[] {
    if (complete) this.complete();
    const ks = [...this.kinds.values()];
    const all = [
      ...this.folderProblems,
      ...this.partnerProblems,
      ...(this.ratesRead?.problems ?? []),
      ...ks.flatMap((k) => k.readProblems),
      ...ks.flatMap((k) => k.duplicateProblems),
      ...ks.flatMap((k) => k.partnerProblems),
    ];
    return all.sort(byPlace);
  }

  /** Every rejected record with its reasons, sorted by file then line. */
  rejectedRecords(): RejectedRecord[] {
    this.complete();
    return [...this.partnerRejected, ...(this.ratesRead?.rejected ?? []), ...[...this.kinds.values()].flatMap((k) => k.rejectedRecords())].sort(byPlace);
  }

  /** Per file: input = valid + rejected + merged. */
  files(): FileStats[] {
    this.complete();
    return [...this.partnerFiles, ...[...this.kinds.values()].filter((k) => k.validated).map((k) => k.stats()), ...(this.ratesRead?.files ?? [])];
  }

  /** What each kind keeps between scans (tests check that nothing grows per valid record but typed arrays). */
  retained(): Record<string, ReturnType<KindStream['retained']>> {
    return Object.fromEntries([...this.kinds].map(([kind, k]) => [kind, k.retained()]));
  }
}

/** Opens a program's data folder as a stream (see `DataStream`). */
export function openDataFolder(dir: string, a: Artifact, options: StreamOptions = {}): DataStream {
  return new DataStream(dir, recordSchemas(a), options);
}
