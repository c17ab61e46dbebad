/**
 * Node only: reading a CSV event file on bytes, into typed columns (`columns.ts`), with the string
 * reader (`csv.ts`'s `CsvScanner` and the builder's row handler) as the exact fallback.
 *
 * The file is read in chunks. Lines are taken one by one:
 * - a **plain** line — ASCII only, no quote, no carriage return but before its line feed — is
 *   split on commas in place. When every cell is valid and exact (`ByteRows.convert`: a date that
 *   exists, a money amount that is a safe integer of minor units, a known enumeration member, a
 *   non-empty text within the limits, …) the record is written to the batch's columns without
 *   making a string; otherwise its cells are made strings and it goes to the builder's row handler
 *   (`csv.row`), exactly as `CsvScanner` would have given it;
 * - in a **clean stretch** (the chunk's complete lines hold no quote, no CR and nothing above 0x7f:
 *   checked at once, natively), plain lines are taken in runs (`plain.lines`): the generated
 *   converter goes from line to line, its cells' scans finding each line's end, until a line it
 *   does not take (read on its own, as above), a full batch or the stretch's end;
 * - any other line (a quote, a byte above 0x7f, a lone CR, a line longer than `MAX_PLAIN`) and
 *   the header go to the string reader: decoded (strict UTF-8, one streaming decoder for the file)
 *   and pushed to a `CsvScanner`, which keeps the rest of the chunk when a quoted field goes on
 *   past the line; the byte path takes over again at the first line the scanner is not inside.
 * So the records, their line numbers and their problems are those of the string reader, whatever
 * the chunk size (tested against it, and fuzzed).
 */
import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { CsvScanner } from './csv.js';
import { latin1 } from './columns.js';
import { GENERAL, MAX_PLAIN, NOT_PLAIN } from './bytes-gen.js';

export { GENERAL, MAX_PLAIN, NOT_PLAIN, TOOK } from './bytes-gen.js';

/** What the reader needs of the builder's CSV reading of one file (`DatasetBuilder.csvFile`). */
export interface CsvHandle {
  row(fields: string[], line: number): void;
  end(): void;
  /** The header's column of each schema field and the header's width, once a usable header was read; `false` when the header was read and is not usable (its rows are all rejected: the string reader takes them). */
  header(): { columnOf: readonly number[]; width: number } | false | undefined;
}

/**
 * Where lines go once the header is known: `line` gets one (`buf[start, end)`, without its line
 * break) and answers `TOOK` (it took the record), `GENERAL` (a plain line whose record goes to
 * `csv.row`) or `NOT_PLAIN` (the line goes to the string reader); `flush` is called before the
 * buffer is reused.
 */
export interface PlainLines {
  line(buf: Uint8Array, start: number, end: number): number;
  flush(): void;
  /** Told whether the lines given from now on are in a stretch without quote, CR or byte above 0x7f (checked at once by the reader). */
  clean?(clean: boolean): void;
  /** Asked once, when the byte path first takes over (the header is known): the file's tail, read by another thread (`tail.ts`), or undefined. */
  split?(): Split | undefined;
  /**
   * Takes lines one after the other from `start`, a line's start in a clean stretch (told by
   * `clean`) whose last byte before `limit` is a line feed, while each is one `line` would take
   * (`TOOK`); answers where it stopped (the start of the first line it did not take, or `limit`)
   * and sets `taken.lines`. The reader gives the line it stopped at to `line`.
   */
  lines?(buf: Uint8Array, start: number, limit: number, taken: { lines: number }): number;
}

/**
 * A file's tail read by another thread, from byte `at` (a line start). When the reader comes to
 * `at` on bytes, between records, it calls `take`, which applies the other thread's part and says
 * where to read on (the first byte that thread did not take) and how many lines it passed; or
 * undefined: the reader reads on from `at`. Past `at` otherwise (inside a quoted field), `cancel`.
 */
export interface Split {
  at: number;
  take(): { to: number; lines: number } | undefined;
  cancel(): void;
}

/**
 * Reads a CSV file (see the module's comment). File problems (invalid UTF-8, broken quoting, a
 * line over the limit) go to `fail` and stop the reading, as in `DatasetBuilder.csvScanner`.
 */
export function readCsvBytes(path: string, chunkSize: number, csv: CsvHandle, plain: PlainLines, fail: (e: unknown) => void): void {
  const fd = openSync(path, 'r');
  try {
    readFd(fd, chunkSize, csv, plain);
  } catch (e) {
    if (e instanceof ReadStop) fail(e.cause);
    else throw e;
  } finally {
    closeSync(fd);
  }
}

class ReadStop extends Error {}

/** Whether `buf[pos, to)` (the complete lines read, taken before reading on) holds no quote, no CR and nothing above 0x7f: checked at once, natively. */
export function cleanStretch(buf: Buffer, pos: number, to: number): boolean {
  if (to <= pos) return false;
  const quote = buf.indexOf(34, pos);
  const cr = buf.indexOf(13, pos);
  return (quote < 0 || quote >= to) && (cr < 0 || cr >= to) && isAscii(buf.subarray(pos, to));
}

function readFd(fd: number, chunkSize: number, csv: CsvHandle, plain: PlainLines): void {
  const tail: { split?: Split | undefined } = {};
  try {
    readLines(fd, chunkSize, csv, plain, tail);
  } finally {
    tail.split?.cancel(); // not met at a record's start, or the reading stopped
  }
}

/**
 * A file read in chunks into one buffer, which keeps what was not taken of the last chunk (a line
 * going on) before the next: `buf[0, have)` is what is read, from the file's offset `filePos − have`.
 */
export class Chunks {
  buf: Buffer;
  /** The same memory as a plain Uint8Array: code that reads bytes sees one kind of array (faster). */
  bytes: Uint8Array;
  have = 0;
  eof = false;
  private readonly size: number;

  constructor(
    private readonly fd: number,
    chunkSize: number,
    /** The file's offset after the bytes read. */
    public filePos = 0,
  ) {
    this.size = Math.max(chunkSize, 1);
    this.buf = Buffer.allocUnsafe(Math.max(this.size, 256) + MAX_PLAIN + 1);
    this.bytes = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Drops the bytes before `pos` (taken), then reads the next chunk after the rest (unless at the end). */
  next(pos: number): void {
    if (pos > 0) {
      this.buf.copyWithin(0, pos, this.have);
      this.have -= pos;
    }
    if (this.eof) return;
    if (this.have + this.size > this.buf.length) {
      const grown = Buffer.allocUnsafe(this.have + this.size + MAX_PLAIN + 1);
      this.buf.copy(grown, 0, 0, this.have);
      this.buf = grown;
      this.bytes = new Uint8Array(grown.buffer, grown.byteOffset, grown.length);
    }
    const n = readSync(this.fd, this.buf, this.have, this.size, this.filePos);
    this.filePos += n;
    if (n === 0) this.eof = true;
    this.have += n;
  }

  /** Goes on reading from the file's offset `to` (what is in the buffer is dropped). */
  seek(to: number): void {
    this.filePos = to;
    this.have = 0;
    this.eof = false;
  }
}

/** `readFd`'s reading; `tail.split`: the tail read elsewhere while it is not taken. */
function readLines(fd: number, chunkSize: number, csv: CsvHandle, plain: PlainLines, tail: { split?: Split | undefined }): void {
  const chunks = new Chunks(fd, chunkSize);
  let buf = chunks.buf;
  let bytes = chunks.bytes;
  let have = 0;
  let pos = 0;
  let line = 1;
  let eof = false;
  let stringMode = true; // the header first
  /** Whether the tail read elsewhere was asked for yet. */
  let splitAsked = false;
  const scanner = new CsvScanner(csv.row);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let header: { columnOf: readonly number[]; width: number } | false | undefined;
  /** The chunk's lines before this offset are a clean stretch that ends with a line feed (`plain.lines` may take them); lines to read one by one before trying `plain.lines` again. */
  let runLimit = 0;
  let runPause = 0;
  const taken = { lines: 0 };

  /** Pushes bytes to the string reader. */
  const push = (from: number, to: number, final: boolean): void => {
    try {
      const text = decoder.decode(buf.subarray(from, to), { stream: !final });
      scanner.push(text);
      if (final) scanner.end();
    } catch (e) {
      throw new ReadStop('', { cause: e });
    }
  };
  /** Back to bytes when the string reader is between rows and the header is usable. */
  const maybeBytes = (): void => {
    if (!scanner.idle) return;
    header ??= csv.header();
    if (!header) return;
    stringMode = false;
    line = scanner.line;
    if (!splitAsked) {
      splitAsked = true;
      tail.split = plain.split?.();
    }
  };

  for (;;) {
    // Make room and read more (the batch's lines are in the buffer: it is emptied first).
    plain.flush();
    chunks.next(pos);
    pos = 0;
    ({ buf, bytes, have, eof } = chunks);
    // Whether the complete lines read are clean (no quote, no CR, nothing above 0x7f): checked at
    // once (natively), so that the line converter only looks for commas.
    const lastLf = buf.lastIndexOf(10, have - 1);
    const clean = plain.clean !== undefined && cleanStretch(buf, pos, eof ? have : lastLf);
    plain.clean?.(clean);
    runLimit = clean && plain.lines ? lastLf + 1 : 0;
    while (pos < have) {
      const s = tail.split;
      const here = s === undefined ? -1 : chunks.filePos - have + pos;
      // The tail read elsewhere: taken at its first byte on bytes (a record's start), and read on
      // from where it stopped; dropped once passed. At that byte in the string reader, between
      // lines, it waits for the bytes to take over.
      if (s !== undefined && here >= s.at && !(stringMode && here === s.at)) {
        tail.split = undefined;
        const jump = here === s.at ? s.take() : (s.cancel(), undefined);
        if (jump) {
          line += jump.lines;
          chunks.seek(jump.to);
          have = pos = 0;
          eof = false;
          break;
        }
      }
      if (stringMode) {
        if (scanner.idle && header === undefined) {
          // before the header (and after it, until the byte path may take over): one line at a time
          const nl = buf.indexOf(10, pos);
          if (nl >= 0 && nl < have) {
            push(pos, nl + 1, false);
            pos = nl + 1;
            maybeBytes();
            continue;
          }
        }
        const lastLf = buf.lastIndexOf(10, have - 1);
        if (lastLf >= pos) {
          push(pos, lastLf + 1, false);
          pos = lastLf + 1;
          maybeBytes();
          continue;
        }
        // no line feed: a line going on in the next chunk (or the end of the file)
        if (eof || have - pos > MAX_PLAIN) {
          push(pos, have, false);
          pos = have;
        }
        break;
      }
      if (pos < runLimit && runPause === 0) {
        // Lines of a clean stretch, taken one after the other without looking for their ends
        // first, up to the tail's first byte. The line it stops at (if any) is read below, on its
        // own; when that is the first one, the next few are too (in case most are not taken).
        const limit = s === undefined ? runLimit : Math.min(runLimit, s.at - (chunks.filePos - have));
        const to = plain.lines!(bytes, pos, limit, taken);
        line += taken.lines;
        if (to >= limit) {
          pos = to;
          continue;
        }
        if (to === pos) runPause = 32;
        pos = to;
      } else if (runPause > 0) runPause--;
      let nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= have) {
        if (!eof && have - pos <= MAX_PLAIN) break; // wait for the rest of the line
        nl = have; // the last line (no line feed), or a long one: decided below
      }
      if (nl - pos > MAX_PLAIN || (nl === have && !eof)) {
        stringMode = true;
        scanner.line = line;
        continue;
      }
      // One line: [pos, nl), its content ends before a CR that precedes the LF.
      let end = nl;
      if (end > pos && buf[end - 1] === 13 && nl < have) end--;
      if (end === pos) {
        // an empty line (LF or CRLF): skipped, as the string reader does
        line++;
        pos = nl + 1;
        continue;
      }
      const took = plain.line(bytes, pos, end);
      if (took === NOT_PLAIN) {
        // to the string reader: this line, and on while a quoted field goes on
        stringMode = true;
        scanner.line = line;
        const to = Math.min(nl + 1, have);
        push(pos, to, eof && to === have);
        pos = to;
        maybeBytes();
        continue;
      }
      if (took === GENERAL) {
        const fields: string[] = [];
        let p = pos;
        for (;;) {
          let k = p;
          while (k < end && buf[k] !== 44) k++;
          fields.push(latin1(buf, p, k));
          if (k >= end) break;
          p = k + 1;
        }
        csv.row(fields, line);
      }
      line++;
      pos = nl + 1;
    }
    if (eof && pos >= have) break;
  }
  plain.flush();
  if (stringMode || !scanner.idle) push(0, 0, true);
  else scanner.end();
  csv.end();
}
