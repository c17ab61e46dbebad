/**
 * One schema's lines on bytes into typed columns (`columns.ts`): the converter the byte reader
 * (`bytes.ts`) and a tail's thread (`tail.ts`) give each plain line — generated per header
 * (`bytes-gen.ts`), or interpreted cell by cell.
 */
import { dayFromCivil, daysInMonth } from '../../core/periods.js';
import { MAX_FIELD_CHARS } from './limits.js';
import { ColumnBatch, type ColumnNeeds, type PartnerTable } from './columns.js';
import { CLASS, F_BOOLEAN, F_DATE, F_DECIMAL, F_ENUM, F_ID, F_INTEGER, F_LITERAL, F_MONEY, F_OTHER_DATE, F_PARTNER, F_SKIP, F_TEXT, GENERAL, generateConverter, generateRun, match, matcher, MAX_PLAIN, NOT_PLAIN, TOOK, type Matcher } from './bytes-gen.js';
import type { CompiledSchema } from './schema.js';
import type { EventRow } from '../compile-ir.js';

/** A converter of runs of lines (`bytes-gen.ts`, `generateRun`): `(buf, pos, limit, j, jMax) => where it stopped`. */
type RunConverter = (buf: Uint8Array, pos: number, limit: number, j: number, jMax: number) => number;

/**
 * One schema's lines on bytes into a `ColumnBatch`, in one pass over each line: each cell checked
 * as its field's converter would accept it, and converted only where the result is exact;
 * anything else is refused (the record goes the general way, which gives its value or its
 * problems). The id's two hashes are computed on the way (for the duplicate index), and the
 * partner's index found from its bytes.
 */
export class ByteRows {
  readonly batch: ColumnBatch;
  private readonly kinds: number[];
  private readonly fieldNames: readonly string[];
  private readonly lists: (readonly string[])[];
  /** Per column of the header: how it is read, where its value goes (the batch's arrays), what it may equal. */
  private colKind = new Int32Array(0);
  private colNums: (Float64Array | undefined)[] = [];
  private colCodes: (Int32Array | undefined)[] = [];
  private colMatch: Matcher[] = [];
  private width = 0;
  /** The converters generated for the header (`bytes-gen.ts`), when they could be: for any plain line, and for lines of a clean stretch (`clean`). */
  private generated: ((buf: Uint8Array, start: number, end: number, j: number) => number) | undefined;
  private generatedClean: ((buf: Uint8Array, start: number, end: number, j: number) => number) | undefined;
  /** The converter of runs of lines of a clean stretch (`bytes-gen.ts`, `generateRun`), when it could be generated. */
  private generatedRun: RunConverter | undefined;
  /** Set by the reader: the lines it gives now are in a stretch of bytes without quote, CR or byte above 0x7f. */
  clean = false;
  /** Whether to generate converters (tests compare the interpreter with them), and runs of lines (tests compare line by line with them). */
  static generate = true;
  static runs = true;
  /** The last record's id hashes (`idHash1`, `idHash2` with `idSeed`: `idHashes`). */
  idH1 = 0;
  idH2 = 0;
  idSeed = 0;
  /** A run's records' id hashes, by their place in the batch (`runLines`). */
  readonly runH1: Int32Array;
  readonly runH2: Int32Array;
  /** Where the last run stopped in the batch (set by the generated run). */
  runTo = 0;
  /** The partner cell of the line before which the last run stopped because the partner table does not know it by its number (−1: it did not). */
  missStart = -1;
  missEnd = -1;
  /** The converter of runs that looks a partner up by its bytes itself (for ids of another shape than the table's), made when first needed (`makeRunFinding`). */
  private generatedRunFinding: RunConverter | undefined;
  private makeRunFinding: () => RunConverter | undefined = () => undefined;

  constructor(
    c: CompiledSchema,
    private readonly digits: number,
    needs: ColumnNeeds,
    partners: PartnerTable,
    make: (cells: string[]) => EventRow,
    capacity = 8192,
  ) {
    this.batch = new ColumnBatch(capacity, c.names, needs, partners, make);
    this.runH1 = new Int32Array(capacity);
    this.runH2 = new Int32Array(capacity);
    this.fieldNames = c.names;
    const event = c.schema.kind === 'event';
    this.kinds = c.fields.map((f) => {
      const use = needs.get(f.name);
      // a `ref` field (§12.3) is text on bytes; its kind's files are read as rows (`KindStream.columnar`)
      if (typeof f.type === 'object') return 'ref' in f.type ? (use?.as === 'literal' ? F_LITERAL : F_TEXT) : F_ENUM;
      switch (f.type) {
        case 'text':
          return f.name === 'id' ? F_ID : f.name === 'partner' && event ? F_PARTNER : use?.as === 'literal' ? F_LITERAL : F_TEXT;
        case 'date':
          return f.name === 'date' && event ? F_DATE : F_OTHER_DATE;
        case 'integer':
          return F_INTEGER;
        case 'money':
          return F_MONEY;
        case 'decimal':
          return F_DECIMAL;
        case 'boolean':
          return F_BOOLEAN;
      }
    });
    this.lists = c.fields.map((f) => {
      const use = needs.get(f.name);
      return typeof f.type === 'object' && 'enum' in f.type ? f.type.enum : use?.as === 'literal' ? use.literals : [];
    });
  }

  /** The header: each schema field's column, and how many columns. */
  header(columnOf: readonly number[], width: number): void {
    this.width = width;
    this.colKind = new Int32Array(width).fill(F_SKIP);
    this.colNums = new Array(width).fill(undefined);
    this.colCodes = new Array(width).fill(undefined);
    this.colMatch = new Array(width).fill([]);
    const b = this.batch;
    const columns = Array.from({ length: width }, () => ({ kind: F_SKIP, out: -1, strings: [] as readonly string[], match: -1 }));
    const outs: (Float64Array | Int32Array | undefined)[] = [];
    columnOf.forEach((col, f) => {
      if (col < 0) return;
      // a decimal is only checked on bytes, never read as a number (the kernel does not ask: `fieldScale`)
      if (this.kinds[f] === F_DECIMAL && b.nums[f]) throw new Error(`internal: decimal field ${this.fieldNames[f]} asked as a number of the byte path`);
      this.colKind[col] = this.kinds[f]!;
      this.colNums[col] = b.nums[f];
      this.colCodes[col] = b.codes[f];
      this.colMatch[col] = matcher(this.lists[f]!);
      const target = b.nums[f] ?? b.codes[f];
      columns[col] = { kind: this.kinds[f]!, out: target ? outs.push(target) - 1 : -1, strings: this.lists[f]!, match: col };
    });
    const ctx = {
      O: outs,
      M: this.colMatch,
      partner: b.partner,
      day: b.day,
      month: b.month,
      partners: b.partners,
      ids: this,
      refuse: (buf: Uint8Array, start: number, end: number) => this.refuse(buf, start, end),
      starts: b.starts,
      ends: b.ends,
      H1: this.runH1,
      H2: this.runH2,
    };
    this.generated = ByteRows.generate ? generateConverter(columns, this.digits, this.idSeed, b.partners.hashSeed, ctx) : undefined;
    this.generatedClean = this.generated && generateConverter(columns, this.digits, this.idSeed, b.partners.hashSeed, ctx, true);
    const run = (stops: boolean) => generateRun(columns, this.digits, this.idSeed, b.partners.hashSeed, ctx, MAX_PLAIN, stops);
    this.generatedRunFinding = undefined;
    this.makeRunFinding = () => run(false);
    this.generatedRun = this.generated && ByteRows.runs ? run(true) : undefined;
  }

  /** Whether runs of lines can be converted (`runLines`): a converter for them was generated. */
  get hasRuns(): boolean {
    return this.generatedRun !== undefined;
  }

  /**
   * Converts the lines from `pos` of a clean stretch that ends with a line feed before `limit`,
   * into the batch from `batch.n` (advanced), while each is taken as `convert` would take it (and
   * the batch has room): their lines in `batch.starts` and `batch.ends`, their id hashes in
   * `runH1` and `runH2`. Answers where it stopped (the start of a line not taken, or `limit`).
   */
  runLines(buf: Uint8Array, pos: number, limit: number): number {
    const b = this.batch;
    const partners = b.partners;
    let stopped = -1;
    for (;;) {
      this.missStart = -1;
      const to = this.generatedRun!(buf, pos, limit, b.n, b.capacity);
      b.n = this.runTo;
      if (this.missStart < 0) return to;
      // The run stopped before a line whose partner the table does not know by its number (a
      // partner met for the first time, or an id of another shape): found, or added, from its
      // bytes here. One of the table's shape is then known by its number: the run goes on from
      // that line. Another would stop it again: the lines from there go to the converter that
      // looks ids up by their bytes itself (generated when first needed).
      const s = this.missStart;
      const e = this.missEnd;
      const k = partners.fromBytes(buf, s, e);
      // (a second stop at the same line, which the table's number would then have found, cannot
      // happen; should it, the lines go on the other way rather than round and round)
      if (to !== stopped && e - s === partners.numberLength && partners.fromNumber(buf, s) === k) {
        pos = stopped = to;
        continue;
      }
      this.generatedRunFinding ??= this.makeRunFinding();
      if (!this.generatedRunFinding) return to;
      const end = this.generatedRunFinding(buf, to, limit, b.n, b.capacity);
      b.n = this.runTo;
      return end;
    }
  }

  /**
   * Converts the line `buf[start, end)` (without its line break) into the batch at `batch.n` when
   * it is plain and every cell is valid and exact (`TOOK`; `batch.n` is not advanced: the caller
   * does, if it keeps the record); else `GENERAL` or `NOT_PLAIN`, and nothing is written.
   */
  convert(buf: Uint8Array, start: number, end: number): number {
    if (this.clean && this.generatedClean) return this.generatedClean(buf, start, end, this.batch.n);
    return this.generated ? this.generated(buf, start, end, this.batch.n) : this.interpret(buf, start, end);
  }

  /** `convert`, interpreting the columns' description cell by cell. */
  interpret(buf: Uint8Array, start: number, end: number): number {
    const b = this.batch;
    const j = b.n;
    const width = this.width;
    const colKind = this.colKind;
    let p = start;
    for (let col = 0; col < width; col++) {
      const kind = colKind[col]!;
      const s = p;
      switch (kind) {
        case F_SKIP:
          // a column no field reads: anything (but a quote, a CR, …), empty too
          while (p < end && CLASS[buf[p]!] === 0) p++;
          if (p < end && CLASS[buf[p]!] === 2) return NOT_PLAIN;
          break;
        case F_TEXT:
        case F_LITERAL:
        case F_ENUM:
        case F_BOOLEAN: {
          while (p < end && CLASS[buf[p]!] === 0) p++;
          if (p < end && CLASS[buf[p]!] === 2) return NOT_PLAIN;
          if (p === s) return this.refuse(buf, start, end); // empty
          if (kind === F_TEXT) break;
          if (kind === F_BOOLEAN) {
            const len = p - s;
            let v: number;
            if (len === 4 && buf[s] === 116 && buf[s + 1] === 114 && buf[s + 2] === 117 && buf[s + 3] === 101) v = 1;
            else if (len === 5 && buf[s] === 102 && buf[s + 1] === 97 && buf[s + 2] === 108 && buf[s + 3] === 115 && buf[s + 4] === 101) v = 0;
            else return this.refuse(buf, start, end);
            const out = this.colCodes[col];
            if (out !== undefined) out[j] = v;
            break;
          }
          const code = match(this.colMatch[col]!, buf, s, p);
          if (kind === F_ENUM && code < 0) return this.refuse(buf, start, end);
          const out = this.colCodes[col];
          if (out !== undefined) out[j] = code;
          break;
        }
        case F_ID: {
          while (p < end && CLASS[buf[p]!] === 0) p++;
          if (p < end && CLASS[buf[p]!] === 2) return NOT_PLAIN;
          if (p === s) return this.refuse(buf, start, end);
          this.idHashes(buf, s, p);
          break;
        }
        case F_PARTNER: {
          let h = 0x811c9dc5 ^ b.partners.hashSeed;
          while (p < end) {
            const c = buf[p]!;
            if (CLASS[c] !== 0) break;
            h = Math.imul(h ^ c, 0x01000193);
            p++;
          }
          if (p < end && CLASS[buf[p]!] === 2) return NOT_PLAIN;
          if (p === s) return this.refuse(buf, start, end);
          h ^= h >>> 15;
          const index = b.partners.fromBytes(buf, s, p, h === 0 ? 1 : h);
          if (b.partners.ok[index] === 0) return this.refuse(buf, start, end);
          b.partner[j] = index;
          break;
        }
        case F_DATE:
        case F_OTHER_DATE: {
          p = s + 10;
          if (p > end || (p < end && buf[p] !== 44)) return this.refuse(buf, start, end);
          const day = parseDateBytes(buf, s);
          if (day === undefined) return this.refuse(buf, start, end);
          if (kind === F_DATE) {
            b.day[j] = day;
            b.month[j] = ((buf[s]! - 48) * 1000 + (buf[s + 1]! - 48) * 100 + (buf[s + 2]! - 48) * 10 + (buf[s + 3]! - 48)) * 12 + (buf[s + 5]! - 48) * 10 + (buf[s + 6]! - 48) - 1;
          } else {
            const out = this.colCodes[col];
            if (out !== undefined) out[j] = day;
          }
          break;
        }
        default: {
          // F_INTEGER, F_MONEY, F_DECIMAL: -?[0-9]+(\.[0-9]+)?, as an integer at `scale` decimals (money: the currency's digits)
          const scale = kind === F_MONEY ? this.digits : 0;
          let neg = false;
          if (p < end && buf[p] === 45) {
            neg = true;
            p++;
          }
          let v = 0;
          let sig = 0; // significant digits in v
          let exact = true;
          const intStart = p;
          while (p < end) {
            const d = buf[p]! - 48;
            if (d < 0 || d > 9) break;
            if (sig > 0 || d !== 0) {
              sig++;
              v = v * 10 + d;
            }
            p++;
          }
          if (p === intStart) return this.refuse(buf, start, end);
          let digits = p - intStart; // a decimal has at most 34 in all
          let taken = 0; // fraction digits taken into v
          if (p < end && buf[p] === 46) {
            if (kind === F_INTEGER) return this.refuse(buf, start, end);
            const fracStart = ++p;
            while (p < end) {
              const d = buf[p]! - 48;
              if (d < 0 || d > 9) break;
              if (taken < scale) {
                v = v * 10 + d;
                taken++;
                if (sig > 0 || d !== 0) sig++;
              } else if (d !== 0) exact = false;
              p++;
            }
            if (p === fracStart) return this.refuse(buf, start, end);
            digits += p - fracStart;
          }
          if (p < end && buf[p] !== 44) return this.refuse(buf, start, end);
          if (kind === F_DECIMAL) {
            if (digits > 34) return this.refuse(buf, start, end);
            break;
          }
          for (; taken < scale; taken++) v *= 10;
          if (!exact || sig > 15 || v > 999_999_999_999_999) return this.refuse(buf, start, end);
          const out = this.colNums[col];
          if (out !== undefined) out[j] = neg && v !== 0 ? -v : v;
          break;
        }
      }
      // after the cell: a comma before the next column, the line's end after the last
      if (col === width - 1) {
        if (p !== end) return this.refuse(buf, start, end);
      } else {
        if (p >= end) return this.refuse(buf, start, end);
        p++; // the comma
      }
    }
    return TOOK;
  }

  /** `idHash1`, `idHash2` of the id written in ASCII bytes `buf[s, e)` (as the generated converters compute them), to `idH1`, `idH2`. */
  private idHashes(buf: Uint8Array, s: number, e: number): void {
    let q = s;
    while (q < e && q - s < 3 && (buf[q]! < 48 || buf[q]! > 57)) q++;
    const digits = e - q;
    if (digits >= 1 && digits <= 9 && (digits === 1 || buf[q] !== 48)) {
      let v = 0;
      let k = q;
      for (; k < e; k++) {
        const d = buf[k]! - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (k === e) {
        let h = (q - s + 1) << 24;
        for (let i = s; i < q; i++) h |= buf[i]! << (8 * (i - s));
        this.idH1 = h;
        this.idH2 = v;
        return;
      }
    }
    let h1 = 0x811c9dc5 ^ this.idSeed;
    let h2 = 0x9e3779b9 ^ this.idSeed;
    for (let k = s; k < e; k++) {
      const c = buf[k]!;
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 + c, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    h1 ^= h1 >>> 15;
    this.idH1 = (h1 === 0 ? 1 : h1) | 0x80000000;
    this.idH2 = h2 ^ (h2 >>> 16);
  }

  /** A record the byte path does not take: `GENERAL` if its line is plain, else `NOT_PLAIN`. */
  private refuse(buf: Uint8Array, start: number, end: number): number {
    for (let k = start; k < end; k++) if (CLASS[buf[k]!] === 2) return NOT_PLAIN;
    return GENERAL;
  }
}

/** The day number of the date `YYYY-MM-DD` in `buf[s, s + 10)` when it exists (years 0001–9999), as `parseDate` reads it; undefined otherwise. */
export function parseDateBytes(buf: Uint8Array, s: number): number | undefined {
  if (buf[s + 4] !== 45 || buf[s + 7] !== 45) return undefined;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = buf[s + i]! - 48;
    if (c < 0 || c > 9) return undefined;
    y = y * 10 + c;
  }
  const m1 = buf[s + 5]! - 48;
  const m2 = buf[s + 6]! - 48;
  const d1 = buf[s + 8]! - 48;
  const d2 = buf[s + 9]! - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return undefined;
  const m = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return dayFromCivil(y, m, d);
}
