/**
 * Statements written as a run finishes each partner (`Evaluator.stream`): the JSON, CSV and table
 * of `statement.ts`, byte for byte, without ever holding every partner's statement or the whole
 * text — each partner's part is made, written and dropped (a table keeps its rows' cells, to size
 * its columns). Output goes through `Writer`, which hands the text on in pieces of about 64 KiB.
 */
import type { Artifact } from './artifact.js';
import * as N from './num.js';
import type { Num } from './num.js';
import type { PartnerResult, PeriodResult } from './results.js';
import { statementCsvHeader, statementJsonHead, statementJsonTail, TableText } from './statement.js';
import { partnerCsvWriter, partnerJsonWriter } from './statement-partner.js';

/**
 * Text written in pieces of about 64 KiB (`boundary` between a JSON statement's partners, `flush`
 * at the end), encoded as UTF-8 into one buffer as it comes: joining the pieces first made one
 * string of them, two bytes a character as soon as one piece holds a character beyond Latin-1 (a
 * trace's →), which then had to be encoded again.
 * A piece longer than the buffer is given as it is (a string).
 *
 * Each piece of bytes is given as a view of the writer's buffer. `out` returns true when it kept
 * no reference to it (it wrote the bytes, or copied them): the buffer is then written over.
 * Otherwise the writer goes on in a new buffer. (A copy of each piece, as before, made a run's
 * whole output in 64 KiB buffers outside V8's heap: for 1 GB of statements, V8 counted that memory
 * and collected its whole heap for it ~15 times, ~0.5 s each with a million partners' values in it.)
 */
export class Writer {
  private buf = new Uint8Array(1 << 17);
  private at = 0;
  constructor(private readonly out: (s: string | Uint8Array) => boolean | void) {}
  write(s: string): void {
    if (this.at + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        this.out(s);
        return;
      }
    }
    this.at += UTF8.encodeInto(s, this.buf.subarray(this.at)).written;
    if (this.at >= 1 << 16) this.flush();
  }
  flush(): void {
    if (this.at && this.out(this.buf.subarray(0, this.at)) !== true) this.buf = new Uint8Array(this.buf.length);
    this.at = 0;
  }

  /**
   * Hands the text on once 64 KiB are held: called between the partners of a JSON statement
   * (`jsonWriter`), not by each small write (`write`, which the other formats use, still flushes
   * itself). The small writes (`ascii`, `bytes`, `json`, `fixed`) only flush when what they write
   * would not fit, which a statement's parts almost never meet: a flush site inside each of them,
   * first reached after V8 had compiled it, undid the compiled code of each in turn (and compiling
   * `json` again took ~19 ms).
   */
  boundary(): void {
    if (this.at >= 1 << 16) this.flush();
  }

  /**
   * Text of ASCII characters (a statement's punctuation, keys and amounts), copied byte for byte:
   * cheaper than `encodeInto`, which first flattens the string a statement's concatenations make.
   * A character beyond ASCII sends the text to `write`.
   */
  ascii(s: string): void {
    const n = s.length;
    if (this.at + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) return this.write(s);
    }
    const buf = this.buf;
    const from = this.at;
    let at = from;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        this.at = from;
        return this.write(s);
      }
      buf[at++] = c;
    }
    this.at = at;
  }

  /** Bytes made once (a statement's punctuation and keys, encoded beforehand). */
  bytes(b: Uint8Array): void {
    const n = b.length;
    if (this.at + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) return void this.out(b.slice());
    }
    let at = this.at;
    // (a loop costs about 3 ns a byte, `set` about 30 ns whatever the length)
    if (n > 12) {
      this.buf.set(b, at);
      at += n;
    } else {
      const buf = this.buf;
      for (let i = 0; i < n; i++) buf[at++] = b[i]!;
    }
    this.at = at;
  }

  /**
   * `JSON.stringify(s)` (a string), encoded as it is escaped, in one pass: a quote or a backslash
   * gets a backslash before it, as `JSON.stringify` writes them; other characters are written as
   * UTF-8. A control character or half of a surrogate pair (rare) sends the string to
   * `JSON.stringify`, which decides its escapes. (Cheaper for a trace than the platform's encoder
   * after a search for what to escape: ~0.9 against ~1.6 µs.)
   */
  json(s: string): void {
    const n = s.length;
    // (at most 3 bytes a character, 2 for an escaped quote or backslash, and the quotes)
    if (this.at + n * 3 + 2 > this.buf.length) {
      this.flush();
      if (n * 3 + 2 > this.buf.length) return this.stringified(s, this.at);
    }
    const buf = this.buf;
    const from = this.at;
    let at = from;
    buf[at++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c < 0x20) return this.stringified(s, from);
        if (c === 0x22 || c === 0x5c) buf[at++] = 0x5c;
        buf[at++] = c;
      } else if (c < 0x800) {
        buf[at++] = 0xc0 | (c >> 6);
        buf[at++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) return this.stringified(s, from);
      else {
        buf[at++] = 0xe0 | (c >> 12);
        buf[at++] = 0x80 | ((c >> 6) & 0x3f);
        buf[at++] = 0x80 | (c & 0x3f);
      }
    }
    buf[at++] = 0x22;
    this.at = at;
  }

  /**
   * `N.toFixedText(v, digits)`, its digits written here for an exact integer of minor units (a
   * statement's amounts: 20,000 partners write ten each), else through the text.
   */
  fixed(v: Num, digits: number): void {
    if (!(v instanceof N.Fixed) || v.s > digits || digits - v.s > 15) return this.ascii(N.toFixedText(v, digits));
    const u = v.n * POW10[digits - v.s]!;
    if (!(Math.abs(u) <= Number.MAX_SAFE_INTEGER)) return this.ascii(N.toFixedText(v, digits));
    if (this.at + 20 + digits > this.buf.length) this.flush();
    const buf = this.buf;
    let a = Math.abs(u);
    // the digits, last first, at least one before the point
    let len = 0;
    do {
      len++;
      a = Math.floor(a / 10);
    } while (a > 0);
    if (len <= digits) len = digits + 1;
    let at = this.at;
    if (u < 0) buf[at++] = 0x2d;
    const whole = len - digits;
    const end = at + len + (digits > 0 ? 1 : 0);
    a = Math.abs(u);
    for (let k = end - 1; k >= at; k--) {
      if (digits > 0 && k === at + whole) {
        buf[k] = 0x2e;
        continue;
      }
      buf[k] = 0x30 + (a % 10);
      a = Math.floor(a / 10);
    }
    this.at = end;
  }

  /** `s` as `JSON.stringify` writes it, from `from` (what `json` had written of it is dropped). */
  private stringified(s: string, from: number): void {
    this.at = from;
    this.write(JSON.stringify(s));
  }
}

const UTF8 = new TextEncoder();
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** What each format does with a period: its beginning, each partner, its end (with the period's totals). */
export interface StatementWriter {
  begin(period: string): void;
  partner(p: PartnerResult): void;
  end(r: Pick<PeriodResult, 'period' | 'totals' | 'cost' | 'rejected' | 'draws'>): void;
  /** After the last period. */
  close(): void;
}

const MARK = '"\u0000partners\u0000"';

/**
 * `JSON.stringify(statementJson(a, r), null, 2)` of each period (an array of them when `all`),
 * and a final line break, as `incent run --format json` writes it.
 */
export function jsonWriter(a: Artifact, w: Writer, all: boolean): StatementWriter {
  const base = all ? '    ' : '  '; // a statement's members
  const inner = base + '  '; // a partner's first line
  const partner = partnerJsonWriter(a, inner);
  let periods = 0;
  let partners = 0;
  // A statement's text around its partners: the statement's JSON with a mark where the partners go.
  const around = (head: object, tail: object): [string, string] => {
    const text = JSON.stringify({ ...head, partners: MARK, ...tail }, null, 2).replace(/\n/g, all ? '\n  ' : '\n');
    const at = text.indexOf(JSON.stringify(MARK));
    return [text.slice(0, at), text.slice(at + JSON.stringify(MARK).length)];
  };
  return {
    begin(period) {
      w.write(all ? (periods++ === 0 ? '[\n  ' : ',\n  ') : '');
      // the text before the partners does not depend on the totals: any will do
      w.write(around(statementJsonHead(a, { period }), {})[0] + '[');
      partners = 0;
    },
    partner(p) {
      w.ascii(partners++ === 0 ? '\n' + inner : ',\n' + inner);
      partner(p, w);
      w.boundary();
    },
    end(r) {
      w.write((partners > 0 ? '\n' + base : '') + ']' + around(statementJsonHead(a, r), statementJsonTail(a, r))[1]);
    },
    close() {
      w.write(all ? '\n]\n' : '\n');
      w.flush();
    },
  };
}

/** `statementCsv(a, periods)`, as `incent run --format csv` writes it. */
export function csvWriter(a: Artifact, w: Writer): StatementWriter {
  w.write(statementCsvHeader(a));
  const rows = partnerCsvWriter(a);
  let period = '';
  return {
    begin(p) {
      period = p;
    },
    partner(p) {
      rows(period, p, w);
      w.boundary();
    },
    end() {},
    close() {
      w.flush();
    },
  };
}

/** The tables of `statementTable`, one per period, joined by an empty line, each text through `shown` (`printable` on a terminal's behalf). */
export function tableWriter(a: Artifact, w: Writer, shown: (s: string) => string): StatementWriter {
  let table: TableText | undefined;
  let periods = 0;
  return {
    begin() {
      table = new TableText(a);
      if (periods++ > 0) w.write('\n');
    },
    partner(p) {
      table!.add(p);
    },
    end(r) {
      table!.write(r, (s) => w.write(shown(s)));
      table = undefined;
    },
    close() {
      w.flush();
    },
  };
}
