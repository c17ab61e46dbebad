/**
 * Node only: pass 1 of one event file read by two threads. The first scan of a large CSV file
 * (`node-stream.ts`) may give the file's tail — from a line start past its middle to its end — to
 * another thread, which reads it as the byte path would (`readTail`) while this one reads the
 * head. When this thread's reading reaches the tail's first byte at a line start (not inside a
 * quoted field), it takes the other thread's part and goes on from where that thread stopped:
 *
 * - the other thread takes only lines the byte path converts whole (plain lines whose every cell
 *   is valid and exact, `ByteRows.convert` answering `TOOK`); at the first line it does not, it
 *   stops, and this thread reads on from that line (its line number known: the other thread
 *   counts the lines it passed), exactly as it would have;
 * - its column kernel sums what it took by partner and month (`KernelPart`); the sums are added to
 *   this thread's (integers: exact, in any order), its partners added to the table in the order it
 *   met them (the indexes a single reader gives them);
 * - the records that go as rows (those that meet an early rule's condition, or with an unknown)
 *   are not summed there: their lines are given back and read here, in order, after the head —
 *   which is where a single reader gives them (rows are order-dependent; sums are not);
 * - the ids' hashes come back in order and are appended to the head's (duplicates are found over
 *   the whole file, as before).
 *
 * Anything unexpected — the other thread fails, is late, the tail does not start at a record, a
 * sum would not stay exact — and the part is dropped: this thread reads the tail itself. The
 * statements are the same either way (tested: `test/runtime/data/tail.test.ts`, and through the
 * command); only the time differs.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { EventRow } from '../compile-ir.js';
import type { KernelPart } from '../column-months.js';
import { Chunks, cleanStretch, MAX_PLAIN, TOOK, type Split } from './bytes.js';
import { ByteRows } from './byte-rows.js';
import { BATCH, type ColumnBatch, type ColumnNeeds, type PartnerTable } from './columns.js';
import { compileSchema, type RecordSchema } from './schema.js';
import { IdHashes } from './record-sets.js';
import { currencyDigits } from '../../core/money.js';

/** What the other thread is asked to read: a file's kind, where its tail starts, and what the head's reader already knows. */
export interface TailJob {
  /** The event kind (its schema's `file`). */
  kind: string;
  path: string;
  /** The tail's first byte: just after a line feed. */
  from: number;
  /** The header: each schema field's column, and how many columns. */
  columnOf: readonly number[];
  width: number;
  /** The ids' hash seed and mask (`KindStream`'s), so that the hashes are the head's. */
  idSeed: number;
  mask: number;
  chunkSize: number;
  /** At most this many bytes of lines given back (default `BACK_LIMIT`): past it, the tail's thread stops and the head's reads on. */
  backLimit?: number;
}

/**
 * Bytes of lines a tail's thread gives back at most. When most records go as rows (a `for each`
 * rule without a condition, say), the tail's thread cannot help: it stops there rather than copy
 * the file.
 */
export const BACK_LIMIT = 8 << 20;

/** What the other thread read (see the module's comment). */
export interface TailPart {
  /** Where it stopped (the file's end, or the first line it did not take) and how many lines it passed. */
  stop: number;
  lines: number;
  /** Records taken, and their ids' hashes, in order. */
  records: number;
  h1: Int32Array;
  h2: Int32Array;
  kernel: KernelPart;
  /** The lines given back (to be read as rows here), one after the other, and where each ends in `back`. */
  back: Uint8Array;
  backEnds: Int32Array;
  backCount: number;
}

/** Starts reading a tail elsewhere; undefined when it cannot be (the file is then read here, whole). */
export type TailReader = (job: TailJob) => TailHandle | undefined;

export interface TailHandle {
  /** The part, once read (waiting for it); undefined when the other thread failed or is too late. */
  take(): TailPart | undefined;
  /** Not needed after all (the head's reading did not meet the tail at a record's start). */
  cancel(): void;
}

/** The kernel a tail is read into: its needs, its batches, and at the end its sums. */
export interface TailKernel {
  needs: ColumnNeeds;
  batch(b: ColumnBatch): void;
  part(): KernelPart;
}

/** Appends bytes to a growing buffer (the lines given back). */
class Lines {
  bytes = new Uint8Array(1 << 12);
  ends = new Int32Array(64);
  used = 0;
  count = 0;

  add(buf: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.used + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + n));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.bytes.set(buf.subarray(start, end), this.used);
    this.used += n;
    if (this.count === this.ends.length) {
      const grown = new Int32Array(this.count * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.ends[this.count++] = this.used;
  }
}

/**
 * Reads a tail (in the other thread): its lines from `job.from`, while the byte path takes them,
 * into the kernel `make` returns (given where to put the lines it gives back), with `table`'s
 * partners. The table must be the head's as it was before any event was read (the declared
 * partners, the same usable ones).
 */
export function readTail(job: TailJob, schema: RecordSchema, table: PartnerTable, make: (back: (b: ColumnBatch, i: number) => void) => TailKernel | undefined): TailPart {
  const back = new Lines();
  const kernel = make((b, i) => back.add(b.buf, b.starts[i]!, b.ends[i]!));
  if (!kernel) throw new Error(`internal: no column kernel for ${job.kind} in the tail's thread`);
  const rows = new ByteRows(compileSchema(schema), currencyDigits(schema.currency) ?? 0, kernel.needs, table, refused, BATCH);
  rows.idSeed = job.idSeed;
  rows.header(job.columnOf, job.width);
  const batch = rows.batch;
  const ids = new IdHashes(false); // its pairs are handed on (`TailPart`): kept as pairs here
  let lines = 0;
  let have = 0;
  let pos = 0;
  const backLimit = job.backLimit ?? BACK_LIMIT;
  const flush = (): void => {
    if (batch.n === 0) return;
    kernel.batch(batch);
    batch.n = 0;
  };
  const fd = openSync(job.path, 'r');
  const chunks = new Chunks(fd, job.chunkSize, job.from);
  try {
    reading: for (;;) {
      flush();
      chunks.next(pos);
      pos = 0;
      const { buf, bytes, eof } = chunks;
      have = chunks.have;
      const lastLf = buf.lastIndexOf(10, have - 1);
      rows.clean = cleanStretch(buf, pos, eof ? have : lastLf);
      // a clean stretch's lines taken in runs (as the head's reader does), up to its last line feed
      const runLimit = rows.clean && rows.hasRuns ? lastLf + 1 : 0;
      batch.buf = bytes;
      while (pos < have) {
        if (pos < runLimit) {
          const j0 = batch.n;
          pos = rows.runLines(bytes, pos, runLimit);
          ids.addAll(rows.runH1, rows.runH2, j0, batch.n, job.mask);
          lines += batch.n - j0;
          if (batch.n === batch.capacity) {
            flush();
            if (back.used > backLimit) break reading;
            continue;
          }
          if (pos >= runLimit) continue;
          // the line at `pos` was not taken by the run: read on its own below (an empty one is skipped; any other stops the tail)
        }
        let nl = buf.indexOf(10, pos);
        if (nl < 0 || nl >= have) {
          if (!eof && have - pos <= MAX_PLAIN) break; // the rest of the line comes with the next read
          nl = have;
        }
        if (nl - pos > MAX_PLAIN || (nl === have && !eof)) break reading; // a long line: the head's reader takes it
        let end = nl;
        if (end > pos && buf[end - 1] === 13 && nl < have) end--;
        if (end > pos) {
          if (rows.convert(bytes, pos, end) !== TOOK) break reading;
          ids.add(rows.idH1, rows.idH2, job.mask);
          batch.starts[batch.n] = pos;
          batch.ends[batch.n] = end;
          if (++batch.n === batch.capacity) {
            lines++;
            pos = nl + 1;
            flush();
            if (back.used > backLimit) break reading; // most records go as rows: the head's reader reads on from here
            continue;
          }
        }
        lines++;
        pos = nl + 1;
      }
      if (eof && pos >= have) break;
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { stop: chunks.filePos - have + Math.min(pos, have), lines, records: ids.count, h1: ids.h1, h2: ids.h2, kernel: kernel.part(), back: back.bytes, backEnds: back.ends, backCount: back.count };
}

function refused(): EventRow {
  throw new Error('internal: the tail reader makes no rows');
}

/** Where the tail starts: the first line start at or after this share of the file (0.45 and 0.55 measured alike). */
const HEAD_SHARE = 0.5;

/**
 * From how many bytes a file is split by default: the second thread compiles and warms up the
 * same code as the first, which on two cores costs about what it saves below ~1.5M lines of the
 * canonical benchmark (~90 MB); above, it saves 10–20% of the run (`runtime/DATA.md`).
 */
export const SPLIT_MIN_BYTES = 96 << 20;

/**
 * A file's split for its first scan (`PlainLines.split`): its tail given to `reader`, applied by
 * `apply` (false: not applied, nothing changed — the tail is then read here). Undefined when the
 * file is smaller than `minBytes`, has no line start in its second half, or the reader declines.
 */
export function splitTail(reader: TailReader, minBytes: number, job: Omit<TailJob, 'from'>, apply: (part: TailPart) => boolean): Split | undefined {
  let from: number;
  const fd = openSync(job.path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < Math.max(minBytes, 1)) return undefined;
    const probe = Buffer.allocUnsafe(MAX_PLAIN + 1);
    const at = Math.floor(size * HEAD_SHARE);
    const n = readSync(fd, probe, 0, probe.length, at);
    const lf = probe.subarray(0, n).indexOf(10);
    if (lf < 0 || at + lf + 1 >= size) return undefined;
    from = at + lf + 1;
  } finally {
    closeSync(fd);
  }
  const handle = reader({ ...job, from });
  if (!handle) return undefined;
  return {
    at: from,
    take: () => {
      const part = handle.take();
      return part && apply(part) ? { to: part.stop, lines: part.lines } : undefined;
    },
    cancel: () => handle.cancel(),
  };
}
