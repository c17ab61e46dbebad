/** The CSV fast path: a row of string cells straight to a typed row, for the common cells; anything else goes to the converters (and, when a cell fails, to the record's conversion, which reports every problem). */
import { parseDate } from '../../core/periods.js';
import * as N from '../num.js';
import { decimalNum, Failure, intNum } from './convert.js';
import { MAX_FIELD_CHARS } from './limits.js';
import { NO_DEFAULT, rowMaker, type CompiledSchema, type Row, type Value } from './schema.js';
import { stringHash } from './hash.js';

// Column codes of the CSV fast path (see FastRow).
const C_TEXT = 0;
const C_SHARED_TEXT = 1;
const C_DATE = 2;
const C_NUMBER = 3;
const C_INTEGER = 4;
const C_ENUM = 5;
const C_OTHER = 6;
const C_PLAIN_DATE = 7;
/** A field whose column the file does not have (it has a default): every row takes the default. */
const C_ABSENT = 8;

/** Most distinct values kept per column for sharing strings (partner ids, SKUs, dates) between records. */
const SHARE_LIMIT = 1 << 16;

/**
 * One string per distinct value: open addressing over the values' hashes (cheaper than a
 * `Map` lookup, which must hash every fresh cell in the runtime). Holds up to SHARE_LIMIT values;
 * past that, cells are returned as they are.
 */
class StringPool {
  private hashes = new Int32Array(256);
  private strings: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
  private count = 0;

  share(s: string): string {
    const h = stringHash(s);
    const mask = this.hashes.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.hashes[slot];
      if (e === 0) {
        if (this.count >= SHARE_LIMIT) return s;
        this.hashes[slot] = h;
        this.strings[slot] = s;
        if (++this.count * 2 > this.hashes.length) this.resize();
        return s;
      }
      if (e === h) {
        const t = this.strings[slot]!;
        if (t === s) return t;
      }
    }
  }

  private resize(): void {
    const hashes = this.hashes;
    const strings = this.strings;
    this.hashes = new Int32Array(hashes.length * 2);
    this.strings = new Array<string | undefined>(hashes.length * 2).fill(undefined);
    const mask = this.hashes.length - 1;
    for (let i = 0; i < hashes.length; i++) {
      if (hashes[i] === 0) continue;
      let slot = hashes[i] & mask;
      while (this.hashes[slot] !== 0) slot = (slot + 1) & mask;
      this.hashes[slot] = hashes[i];
      this.strings[slot] = strings[i];
    }
  }
}

/**
 * The CSV fast path: every cell is a string, so a record's conversion (`CompiledSchema.parse`)
 * reduces to the field converters' — done here directly, for the common cases, else by calling
 * the converters. Returns the typed row, or undefined when any cell fails; the caller then goes
 * through the record's conversion, which reports every problem. A property test in
 * `test/runtime/data/builder.test.ts` checks that this and the converters agree on every row.
 *
 * Repeated strings (text other than `id`, such as partner ids and SKUs; dates; enumeration
 * members) are shared between records: one string per distinct value instead of one per cell.
 * Money and decimals go straight to a `Num` (`decimalNum`), small integers to shared `Num`s.
 */
export class FastRow {
  private readonly codes: number[];
  private readonly pools: StringPool[];
  private readonly members: (readonly string[])[];
  private readonly dates = new Map<number, string>();
  private readonly values: Value[];
  private readonly make: (values: Value[]) => Row;
  /** Per field: its default's value, for an empty cell; undefined when it has none (an empty cell then fails). */
  private readonly defaults: (Value | undefined)[];

  /**
   * `share`: share repeated strings between rows (worth it for rows kept in memory); `partner`:
   * only the partner ids (rows streamed through: the evaluator looks partners up by id, and a
   * shared string is hashed once).
   */
  constructor(
    private readonly c: CompiledSchema,
    share: boolean | 'partner' = true,
    columnOf?: readonly number[],
  ) {
    this.defaults = c.defaults.map((d) => (d === NO_DEFAULT ? undefined : d));
    this.codes = c.fields.map((f, i) => {
      if (columnOf !== undefined && columnOf[i]! < 0) {
        if (this.defaults[i] === undefined) throw new Error(`internal: field ${f.name} has no column and no default`);
        return C_ABSENT;
      }
      if (f.range) return C_OTHER; // the converter checks the range too (and gives an empty cell the default)
      if (f.anyCurrency) return C_OTHER; // §13.4: an amount and its code; the reader converts the record at the rates (the builder does not take this path for such records)
      if (typeof f.type === 'object') return 'ref' in f.type ? C_TEXT : f.type.enum.length <= 16 ? C_ENUM : C_OTHER;
      if (f.type === 'text') return f.name === 'id' || (share !== true && !(share === 'partner' && f.name === 'partner')) ? C_TEXT : C_SHARED_TEXT;
      if (f.type === 'date') return share === true ? C_DATE : C_PLAIN_DATE;
      if (f.type === 'decimal' || f.type === 'money') return C_NUMBER;
      if (f.type === 'integer') return C_INTEGER;
      return C_OTHER;
    });
    this.pools = c.fields.map(() => new StringPool());
    this.members = c.fields.map((f) => (typeof f.type === 'object' && 'enum' in f.type ? f.type.enum : []));
    this.values = c.fields.map(() => '');
    this.make = rowMaker(c.names);
  }

  /** The typed row of a CSV row (`columnOf[i]`: the cell of field i), or undefined if any cell fails. */
  convert(cells: readonly string[], columnOf: readonly number[]): Row | undefined {
    const codes = this.codes;
    const values = this.values;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code === C_ABSENT) {
        values[i] = this.defaults[i]!;
        continue;
      }
      const cell = cells[columnOf[i]];
      const len = cell.length;
      if (len === 0) {
        // An empty cell is the field's default (§12.1), or fails (every converter refuses it).
        const d = this.defaults[i];
        if (d === undefined) return undefined;
        values[i] = d;
        continue;
      }
      if (len > MAX_FIELD_CHARS) return undefined;
      switch (code) {
        case C_TEXT:
          values[i] = cell;
          break;
        case C_SHARED_TEXT:
          values[i] = this.pools[i].share(cell);
          break;
        case C_DATE: {
          const day = parseDate(cell);
          if (day === undefined) return undefined;
          const d = this.dates.get(day);
          if (d !== undefined) values[i] = d;
          else {
            if (this.dates.size < SHARE_LIMIT) this.dates.set(day, cell);
            values[i] = cell;
          }
          break;
        }
        case C_PLAIN_DATE:
          if (parseDate(cell) === undefined) return undefined;
          values[i] = cell;
          break;
        case C_ENUM: {
          const members = this.members[i];
          let m: string | undefined;
          for (let k = 0; k < members.length; k++) {
            if (members[k] === cell) {
              m = members[k];
              break;
            }
          }
          if (m === undefined) return undefined;
          values[i] = m;
          break;
        }
        case C_INTEGER: {
          // up to 15 digits, optionally negative; anything else is left to the converter
          const len = cell.length;
          let k = len > 0 && cell.charCodeAt(0) === 45 ? 1 : 0;
          let n = 0;
          if (k === len || len - k > 15) {
            const v = this.c.converters[i](cell);
            if (v instanceof Failure) return undefined;
            values[i] = v;
            break;
          }
          for (; k < len; k++) {
            const d = cell.charCodeAt(k) - 48;
            if (d < 0 || d > 9) return undefined;
            n = n * 10 + d;
          }
          values[i] = intNum(cell.charCodeAt(0) === 45 && n !== 0 ? -n : n);
          break;
        }
        case C_NUMBER: {
          // a plain decimal that fits a Fixed; else the converter (money with its code `12.50
          // EUR`, many digits, a failure)
          const n = decimalNum(cell);
          if (n instanceof N.Fixed) {
            values[i] = n;
            break;
          }
          const v = this.c.converters[i](cell);
          if (v instanceof Failure) return undefined;
          values[i] = v;
          break;
        }
        default: {
          const v = this.c.converters[i](cell);
          if (v instanceof Failure) return undefined;
          values[i] = v;
        }
      }
    }
    return this.make(values);
  }
}
