/**
 * A line converter generated for one CSV header: the byte reader's cell checks and conversions
 * (`byte-rows.ts`, `ByteRows`) written out column by column, with the fields' kinds, scales and
 * enumeration members inlined, so that V8 compiles one straight function per file instead of
 * interpreting a description per cell (about 3× faster). It does exactly what `ByteRows`'s
 * interpreter does (the tests run both on the same lines); the interpreter is used where generated
 * code is refused (a content security policy) or for a header too wide to be worth it.
 *
 * The source is made only of fixed text, numbers and the names of this module's parameters:
 * nothing read from a file or a program is put in it (members are compared as byte values).
 */

/** How one column is read on bytes. */
export const F_SKIP = 0; // a column no field reads
export const F_ID = 1;
export const F_PARTNER = 2;
export const F_LITERAL = 3; // text compared with literals
export const F_DATE = 4; // the event's date
export const F_OTHER_DATE = 5;
export const F_INTEGER = 6;
export const F_MONEY = 7;
export const F_DECIMAL = 8;
export const F_BOOLEAN = 9;
export const F_ENUM = 10;
export const F_TEXT = 11; // text the kernel does not read (checked: not empty)

import { dayFromCivil, daysInMonth } from '../../core/periods.js';

/** Lines longer than this go to the string reader (which applies the line limit). */
export const MAX_PLAIN = 1 << 16;

/** The answer of a line converter: the record was written to the batch; it goes the general way; the line is not plain. */
export const TOOK = 1;
export const GENERAL = 0;
export const NOT_PLAIN = -1;

/** Per byte: 1 a comma, 2 a byte that keeps a line from being plain (a quote, a carriage return, a byte of a multi-byte character), else 0. */
export const CLASS = new Uint8Array(256);
CLASS[44] = 1;
CLASS[34] = 2;
CLASS[13] = 2;
for (let c = 128; c < 256; c++) CLASS[c] = 2;

/** The bytes of a string that a cell of a plain line can equal (plain ASCII, no comma), or undefined. */
export function plainBytes(s: string): Uint8Array | undefined {
  if (s.length === 0) return undefined;
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255 || CLASS[c] !== 0) return undefined;
    bytes[i] = c;
  }
  return bytes;
}

/** Strings to recognise in a cell (enumeration members, literals), by their first byte: each with its code (its index). */
export type Matcher = ({ bytes: Uint8Array; code: number }[] | undefined)[];

export function matcher(strings: readonly string[]): Matcher {
  const m: Matcher = new Array(256).fill(undefined);
  strings.forEach((s, code) => {
    const bytes = plainBytes(s);
    if (bytes) (m[bytes[0]!] ??= []).push({ bytes, code });
  });
  return m;
}

/** The code of the string in `buf[s, e)` (the first equal one), or −1. */
export function match(m: Matcher, buf: Uint8Array, s: number, e: number): number {
  const list = m[buf[s]!];
  if (list === undefined) return -1;
  const len = e - s;
  for (let k = 0; k < list.length; k++) {
    const b = list[k]!.bytes;
    if (b.length !== len) continue;
    let q = 1;
    while (q < len && b[q] === buf[s + q]) q++;
    if (q === len) return list[k]!.code;
  }
  return -1;
}

/** One column, as the generated converter reads it. */
export interface GenColumn {
  kind: number;
  /** Where its value goes (`O[i]` in the source), or −1. */
  out: number;
  /** Its members or literals (`M[i]`): inlined as byte comparisons when few and short. */
  strings: readonly string[];
  match: number;
}

/** What the generated converter is given (the parameters of its factory). */
export interface GenContext {
  /** Output arrays of the columns (`GenColumn.out` indexes them). */
  O: (Float64Array | Int32Array | undefined)[];
  /** Matchers of the columns (`GenColumn.match` indexes them). */
  M: Matcher[];
  /** The batch's partner, day and month arrays. */
  partner: Int32Array;
  day: Int32Array;
  month: Int32Array;
  /** The partner table (its `ok` grows: read through it). */
  partners: { ok: Uint8Array; numberLength: number; numberPrefix: Uint8Array; byNumber: Int32Array; fromNumber(buf: Uint8Array, s: number): number; fromBytes(buf: Uint8Array, s: number, e: number): number };
  /** Where a converter leaves the last record's id hashes, a run where it stopped in the batch, and the partner cell it stopped before (`stops`). */
  ids: { idH1: number; idH2: number; runTo: number; missStart: number; missEnd: number };
  refuse(buf: Uint8Array, start: number, end: number): number;
  /** For runs of lines (`generateRun`): each record's line (start, end) and id hashes, by its place in the batch. */
  starts: Int32Array;
  ends: Int32Array;
  H1: Int32Array;
  H2: Int32Array;
}

/**
 * Per month number (year × 12 + month − 1, years 1–9999): the day number of its first day
 * + 1,000,000 (0: not made yet; day numbers of years 1–9999 are above −719,162), and its length.
 */
const MONTH_FIRST = new Int32Array(10000 * 12);
const MONTH_LENGTH = new Uint8Array(10000 * 12);

/** Makes a month's entries (and returns its first day + 1,000,000). */
function monthFirstDay(month: number): number {
  const y = Math.floor(month / 12);
  const m = (month % 12) + 1;
  MONTH_LENGTH[month] = daysInMonth(y, m);
  return (MONTH_FIRST[month] = dayFromCivil(y, m, 1) + 1_000_000);
}

const MAX_INLINE_STRINGS = 32;
const MAX_INLINE_BYTES = 48;

/**
 * A converter `(buf, start, end, j) => TOOK | GENERAL | NOT_PLAIN` for one header's columns
 * (`digits`: money's scale; seeds of the id and partner hashes), or undefined when generated code
 * cannot be made here.
 */
export function generateConverter(cols: readonly GenColumn[], digits: number, idSeed: number, partnerSeed: number, ctx: GenContext, clean = false): ((buf: Uint8Array, start: number, end: number, j: number) => number) | undefined {
  return make(cols, digits, idSeed, partnerSeed, ctx, clean ? 'clean' : 'line') as ((buf: Uint8Array, start: number, end: number, j: number) => number) | undefined;
}

/**
 * A converter of a run of lines `(buf, pos, limit, j, jMax) => to` for one header's columns: the
 * lines from `pos` converted one after the other into the batch from its place `j`, each as the
 * clean converter takes it (`TOOK`), with its line (`starts`, `ends`) and id hashes (`H1`, `H2`)
 * at its place; it stops before the first line it does not take, at `jMax` records, or at `limit`.
 * It answers where it stopped (a line's start) and sets `ids.runTo` to the next place.
 *
 * The caller guarantees that `buf[pos, limit)` is a clean stretch (no quote, no CR, nothing above
 * 0x7f) that ends with a line feed: a line's end is found by the cells' own scans, which stop at a
 * comma or a line feed, instead of being looked for first. A line over `maxLine` bytes is not
 * taken (the reader gives it to the string reader, which applies the limits).
 */
export function generateRun(cols: readonly GenColumn[], digits: number, idSeed: number, partnerSeed: number, ctx: GenContext, maxLine: number, stops = false): ((buf: Uint8Array, pos: number, limit: number, j: number, jMax: number) => number) | undefined {
  return make(cols, digits, idSeed, partnerSeed, ctx, 'run', maxLine, stops) as ((buf: Uint8Array, pos: number, limit: number, j: number, jMax: number) => number) | undefined;
}

/**
 * The converters' source: `line` for any line `[start, end)`; `clean` for a line of a clean stretch
 * (only commas end a cell); `run` for lines one after the other in a clean stretch (a comma or a
 * line feed ends a cell; a line feed ends the line).
 */
function make(cols: readonly GenColumn[], digits: number, idSeed: number, partnerSeed: number, ctx: GenContext, mode: 'line' | 'clean' | 'run', maxLine = 0, stops = false): ((...args: never[]) => number) | undefined {
  const n = (x: number) => {
    if (!Number.isSafeInteger(x)) throw new Error('internal: not an integer in generated code');
    return String(x);
  };
  const run = mode === 'run';
  // a line not taken: in a run, the run stops before it
  const R = run ? 'break lines;' : 'return R(buf, start, end);';
  // `clean`: the caller checked that the bytes hold no quote, no CR and nothing above 0x7f: only commas matter.
  const scan = run ? `while ((c = buf[p]) !== 44 && c !== 10) p++;` : mode === 'clean' ? `while (p < end && buf[p] !== 44) p++;` : `while (p < end && (c = CLASS[buf[p]]) === 0) p++;\n  if (p < end && c === 2) return -1;`;
  /** Whether the cell ends at `p`: a comma or the line's end. */
  const cellEnd = (at: string) => (run ? `((c = buf[${at}]) === 44 || c === 10)` : `(${at} === end || buf[${at}] === 44)`);
  const parts: string[] = [];
  cols.forEach((col, i) => {
    const last = i === cols.length - 1;
    const out = col.out >= 0 ? `o${n(col.out)}` : undefined;
    let code = `  // column ${n(i)}\n  s = p;\n`;
    switch (col.kind) {
      case F_SKIP:
        code += `  ${scan}\n`;
        break;
      case F_TEXT:
        code += `  ${scan}\n  if (p === s) ${R}\n`;
        break;
      case F_LITERAL:
      case F_ENUM: {
        // (a member with a line feed is never a cell: in a run, it is not compared)
        const bytes = col.strings.map((s) => plainBytes(s)).map((b) => (run && b?.includes(10) ? undefined : b));
        const inline = col.strings.length <= MAX_INLINE_STRINGS && bytes.every((b) => !b || b.length <= MAX_INLINE_BYTES);
        if (inline) {
          // The members (literals) compared where the cell starts, by the first byte, then the
          // other bytes and a comma (or the line's end) after them: a cell that is one is read
          // once (the first equal string wins); only another text is scanned for its comma.
          code += `  k = -1;\n`;
          const byFirst = new Map<number, { b: Uint8Array; code: number }[]>();
          bytes.forEach((b, code2) => {
            if (b) byFirst.set(b[0]!, [...(byFirst.get(b[0]!) ?? []), { b, code: code2 }]);
          });
          code += `  switch (buf[s]) {\n`;
          for (const [first, list] of byFirst) {
            code += `    case ${n(first)}:\n`;
            for (const { b, code: code2 } of list) {
              const eq = [...b].slice(1).map((x, q) => ` && buf[s + ${n(q + 1)}] === ${n(x)}`).join('');
              // (in a run, the bytes compared stop at the line feed, which no member has)
              const within = run ? '' : ` && s + ${n(b.length)} <= end`;
              code += `      if (k < 0${within}${eq} && ${cellEnd(`s + ${n(b.length)}`)}) { k = ${n(code2)}; p = s + ${n(b.length)}; }\n`;
            }
            code += `      break;\n`;
          }
          code += `  }\n`;
          if (col.kind === F_ENUM) code += `  if (k < 0) ${R}\n`;
          else code += `  if (k < 0) {\n  ${scan}\n  if (p === s) ${R}\n  }\n`;
        } else {
          code += `  ${scan}\n  if (p === s) ${R}\n  k = match(M[${n(col.match)}], buf, s, p);\n`;
          if (col.kind === F_ENUM) code += `  if (k < 0) ${R}\n`;
        }
        if (out) code += `  ${out}[j] = k;\n`;
        break;
      }
      case F_BOOLEAN:
        code += `  ${scan}\n  len = p - s;\n`;
        code += `  if (len === 4 && buf[s] === 116 && buf[s + 1] === 114 && buf[s + 2] === 117 && buf[s + 3] === 101) k = 1;\n`;
        code += `  else if (len === 5 && buf[s] === 102 && buf[s + 1] === 97 && buf[s + 2] === 108 && buf[s + 3] === 115 && buf[s + 4] === 101) k = 0;\n  else ${R}\n`;
        if (out) code += `  ${out}[j] = k;\n`;
        break;
      case F_ID: {
        // `idHash1`/`idHash2` of `record-sets.ts`: a short prefix and a number (no leading zero) is
        // not hashed (h1 its prefix, h2 its number); any other id is, h1 with its top bit set
        const [h1, h2] = run ? ['i1', 'i2'] : ['ids.idH1', 'ids.idH2'];
        if (run) {
          // (one pass over the cell: its prefix — at most 3 bytes that are not digits — then its
          // digits; only a cell that is not a prefix and a number is scanned on to its end)
          code += `  while (p - s < 3 && (c = buf[p]) !== 44 && c !== 10 && (c < 48 || c > 57)) p++;\n`;
          code += `  len = p; v = 0;\n  while ((c = buf[p]) >= 48 && c <= 57) { v = v * 10 + c - 48; p++; }\n  d = p - len;\n`;
          code += `  if ((c === 44 || c === 10) && d >= 1 && d <= 9 && (d === 1 || buf[len] !== 48)) {\n`;
          code += `    h = (len - s + 1) << 24;\n    for (k = s; k < len; k++) h |= buf[k] << (8 * (k - s));\n    ${h1} = h; ${h2} = v;\n  } else {\n`;
          code += `    ${scan}\n    if (p === s) ${R}\n`;
        } else {
          code += `  ${scan}\n  if (p === s) ${R}\n`;
          code += `  k = s;\n  while (k < p && k - s < 3 && ((c = buf[k]) < 48 || c > 57)) k++;\n`;
          code += `  len = k; d = p - k; v = 0;\n`;
          code += `  if (d >= 1 && d <= 9 && (d === 1 || buf[k] !== 48)) { for (; k < p; k++) { c = buf[k] - 48; if (c < 0 || c > 9) break; v = v * 10 + c; } } else k = -1;\n`;
          code += `  if (k === p) {\n    h = (len - s + 1) << 24;\n    for (k = s; k < len; k++) h |= buf[k] << (8 * (k - s));\n    ${h1} = h; ${h2} = v;\n  } else {\n`;
        }
        code += `    h = ${n(0x811c9dc5 ^ idSeed)}; h2 = ${n(0x9e3779b9 ^ idSeed)};\n`;
        code += `    for (k = s; k < p; k++) { c = buf[k]; h = Math.imul(h ^ c, 16777619); h2 = Math.imul(h2 + c, 1540483477); h2 ^= h2 >>> 13; }\n`;
        code += `    h ^= h >>> 15; ${h1} = (h === 0 ? 1 : h) | -2147483648; ${h2} = h2 ^ (h2 >>> 16);\n  }\n`;
        break;
      }
      case F_PARTNER:
        // an id of the table's pattern by its number, else by its hash (`PartnerTable`)
        if (run && stops) {
          // (`fromNumber` as the cell is scanned, in one pass: the table's prefix, then digits to
          // the cell's end; any other cell is scanned on to its end, and looked up outside the run)
          code += `  pre = partners.numberPrefix; h = pre.length;\n  for (k = 0; k < h && buf[p] === pre[k]; k++) p++;\n  v = 0;\n`;
          code += `  if (k === h) while ((c = buf[p]) >= 48 && c <= 57) { v = v * 10 + c - 48; p++; }\n  c = buf[p];\n`;
          code += `  if (k === h && (c === 44 || c === 10) && p - s === partners.numberLength) k = partners.byNumber[v];\n`;
          code += `  else {\n    ${scan}\n    if (p === s) ${R}\n    k = -1;\n  }\n`;
        } else {
          code += `  ${scan}\n  if (p === s) ${R}\n`;
          code += `  k = p - s === partners.numberLength ? partners.fromNumber(buf, s) : -1;\n`;
        }
        // (`stops`: a partner not found by its number ends the run before its line, its cell in
        // `ids.missStart`, `ids.missEnd`: the table's hash path, which adds new ids, stays out of
        // the run's code, whose compiling it more than doubled)
        code += stops ? `  if (k < 0) { ids.missStart = s; ids.missEnd = p; ${R} }\n` : `  if (k < 0) k = partners.fromBytes(buf, s, p);\n`;
        code += `  if (partners.ok[k] === 0) ${R}\n  partner[j] = k;\n`;
        break;
      case F_DATE:
      case F_OTHER_DATE:
        // YYYY-MM-DD: digits and dashes, a month 01-12, a day of that month (as `parseDate`); the
        // day number from the month's first day (`monthDays`, made once per month met)
        // (in a run, `p < limit` keeps the 11 bytes read inside the stretch; a line feed among them is
        // neither a digit nor a dash, so the checks below refuse it)
        code += run
          ? `  p = s + 10;\n  if (p >= limit || !${cellEnd('p')} || buf[s + 4] !== 45 || buf[s + 7] !== 45) ${R}\n`
          : `  p = s + 10;\n  if (p > end || (p < end && buf[p] !== 44) || buf[s + 4] !== 45 || buf[s + 7] !== 45) ${R}\n`;
        code += `  d = buf[s] - 48; v = buf[s + 1] - 48; h = buf[s + 2] - 48; h2 = buf[s + 3] - 48;\n`;
        code += `  if (d < 0 || d > 9 || v < 0 || v > 9 || h < 0 || h > 9 || h2 < 0 || h2 > 9) ${R}\n`;
        code += `  k = ((d * 1000 + v * 100 + h * 10 + h2) * 12);\n`;
        code += `  d = buf[s + 5] - 48; v = buf[s + 6] - 48; h = buf[s + 8] - 48; h2 = buf[s + 9] - 48;\n`;
        code += `  if (d < 0 || d > 1 || v < 0 || v > 9 || h < 0 || h > 3 || h2 < 0 || h2 > 9) ${R}\n`;
        code += `  d = d * 10 + v; v = h * 10 + h2;\n  if (d < 1 || d > 12 || k < 12 || v < 1) ${R}\n  k += d - 1;\n`;
        code += `  d = monthFirst[k];\n  if (d === 0) d = monthFirstDay(k);\n  if (v > monthLength[k]) ${R}\n`;
        if (col.kind === F_DATE) code += `  day[j] = d - 1000000 + v - 1;\n  month[j] = k;\n`;
        else if (out) code += `  ${out}[j] = d - 1000000 + v - 1;\n`;
        break;
      default: {
        // F_INTEGER, F_MONEY, F_DECIMAL
        const scale = col.kind === F_MONEY ? digits : 0;
        // (in a run, a line feed ends the digits: no bound is checked)
        const inLine = run ? '' : 'p < end && ';
        code += `  neg = false;\n  if (${inLine}buf[p] === 45) { neg = true; p++; }\n  v = 0; sig = 0; exact = true; taken = 0;\n  k = p;\n`;
        code += `  while (${inLine}(d = buf[p] - 48) >= 0 && d <= 9) { if (sig > 0 || d !== 0) { sig++; v = v * 10 + d; } p++; }\n`;
        code += `  if (p === k) ${R}\n  digits = p - k;\n`;
        code += `  if (${inLine}buf[p] === 46) {\n`;
        if (col.kind === F_INTEGER) code += `    ${R}\n`;
        code += `    k = ++p;\n    while (${inLine}(d = buf[p] - 48) >= 0 && d <= 9) { if (taken < ${n(scale)}) { v = v * 10 + d; taken++; if (sig > 0 || d !== 0) sig++; } else if (d !== 0) exact = false; p++; }\n`;
        code += `    if (p === k) ${R}\n    digits += p - k;\n  }\n  if (${run ? `!${cellEnd('p')}` : 'p < end && buf[p] !== 44'}) ${R}\n`;
        if (col.kind === F_DECIMAL) code += `  if (digits > 34) ${R}\n`;
        else {
          code += `  for (; taken < ${n(scale)}; taken++) v *= 10;\n  if (!exact || sig > 15 || v > 999999999999999) ${R}\n`;
          if (out) code += `  ${out}[j] = neg && v !== 0 ? -v : v;\n`;
        }
      }
    }
    if (run) code += last ? `  if (buf[p] !== 10) ${R}\n` : `  if (buf[p] !== 44) ${R}\n  p++;\n`;
    else code += last ? `  if (p !== end) ${R}\n` : `  if (p >= end) ${R}\n  p++;\n`;
    parts.push(code);
  });
  const outs = [...new Set(cols.filter((c) => c.out >= 0).map((c) => c.out))];
  const locals = 'let p = start, s = 0, c = 0, k = 0, len = 0, h = 0, h2 = 0, v = 0, d = 0, sig = 0, taken = 0, digits = 0, neg = false, exact = true, pre = buf;';
  const body = run
    ? `return function run(buf, pos, limit, j, jMax) {
  let start = pos, i1 = ids.idH1, i2 = ids.idH2;
  ${locals}
  lines: while (j < jMax && pos < limit) {
  start = p = pos;
  if (buf[p] === 10) break; // an empty line: the reader skips it
${parts.join('')}  if (p - start > ${n(maxLine)}) break lines;
  starts[j] = start; ends[j] = p; H1[j] = i1; H2[j] = i2; j++;
  pos = p + 1;
  }
  ids.idH1 = i1; ids.idH2 = i2; ids.runTo = j;
  return pos;
};`
    : `return function convert(buf, start, end, j) {
  ${locals}
${parts.join('')}  return 1;
};`;
  const source = `${outs.map((o) => `const o${n(o)} = O[${n(o)}];`).join('\n')}\n${body}`;
  try {
    const factory = new Function('CLASS', 'O', 'M', 'match', 'partner', 'day', 'month', 'partners', 'ids', 'R', 'monthFirst', 'monthLength', 'monthFirstDay', 'starts', 'ends', 'H1', 'H2', source) as (...args: unknown[]) => (...args: never[]) => number;
    return factory(CLASS, ctx.O, ctx.M, match, ctx.partner, ctx.day, ctx.month, ctx.partners, ctx.ids, ctx.refuse, MONTH_FIRST, MONTH_LENGTH, monthFirstDay, ctx.starts, ctx.ends, ctx.H1, ctx.H2);
  } catch {
    return undefined;
  }
}
