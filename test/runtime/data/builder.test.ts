/** Tests of input records: typed values, every error message's shape, header and file problems, JSON/NDJSON, duplicates, partners, and that nothing is dropped silently. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { loadDataset, hasBlockingProblems, type InputDataset as Dataset } from '../../../runtime/data/builder.js';
import { jsonArrayElementLines } from '../../../runtime/data/json.js';
import { formatProblem, reasonText } from '../../../runtime/data/problems.js';
import { compileSchema, type RecordSchema, type Row } from '../../../runtime/data/schema.js';
import { decimalNum } from '../../../runtime/data/convert.js';
import { FastRow } from '../../../runtime/data/fast-row.js';
import { formatCsvRow } from '../../../runtime/data/csv.js';
import { normalizeDecimalLiteral } from '../../../core/decimal.js';
import * as N from '../../../runtime/num.js';

const partner: RecordSchema = {
  file: 'partners',
  kind: 'partner',
  currency: 'EUR',
  fields: [
    { name: 'kind', type: { enum: ['distributor', 'reseller'] } },
    { name: 'target', type: 'money' },
  ],
};
const sale: RecordSchema = {
  file: 'sale',
  kind: 'event',
  currency: 'EUR',
  fields: [
    { name: 'sku', type: 'text' },
    { name: 'category', type: { enum: ['hardware', 'software', 'services'] } },
    { name: 'amount', type: 'money' },
    { name: 'quantity', type: 'integer' },
    { name: 'rate', type: 'decimal' },
    { name: 'shipped', type: 'date' },
    { name: 'promo', type: 'boolean' },
  ],
};
const PARTNERS = 'id,kind,target\nP1,distributor,1000\nP2,reseller,250.50\n';
const HEAD = 'id,partner,date,sku,category,amount,quantity,rate,shipped,promo';

/** A row with its numbers as text (`Num` values are exact decimals: `12.5`, `-3`). */
const plain = (r: Row) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'object' ? N.toText(v) : v]));
const msgs = (d: Dataset) => d.problems.map(formatProblem);
const total = (d: Dataset) => d.files.reduce((s, f) => s + f.input, 0);
const accounted = (d: Dataset) => d.files.reduce((s, f) => s + f.valid + f.rejected + f.merged, 0);

describe('typed values', () => {
  it('converts a valid CSV record', () => {
    const d = loadDataset([partner, sale], {
      'partners.csv': PARTNERS,
      'sale.csv': `${HEAD}\nL1,P1,2026-02-10,NW-1,hardware,0012.50 EUR,-3,0.250,2024-02-29,true\n`,
    });
    expect(d.problems).toEqual([]);
    const [r] = d.events.get('sale')!;
    expect(plain(r)).toEqual({ id: 'L1', partner: 'P1', date: '2026-02-10', sku: 'NW-1', category: 'hardware', amount: '12.5', quantity: '-3', rate: '0.25', shipped: '2024-02-29', promo: true });
    expect(Object.keys(r)).toEqual(['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity', 'rate', 'shipped', 'promo']);
    expect(r.amount).toEqual(N.parseNum('12.5'));
    expect(r.quantity).toEqual(N.int(-3));
    expect(d.partners!.map((p) => [p.id, plain(p.attrs)])).toEqual([
      ['P1', { kind: 'distributor', target: '1000' }],
      ['P2', { kind: 'reseller', target: '250.5' }],
    ]);
    expect(d.partnerIds).toEqual(['P1', 'P2']);
    expect(d.latestDay).toBe(20494);
  });
  it('keeps money exact up to 34 significant digits, and refuses more rather than round it', () => {
    const d = loadDataset([sale], { 'sale.csv': `${HEAD}\nL1,P1,2026-02-10,x,hardware,1234.567890123456789012345678901234,1,1,2026-01-01,false\n` });
    expect(plain(d.events.get('sale')![0]).amount).toBe('1234.567890123456789012345678901234');
    const zeros = loadDataset([sale], { 'sale.csv': `${HEAD}\nL1,P1,2026-02-10,x,hardware,000001234.5000000000000000000000000000000000000000,1,1,2026-01-01,false\n` });
    expect(plain(zeros.events.get('sale')![0]).amount).toBe('1234.5'); // zeros are not significant
    const more = loadDataset([sale], { 'sale.csv': `${HEAD}\nL1,P1,2026-02-10,x,hardware,1234.5678901234567890123456789012345,1,1,2026-01-01,false\n` });
    expect(more.problems.map((p) => [p.code, formatProblem(p)])).toEqual([['D0216', 'sale.csv:2: field "amount": "1234.5678901234567890123456789012345" has more than 34 significant digits (the most an exact decimal holds)']]);
  });
});

describe('error messages (one per problem, every problem of every record)', () => {
  const bad = (row: string) => msgs(loadDataset([sale], { 'sale.csv': `${HEAD}\n${row}\n` }));
  it('names the file, the line, the field and the value', () => {
    expect(bad('L1,P1,2026-02-10,x,hardware,"12,50",1,1,2026-01-01,true')).toEqual(['sale.csv:2: field "amount": "12,50" is not a decimal amount']);
  });
  it('reports every field of a record', () => {
    expect(bad('L1,P1,2026-02-30,,hw,12.50 USD,1.5,1e3,10/02/2026,yes')).toEqual([
      'sale.csv:2: field "date": "2026-02-30" is not a date that exists',
      'sale.csv:2: field "sku": is empty',
      'sale.csv:2: field "category": "hw" is not one of "hardware", "software", "services"',
      'sale.csv:2: field "amount": "12.50 USD" is in USD, not in the program\'s currency EUR',
      'sale.csv:2: field "quantity": "1.5" is not an integer',
      'sale.csv:2: field "rate": "1e3" is not a decimal number',
      'sale.csv:2: field "shipped": "10/02/2026" is not a date (write YYYY-MM-DD)',
      'sale.csv:2: field "promo": "yes" is not a boolean (true or false)',
    ]);
  });
  it('is strict about spaces, signs, grouping and case', () => {
    expect(bad('L1,P1,2026-02-10,x,hardware, 12.50,+1,1_000,2026-01-01,TRUE')).toEqual([
      'sale.csv:2: field "amount": " 12.50" is not a decimal amount',
      'sale.csv:2: field "quantity": "+1" is not an integer',
      'sale.csv:2: field "rate": "1_000" is not a decimal number',
      'sale.csv:2: field "promo": "TRUE" is not a boolean (true or false)',
    ]);
    expect(bad('L1,P1,2026-02-10,x,hardware,12.50 eur,99999999999999999,1,2026-01-01,true')).toEqual([
      'sale.csv:2: field "amount": "12.50 eur" is not a decimal amount',
      'sale.csv:2: field "quantity": "99999999999999999" is too large for an integer (the largest is 9007199254740991)',
    ]);
  });
  it('a row with the wrong number of fields', () => {
    expect(bad('L1,P1,2026-02-10,x,hardware,12.50,1,1,2026-01-01')).toEqual([
      'sale.csv:2: has 9 fields, the header has 10', // the absent cell is not reported a second time
    ]);
  });
  it('lists records in line order, with the line a multi-line record starts on', () => {
    const d = loadDataset([sale], { 'sale.csv': `${HEAD}\nL1,P1,2026-02-10,"a\nb",hardware,x,1,1,2026-01-01,true\n\nL2,P1,2026-02-10,x,hardware,y,1,1,2026-01-01,true\n` });
    expect(msgs(d)).toEqual(['sale.csv:2: field "amount": "x" is not a decimal amount', 'sale.csv:5: field "amount": "y" is not a decimal amount']);
    expect(d.rejected.map((r) => [r.line, r.reasons.map(reasonText)])).toEqual([
      [2, ['field "amount": "x" is not a decimal amount']],
      [5, ['field "amount": "y" is not a decimal amount']],
    ]);
    expect(d.rejected[0]!.reasons).toEqual([{ code: 'D0206', field: 'amount', message: '"x" is not a decimal amount' }]);
    expect(d.rejected[0].raw).toEqual(['L1', 'P1', '2026-02-10', 'a\nb', 'hardware', 'x', '1', '1', '2026-01-01', 'true']); // the cells as written
  });
});

describe('header and file problems', () => {
  it('a missing column is reported once for the file; its records are rejected, not dropped', () => {
    const d = loadDataset([sale], { 'sale.csv': 'id,partner,date,sku,category,quantity,rate,shipped,promo\nL1,P1,2026-02-10,x,hardware,1,1,2026-01-01,true\nL2,P1,2026-02-10,x,hardware,1,1,2026-01-01,true\n' });
    expect(msgs(d)).toEqual(['sale.csv:1: missing column "amount" (the header has: id, partner, date, sku, category, quantity, rate, shipped, promo)']);
    expect(d.problems[0].scope).toBe('file');
    expect(d.rejected.map((r) => r.reasons.map(reasonText))).toEqual([['not read: missing column "amount"'], ['not read: missing column "amount"']]);
    expect(d.problems.map((p) => p.code)).toEqual(['D0103']);
    expect(d.files[0]).toMatchObject({ input: 2, valid: 0, rejected: 2 });
    expect(hasBlockingProblems(d, true)).toBe(true);
  });
  it('an unknown column is a warning and is ignored', () => {
    const d = loadDataset([sale], { 'sale.csv': `${HEAD},region\nL1,P1,2026-02-10,x,hardware,1,1,1,2026-01-01,true,EMEA\n` });
    expect(msgs(d)).toEqual(['sale.csv:1: warning: unknown column "region" is ignored']);
    expect(d.events.get('sale')!.length).toBe(1);
    expect(d.events.get('sale')![0]).not.toHaveProperty('region');
    expect(hasBlockingProblems(d, false)).toBe(false);
  });
  it('a column named twice', () => {
    const d = loadDataset([sale], { 'sale.csv': `${HEAD},sku\n` });
    expect(msgs(d)).toEqual(['sale.csv:1: column "sku" appears twice in the header']);
  });
  it('a missing file, an empty file, two files for one kind', () => {
    expect(msgs(loadDataset([partner, sale], { 'sale.csv': HEAD }))).toEqual([
      'partners.csv: missing file (the program declares partner; an empty file with a header row is fine)',
    ]);
    expect(msgs(loadDataset([sale], {}))).toEqual(['sale.csv: missing file (the program declares event sale; an empty file with a header row is fine)']);
    expect(msgs(loadDataset([sale], { 'sale.csv': '' }))).toEqual(['sale.csv:1: the file is empty: a CSV file needs a header row that names the fields']);
    expect(msgs(loadDataset([sale], { 'sale.csv': HEAD, 'sale.json': '[]' }))).toEqual(['sale.csv: more than one file for sale: sale.csv, sale.json (keep one)']);
    const ok = loadDataset([sale], { 'sale.csv': HEAD + '\n' });
    expect(ok.problems).toEqual([]);
    expect(ok.events.get('sale')).toEqual([]);
  });
  it('broken quoting is a problem of the file', () => {
    const d = loadDataset([sale], { 'sale.csv': `${HEAD}\nL1,P1,2026-02-10,"x,hardware,1,1,1,2026-01-01,true\n` });
    expect(msgs(d)).toEqual(['sale.csv:2: a quoted field is not closed (a `"` is missing)']);
    expect(d.problems[0].scope).toBe('file');
  });
});

describe('JSON and NDJSON', () => {
  it('JSON arrays: strings always, numbers only as exact integers', () => {
    const json = `[
  {"id": "L1", "partner": "P1", "date": "2026-02-10", "sku": "a", "category": "software", "amount": "12.50", "quantity": 2, "rate": "0.5", "shipped": "2026-01-01", "promo": false},
  {"id": 7, "partner": "P1", "date": "2026-02-10", "sku": 12, "category": "software", "amount": 1250, "quantity": "3", "rate": 2, "shipped": "2026-01-01", "promo": "true"},
  {"id": "L3", "partner": "P1", "date": "2026-02-10", "sku": true, "category": "software", "amount": 12.5, "quantity": 1.5, "rate": 1e300, "shipped": null, "promo": 1, "color": "red"}
]`;
    const d = loadDataset([sale], { 'sale.json': json });
    expect(d.events.get('sale')!.map(plain)).toEqual([
      { id: 'L1', partner: 'P1', date: '2026-02-10', sku: 'a', category: 'software', amount: '12.5', quantity: '2', rate: '0.5', shipped: '2026-01-01', promo: false },
      { id: '7', partner: 'P1', date: '2026-02-10', sku: '12', category: 'software', amount: '1250', quantity: '3', rate: '2', shipped: '2026-01-01', promo: true },
    ]);
    expect(msgs(d)).toEqual([
      'sale.json:4: warning: unknown field "color" is ignored',
      'sale.json:4: field "sku": true is not text (write it as a string)',
      'sale.json:4: field "amount": 12.5 is a JSON number with a fraction, which may not be exact; write amounts as a string ("…")',
      'sale.json:4: field "quantity": 1.5 is not an integer',
      'sale.json:4: field "rate": 1e+300 is too large to be exact as a JSON number; write it as a string',
      'sale.json:4: field "shipped": is missing',
      'sale.json:4: field "promo": 1 is not a boolean (true or false)',
    ]);
    expect(d.rejected[0].raw).toMatchObject({ id: 'L3', amount: 12.5 });
  });
  it('JSON: not an array, not objects, not JSON', () => {
    expect(msgs(loadDataset([sale], { 'sale.json': '{"id": "x"}' }))).toEqual(['sale.json:1: a JSON data file must be an array of objects ([{...}, {...}])']);
    expect(msgs(loadDataset([sale], { 'sale.json': '[\n1,\n"x"]' }))).toEqual(['sale.json:2: 1 is not a JSON object', 'sale.json:3: "x" is not a JSON object']);
    const m = msgs(loadDataset([sale], { 'sale.json': '[\n{"id": }\n]' }));
    expect(m.length).toBe(1);
    expect(m[0]).toMatch(/^sale\.json:\d+: is not valid JSON \(/); // the line when the engine's message gives a position
  });
  it('NDJSON: one object per line, empty lines skipped, a bad line is one rejected record', () => {
    const rec = (id: string) => JSON.stringify({ id, partner: 'P1', date: '2026-03-01', sku: 'a', category: 'services', amount: '1', quantity: 1, rate: '1', shipped: '2026-01-01', promo: true });
    const d = loadDataset([sale], { 'sale.ndjson': `\uFEFF${rec('A')}\n\n${rec('B')}\r\n{oops\n${rec('C')}` });
    expect(d.events.get('sale')!.map((r) => r.id)).toEqual(['A', 'B', 'C']);
    expect(msgs(d).length).toBe(1);
    expect(msgs(d)[0]).toMatch(/^sale\.ndjson:4: is not valid JSON/);
    expect(d.files[0]).toMatchObject({ input: 4, valid: 3, rejected: 1 });
  });
  it('finds the line of each array element', () => {
    expect(jsonArrayElementLines('[{"a": "[,{"},\n {"b": [1,\n2]},\n\n"x\\"]", 3]')).toEqual([1, 2, 5, 5]);
    expect(jsonArrayElementLines('[ ]')).toEqual([]);
  });
});

describe('whole-dataset checks', () => {
  const row = (id: string, p = 'P1', amount = '10') => `${id},${p},2026-02-10,x,hardware,${amount},1,1,2026-01-01,true`;
  it('duplicate ids: every record with the id is rejected, naming the others', () => {
    const d = loadDataset([sale], { 'sale.csv': [HEAD, row('L1'), row('L2'), row('L1', 'P1', '11'), row('L1', 'P1', '12')].join('\n') });
    expect(d.events.get('sale')!.map((r) => r.id)).toEqual(['L2']);
    expect(msgs(d)).toEqual([
      'sale.csv:2: field "id": "L1" is a duplicate id (also sale.csv:4, sale.csv:5); every record with this id is rejected, since the records differ',
      'sale.csv:4: field "id": "L1" is a duplicate id (also sale.csv:2, sale.csv:5); every record with this id is rejected, since the records differ',
      'sale.csv:5: field "id": "L1" is a duplicate id (also sale.csv:2, sale.csv:4); every record with this id is rejected, since the records differ',
    ]);
  });
  it('identical records count once (equal values: 10 and 10.00 EUR are the same amount)', () => {
    const d = loadDataset([sale], { 'sale.csv': [HEAD, row('L1'), row('L1', 'P1', '10.00 EUR'), row('L1')].join('\n') });
    expect(d.events.get('sale')!.map((r) => r.id)).toEqual(['L1']);
    expect(d.problems).toEqual([]);
    expect(d.files[0]).toMatchObject({ input: 3, valid: 1, rejected: 0, merged: 2 });
  });
  it('a duplicate of an invalid record rejects both', () => {
    const d = loadDataset([sale], { 'sale.csv': [HEAD, row('L1'), row('L1', 'P1', 'x')].join('\n') });
    expect(d.events.get('sale')).toEqual([]);
    expect(d.rejected.map((r) => r.reasons.length)).toEqual([1, 2]);
  });
  it('unknown partner ids, and partners whose record was rejected', () => {
    const d = loadDataset([partner, sale], {
      'partners.csv': PARTNERS + 'P3,retailer,1\n',
      'sale.csv': [HEAD, row('L1', 'P1'), row('L2', 'P9'), row('L3', 'P3'), row('L4', 'P9', 'x')].join('\n'),
    });
    expect(d.events.get('sale')!.map((r) => r.id)).toEqual(['L1']);
    expect(msgs(d)).toEqual([
      'partners.csv:4: field "kind": "retailer" is not one of "distributor", "reseller"',
      'sale.csv:3: field "partner": "P9" is not a known partner id (not in partners.csv)',
      'sale.csv:4: field "partner": "P3" is a partner whose record was rejected (partners.csv:4)',
      'sale.csv:5: field "amount": "x" is not a decimal amount',
      'sale.csv:5: field "partner": "P9" is not a known partner id (not in partners.csv)',
    ]);
    expect(d.partnerIds).toEqual(['P1', 'P2']);
  });
  it('without a partner declaration, partners are the ids in events', () => {
    const d = loadDataset([sale], { 'sale.csv': [HEAD, row('L1', 'P9'), row('L2', 'P1'), row('L3', 'P9')].join('\n') });
    expect(d.partners).toBeUndefined();
    expect(d.partnerIds).toEqual(['P1', 'P9']);
  });
  it('duplicate partner ids follow the same rule', () => {
    const d = loadDataset([partner], { 'partners.csv': 'id,kind,target\nP1,reseller,1\nP1,reseller,1.0\nP2,reseller,1\nP2,reseller,2\n' });
    expect(d.partners!.map((p) => p.id)).toEqual(['P1']);
    expect(d.files[0]).toMatchObject({ input: 4, valid: 1, merged: 1, rejected: 2 });
  });
});

describe('properties', () => {
  const ids = ['A', 'B', 'C', 'D'];
  const recordArb = fc.record({
    id: fc.constantFrom(...ids, ''),
    partner: fc.constantFrom('P1', 'P2', 'P9'),
    amount: fc.constantFrom('1', '1.00', '2', 'x'),
    date: fc.constantFrom('2026-01-01', '2026-02-30'),
  });
  const ev: RecordSchema = { file: 'ev', kind: 'event', currency: 'EUR', fields: [{ name: 'amount', type: 'money' }] };
  const pt: RecordSchema = { file: 'partners', kind: 'partner', currency: 'EUR', fields: [] };
  const csv = (rs: { id: string; partner: string; amount: string; date: string }[]) =>
    ['id,partner,date,amount', ...rs.map((r) => formatCsvRow([r.id, r.partner, r.date, r.amount]))].join('\n');
  const summary = (d: Dataset) => ({
    valid: d.events.get('ev')!.map((r) => JSON.stringify(plain(r))).sort(),
    rejected: d.rejected.map((r) => JSON.stringify(r.raw)).sort(),
    counts: d.files.map((f) => [f.file, f.valid, f.rejected, f.merged]),
  });

  it('nothing is dropped silently: valid + rejected + merged = input, for every file', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 12 }), (rs) => {
        const d = loadDataset([pt, ev], { 'partners.csv': 'id\nP1\nP2\nP2', 'ev.csv': csv(rs) });
        expect(accounted(d)).toBe(total(d));
        expect(d.files.find((f) => f.file === 'ev.csv')!.input).toBe(rs.length);
        expect(d.rejected.length).toBe(d.files.reduce((s, f) => s + f.rejected, 0));
        // every rejected record has at least one reason, and every error names a rejected record or a file
        for (const r of d.rejected) expect(r.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
  it('row order never matters: the same records in any order give the same valid and rejected sets', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 10 }).chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length, maxLength: rs.length }))), ([a, b]) => {
        const da = loadDataset([pt, ev], { 'partners.csv': 'id\nP1\nP2', 'ev.csv': csv(a) });
        const db = loadDataset([pt, ev], { 'partners.csv': 'id\nP1\nP2', 'ev.csv': csv(b) });
        const sa = summary(da);
        const sb = summary(db);
        expect(sb.valid).toEqual(sa.valid);
        expect(sb.counts).toEqual(sa.counts);
      }),
      { numRuns: 300 },
    );
  });
  it('the record conversion and the converters agree on every value', () => {
    const c = compileSchema(sale);
    const cell = fc.oneof(
      fc.constantFrom('', '1', '-0', '12.50', '12.50 EUR', '12.50 USD', '1e3', 'true', 'false', 'hardware', '2024-02-29', '2026-02-29', '9007199254740992', ' 1', '007'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(cell, { minLength: c.names.length, maxLength: c.names.length }), (cells) => {
        const obj = Object.fromEntries(c.names.map((n, i) => [n, cells[i]]));
        const row = c.parse(obj);
        const direct = c.converters.map((f, i) => f(cells[i]));
        const failed = (v: unknown) => typeof v === 'object' && v !== null && 'message' in v; // a Failure (Num values are objects too)
        const directOk = !direct.some(failed);
        expect(row !== undefined).toBe(directOk);
        if (row !== undefined) {
          expect(Object.keys(row)).toEqual(c.names);
          expect(Object.values(row)).toEqual(direct);
        }
      }),
      { numRuns: 1000 },
    );
  });
  it('the CSV fast path (FastRow, with its shared strings) and the record conversion agree on every row', () => {
    const c = compileSchema(sale);
    const fast = new FastRow(c); // one for the whole run: its caches of seen values carry over
    const columnOf = c.names.map((_, i) => i);
    const cell = fc.oneof(
      fc.constantFrom('', '1', '-0', '0.0', '12.50', '12.50 EUR', '12.50 USD', '1e3', 'true', 'false', 'hardware', 'P1', '2024-02-29', '2026-02-29', '2026-02-28', '9007199254740992', '9007199254740991', '-1023', '1023', '1024', ' 1', '007', '0.000000000000001', '1234567890.12345', '1234567890.123456'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(cell, { minLength: c.names.length, maxLength: c.names.length }), (cells) => {
        const row = c.parse(Object.fromEntries(c.names.map((n, i) => [n, cells[i]])));
        const r = fast.convert(cells, columnOf);
        expect(r).toEqual(row);
        if (r !== undefined) expect(Object.keys(r)).toEqual(c.names);
      }),
      { numRuns: 2000 },
    );
  });
  it('decimalNum gives exactly parseNum of the canonical literal', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '0', '1', '5', '9'), minLength: 1, maxLength: 20 });
    const literal = fc.tuple(fc.boolean(), digits, fc.option(digits)).map(([neg, i, f]) => `${neg ? '-' : ''}${i}${f === null ? '' : '.' + f}`);
    const text = fc.oneof(literal, fc.string({ unit: fc.constantFrom('0', '1', '.', '-', ' ', 'e', '+'), maxLength: 6 }), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(text, (t) => {
        const canonical = normalizeDecimalLiteral(t);
        const n = decimalNum(t);
        if (canonical === undefined) expect(n).toBeUndefined();
        else {
          const expected = N.parseNum(canonical);
          expect(n).toEqual(expected);
          expect(n instanceof N.Fixed).toBe(expected instanceof N.Fixed);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
