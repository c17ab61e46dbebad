/**
 * One example per data code (`D0xxx` in core/codes.ts), as data: read by the test that checks each
 * gives exactly its problem (data-codes.test.ts) and by the reference's generator (the code tables
 * of language/REFERENCE.md). Every case runs against PROGRAM.
 */

export const PROGRAM = `program "Data" {
  currency EUR
  period quarter
  start 2026-01-01
  exchange rates monthly
}

partner {
  region: one of "EMEA", "APAC"
}

event sale {
  amount: money
  units: integer in 0..1_000
  shipped: date
  promo: boolean
  note: text
  channel: text from "Sales Channel" default "direct"
}

payout cash as cash {
  cap 1_000 EUR per partner
}

event ret {
  sale: ref sale
}

rule "Sales" {
  for each sale
  award amount * 1% to cash
}

event order {
  cur: text
  total: money any by cur
  fee: money any
}

rule "Orders" {
  for each order
  award (total - fee) * 1% to cash
}

rule "Returns" {
  for each ret
  award -sale.amount * 1% to cash
}
`;

export interface DataCase {
  code: string;
  /** What the case shows. */
  title: string;
  /** The data folder's files (partners.csv is added when absent, unless `noPartners`; ret.csv and order.csv, empty, and rates.csv with one rate, when absent). */
  files: Record<string, string>;
  noPartners?: boolean;
  /** The folder case: read from disk (streamed); `odd` makes the named entry something other than a file. */
  folder?: { odd?: { name: string; kind: 'folder' | 'loop' }; missing?: boolean; changeAfterFirstRead?: string };
  /** The problem it gives, as `formatProblem` writes it (or, `inRejects`, the reason of a rejected record, with its place). */
  problem: string;
  inRejects?: true;
}

const SALES = 'id,partner,date,amount,units,shipped,promo,note';
const sale = (row: string) => ({ 'sale.csv': `${SALES}\n${row}\n` });
const ok = 'S1,P1,2026-01-05,10,1,2026-01-06,true,x';
const ORDERS = 'id,partner,date,cur,total,fee';
const RATES = 'month,currency,rate';

export const DATA_CASES: DataCase[] = [
  { code: 'D0001', title: 'a declared file is missing', files: { 'partners.csv': 'id,region\n' }, problem: 'sale.csv: missing file (the program declares event sale; an empty file with a header row is fine)' },
  { code: 'D0002', title: 'two files for one kind', files: { ...sale(ok), 'sale.json': '[]' }, problem: 'sale.csv: more than one file for sale: sale.csv, sale.json (keep one)' },
  { code: 'D0003', title: 'a stray data file', files: { ...sale(ok), 'sales.csv': 'id\n' }, folder: {}, problem: 'sales.csv: warning: is not a data file of this program (it reads: partners, sale, ret, order, rates); it is ignored' },
  { code: 'D0004', title: 'a data folder that cannot be read', files: {}, folder: { missing: true }, problem: '{dir}: cannot read the data folder (ENOENT)' },
  { code: 'D0005', title: 'a file that is not UTF-8', files: { 'sale.csv': `${SALES}\nS1,P1,2026-01-05,10,1,2026-01-06,true,caf\u00ff\n` }, folder: {}, problem: 'sale.csv: is not valid UTF-8 text' },
  { code: 'D0006', title: 'a file that changes during a run', files: sale(ok), folder: { changeAfterFirstRead: 'sale.csv' }, problem: 'sale.csv: changed while the run was reading it (run again)' },
  { code: 'D0007', title: 'a folder named like a data file', files: {}, folder: { odd: { name: 'sale.csv', kind: 'folder' } }, problem: 'sale.csv: is a folder, not a regular file' },
  { code: 'D0008', title: 'a symbolic link that loops', files: {}, folder: { odd: { name: 'sale.csv', kind: 'loop' } }, problem: 'sale.csv: cannot be read (ELOOP: a symbolic link that loops)' },
  { code: 'D0101', title: 'an empty CSV file', files: { 'sale.csv': '' }, problem: 'sale.csv:1: the file is empty: a CSV file needs a header row that names the fields' },
  { code: 'D0102', title: 'a column named twice', files: { 'sale.csv': `${SALES},note\n` }, problem: 'sale.csv:1: column "note" appears twice in the header' },
  { code: 'D0103', title: 'a missing column', files: { 'sale.csv': 'id,partner,date,amount,units,shipped,promo\n' }, problem: 'sale.csv:1: missing column "note" (the header has: id, partner, date, amount, units, shipped, promo)' },
  { code: 'D0104', title: 'an unknown column', files: { 'sale.csv': `${SALES},region\n` }, problem: 'sale.csv:1: warning: unknown column "region" is ignored' },
  { code: 'D0105', title: 'a quote never closed', files: sale('S1,P1,2026-01-05,10,1,2026-01-06,true,"open'), problem: 'sale.csv:2: a quoted field is not closed (a `"` is missing)' },
  { code: 'D0106', title: 'a character after a closing quote', files: sale('S1,P1,2026-01-05,10,1,2026-01-06,true,"a"b'), problem: 'sale.csv:2: unexpected "b" after a closing quote (a quote inside a quoted field is written "")' },
  { code: 'D0107', title: 'a line above 1 MiB', files: sale(`S1,P1,2026-01-05,10,1,2026-01-06,true,"${'x'.repeat(1 << 20)}"`), problem: 'sale.csv:2: a line longer than 1,048,576 characters starts here (the limit of a data line); the file is not read past it' },
  { code: 'D0108', title: 'a value above 65,536 characters', files: sale(`S1,P1,2026-01-05,10,1,2026-01-06,true,${'x'.repeat(70_000)}`), problem: 'sale.csv:2: field "note": is 70,000 characters long; the limit of a value is 65,536' },
  { code: 'D0109', title: 'a header above 10,000 columns', files: { 'sale.csv': `${SALES}${',c'.repeat(10_000)}\n` }, problem: 'sale.csv:1: the header has 10,008 columns; the limit is 10,000' },
  { code: 'D0119', title: 'a field with a default whose column is absent', files: sale(ok), problem: 'sale.csv:1: warning: no column "Sales Channel" for field "channel": every record takes the field\'s default' },
  { code: 'D0111', title: 'a JSON file that is not JSON', files: { 'sale.json': '[{"id": "S1",]' }, problem: 'sale.json:1: is not valid JSON (Expected double-quoted property name)' },
  { code: 'D0112', title: 'a JSON file that is not an array', files: { 'sale.json': '{"id": "S1"}' }, problem: 'sale.json:1: a JSON data file must be an array of objects ([{...}, {...}])' },
  { code: 'D0113', title: 'an unknown JSON key', files: { 'sale.json': '[{"id":"S1","partner":"P1","date":"2026-01-05","amount":"10","units":1,"shipped":"2026-01-06","promo":true,"note":"x","region":"EMEA"}]' }, problem: 'sale.json:1: warning: unknown field "region" is ignored' },
  { code: 'D0114', title: 'a JSON record that is not an object', files: { 'sale.json': '[42]' }, problem: 'sale.json:1: 42 is not a JSON object' },
  { code: 'D0115', title: 'an NDJSON line that is not JSON', files: { 'sale.ndjson': '{"id": \n' }, problem: 'sale.ndjson:1: is not valid JSON (Unexpected end of JSON input)' },
  { code: 'D0116', title: 'a key given twice', files: { 'sale.ndjson': '{"id":"S1","partner":"P1","date":"2026-01-05","amount":"10","units":1,"shipped":"2026-01-06","promo":true,"note":"x","note":"y"}\n' }, problem: 'sale.ndjson:1: the key "note" is given twice in this object' },
  { code: 'D0117', title: 'a JSON file nested too deep', files: { 'sale.json': `${'['.repeat(40)}${']'.repeat(40)}` }, problem: 'sale.json:1: is nested deeper than 32 levels here; a record is an object of plain values, so the file is not read' },
  { code: 'D0118', title: 'an NDJSON line nested too deep', files: { 'sale.ndjson': `${'['.repeat(40)}${']'.repeat(40)}\n` }, problem: 'sale.ndjson:1: is nested deeper than 32 levels; a record is an object of plain values' },
  { code: 'D0201', title: 'a record of a file whose header is broken (its reason; the problem is D0103, once)', files: { 'sale.csv': 'id,partner,date,amount,units,shipped,promo\nS1,P1,2026-01-05,10,1,2026-01-06,true\n' }, inRejects: true, problem: 'sale.csv:2: not read: missing column "note"' },
  { code: 'D0202', title: 'a row with fewer fields than the header', files: sale('S1,P1,2026-01-05,10,1,2026-01-06,true'), problem: 'sale.csv:2: has 7 fields, the header has 8' },
  { code: 'D0203', title: 'a missing field', files: { 'sale.json': '[{"id":"S1","partner":"P1","date":"2026-01-05","amount":"10","units":1,"shipped":"2026-01-06","promo":true}]' }, problem: 'sale.json:1: field "note": is missing' },
  { code: 'D0204', title: 'an empty field', files: sale('S1,P1,2026-01-05,10,1,2026-01-06,true,'), problem: 'sale.csv:2: field "note": is empty' },
  { code: 'D0205', title: 'text given as a JSON number with a fraction', files: { 'sale.json': '[{"id":"S1","partner":"P1","date":"2026-01-05","amount":"10","units":1,"shipped":"2026-01-06","promo":true,"note":1.5}]' }, problem: 'sale.json:1: field "note": 1.5 is not text (write it as a string)' },
  { code: 'D0206', title: 'an amount with a decimal comma', files: sale('S1,P1,2026-01-05,"12,50",1,2026-01-06,true,x'), problem: 'sale.csv:2: field "amount": "12,50" is not a decimal amount' },
  { code: 'D0207', title: 'an amount in another currency', files: sale('S1,P1,2026-01-05,12.50 USD,1,2026-01-06,true,x'), problem: 'sale.csv:2: field "amount": "12.50 USD" is in USD, not in the program\'s currency EUR' },
  { code: 'D0208', title: 'an amount as a JSON number with a fraction', files: { 'sale.json': '[{"id":"S1","partner":"P1","date":"2026-01-05","amount":12.5,"units":1,"shipped":"2026-01-06","promo":true,"note":"x"}]' }, problem: 'sale.json:1: field "amount": 12.5 is a JSON number with a fraction, which may not be exact; write amounts as a string ("…")' },
  { code: 'D0209', title: 'an amount as a JSON integer beyond 2^53', files: { 'sale.json': '[{"id":"S1","partner":"P1","date":"2026-01-05","amount":90071992547409931,"units":1,"shipped":"2026-01-06","promo":true,"note":"x"}]' }, problem: 'sale.json:1: field "amount": 90071992547409940 is too large to be exact as a JSON number; write it as a string' },
  { code: 'D0210', title: 'a quantity that is not an integer', files: sale('S1,P1,2026-01-05,10,1.5,2026-01-06,true,x'), problem: 'sale.csv:2: field "units": "1.5" is not an integer' },
  { code: 'D0211', title: 'an integer beyond 2^53', files: sale('S1,P1,2026-01-05,10,90071992547409931,2026-01-06,true,x'), problem: 'sale.csv:2: field "units": "90071992547409931" is too large for an integer (the largest is 9007199254740991)' },
  { code: 'D0212', title: 'a date not written YYYY-MM-DD', files: sale('S1,P1,2026-01-05,10,1,06/01/2026,true,x'), problem: 'sale.csv:2: field "shipped": "06/01/2026" is not a date (write YYYY-MM-DD)' },
  { code: 'D0213', title: 'a date that does not exist', files: sale('S1,P1,2026-02-30,10,1,2026-01-06,true,x'), problem: 'sale.csv:2: field "date": "2026-02-30" is not a date that exists' },
  { code: 'D0214', title: 'a boolean written yes', files: sale('S1,P1,2026-01-05,10,1,2026-01-06,yes,x'), problem: 'sale.csv:2: field "promo": "yes" is not a boolean (true or false)' },
  { code: 'D0215', title: 'a value outside its enumeration', files: { 'partners.csv': 'id,region\nP1,AMER\n', ...sale(ok) }, problem: 'partners.csv:2: field "region": "AMER" is not one of "EMEA", "APAC"' },
  { code: 'D0216', title: 'an amount with 35 significant digits', files: sale('S1,P1,2026-01-05,1234.5678901234567890123456789012345,1,2026-01-06,true,x'), problem: 'sale.csv:2: field "amount": "1234.5678901234567890123456789012345" has more than 34 significant digits (the most an exact decimal holds)' },
  { code: 'D0217', title: 'an amount of 10^40', files: sale(`S1,P1,2026-01-05,1${'0'.repeat(40)},1,2026-01-06,true,x`), problem: `sale.csv:2: field "amount": "1${'0'.repeat(40)}" is outside the size of numbers: other than zero, a number is at least 10^-34 and below 10^34 in size` },
  { code: 'D0220', title: 'units outside their declared range', files: sale('S1,P1,2026-01-05,10,1200,2026-01-06,true,x'), problem: 'sale.csv:2: field "units": "1200" is outside the field\'s range 0..1000' },
  { code: 'D0221', title: 'a `money any` amount without its code', files: { ...sale(ok), 'order.csv': `${ORDERS}\nO1,P1,2026-01-05,GBP,10,12.50\n` }, problem: 'order.csv:2: field "fee": "12.50" has no currency code (a `money any` amount carries its code: "12.50 GBP")' },
  { code: 'D0222', title: 'a currency field that holds no currency code', files: { ...sale(ok), 'order.csv': `${ORDERS}\nO1,P1,2026-01-05,gbp,10,1 GBP\n` }, problem: 'order.csv:2: field "cur": "gbp" is not a currency code (three capital letters, ISO 4217: "GBP")' },
  { code: 'D0223', title: 'an amount whose code differs from its currency field', files: { ...sale(ok), 'order.csv': `${ORDERS}\nO1,P1,2026-01-05,GBP,10 CHF,1 GBP\n` }, problem: 'order.csv:2: field "total": "10 CHF" is in CHF, but field "cur" says "GBP"' },
  { code: 'D0224', title: 'a month of `rates.csv` not written YYYY-MM', files: { ...sale(ok), 'rates.csv': `${RATES}\n2026-1,GBP,1.17\n` }, problem: 'rates.csv:2: field "month": "2026-1" is not a month (write YYYY-MM, e.g. 2026-03)' },
  { code: 'D0225', title: 'a rate of zero', files: { ...sale(ok), 'rates.csv': `${RATES}\n2026-01,GBP,0\n` }, problem: 'rates.csv:2: field "rate": "0" is not a rate: a rate is above zero (EUR per one unit of the currency)' },
  { code: 'D0226', title: 'a rate for the program’s currency other than 1', files: { ...sale(ok), 'rates.csv': `${RATES}\n2026-01,EUR,1.1\n` }, problem: 'rates.csv:2: field "rate": EUR is the program\'s currency: its rate is 1, not "1.1"' },
  { code: 'D0301', title: 'one id for two records that differ', files: { 'sale.csv': `${SALES}\n${ok}\nS1,P1,2026-01-05,11,1,2026-01-06,true,x\n` }, problem: 'sale.csv:2: field "id": "S1" is a duplicate id (also sale.csv:3); every record with this id is rejected, since the records differ' },
  { code: 'D0302', title: 'an unknown partner', files: sale('S1,P9,2026-01-05,10,1,2026-01-06,true,x'), problem: 'sale.csv:2: field "partner": "P9" is not a known partner id (not in partners.csv)' },
  { code: 'D0303', title: 'a partner whose record was rejected', files: { 'partners.csv': 'id,region\nP1,AMER\n', ...sale(ok) }, problem: 'sale.csv:2: field "partner": "P1" is a partner whose record was rejected (partners.csv:2)' },
  { code: 'D0304', title: 'a `ref` to a record that is not there', files: { ...sale(ok), 'ret.csv': 'id,partner,date,sale\nR1,P1,2026-01-09,S9\n' }, problem: 'ret.csv:2: field "sale": "S9" is not a known sale id (not in sale.csv)' },
  { code: 'D0305', title: 'a `ref` to a record that was rejected', files: { ...sale('S1,P1,2026-01-05,"12,50",1,2026-01-06,true,x'), 'ret.csv': 'id,partner,date,sale\nR1,P1,2026-01-09,S1\n' }, problem: 'ret.csv:2: field "sale": "S1" is a sale whose record was rejected (sale.csv:2)' },
  { code: 'D0306', title: 'two rates for one currency and month that differ', files: { ...sale(ok), 'rates.csv': `${RATES}\n2026-01,GBP,1.17\n2026-01,GBP,1.18\n` }, problem: 'rates.csv:2: two rates for GBP in 2026-01 that differ (also rates.csv:3); every row for it is rejected' },
  { code: 'D0307', title: 'an amount with no rate for its month', files: { ...sale(ok), 'order.csv': `${ORDERS}\nO1,P1,2026-02-05,GBP,10,1 EUR\n` }, problem: 'order.csv:2: field "total": 10 GBP on 2026-02-05 cannot be converted: rates.csv has no rate for GBP in 2026-02' },
];
