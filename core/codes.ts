/**
 * Every diagnostic code Incent gives, in one table: the program's (syntax `E00xx`/`E01xx`, names
 * `E02xx`, units `E03xx`, declarations and static rules `E04xx`, warnings `W00xx`), the data's
 * (`D0xxx`), the test blocks' (`T0xxx`) and evaluation's (`R0xxx`). Each has a severity, the stage
 * that gives it, what it means and the usual fix. Data and test codes also carry their message
 * template here; the checker and the evaluator build their messages where they find the problem
 * (they name what they found there: the names, the values, the rule and the record), and tests pin
 * each one (`test/compiler/cases.ts`, `test/runtime/data/cases.ts`, …).
 *
 * The reference's code tables (`language/REFERENCE.md`) are generated from this table and the
 * tested examples (`npm run reference`); a test fails when they differ.
 */

export type Stage = 'syntax' | 'names' | 'units' | 'declarations' | 'warnings' | 'data files' | 'data records' | 'data set' | 'tests' | 'evaluation';

export interface CodeInfo {
  severity: 'error' | 'warning';
  stage: Stage;
  /** When it is given, in a few words. */
  what: string;
  /** The usual fix (a diagnostic may give a more precise one). */
  hint?: string;
}

/** Codes of the program text: the parser's and the checker's. Their messages are built where the problem is found. */
const PROGRAM = {
  E0001: { severity: 'error', stage: 'syntax', what: 'a character that starts no token', hint: 'remove it; comments start with `#`' },
  E0002: { severity: 'error', stage: 'syntax', what: 'a string without its closing quote', hint: 'close the string with `"` on the same line' },
  E0005: { severity: 'error', stage: 'syntax', what: 'a program over the size limit (4,000,000 characters)', hint: 'split it into smaller programs; data belongs in data files' },
  E0101: { severity: 'error', stage: 'syntax', what: 'a token other than the one the grammar needs (a keyword where a name is expected, a missing bracket)' },
  E0102: { severity: 'error', stage: 'syntax', what: 'none of the alternatives the grammar allows here fits' },
  E0103: { severity: 'error', stage: 'syntax', what: 'a list that needs at least one item is empty' },
  E0104: { severity: 'error', stage: 'syntax', what: 'tokens left after a complete declaration', hint: 'remove them, or start a new declaration' },
  E0105: { severity: 'error', stage: 'syntax', what: 'something that is not a declaration at the top level' },
  E0106: { severity: 'error', stage: 'syntax', what: 'a second `program` header', hint: 'keep one header per file' },
  E0107: { severity: 'error', stage: 'syntax', what: 'an expression nested more than 64 levels deep', hint: 'give an inner part a name with `let` and use the name' },
  E0108: { severity: 'error', stage: 'syntax', what: 'a keyword where an expression is expected, where it cannot be a bare field name', hint: 'write the value; a field named like a keyword is written `EVENT.FIELD` (`sale.value`)' },
  E0109: { severity: 'error', stage: 'syntax', what: "a field's option out of order, or given twice", hint: 'write each option once, in this order: `in A..B`, `from "Column header"`, then `default VALUE`' },
  E0199: { severity: 'error', stage: 'syntax', what: 'an internal parser failure (a bug in Incent)', hint: 'please report it with the program' },

  E0201: { severity: 'error', stage: 'names', what: 'an unknown name', hint: 'declare it, or correct its spelling' },
  E0202: { severity: 'error', stage: 'names', what: 'a name declared twice', hint: 'give each let, measure, tier, payout and event its own name' },
  E0203: { severity: 'error', stage: 'names', what: 'a field, or an enumeration value, declared twice', hint: 'keep one' },
  E0204: { severity: 'error', stage: 'names', what: 'an unknown partner field' },
  E0205: { severity: 'error', stage: 'names', what: 'an unknown event kind' },
  E0206: { severity: 'error', stage: 'names', what: 'an unknown event field' },
  E0207: { severity: 'error', stage: 'names', what: 'an event field where no event is in scope' },
  E0208: { severity: 'error', stage: 'names', what: 'a field of another event kind than the rule’s' },
  E0209: { severity: 'error', stage: 'names', what: 'an unknown pot' },
  E0210: { severity: 'error', stage: 'names', what: 'a definition that depends on itself' },
  E0211: { severity: 'error', stage: 'names', what: 'an unqualified field that several event kinds have', hint: 'write `EVENT.field`' },
  E0212: { severity: 'error', stage: 'names', what: 'a measure over two event kinds' },
  E0213: { severity: 'error', stage: 'names', what: 'a pot used as a value' },
  E0214: { severity: 'error', stage: 'names', what: 'a field of something that has no fields' },
  E0215: { severity: 'error', stage: 'names', what: 'a level that the tier does not have' },
  E0216: { severity: 'error', stage: 'names', what: 'a level name of more than one tier' },
  E0217: { severity: 'error', stage: 'names', what: 'two rules with one name' },
  E0218: { severity: 'error', stage: 'names', what: 'two tests with one name' },
  E0219: { severity: 'error', stage: 'names', what: 'two tier levels with one name' },
  E0220: { severity: 'error', stage: 'names', what: 'a lookup key given twice' },
  E0221: { severity: 'error', stage: 'names', what: 'an unknown type' },
  E0222: { severity: 'error', stage: 'names', what: 'an implicit field declared other than to map it to a column (`id: text from "Invoice"`)' },
  E0223: { severity: 'error', stage: 'names', what: 'a value that must be a constant varies by partner' },
  E0224: { severity: 'error', stage: 'names', what: 'a measure that uses no event field' },
  E0225: { severity: 'error', stage: 'names', what: 'a keyword used as a name where it is not a field of the event in scope', hint: 'write the field with its record: `sale.value`, `partner.value`' },
  E0226: { severity: 'error', stage: 'names', what: 'two fields read from one column, or a column without a name', hint: 'map each field to a column of its own with `from "Column header"`' },
  E0227: { severity: 'error', stage: 'names', what: '`ref` fields that lead from a kind back to itself', hint: 'keep one of the fields as `text`' },
  E0228: { severity: 'error', stage: 'names', what: '`previous NAME` or `NAME at DATE` of something that has no value per period', hint: 'use a measure, a tier or a let of partner-level values' },
  E0229: { severity: 'error', stage: 'names', what: 'a partner field declared as a `ref`', hint: 'declare `ref` fields in events; keep a partner’s id of a record as `text`' },
  E0230: { severity: 'error', stage: 'names', what: '`money any by FIELD` where FIELD is not a text field of the same record', hint: 'name a `text` field of the record that holds the currency code (`cur: text`, `amount: money any by cur`)' },
  E0231: { severity: 'error', stage: 'names', what: 'a `money any` field in a program without `exchange rates`', hint: 'add `exchange rates monthly` (or `daily`) to the header, with a `rates.csv` in the data' },
  E0232: { severity: 'error', stage: 'names', what: 'a `money any` field that cannot be converted at the rate of its record’s date: a partner field, or one with a range (`in A..B`)', hint: 'declare `money any` fields in events, without a range' },
  E0233: { severity: 'error', stage: 'names', what: 'an event kind named `rates` in a program with `exchange rates` (its file would be the rates’ `rates.csv`)', hint: 'give the event kind another name' },

  E0301: { severity: 'error', stage: 'units', what: 'arithmetic on money and a number, or on money and money, that has no meaning', hint: 'write money with its currency (`5 EUR`), or divide money by money for a number' },
  E0302: { severity: 'error', stage: 'units', what: 'arithmetic on something that is not a number or money' },
  E0303: { severity: 'error', stage: 'units', what: 'a comparison of two units' },
  E0304: { severity: 'error', stage: 'units', what: 'an enumeration value that does not exist' },
  E0305: { severity: 'error', stage: 'units', what: 'a condition that is not true or false' },
  E0306: { severity: 'error', stage: 'units', what: '`if` branches of two units' },
  E0307: { severity: 'error', stage: 'units', what: 'a function applied to a value it does not take' },
  E0308: { severity: 'error', stage: 'units', what: 'a function given the wrong number of values' },
  E0309: { severity: 'error', stage: 'units', what: 'money in another currency than the program’s' },
  E0310: { severity: 'error', stage: 'units', what: 'a date that does not exist' },
  E0311: { severity: 'error', stage: 'units', what: 'an order asked of values that have none' },
  E0315: { severity: 'error', stage: 'units', what: 'a lookup keyed by something other than a tier or an enumeration' },
  E0316: { severity: 'error', stage: 'units', what: 'table values of two units' },
  E0317: { severity: 'error', stage: 'units', what: 'a band threshold or an interpolation point of another unit, or bands or `interpolate` over something that is not a number or money' },
  E0318: { severity: 'error', stage: 'units', what: 'marginal rates in money over money' },
  E0319: { severity: 'error', stage: 'units', what: 'an amount in another unit than its pot’s' },
  E0320: { severity: 'error', stage: 'units', what: 'a value of the wrong type for its place' },
  E0321: { severity: 'error', stage: 'units', what: 'an aggregate of values it cannot add' },
  E0322: { severity: 'error', stage: 'units', what: 'a computation of constants outside the size of numbers (10^-34 ≤ |x| < 10^34, or zero)' },
  E0323: { severity: 'error', stage: 'units', what: 'a number with more than 34 significant digits', hint: 'write it with at most 34 significant digits' },
  E0324: { severity: 'error', stage: 'units', what: 'a number outside the size of numbers (10^-34 ≤ |x| < 10^34, or zero)' },

  E0401: { severity: 'error', stage: 'declarations', what: 'a program without its header' },
  E0402: { severity: 'error', stage: 'declarations', what: 'a header without a required clause' },
  E0403: { severity: 'error', stage: 'declarations', what: 'a header clause given twice' },
  E0404: { severity: 'error', stage: 'declarations', what: 'an unknown currency' },
  E0405: { severity: 'error', stage: 'declarations', what: 'an unknown period' },
  E0406: { severity: 'error', stage: 'declarations', what: 'a start that is not the first day of a period' },
  E0407: { severity: 'error', stage: 'declarations', what: 'an end that is not the last day of a period' },
  E0408: { severity: 'error', stage: 'declarations', what: 'an end before the start' },
  E0409: { severity: 'error', stage: 'declarations', what: 'an unknown rounding mode' },
  E0410: { severity: 'error', stage: 'declarations', what: 'a `min`, `max` or `average` without `else`' },
  E0411: { severity: 'error', stage: 'declarations', what: 'a `sum` or `count` with `else`' },
  E0412: { severity: 'error', stage: 'declarations', what: 'a window of no periods, of more than 100 years, or reaching before 0001-01-01' },
  E0413: { severity: 'error', stage: 'declarations', what: 'a tier level with a threshold it must not have, or without one it needs' },
  E0414: { severity: 'error', stage: 'declarations', what: 'tier thresholds that do not increase' },
  E0416: { severity: 'error', stage: 'declarations', what: 'a tier without levels' },
  E0417: { severity: 'error', stage: 'declarations', what: 'a lookup that misses a key' },
  E0418: { severity: 'error', stage: 'declarations', what: 'bands or marginal rates that do not start with `below`, or have only `below`' },
  E0419: { severity: 'error', stage: 'declarations', what: 'a first `from` threshold that is not the `below` threshold' },
  E0420: { severity: 'error', stage: 'declarations', what: 'band thresholds or interpolation points that do not increase' },
  E0421: { severity: 'error', stage: 'declarations', what: 'an unknown payout kind' },
  E0422: { severity: 'error', stage: 'declarations', what: 'a pot option that its kind does not take' },
  E0423: { severity: 'error', stage: 'declarations', what: 'a pot option, or a tier’s `down at most`, given twice' },
  E0424: { severity: 'error', stage: 'declarations', what: 'a pot amount that must be above zero, or a denomination listed twice' },
  E0425: { severity: 'error', stage: 'declarations', what: 'a gift-card pot without denominations' },
  E0426: { severity: 'error', stage: 'declarations', what: 'a rule without a scope, or with several' },
  E0427: { severity: 'error', stage: 'declarations', what: 'a rule without an award' },
  E0428: { severity: 'error', stage: 'declarations', what: 'a rule cap with several awards' },
  E0429: { severity: 'error', stage: 'declarations', what: 'a cap per event in a rule that is not for each event' },
  E0430: { severity: 'error', stage: 'declarations', what: '`once` in a ranking rule' },
  E0431: { severity: 'error', stage: 'declarations', what: 'a ranking of no partners' },
  E0432: { severity: 'error', stage: 'declarations', what: 'a clause given twice in a rule' },
  E0433: { severity: 'error', stage: 'declarations', what: 'a test without a period, or with a period it cannot have' },
  E0434: { severity: 'error', stage: 'declarations', what: 'a test period of another kind than the program’s' },
  E0435: { severity: 'error', stage: 'declarations', what: 'a test record without a required field' },
  E0436: { severity: 'error', stage: 'declarations', what: 'an expectation of something that is not a pot, a tier or a measure' },
  E0437: { severity: 'error', stage: 'declarations', what: 'an expectation about a partner the test does not have' },
  E0438: { severity: 'error', stage: 'declarations', what: 'a test value or a field default that the checker cannot compute before the run', hint: 'write the value as a literal' },
  E0439: { severity: 'error', stage: 'declarations', what: '`once per partner and FIELD` in a rule that is not `for each EVENT`', hint: 'write `once per partner`: a partner rule awards once per partner' },
  E0440: { severity: 'error', stage: 'declarations', what: 'a running total outside a `for each EVENT` rule (a measure, a partner-level value), or a let that uses one read there', hint: 'use it in the `where`, an `award` or `cap … per event` of a `for each EVENT` rule' },
  E0441: { severity: 'error', stage: 'declarations', what: 'a running total of something other than each event’s own values (a measure, a tier, a value of a period, a record read through a `ref`, another running total)', hint: 'add up the event’s fields, the partner’s fields and constants; use partner-level values outside the running total' },
  E0442: { severity: 'error', stage: 'declarations', what: 'an `interpolate` with fewer than two points', hint: 'give at least the two points between which values are interpolated' },
  E0443: { severity: 'error', stage: 'units', what: 'a let whose unit comes only from its own previous value', hint: 'give it a value of its unit where it starts: `if … then previous x + 1 else 0`' },
  E0444: { severity: 'error', stage: 'declarations', what: 'a `down at most N levels` whose N is not a whole number', hint: 'write a whole number of levels, e.g. `down at most 1 level per year`' },
  E0445: { severity: 'error', stage: 'declarations', what: 'an `expire after N months|periods` whose N is not a whole number above zero', hint: 'write a whole number, e.g. `expire after 12 months`' },
  E0446: { severity: 'error', stage: 'declarations', what: 'a `redeem` in a rule that is not `for each EVENT`', hint: 'redeem in a rule `for each EVENT` over the records of redemptions, e.g. `for each redemption`' },
  E0447: { severity: 'error', stage: 'declarations', what: 'a rule that redeems and also awards, has a `cap` or `once`, or redeems twice', hint: 'a redemption rule has its scope, an optional `where`, and one `redeem`: put awards in another rule' },
  E0448: { severity: 'error', stage: 'declarations', what: 'an expectation of a figure a pot does not have (a word other than `balance`, `expired`, `redeemed`, `carried`, `pending`, `available`, `cancelled` or `debt`, lots of a pot that keeps none, what a pot without `hold` holds, or the debt of a pot without a draw)' },
  E0449: { severity: 'error', stage: 'declarations', what: 'a `redeem` from a pot that keeps no balance (cash, gift cards, items)', hint: 'redeem from a `points`, `credit` or `fund` pot' },
  E0450: { severity: 'error', stage: 'declarations', what: 'a range on a field whose values have no order (text, an enumeration, a condition)' },
  E0451: { severity: 'error', stage: 'declarations', what: 'a field range whose bound is not a constant of the field’s type', hint: 'write the bounds as literals of the field’s type: `amount: money in 0 EUR..1_000_000 EUR`' },
  E0452: { severity: 'error', stage: 'declarations', what: 'a field range whose lower bound is above its upper bound', hint: 'write the lower bound first' },
  E0453: { severity: 'error', stage: 'declarations', what: 'a field default outside the field’s range', hint: 'give a default within the range (`in A..B`), or widen the range' },
  E0454: { severity: 'error', stage: 'declarations', what: 'a `hold N days|months` whose N is not a whole number above zero', hint: 'write a whole number, e.g. `hold 30 days`' },
  E0455: { severity: 'error', stage: 'declarations', what: 'a `draw … for N periods` whose N is not a whole number above zero', hint: 'write a whole number, e.g. `for 6 periods from partner.hired`' },
  E0456: { severity: 'error', stage: 'declarations', what: 'a random draw of no partners', hint: 'write a whole number above zero, e.g. `for random 3 partners seed "Summer 2026"`' },
  E0457: { severity: 'error', stage: 'declarations', what: 'an `exchange rates` clause that is not `exchange rates monthly` or `exchange rates daily`' },
  E0458: { severity: 'error', stage: 'declarations', what: 'a test’s `rate { … }` record that is not a rate of the program’s `exchange rates`', hint: 'write `rate { month: "2026-03", currency: "GBP", rate: 1.17 }` (`date: 2026-03-14` with `exchange rates daily`)' },

  W0001: { severity: 'warning', stage: 'warnings', what: 'a declaration that nothing uses', hint: 'remove it, or use it' },
  W0002: { severity: 'warning', stage: 'warnings', what: 'a money pot with no cap and no budget', hint: 'add `cap …` or `budget …`, so that the pot cannot overspend' },
  W0003: { severity: 'warning', stage: 'warnings', what: 'a condition that never holds' },
  W0004: { severity: 'warning', stage: 'warnings', what: 'an item pot without a value', hint: 'add `value AMOUNT`, so that the program’s cost counts it' },
} as const satisfies Record<string, CodeInfo>;

/** A code whose message is made from a template, with the values the template needs. */
export interface Templated<A> extends CodeInfo {
  message: (a: A) => string;
}

/** Names in a message: `"a", "b" and "c"`; past ten, how many more. */
function listed(names: readonly string[]): string {
  const shown = names.slice(0, 10).map((n) => JSON.stringify(n.length > 60 ? n.slice(0, 57) + '…' : n));
  const more = names.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more.toLocaleString('en-US')} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown.join('');
}

function t<A>(info: CodeInfo, message: (a: A) => string): Templated<A> {
  return { ...info, message };
}

const file = (what: string, hint?: string): CodeInfo => ({ severity: 'error', stage: 'data files', what, ...(hint ? { hint } : {}) });
const fileWarning = (what: string, hint?: string): CodeInfo => ({ severity: 'warning', stage: 'data files', what, ...(hint ? { hint } : {}) });
const record = (what: string, hint?: string): CodeInfo => ({ severity: 'error', stage: 'data records', what, ...(hint ? { hint } : {}) });
const set = (what: string, hint?: string): CodeInfo => ({ severity: 'error', stage: 'data set', what, ...(hint ? { hint } : {}) });

/**
 * Codes of data problems. A file problem stops a run (even with `--reject`); a record problem
 * rejects its record. Values in messages are already quoted (`show`).
 */
export const DATA = {
  // The folder and its files.
  D0001: t<{ declares: string }>(file('a declared data file is missing', 'add the file; an empty file with a header row is fine'), (a) => `missing file (the program declares ${a.declares}; an empty file with a header row is fine)`),
  D0002: t<{ kind: string; files: string }>(file('several files for one kind of record', 'keep one of them'), (a) => `more than one file for ${a.kind}: ${a.files} (keep one)`),
  D0003: t<{ reads: string }>(fileWarning('a data file that the program does not read', 'rename it if it was meant for the program (`sale.csv` for `event sale`)'), (a) => `is not a data file of this program (it reads: ${a.reads}); it is ignored`),
  D0004: t<{ reason: string }>(file('the data folder cannot be read'), (a) => `cannot read the data folder (${a.reason})`),
  D0005: t<Record<string, never>>(file('a file that is not UTF-8 text', 'save the file as UTF-8'), () => 'is not valid UTF-8 text'),
  D0006: t<Record<string, never>>(file('a file that changed while a run was reading it', 'run again once the file is complete'), () => 'changed while the run was reading it (run again)'),
  D0007: t<{ what: string }>(file('a data file that is not a regular file', 'give a regular file'), (a) => `is ${a.what}, not a regular file`),
  D0008: t<{ reason: string }>(file('a data file that cannot be read'), (a) => `cannot be read (${a.reason})`),
  // CSV structure.
  D0101: t<Record<string, never>>(file('an empty CSV file', 'start the file with a header row that names the fields'), () => 'the file is empty: a CSV file needs a header row that names the fields'),
  D0102: t<{ column: string }>(file('a column named twice in the header'), (a) => `column "${a.column}" appears twice in the header`),
  D0103: t<{ column: string; header: string; field?: string }>(
    file('a declared field with no column', 'add the column, or map the field to the file’s own header (`FIELD: TYPE from "Header"`), or give it a `default`'),
    (a) => `missing column "${a.column}"${a.field === undefined ? '' : ` of field "${a.field}"`} (the header has: ${a.header})`,
  ),
  D0104: t<{ columns: string[] }>(fileWarning('columns that the program does not declare'), (a) => `unknown column${a.columns.length === 1 ? '' : 's'} ${listed(a.columns)} ${a.columns.length === 1 ? 'is' : 'are'} ignored`),
  D0105: t<Record<string, never>>(file('a quoted CSV field that is never closed', 'close the quote; a quote inside a quoted field is written ""'), () => 'a quoted field is not closed (a `"` is missing)'),
  D0106: t<{ found: string }>(file('a character after a closing quote', 'a quote inside a quoted field is written ""'), (a) => `unexpected ${a.found} after a closing quote (a quote inside a quoted field is written "")`),
  D0107: t<{ limit: string }>(file('a line longer than the limit', 'a quote that is never closed makes the rest of the file one line: check the quotes'), (a) => `a line longer than ${a.limit} characters starts here (the limit of a data line); the file is not read past it`),
  D0108: t<{ length: string; limit: string }>(record('a value longer than the limit'), (a) => `is ${a.length} characters long; the limit of a value is ${a.limit}`),
  D0109: t<{ limit: string; count: string }>(file('a header with more columns than the limit'), (a) => `the header has ${a.count} columns; the limit is ${a.limit}`),
  D0119: t<{ column: string; field?: string }>(
    fileWarning('a field with a default has no column: every record takes the default', 'add the column, or check its spelling against the header'),
    (a) => `no column "${a.column}"${a.field === undefined ? '' : ` for field "${a.field}"`}: every record takes the field's default`,
  ),
  // JSON and NDJSON structure.
  D0111: t<{ reason: string }>(file('a JSON file that is not valid JSON'), (a) => `is not valid JSON (${a.reason})`),
  D0112: t<Record<string, never>>(file('a JSON data file that is not an array of objects'), () => 'a JSON data file must be an array of objects ([{...}, {...}])'),
  D0113: t<{ key: string }>(fileWarning('a JSON key that the program does not declare'), (a) => `unknown field "${a.key}" is ignored`),
  D0114: t<{ value: string }>(record('a JSON record that is not an object'), (a) => `${a.value} is not a JSON object`),
  D0115: t<{ reason: string }>(record('an NDJSON line that is not valid JSON'), (a) => `is not valid JSON (${a.reason})`),
  D0116: t<{ key: string }>(record('a JSON object with a key given twice', 'give each key once'), (a) => `the key "${a.key}" is given twice in this object`),
  D0117: t<{ limit: string }>(file('a JSON file nested deeper than the limit (a record is an object of plain values)'), (a) => `is nested deeper than ${a.limit} levels here; a record is an object of plain values, so the file is not read`),
  D0118: t<{ limit: string }>(record('an NDJSON line nested deeper than the limit (a record is an object of plain values)'), (a) => `is nested deeper than ${a.limit} levels; a record is an object of plain values`),
  // A record's fields.
  D0201: t<{ reason: string }>(record('a record of a file whose header is broken', 'fix the header'), (a) => `not read: ${a.reason}`),
  D0202: t<{ count: number; header: number }>(record('a CSV row with more or fewer fields than the header', 'quote fields that hold a comma'), (a) => `has ${a.count} field${a.count === 1 ? '' : 's'}, the header has ${a.header}`),
  D0203: t<Record<string, never>>(record('a required field that is missing', 'give the field a value, or declare it with `default`'), () => 'is missing'),
  D0204: t<Record<string, never>>(record('a required field that is empty', 'give the field a value, or declare it with `default`'), () => 'is empty'),
  D0205: t<{ value: string }>(record('text given as another JSON type', 'write it as a string'), (a) => `${a.value} is not text (write it as a string)`),
  D0206: t<{ value: string; noun: string }>(record('a value that is not a decimal', 'write a decimal with a dot and no grouping: `1234.50`'), (a) => `${a.value} is not ${a.noun}`),
  D0207: t<{ value: string; code: string; currency: string }>(record('an amount in another currency than the program’s'), (a) => `${a.value} is in ${a.code}, not in the program's currency ${a.currency}`),
  D0208: t<{ value: string; what: string }>(record('a JSON number that may not be exact', 'write the number as a string ("12.50")'), (a) => `${a.value} is a JSON number with a fraction, which may not be exact; write ${a.what} as a string ("…")`),
  D0209: t<{ value: string }>(record('a JSON integer too large to be exact', 'write the number as a string'), (a) => `${a.value} is too large to be exact as a JSON number; write it as a string`),
  D0210: t<{ value: string }>(record('a value that is not an integer'), (a) => `${a.value} is not an integer`),
  D0211: t<{ value: string; largest: string }>(record('an integer above the largest one'), (a) => `${a.value} is too large for an integer (the largest is ${a.largest})`),
  D0212: t<{ value: string }>(record('a value that is not a date', 'write dates as YYYY-MM-DD'), (a) => `${a.value} is not a date (write YYYY-MM-DD)`),
  D0213: t<{ value: string }>(record('a date that does not exist'), (a) => `${a.value} is not a date that exists`),
  D0214: t<{ value: string }>(record('a value that is not a boolean', 'write true or false'), (a) => `${a.value} is not a boolean (true or false)`),
  D0215: t<{ value: string; members: string }>(record('a value outside its enumeration'), (a) => `${a.value} is not one of ${a.members}`),
  D0216: t<{ value: string; limit: number }>(record('a number with more significant digits than the limit'), (a) => `${a.value} has more than ${a.limit} significant digits (the most an exact decimal holds)`),
  D0217: t<{ value: string; limit: string }>(record('a number outside the size of numbers (10^-34 ≤ |x| < 10^34, or zero)'), (a) => `${a.value} is outside the size of numbers: other than zero, a number is at least 10^-${a.limit} and below 10^${a.limit} in size`),
  D0220: t<{ value: string; range: string }>(record('a value outside the range its field declares', 'correct the value, or widen the field’s range (`in A..B`) in the program'), (a) => `${a.value} is outside the field's range ${a.range}`),
  // Several currencies (§13.4): `money any` values, and the rows of `rates.csv`.
  D0221: t<{ value: string }>(record('a `money any` amount without its currency code', 'write the code after the amount: `12.50 GBP`'), (a) => `${a.value} has no currency code (a \`money any\` amount carries its code: "12.50 GBP")`),
  D0222: t<{ value: string }>(record('a currency code that is not three capital letters (ISO 4217)', 'write the ISO 4217 code: `GBP`, `CHF`'), (a) => `${a.value} is not a currency code (three capital letters, ISO 4217: "GBP")`),
  D0223: t<{ value: string; code: string; by: string; given: string }>(
    record('a `money any by FIELD` amount whose own code differs from its currency field', 'write the amount without a code, or correct the currency field'),
    (a) => `${a.value} is in ${a.code}, but field "${a.by}" says ${a.given}`,
  ),
  D0224: t<{ value: string; unit: string; example: string }>(record('a `rates.csv` row whose month or date is not one', 'write months as YYYY-MM (`monthly`) and dates as YYYY-MM-DD (`daily`)'), (a) => `${a.value} is not a ${a.unit} (write ${a.example})`),
  D0225: t<{ value: string; currency: string }>(record('an exchange rate that is zero or below', 'a rate is the program’s currency per one unit of the other: above zero'), (a) => `${a.value} is not a rate: a rate is above zero (${a.currency} per one unit of the currency)`),
  D0226: t<{ value: string; currency: string }>(record('a rate for the program’s own currency other than 1', 'remove the row (amounts in the program’s currency need no rate), or write 1'), (a) => `${a.currency} is the program's currency: its rate is 1, not ${a.value}`),
  // The whole data set.
  D0301: t<{ id: string; others: string }>(set('an id given to records that differ', 'give every record its own id; records identical in every field count once'), (a) => `${a.id} is a duplicate id (also ${a.others}); every record with this id is rejected, since the records differ`),
  D0302: t<{ id: string; files: string }>(set('an event of a partner that is not in the partner file', 'add the partner, or correct the id'), (a) => `${a.id} is not a known partner id (not in ${a.files})`),
  D0303: t<{ id: string; where: string }>(set('an event of a partner whose record was rejected', 'fix the partner’s record'), (a) => `${a.id} is a partner whose record was rejected (${a.where})`),
  D0304: t<{ id: string; kind: string; files: string }>(set('a `ref` field that names no record of its kind', 'add the record, or correct the id'), (a) => `${a.id} is not a known ${a.kind} id (not in ${a.files})`),
  D0305: t<{ id: string; kind: string; where: string }>(set('a `ref` field that names a record that was rejected', 'fix the record it names'), (a) => `${a.id} is a ${a.kind} whose record was rejected (${a.where})`),
  D0306: t<{ currency: string; at: string; others: string }>(
    set('two `rates.csv` rows for one currency and month (or day) that differ', 'keep one rate per currency and month (or day); identical rows count once'),
    (a) => `two rates for ${a.currency} in ${a.at} that differ (also ${a.others}); every row for it is rejected`,
  ),
  D0307: t<{ amount: string; date: string; why: string }>(
    set('an amount in another currency with no exchange rate for its event’s date', 'add the rate to `rates.csv` (or fix its row)'),
    (a) => `${a.amount} on ${a.date} cannot be converted: ${a.why}`,
  ),
  // The ledger (§13.1): found when the run reaches the record.
  D0401: t<{ amount: string; balance: string; pot: string }>(
    { severity: 'error', stage: 'data records', what: 'a redemption above the partner’s balance in its pot', hint: 'correct the amount, or the partner; a redemption is never applied in part' },
    (a) => `redeems ${a.amount} from \`${a.pot}\`, but the partner's balance there is ${a.balance} at that point; the redemption is not applied`,
  ),
  D0402: t<{ amount: string; pot: string; why: string }>(
    { severity: 'error', stage: 'data records', what: 'a redemption of an amount below zero, or not a whole number of its pot’s unit' },
    (a) => `redeems ${a.amount} from \`${a.pot}\`, which is ${a.why}; the redemption is not applied`,
  ),
} as const;

/** Codes of `incent test`: a test block's expectation, data or run. Located at the test's line in the program. */
export const TESTS = {
  T0001: t<{ partner: string; name: string; expected: string; actual: string }>({ severity: 'error', stage: 'tests', what: 'an expectation that does not hold' }, (a) => `expect "${a.partner}" ${a.name}: expected ${a.expected}, actual ${a.actual}`),
  T0002: t<{ problem: string }>({ severity: 'error', stage: 'tests', what: 'a test record that is not valid data' }, (a) => `test data: ${a.problem}`),
  T0003: t<{ error: string }>({ severity: 'error', stage: 'tests', what: 'a test whose evaluation fails' }, (a) => a.error),
  T0004: t<{ period: string; runs: string }>({ severity: 'error', stage: 'tests', what: 'a test period that the program does not evaluate' }, (a) => `period ${a.period} is not evaluated by this program (it runs ${a.runs})`),
  T0005: t<{ partner: string; period: string }>({ severity: 'error', stage: 'tests', what: 'an expectation about a partner without a statement', hint: 'give the partner a record or an event in the test' }, (a) => `partner "${a.partner}" has no statement in ${a.period}`),
} as const;

/** Codes of evaluation errors: a run stops and names the rule (or measure, tier, let), the partner and the record. */
export const EVALUATION = {
  R0001: { severity: 'error', stage: 'evaluation', what: 'a division by zero', hint: 'guard the division: `if x = 0 then 0 else y / x`' },
  R0002: { severity: 'error', stage: 'evaluation', what: 'a result outside the size of numbers (10^-34 ≤ |x| < 10^34, or zero)', hint: 'bound the computation (a cap, `min`, `max`), or check the data that feeds it' },
  R0003: { severity: 'error', stage: 'evaluation', what: 'a lookup with no entry for a value', hint: 'add the entry, or `else: VALUE`' },
  R0004: { severity: 'error', stage: 'evaluation', what: 'a date moved outside the calendar (0001-01-01 to 9999-12-31), or by a number of days that is not whole', hint: 'bound the number of days or months (`min`, `max`), or check the data that feeds it' },
  R0005: { severity: 'error', stage: 'evaluation', what: '`NAME at DATE` for a date after the period being evaluated', hint: 'read values of periods already evaluated: check the date, or bound it (`min(date, …)`)' },
  R0006: { severity: 'error', stage: 'evaluation', what: 'a draw’s weight that is not a whole number of entries at least zero', hint: 'weigh by a whole number: `floor(…)`, `max(0, …)`' },
} as const satisfies Record<string, CodeInfo>;

export type EvaluationCode = keyof typeof EVALUATION;

export type DataCode = keyof typeof DATA;
export type TestCode = keyof typeof TESTS;

/** Every code, by code. */
export const CODES: Readonly<Record<string, CodeInfo>> = { ...PROGRAM, ...DATA, ...TESTS, ...EVALUATION };

/** A code's message from its template. */
export function dataMessage<C extends DataCode>(code: C, args: Parameters<(typeof DATA)[C]['message']>[0]): string {
  return (DATA[code].message as (a: typeof args) => string)(args);
}

export function testMessage<C extends TestCode>(code: C, args: Parameters<(typeof TESTS)[C]['message']>[0]): string {
  return (TESTS[code].message as (a: typeof args) => string)(args);
}
