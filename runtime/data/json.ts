/**
 * What `JSON.parse` does not say about a data file: where each record starts, a key given twice
 * in a record (JSON.parse silently keeps the last), and nesting too deep to be a record. One
 * linear pass over the text, before it is parsed.
 */
import { MAX_JSON_DEPTH } from './limits.js';

export interface JsonRecordInfo {
  /** The 1-based line on which the record starts. */
  line: number;
  /** A key given twice in the record's object, if any (the first such). */
  duplicateKey?: string;
}

export interface JsonStructure {
  records: JsonRecordInfo[];
  /** The line where nesting first goes deeper than MAX_JSON_DEPTH (then `records` stops there). */
  tooDeep?: number;
}

/**
 * The records of a JSON text: the elements of a top-level array (`array`), or the text itself
 * (one NDJSON line). The text need not be valid JSON (then what is found is of no use, and
 * JSON.parse says what is wrong).
 */
export function jsonStructure(text: string, array: boolean): JsonStructure {
  const records: JsonRecordInfo[] = [];
  const recordDepth = array ? 1 : 0; // the depth at which records start
  let line = 1;
  let depth = 0;
  let expectElement = !array;
  /** Per open object or array: the keys seen (objects that are records only), and whether it is an object. */
  const keys: (Set<string> | undefined)[] = [];
  let current: JsonRecordInfo | undefined;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (expectElement && depth === recordDepth && c !== 93) {
      current = { line };
      records.push(current);
      expectElement = false;
    }
    if (c === 34) {
      // a string: a key when one is expected in a record's object
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) {
          escaped = true;
          i++;
        } else if (d === 34) break;
        else if (d === 10) line++;
      }
      if (expectKey) {
        expectKey = false;
        const set = keys[keys.length - 1];
        if (set && current && current.duplicateKey === undefined) {
          let key = text.slice(start + 1, i);
          if (escaped) {
            try {
              key = JSON.parse(text.slice(start, i + 1)) as string;
            } catch {
              /* not valid JSON: JSON.parse reports it */
            }
          }
          if (set.has(key)) current.duplicateKey = key;
          else set.add(key);
        }
      }
      continue;
    }
    if (c === 91 || c === 123) {
      depth++;
      if (depth > MAX_JSON_DEPTH) return { records, tooDeep: line };
      // the keys of an object that is a record (an element of the array, or the NDJSON line)
      keys.push(c === 123 && depth === recordDepth + 1 ? new Set() : undefined);
      if (c === 123) expectKey = true;
      if (depth === 1 && c === 91 && array) expectElement = true;
    } else if (c === 93 || c === 125) {
      depth--;
      keys.pop();
      expectKey = false;
      if (depth < recordDepth) expectElement = false;
    } else if (c === 44) {
      if (depth === recordDepth && array) expectElement = true;
      else if (keys.length > 0 && depth === recordDepth + 1) expectKey = keys[keys.length - 1] !== undefined;
    }
  }
  return { records };
}

/** The line on which each element of a top-level JSON array starts (the text must be valid JSON). */
export function jsonArrayElementLines(text: string): number[] {
  return jsonStructure(text, true).records.map((r) => r.line);
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * What JSON.parse says is wrong, without the parts that repeat the input or give an offset (the
 * line is given apart): `Unexpected token ']'`, `Expected double-quoted property name`.
 */
export function jsonError(e: Error): string {
  const m = /^(.*?)(?: in JSON)? at position \d+/.exec(e.message) ?? /^(Unexpected token .*?), ".*" is not valid JSON$/s.exec(e.message);
  return m ? m[1]! : e.message;
}
