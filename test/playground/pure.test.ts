/** The playground's pure parts: tables and pasted CSV, share links, the sample generator, the language service, runs. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { loadDataset } from '../../runtime/data/builder.js';
import { recordSchemas } from '../../runtime/data/load.js';
import { generateSample, rng } from '../../playground/src/sample.js';
import { programSchema } from '../../playground/src/schema.js';
import { complete, definition, hover } from '../../playground/src/service.js';
import { decodeSession, encodeSession, fromBase64Url, MAX_LINK_CHARS, toBase64Url } from '../../playground/src/share.js';
import { applyPaste, csvToTable, fileToTable, parsePaste, tableToCsv } from '../../playground/src/tables.js';
import { runProgram } from '../../playground/src/run.js';

const northwind = readFileSync('test/fixtures/northwind.incent', 'utf8');
const sampleFiles = Object.fromEntries(['partners', 'sale', 'training'].map((f) => [`${f}.csv`, readFileSync(`playground/samples/northwind/${f}.csv`, 'utf8')]));

describe('pasted cells and CSV', () => {
  it('reads spreadsheet cells (tabs), CSV with quotes, and semicolons', () => {
    expect(parsePaste('a\tb\n1\t2\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parsePaste('id,name\r\n1,"Smith, J ""Jo"""\r\n')).toEqual([['id', 'name'], ['1', 'Smith, J "Jo"']]);
    expect(parsePaste('a;b\n1;2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parsePaste('"multi\nline",x')).toEqual([['multi\nline', 'x']]);
    expect(parsePaste('')).toEqual([]);
  });
  it('pastes a block at a cell, growing the table, or appends rows by header', () => {
    const t = { columns: ['id', 'amount', 'note'], rows: [['1', '5', '']] };
    expect(applyPaste(t, [['7', 'x'], ['8', 'y']], { row: 0, col: 1 }).rows).toEqual([['1', '7', 'x'], ['', '8', 'y']]);
    expect(applyPaste(t, [['note', 'id'], ['n', '2']], { row: 0, col: 0 }).rows).toEqual([['1', '5', ''], ['2', '', 'n']]);
    expect(t.rows).toEqual([['1', '5', '']]); // unchanged
  });
  it('round-trips tables through CSV and maps lines to rows (multi-line cells included)', () => {
    const t = { columns: ['id', 'note'], rows: [['1', 'a\nb'], ['2', 'c,d'], ['3', '']] };
    const { text, rowOfLine } = tableToCsv(t);
    expect(csvToTable(text)).toEqual(t);
    expect([...rowOfLine]).toEqual([[2, 0], [4, 1], [5, 2]]);
  });
  it('reads JSON and NDJSON records as tables', () => {
    expect(fileToTable('sale.json', '[{"id":"S1","amount":12.5,"ok":true},{"id":"S2","note":null}]')).toEqual({ columns: ['id', 'amount', 'ok', 'note'], rows: [['S1', '12.5', 'true', ''], ['S2', '', '', '']] });
    expect(fileToTable('sale.ndjson', '{"id":"S1"}\n\n{"id":"S2"}\n').rows).toEqual([['S1'], ['S2']]);
    expect(() => fileToTable('x.json', '{"id":1}')).toThrow();
  });
});

describe('share links', () => {
  it('base64url round-trips bytes', () => {
    const b = new Uint8Array(300).map((_, i) => (i * 37) & 255);
    expect(fromBase64Url(toBase64Url(b))).toEqual(b);
    expect(toBase64Url(b)).toMatch(/^[A-Za-z0-9_-]+$/);
  });
  it('carries program and data, and decodes to the same session', async () => {
    const { hash, dataLeftOut } = await encodeSession({ program: northwind, data: { sale: 'id,partner\nS1,P1\n' } });
    expect(dataLeftOut).toBe(false);
    expect(hash.length).toBeLessThan(MAX_LINK_CHARS);
    expect(await decodeSession(hash)).toEqual({ program: northwind, data: { sale: 'id,partner\nS1,P1\n' }, dataLeftOut: false });
  });
  it('leaves out data that would make the link longer than 8 KB, and says so', async () => {
    const big = Array.from({ length: 4000 }, (_, i) => `S${i},P${(i * 7919) % 1000},${(i * 104729) % 99991}.${i % 100}`).join('\n');
    const { hash, dataLeftOut } = await encodeSession({ program: northwind, data: { sale: big } });
    expect(dataLeftOut).toBe(true);
    const s = await decodeSession(hash);
    expect(s.program).toBe(northwind);
    expect(s.data).toBeUndefined();
    expect(s.dataLeftOut).toBe(true);
  });
  it('refuses damaged or foreign links with a readable message', async () => {
    await expect(decodeSession('#hello')).rejects.toThrow(/not an Incent playground link/);
    await expect(decodeSession('#v1.!!!')).rejects.toThrow(/damaged/);
    await expect(decodeSession('#v1.AAAA')).rejects.toThrow(/damaged/);
    const { hash } = await encodeSession({ program: 'x' });
    expect((await decodeSession(hash)).program).toBe('x');
  });
  it('keeps only strings from a link (no prototype keys, no other types)', async () => {
    const { deflate } = await import('../../playground/src/share.js');
    const evil = '#v1.' + (await deflate('{"p":"x","d":{"__proto__":"y"}}'));
    const s = await decodeSession(evil);
    expect(Object.getPrototypeOf(s.data)).toBe(null);
    await expect(decodeSession('#v1.' + (await deflate('{"p":1}')))).rejects.toThrow(/no program/);
    await expect(decodeSession('#v1.' + (await deflate('{"p":"x","d":{"sale":5}}')))).rejects.toThrow(/bad data/);
  });
});

describe('sample data', () => {
  const schema = programSchema(compile(northwind).checked!);
  it('is seeded: same seed, same data; another seed, other data', () => {
    expect(generateSample(schema, { seed: 3 })).toEqual(generateSample(schema, { seed: 3 }));
    expect(generateSample(schema, { seed: 3 })).not.toEqual(generateSample(schema, { seed: 4 }));
    const r = rng(1);
    const xs = Array.from({ length: 1000 }, r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
  it('has every declared column, and every record is valid for the runtime', () => {
    const t = generateSample(schema, { seed: 11, partners: 20, events: 500 });
    expect(t['partners']!.columns).toEqual(['id', 'kind', 'region']);
    expect(t['sale']!.columns).toEqual(['id', 'partner', 'date', 'sku', 'category', 'amount', 'quantity']);
    expect(t['sale']!.rows).toHaveLength(500);
    const a = compile(northwind).artifact!;
    const ds = loadDataset(recordSchemas(a), Object.fromEntries(Object.entries(t).map(([k, v]) => [`${k}.csv`, tableToCsv(v).text])));
    expect(ds.problems).toEqual([]);
    // Plausible: the values the rules compare with appear, dates stay in the program.
    expect(t['sale']!.rows.some((r) => r[3] === 'NW-RTR-9')).toBe(true);
    expect(t['sale']!.rows.every((r) => r[2]! >= '2026-01-01' && r[2]! <= '2026-12-31')).toBe(true);
  });
  it('with exchange rates (§13.4): a rates table, a rate for every month (or day) and currency, amounts with their codes; all valid', () => {
    for (const every of ['monthly', 'daily'] as const) {
      const text = `program "Rates" {\n  currency EUR\n  period quarter\n  start 2026-01-01\n  end 2026-06-30\n  exchange rates ${every}\n}\nevent sale {\n  cur: text\n  amount: money any by cur\n  fee: money any\n}\npayout cash as cash {\n  cap 1_000 EUR per partner\n}\nrule "R" {\n  for each sale\n  award (amount - fee) * 1% to cash\n}\n`;
      const c = compile(text);
      const ps = programSchema(c.checked!);
      expect(ps.tables.map((x) => [x.file, x.kind])).toEqual([
        ['sale', 'event'],
        ['rates', 'rates'],
      ]);
      expect(ps.tables[0]!.fields.filter((f) => f.any).map((f) => [f.field, f.any])).toEqual([
        ['amount', { by: 'cur' }],
        ['fee', {}],
      ]);
      const t = generateSample(ps, { seed: 5, events: 300 });
      expect(t['rates']!.columns).toEqual([every === 'monthly' ? 'month' : 'date', 'currency', 'rate']);
      expect(t['rates']!.rows).toHaveLength(every === 'monthly' ? 6 * 2 : 181 * 2);
      expect(t['sale']!.rows.every((r) => /^[A-Z]{3}$/.test(r[3]!) && /^\d+\.\d{2} [A-Z]{3}$/.test(r[5]!))).toBe(true);
      const ds = loadDataset(recordSchemas(c.artifact!), Object.fromEntries(Object.entries(t).map(([k, v]) => [`${k}.csv`, tableToCsv(v).text])));
      expect(ds.problems).toEqual([]);
      expect(ds.events.get('sale')).toHaveLength(300);
    }
  });
});

describe('language service', () => {
  const r = compile(northwind);
  const at = (needle: string, delta = 0) => northwind.indexOf(needle) + delta;
  it('completes pots after `to`, fields after a dot, enum values in quotes, levels after a tier comparison', () => {
    const labels = (text: string) => complete(compile(text), text, text.length).items.map((i) => i.label);
    expect(labels(northwind + '\nrule "x" {\n  for each sale\n  award 1 to ')).toEqual(expect.arrayContaining(['points', 'cash', 'credit', 'trip']));
    expect(labels(northwind + '\nlet z = sale.')).toEqual(expect.arrayContaining(['amount', 'category', 'date']));
    expect(labels(northwind + '\nrule "y" {\n  for each sale where category = "')).toEqual(['hardware', 'software', 'services']);
    expect(labels(northwind + '\nlet q = if status >= ')).toEqual(['Member', 'Silver', 'Gold']);
    expect(labels(northwind + '\nrule "w" {\n  for each ')).toEqual(expect.arrayContaining(['sale', 'training', 'partner']));
    expect(labels(northwind + '\n')).toEqual(expect.arrayContaining(['rule', 'measure', 'payout']));
    const names = complete(compile(northwind + '\nlet v = rev'), northwind + '\nlet v = rev', northwind.length + 12);
    expect(names.items.find((i) => i.label === 'revenue')).toMatchObject({ kind: 'measure', detail: 'measure · money (EUR)' });
    expect(names.replace).toEqual({ start: northwind.length + 9, end: northwind.length + 12 });
  });
  it('hovers with type, unit and level, and the declaration', () => {
    const h = hover(r, northwind, at('multiplier to points', 2))!;
    expect(h.contents[0]).toContain('**let** `multiplier`: number — partner level');
    expect(h.contents[1]).toContain('let multiplier = lookup status');
    expect(h.valueName).toBe('multiplier');
    expect(hover(r, northwind, at('hardware_revenue * rebate', 1))!.contents[0]).toContain('money (EUR)');
  });
  it('goes to definitions: names, pots, events, levels', () => {
    const def = (needle: string, delta = 1) => {
      const s = definition(r, at(needle, delta));
      return s ? northwind.slice(s.start, s.end) + '@' + s.start : undefined;
    };
    expect(def('multiplier to')).toBe(`multiplier@${northwind.indexOf('multiplier =')}`);
    expect(def('to cash', 4)).toBe(`cash@${northwind.indexOf('cash as cash')}`);
    expect(def('for each training', 10)).toBe(`training@${northwind.indexOf('training {')}`);
    expect(def('Gold: 1.5')).toBe(`Gold@${northwind.indexOf('Gold   from')}`);
  });

  // v0.2 (§12.2, §12.3, §12.5)
  const v02 = `program "V" {
  currency USD
  period month
  start 2026-01-01
}
event activation {
  model: one of "P9", "P9 Pro"
}
event refund {
  original: ref activation
}
measure spend = sum activation.reward
tier status by spend {
  Member
  Gold from 100 USD
}
let reward = lookup activation.model { "P9 Pro": 20 USD, "P9": 12.50 USD }
let was = previous status
payout cards as cash
rule "Activation" {
  for each activation where running count < 3
  award reward to cards
  once per partner and model
}
rule "Refund" {
  for each refund
  award -original.reward to cards
}
`;
  it('completes the v0.2 constructs: through a ref field, event-level lets as fields, clauses, options and expressions', () => {
    const labels = (text: string) => complete(compile(text), text, text.length).items.map((i) => i.label);
    expect(labels(v02 + 'rule "x" {\n  for each refund\n  award -original.')).toEqual(expect.arrayContaining(['model', 'date', 'reward']));
    expect(labels(v02 + 'let z = activation.')).toEqual(expect.arrayContaining(['model', 'reward']));
    expect(labels(v02 + 'rule "y" {\n  for each activation\n  ')).toEqual(expect.arrayContaining(['once per partner and']));
    expect(labels(v02 + 'payout p as cash {\n  ')).toEqual(expect.arrayContaining(['budget … first come first served']));
    expect(labels(v02 + 'tier t by spend {\n  A\n  ')).toEqual(['down at most']);
    expect(labels(v02 + 'event ret {\n  x: ')).toEqual(expect.arrayContaining(['money', 'one of', 'ref']));
    expect(labels(v02 + 'event ret {\n  x: ref ')).toEqual(expect.arrayContaining(['activation', 'refund']));
    expect(labels(v02 + 'let q = ')).toEqual(expect.arrayContaining(['running sum', 'running count', 'interpolate', 'previous']));
  });

  it('completes the options after a field\'s type in their order (§12.1), and the date and period expressions (§12.4)', () => {
    const labels = (text: string) => complete(compile(text), text, text.length).items.map((i) => i.label);
    expect(labels(v02 + 'event claim {\n  value: money ')).toEqual(['in', 'from', 'default']);
    expect(labels(v02 + 'event claim {\n  value: money in 0 USD..10 USD ')).toEqual(['from', 'default']);
    expect(labels(v02 + 'event claim {\n  value: money from "Net (€)" ')).toEqual(['default']);
    expect(labels(v02 + 'event claim {\n  value: money default 0 USD ')).toEqual([]);
    expect(labels(v02 + 'event claim {\n  value: money from ')).toEqual([]);
    expect(labels(v02 + 'event claim {\n  value: money\n  ')).toEqual([]); // a new field's name
    expect(labels(v02 + 'let q = ')).toEqual(expect.arrayContaining(['days between']));
    expect(labels(v02 + 'let q = period.')).toEqual(expect.arrayContaining(['start', 'end']));
    expect(labels(v02 + 'measure m = sum activation.reward over ')).toEqual(expect.arrayContaining(['half to date', 'year to date']));
  });

  it('hovers over the words of the v0.2 constructs and a field with its options', () => {
    const t = v02 + 'event claim {\n  value: money in 0 USD..1000 USD from "Net (€)" default 0 USD\n  due: date\n}\nmeasure late = count claim where days between claim.due and period.end > 30 over previous period\nlet w = interpolate spend { 0 USD: 0, 100 USD: 1 }\n';
    const rc = compile(t);
    const h = (needle: string, delta = 1) => hover(rc, t, t.indexOf(needle) + delta)?.contents[0];
    expect(h('value: money')).toBe('**field** `claim.value`: money (USD) — event level (per event)');
    expect(hover(rc, t, t.indexOf('value: money') + 1)!.contents[1]).toContain('from "Net (€)" default 0 USD');
    expect(h('period.end', 8)).toBe('**period.end** — date: the last day of the period being evaluated');
    expect(h('between claim')).toContain('**days between**');
    expect(h('interpolate spend')).toContain('**interpolate**');
    expect(h('default 0 USD')).toContain('an empty cell or a missing key');
    expect(h('ref activation')).toContain('**ref**');
    expect(h('previous status', 3)).toContain('**previous**');
    expect(h('previous period', 3)).toBeUndefined(); // a window, not `previous NAME`
    expect(h('# ', 0)).toBeUndefined();
  });

  it('hovers and goes to definitions in the v0.2 constructs', () => {
    const rv = compile(v02);
    const pos = (needle: string, delta = 1) => v02.indexOf(needle) + delta;
    expect(hover(rv, v02, pos('reward to cards'))!.contents[0]).toBe('**let** `reward`: money (USD) — event level (per event) of each `activation` event (read it as `activation.reward`)');
    expect(hover(rv, v02, pos('original.reward', 10))!.contents[0]).toContain('**let** `reward`');
    expect(hover(rv, v02, pos('original.reward'))!.contents[0]).toContain('the id of a record of `activation`: read its fields as `refund.original.FIELD`');
    expect(hover(rv, v02, pos('previous status', 10))!.contents[0]).toContain('**tier** `status`');
    const def = (p: number) => {
      const s = definition(rv, p);
      return s ? v02.slice(s.start, s.end) + '@' + s.start : undefined;
    };
    expect(def(pos('model\n}\nrule "Refund"', 1))).toBe(`model@${v02.indexOf('model:')}`); // once per partner and model
    expect(def(pos('ref activation', 5))).toBe(`activation@${v02.indexOf('activation {')}`);
  });
});

describe('runs', () => {
  it('evaluates the sample data, explains a partner, and reports invalid records like the command line', () => {
    const ok = runProgram({ type: 'run', id: 1, text: northwind, files: sampleFiles, explain: 'P001' });
    expect(ok.blocked).toBeUndefined();
    expect(ok.periods.map((p) => p.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(ok.partners).toHaveLength(8);
    expect(ok.detail?.id).toBe('P001');
    expect(ok.detail!.awards.length + ok.detail!.unfired.length).toBeGreaterThan(0);
    const bad = sampleFiles['sale.csv']!.replace(/\n(S0002,[^,]*,[^,]*,[^,]*,[^,]*,)[0-9.]+/, '\n$1"12,50"');
    const r = runProgram({ type: 'run', id: 2, text: northwind, files: { ...sampleFiles, 'sale.csv': bad } });
    expect(r.rejected).toBe(1);
    expect(r.problems.map((p) => p.text)).toEqual(['sale.csv:3: field "amount": "12,50" is not a decimal amount']);
  });
  it('says why there is nothing to show', () => {
    expect(runProgram({ type: 'run', id: 3, text: 'rule', files: {} }).blocked).toMatch(/errors/);
  });
});
