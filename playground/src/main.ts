/**
 * The Incent playground: a program in Monaco, its data in editable tables, and its statements,
 * updated as one types. The compiler runs in a language worker (diagnostics, completion, hover,
 * definition, formatting) and the evaluation in a run worker, so that typing never waits for either.
 *
 * Everything the page shows from a program, its data or a shared link goes in as text
 * (textContent, attributes, Monaco markers) — never as HTML, never as code.
 */
import './styles.css';
import { createEditor, monaco, registerIncent, setDiagnostics } from './editor.js';
import { h, s, group } from './dom.js';
import { EXAMPLES } from './examples.js';
import type { DataProblem, LangRequest, LangResponse, RunRequest, RunResult, WireDiagnostic } from './protocol.js';
import type { FieldKind, ProgramSchema, TableSchema } from './schema.js';
import { schemaKey } from './schema.js';
import { decodeSession, encodeSession, type Session } from './share.js';
import { applyPaste, baseName, fileToTable, parsePaste, tableToCsv, withColumns, type Table } from './tables.js';

// ---------------------------------------------------------------------------------------------
// Workers

type Pending = (r: LangResponse) => void;
const langWorker = new Worker(new URL('./lang.worker.ts', import.meta.url), { type: 'module' });
const langPending = new Map<number, Pending>();
let nextId = 1;
langWorker.onmessage = (e: MessageEvent<LangResponse>) => {
  const p = langPending.get(e.data.id);
  langPending.delete(e.data.id);
  p?.(e.data);
};
function ask<T extends LangResponse['type']>(req: Omit<Extract<LangRequest, { type: T }>, 'id'>): Promise<Extract<LangResponse, { type: T }>> {
  const id = nextId++;
  return new Promise((resolve) => {
    langPending.set(id, resolve as Pending);
    langWorker.postMessage({ ...req, id });
  });
}

/** The run worker: a newer run replaces one still running (the worker is restarted), so results are always the latest. */
class Runner {
  private worker: Worker | undefined;
  private busy = false;
  private latest = 0;
  constructor(private readonly onResult: (r: RunResult) => void) {}
  private spawn(): Worker {
    const w = new Worker(new URL('./run.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<RunResult>) => {
      this.busy = false;
      if (e.data.id === this.latest) this.onResult(e.data);
    };
    return w;
  }
  run(req: Omit<RunRequest, 'id' | 'type'>): void {
    if (this.busy && this.worker) {
      this.worker.terminate();
      this.worker = undefined;
    }
    this.worker ??= this.spawn();
    this.latest = nextId++;
    this.busy = true;
    this.worker.postMessage({ ...req, type: 'run', id: this.latest } satisfies RunRequest);
  }
}

// ---------------------------------------------------------------------------------------------
// State

const STORAGE_KEY = 'incent-playground-session';
const THEME_KEY = 'incent-playground-theme';

const state = {
  tables: new Map<string, Table>(),
  schema: undefined as ProgramSchema | undefined,
  schemaKey: '',
  diagnostics: [] as WireDiagnostic[],
  result: undefined as RunResult | undefined,
  /** The last results that evaluated: shown, marked as stale, while the program has errors. */
  lastGood: undefined as RunResult | undefined,
  period: undefined as string | undefined,
  partner: undefined as string | undefined,
  dataTab: undefined as string | undefined,
  pages: new Map<string, number>(),
  /** For each table, the CSV line → row map of the text last sent (for problems' `file:line`). */
  rowOfLine: new Map<string, Map<number, number>>(),
  partnerFilter: '',
  /** A sample to generate once the program's schema is known (a link without its data). */
  sampleWhenReady: false,
};
const PAGE = 50;

// ---------------------------------------------------------------------------------------------
// Layout

const app = document.getElementById('app')!;
const status = h('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
const notice = h('div', { class: 'notice', role: 'alert', hidden: true });
const exampleSelect = h('select', { 'aria-label': 'Examples', 'data-testid': 'examples' }, h('option', { value: '', text: 'Examples…' }), ...EXAMPLES.map((e, i) => h('option', { value: String(i), text: e.name })));
const shareButton = h('button', { type: 'button', 'data-testid': 'share', title: 'Copy a link with the program and its data' }, 'Share');
const themeButton = h('button', { type: 'button', 'aria-label': 'Theme', 'data-testid': 'theme' });
const formatButton = h('button', { type: 'button', title: 'Format Document (Shift+Alt+F)' }, 'Format');
const editorHost = h('div', { class: 'editor', 'data-testid': 'editor', role: 'region', 'aria-label': 'Program editor' });
const problemsList = h('ul', { class: 'problem-list' });
const problemsTitle = h('h2', { id: 'problems-title' }, 'Problems');
const problems = h(
  'section',
  { class: 'problems', 'data-testid': 'problems', 'aria-labelledby': 'problems-title' },
  h('div', { class: 'problems-head' }, problemsTitle, h('span', { class: 'muted keys' }, 'In the editor: Ctrl+Space completes, F12 goes to a definition, Shift+Alt+F formats, Ctrl+M lets Tab move the focus.')),
  problemsList,
);

const tabResults = h('button', { type: 'button', role: 'tab', id: 'tab-results', 'aria-controls': 'panel-results', 'aria-selected': 'true' }, 'Results');
const tabData = h('button', { type: 'button', role: 'tab', id: 'tab-data', 'aria-controls': 'panel-data', 'aria-selected': 'false', tabindex: -1 }, 'Data');
const tablist = h('div', { role: 'tablist', 'aria-label': 'Panels', class: 'tabs' }, tabResults, tabData);

const periodSelect = h('select', { 'data-testid': 'period', 'aria-label': 'Period' });
const resultsBody = h('div', { class: 'results-body' });
const results = h(
  'section',
  { class: 'panel', id: 'panel-results', role: 'tabpanel', 'aria-labelledby': 'tab-results', 'data-testid': 'results' },
  h('div', { class: 'toolbar sticky' }, h('label', {}, 'Period ', periodSelect)),
  resultsBody,
);

const dataTabs = h('div', { class: 'subtabs', role: 'tablist', 'aria-label': 'Data files' });
const dataBody = h('div', { class: 'data-body' });
const fileInput = h('input', { type: 'file', accept: '.csv,.json,.ndjson,.jsonl,text/csv,application/json', multiple: true, class: 'visually-hidden', 'data-testid': 'open-file', 'aria-label': 'Open data files' });
const seedInput = h('input', { type: 'number', value: '1', min: '0', class: 'small', 'aria-label': 'Seed' });
const partnersInput = h('input', { type: 'number', value: '12', min: '1', max: '100000', class: 'small', 'aria-label': 'Partners to generate' });
const eventsInput = h('input', { type: 'number', value: '300', min: '0', max: '1000000', class: 'small', 'aria-label': 'Events per kind to generate' });
const dataPanel = h(
  'section',
  { class: 'panel', id: 'panel-data', role: 'tabpanel', 'aria-labelledby': 'tab-data', 'data-testid': 'data', hidden: true },
  h(
    'div',
    { class: 'toolbar' },
    h('button', { type: 'button', onclick: () => fileInput.click() }, 'Open files…'),
    fileInput,
    h('button', { type: 'button', onclick: () => openPasteDialog() }, 'Paste CSV…'),
    h('button', { type: 'button', onclick: () => downloadTable() }, 'Download CSV'),
    h('button', { type: 'button', onclick: () => addRow() }, 'Add row'),
  ),
  h(
    'div',
    { class: 'toolbar', role: 'group', 'aria-label': 'Sample data' },
    h('span', { class: 'muted' }, 'Sample data for the declared fields:'),
    h('label', {}, 'seed ', seedInput),
    h('label', {}, 'partners ', partnersInput),
    h('label', {}, 'events ', eventsInput),
    h('button', { type: 'button', 'data-testid': 'generate', onclick: () => void generate() }, 'Generate sample'),
  ),
  dataTabs,
  dataBody,
);

const pasteText = h('textarea', { rows: 12, cols: 80, 'aria-label': 'CSV text', spellcheck: 'false' });
const pasteMode = h('select', { 'aria-label': 'Replace or append' }, h('option', { value: 'replace', text: 'replace the table' }), h('option', { value: 'append', text: 'append rows' }));
const pasteDialog = h(
  'dialog',
  { 'aria-label': 'Paste CSV' },
  h('form', { method: 'dialog' }, h('p', {}, 'Paste CSV (or cells copied from a spreadsheet) with a header row:'), pasteText, h('p', {}, pasteMode, ' ', h('button', { value: 'ok' }, 'Load'), ' ', h('button', { value: 'cancel' }, 'Cancel'))),
);

app.append(
  h(
    'header',
    { class: 'top' },
    h('h1', {}, 'Incent playground'),
    exampleSelect,
    formatButton,
    shareButton,
    themeButton,
    status,
  ),
  notice,
  h('main', { class: 'layout' }, h('div', { class: 'left' }, editorHost, problems), h('div', { class: 'right' }, tablist, results, dataPanel)),
  pasteDialog,
);

// ---------------------------------------------------------------------------------------------
// Theme

type ThemePref = 'auto' | 'light' | 'dark';
const media = window.matchMedia('(prefers-color-scheme: dark)');
let themePref: ThemePref = (localStorage.getItem(THEME_KEY) as ThemePref | null) ?? 'auto';
if (!['auto', 'light', 'dark'].includes(themePref)) themePref = 'auto';
const isDark = () => (themePref === 'auto' ? media.matches : themePref === 'dark');
function applyTheme(): void {
  document.documentElement.dataset['theme'] = isDark() ? 'dark' : 'light';
  themeButton.textContent = `Theme: ${themePref}`;
  monaco.editor.setTheme(isDark() ? 'vs-dark' : 'vs');
}
themeButton.addEventListener('click', () => {
  themePref = themePref === 'auto' ? 'light' : themePref === 'light' ? 'dark' : 'auto';
  localStorage.setItem(THEME_KEY, themePref);
  applyTheme();
});
media.addEventListener('change', applyTheme);

// ---------------------------------------------------------------------------------------------
// Editor

registerIncent({
  complete: async (text, offset) => (await ask<'complete'>({ type: 'complete', text, offset })).result,
  hover: async (text, offset) => (await ask<'hover'>({ type: 'hover', text, offset })).result,
  definition: async (text, offset) => (await ask<'definition'>({ type: 'definition', text, offset })).result,
  format: async (text) => {
    const r = await ask<'format'>({ type: 'format', text });
    return { text: r.text, ...(r.message ? { message: r.message } : {}) };
  },
  partnerValue: (name) => {
    const d = state.result?.detail;
    const v = d?.values[name];
    return d && v !== undefined ? { partner: d.id, period: d.period, value: v } : undefined;
  },
  notify: (m) => say(m),
});
const editor = createEditor(editorHost, '', isDark());
applyTheme();
const model = editor.getModel()!;
formatButton.addEventListener('click', () => {
  editor.focus();
  void editor.getAction('editor.action.formatDocument')?.run();
});

function debounce(fn: () => void, ms: number): () => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (t) clearTimeout(t);
    t = setTimeout(fn, ms);
  };
}

let checkVersion = 0;
const check = debounce(() => void runCheck(), 120);
const scheduleRun = debounce(() => run(), 250);
const save = debounce(() => saveSession(), 800);

async function runCheck(): Promise<void> {
  const v = ++checkVersion;
  const text = model.getValue();
  const r = await ask<'check'>({ type: 'check', text });
  if (v !== checkVersion) return;
  state.diagnostics = r.diagnostics;
  setDiagnostics(model, r.diagnostics);
  if (r.schema.tables.length > 0 || r.diagnostics.every((d) => d.severity !== 'error')) updateSchema(r.schema);
  renderProblems();
}

model.onDidChangeContent(() => {
  check();
  scheduleRun();
  save();
});

// ---------------------------------------------------------------------------------------------
// Runs

const runner = new Runner((r) => {
  state.result = r;
  if (!r.blocked) state.lastGood = r;
  if (r.period) state.period = r.period;
  renderResults();
  renderProblems();
  renderDataTable();
  say(r.blocked ? '' : `Evaluated ${r.records.toLocaleString('en')} records in ${r.ms} ms`);
});

/** CSV texts of the tables, kept until a table changes (typing in the program never re-serialises 50,000 records). */
const csvCache = new Map<string, { table: Table; text: string; rowOfLine: Map<number, number> }>();
function tableChanged(file?: string): void {
  if (file === undefined) csvCache.clear();
  else csvCache.delete(file);
}

function dataFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  state.rowOfLine.clear();
  for (const t of state.schema?.tables ?? []) {
    const table = withColumns(state.tables.get(t.file), t.fields.map((f) => f.name));
    let c = csvCache.get(t.file);
    if (!c || c.table !== table) {
      c = { table, ...tableToCsv(table) };
      csvCache.set(t.file, c);
    }
    files[`${t.file}.csv`] = c.text;
    state.rowOfLine.set(t.file, c.rowOfLine);
  }
  return files;
}

function run(): void {
  if (!state.schema) return;
  runner.run({ text: model.getValue(), files: dataFiles(), ...(state.period ? { period: state.period } : {}), ...(state.partner ? { explain: state.partner } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Schema → data tables

function updateSchema(schema: ProgramSchema): void {
  state.schema = schema;
  const key = schemaKey(schema);
  if (key === state.schemaKey) return;
  state.schemaKey = key;
  for (const t of schema.tables) state.tables.set(t.file, withColumns(state.tables.get(t.file), t.fields.map((f) => f.name)));
  if (!state.dataTab || !schema.tables.some((t) => t.file === state.dataTab)) state.dataTab = schema.tables[0]?.file;
  if (state.sampleWhenReady && schema.tables.length > 0) {
    state.sampleWhenReady = false;
    void generate();
    return;
  }
  renderDataTabs();
  renderDataTable();
  run();
}

function tableSchema(file: string | undefined): TableSchema | undefined {
  return state.schema?.tables.find((t) => t.file === file);
}

// ---------------------------------------------------------------------------------------------
// Problems

function renderProblems(): void {
  const items: HTMLElement[] = [];
  for (const d of state.diagnostics) {
    const pos = model.getPositionAt(d.start);
    const li = h(
      'li',
      { class: `problem ${d.severity}` },
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            editor.setPosition(pos);
            editor.revealPositionInCenter(pos);
            editor.focus();
          },
        },
        h('span', { class: 'sev' }, `${d.severity}[${d.code}]`),
        ` program.incent:${pos.lineNumber}:${pos.column}: `,
        h('span', { class: 'msg' }, d.message),
      ),
      d.hint ? h('div', { class: 'hint' }, `hint: ${d.hint}`) : null,
    );
    items.push(li);
  }
  const r = state.result;
  // While the program has errors the data is not read again: its problems are those of the last run.
  const dataProblems = (r?.blocked && state.lastGood ? state.lastGood : r)?.problems ?? [];
  for (const p of dataProblems.slice(0, 200)) {
    items.push(
      h(
        'li',
        { class: `problem data ${p.severity}` },
        h('button', { type: 'button', class: 'link', onclick: () => showProblemRow(p) }, h('span', { class: 'sev' }, p.severity), ' ', h('span', { class: 'msg' }, p.text)),
      ),
    );
  }
  if (dataProblems.length > 200) items.push(h('li', { class: 'problem' }, `… and ${dataProblems.length - 200} more data problems`));
  if (r?.blocked && state.diagnostics.every((d) => d.severity !== 'error')) items.push(h('li', { class: 'problem error' }, r.blocked));
  const errors = state.diagnostics.filter((d) => d.severity === 'error').length + dataProblems.filter((p) => p.severity === 'error').length;
  const warnings = state.diagnostics.length + dataProblems.length - errors;
  problemsTitle.textContent = `Problems (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
  if (items.length === 0) items.push(h('li', { class: 'none' }, 'No problems.'));
  problemsList.replaceChildren(...items);
}

function showProblemRow(p: DataProblem): void {
  const file = baseName(p.file);
  const row = state.rowOfLine.get(file)?.get(p.line);
  selectTab('data');
  state.dataTab = file;
  if (row !== undefined) state.pages.set(file, Math.floor(row / PAGE));
  renderDataTabs();
  renderDataTable();
  if (row !== undefined) {
    const cols = state.tables.get(file)?.columns ?? [];
    const col = p.field !== undefined ? Math.max(0, cols.indexOf(p.field)) : 0;
    const input = dataBody.querySelector<HTMLInputElement>(`input[data-row="${row}"][data-col="${col}"]`);
    input?.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Tabs

function selectTab(which: 'results' | 'data'): void {
  const r = which === 'results';
  tabResults.setAttribute('aria-selected', String(r));
  tabData.setAttribute('aria-selected', String(!r));
  tabResults.tabIndex = r ? 0 : -1;
  tabData.tabIndex = r ? -1 : 0;
  results.hidden = !r;
  dataPanel.hidden = r;
}
tabResults.addEventListener('click', () => selectTab('results'));
tabData.addEventListener('click', () => selectTab('data'));
tablist.addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
  const toData = tabResults.getAttribute('aria-selected') === 'true';
  selectTab(toData ? 'data' : 'results');
  (toData ? tabData : tabResults).focus();
  e.preventDefault();
});

// ---------------------------------------------------------------------------------------------
// Data panel

function renderDataTabs(): void {
  const tables = state.schema?.tables ?? [];
  dataTabs.replaceChildren(
    ...tables.map((t) => {
      const n = state.tables.get(t.file)?.rows.length ?? 0;
      const selected = t.file === state.dataTab;
      return h(
        'button',
        {
          type: 'button',
          role: 'tab',
          'aria-selected': String(selected),
          'data-file': t.file,
          class: selected ? 'selected' : '',
          onclick: () => {
            state.dataTab = t.file;
            renderDataTabs();
            renderDataTable();
          },
        },
        `${t.file}.csv (${n.toLocaleString('en')})`,
      );
    }),
  );
}

function cellProblems(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const lines = state.rowOfLine.get(file);
  const r = state.result?.blocked && state.lastGood ? state.lastGood : state.result;
  for (const p of r?.problems ?? []) {
    if (baseName(p.file) !== file || !lines) continue;
    const row = lines.get(p.line);
    if (row === undefined) continue;
    const k = `${row}:${p.field ?? ''}`;
    out.set(k, [...(out.get(k) ?? []), p.text]);
  }
  return out;
}

function renderDataTable(): void {
  const file = state.dataTab;
  const ts = tableSchema(file);
  if (!file || !ts) {
    dataBody.replaceChildren(h('p', { class: 'empty' }, state.schema ? 'The program declares no data.' : 'Waiting for the program…'));
    return;
  }
  const table = withColumns(state.tables.get(file), ts.fields.map((f) => f.name));
  state.tables.set(file, table);
  const declared = new Map(ts.fields.map((f) => [f.name, f.type]));
  const pages = Math.max(1, Math.ceil(table.rows.length / PAGE));
  const page = Math.min(state.pages.get(file) ?? 0, pages - 1);
  const probs = cellProblems(file);
  const first = page * PAGE;
  const rows = table.rows.slice(first, first + PAGE);
  const typeText = (t: FieldKind | undefined) => (t === undefined ? 'not declared: ignored' : typeof t === 'object' ? `one of ${t.enum.join(', ')}` : t);
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col', class: 'rownum' }, '#'),
    ...table.columns.map((c) => h('th', { scope: 'col', class: declared.has(c) ? '' : 'ignored', title: typeText(declared.get(c)) }, c, h('span', { class: 'type' }, typeText(declared.get(c))))),
    h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
  );
  const body = rows.map((row, k) => {
    const ri = first + k;
    const rowProblems = probs.get(`${ri}:`);
    return h(
      'tr',
      { class: rowProblems ? 'invalid-row' : '', title: rowProblems?.join('\n') },
      h('th', { scope: 'row', class: 'rownum' }, String(ri + 1)),
      ...table.columns.map((c, ci) => {
        const cp = probs.get(`${ri}:${c}`);
        const input = h('input', {
          value: row[ci] ?? '',
          'data-row': ri,
          'data-col': ci,
          'aria-label': `${file} row ${ri + 1} ${c}`,
          'aria-invalid': cp ? 'true' : undefined,
          title: cp?.join('\n'),
          class: cp ? 'invalid' : '',
          spellcheck: 'false',
        });
        input.addEventListener('input', () => {
          const t = state.tables.get(file)!;
          t.rows[ri]![ci] = input.value;
          tableChanged(file);
          scheduleRun();
          save();
        });
        input.addEventListener('paste', (e) => {
          const text = e.clipboardData?.getData('text/plain') ?? '';
          if (!/[\t\n]/.test(text)) return;
          e.preventDefault();
          state.tables.set(file, applyPaste(state.tables.get(file)!, parsePaste(text), { row: ri, col: ci }));
          afterDataChange();
        });
        return h('td', {}, input);
      }),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'icon',
            'aria-label': `Delete row ${ri + 1}`,
            title: 'Delete row',
            onclick: () => {
              state.tables.get(file)!.rows.splice(ri, 1);
              afterDataChange();
            },
          },
          '×',
        ),
      ),
    );
  });
  const pager = h(
    'div',
    { class: 'pager' },
    h('button', { type: 'button', disabled: page === 0, onclick: () => (state.pages.set(file, page - 1), renderDataTable()) }, '‹ Previous'),
    ` rows ${table.rows.length ? first + 1 : 0}–${Math.min(first + PAGE, table.rows.length)} of ${table.rows.length.toLocaleString('en')} `,
    h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => (state.pages.set(file, page + 1), renderDataTable()) }, 'Next ›'),
  );
  const active = document.activeElement as HTMLElement | null;
  const focusKey = active?.dataset['row'] !== undefined && dataBody.contains(active) ? [active.dataset['row'], active.dataset['col'], (active as HTMLInputElement).selectionStart] : undefined;
  dataBody.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'data-table' }, h('thead', {}, head), h('tbody', {}, ...body))), pager);
  if (focusKey) {
    const el = dataBody.querySelector<HTMLInputElement>(`input[data-row="${focusKey[0]}"][data-col="${focusKey[1]}"]`);
    if (el) {
      el.focus();
      if (typeof focusKey[2] === 'number') el.setSelectionRange(focusKey[2], focusKey[2]);
    }
  }
}

function afterDataChange(): void {
  tableChanged();
  renderDataTabs();
  renderDataTable();
  scheduleRun();
  save();
}

function addRow(): void {
  const file = state.dataTab;
  if (!file) return;
  const t = state.tables.get(file)!;
  t.rows.push(t.columns.map(() => ''));
  state.pages.set(file, Math.floor((t.rows.length - 1) / PAGE));
  afterDataChange();
  dataBody.querySelector<HTMLInputElement>(`input[data-row="${t.rows.length - 1}"][data-col="0"]`)?.focus();
}

async function generate(): Promise<void> {
  if (!state.schema) return;
  const seed = Number(seedInput.value) || 0;
  say('Generating sample data…');
  const { tables } = await ask<'sample'>({ type: 'sample', schema: state.schema, seed, partners: Math.min(100_000, Number(partnersInput.value) || 12), events: Math.min(1_000_000, Number(eventsInput.value) || 0) });
  for (const [k, t] of Object.entries(tables)) state.tables.set(k, t);
  state.pages.clear();
  afterDataChange();
  say(`Generated sample data (seed ${seed}).`);
}

fileInput.addEventListener('change', async () => {
  const files = [...(fileInput.files ?? [])];
  fileInput.value = '';
  await loadFiles(files);
});

async function loadFiles(files: File[]): Promise<void> {
  const known = new Set(state.schema?.tables.map((t) => t.file) ?? []);
  const loaded: string[] = [];
  for (const f of files) {
    let base = baseName(f.name);
    if (!known.has(base) && files.length === 1 && state.dataTab) base = state.dataTab;
    if (!known.has(base)) {
      showNotice(`${f.name}: the program declares no data file "${base}" (expected ${[...known].map((k) => `${k}.csv`).join(', ')}).`);
      continue;
    }
    try {
      state.tables.set(base, fileToTable(f.name, await f.text()));
      loaded.push(`${f.name} → ${base}`);
      state.dataTab = base;
      state.pages.set(base, 0);
    } catch (e) {
      showNotice(`${f.name} could not be read: ${(e as Error).message}`);
    }
  }
  if (loaded.length) say(`Loaded ${loaded.join(', ')}`);
  afterDataChange();
}

dataPanel.addEventListener('dragover', (e) => e.preventDefault());
dataPanel.addEventListener('drop', (e) => {
  e.preventDefault();
  void loadFiles([...(e.dataTransfer?.files ?? [])]);
});

function openPasteDialog(): void {
  if (!state.dataTab) return;
  pasteText.value = '';
  pasteDialog.showModal();
}
pasteDialog.addEventListener('close', () => {
  const file = state.dataTab;
  if (pasteDialog.returnValue !== 'ok' || !file) return;
  const rows = parsePaste(pasteText.value);
  if (rows.length === 0) return;
  const current = state.tables.get(file)!;
  if (pasteMode.value === 'append') state.tables.set(file, applyPaste(current, rows, { row: current.rows.length, col: 0 }));
  else {
    const [columns, ...rest] = rows;
    state.tables.set(file, { columns: columns!.map((c) => c.trim()), rows: rest.map((r) => columns!.map((_, i) => r[i] ?? '')) });
  }
  state.pages.set(file, 0);
  afterDataChange();
});

function downloadTable(): void {
  const file = state.dataTab;
  if (!file) return;
  const { text } = tableToCsv(state.tables.get(file)!);
  const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: `${file}.csv` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// ---------------------------------------------------------------------------------------------
// Results

periodSelect.addEventListener('change', () => {
  state.period = periodSelect.value;
  save();
  run();
});

function selectPartner(id: string | undefined): void {
  state.partner = id;
  renderResults();
  run();
}

function renderResults(): void {
  const latest = state.result;
  if (!latest) {
    resultsBody.replaceChildren(h('p', { class: 'empty' }, 'Evaluating…'));
    return;
  }
  // While the program has errors (typing), the last results stay on screen, marked as stale.
  const stale = latest.blocked !== undefined && state.lastGood !== undefined && state.diagnostics.some((d) => d.severity === 'error');
  const r = stale ? state.lastGood! : latest;
  periodSelect.replaceChildren(...r.periods.map((p) => h('option', { value: p.period, selected: p.period === r.period }, p.period)));
  periodSelect.disabled = r.periods.length === 0 || stale;
  resultsBody.classList.toggle('stale', stale);
  if (r.blocked) {
    resultsBody.replaceChildren(h('p', { class: 'blocked' }, r.blocked));
    return;
  }
  const cur = r.currency ?? '';
  const unitOf = (pot: string) => {
    const p = r.pots.find((x) => x.name === pot);
    return p?.unit === 'money' ? cur : (p?.unit ?? '');
  };
  // Summary: cost, budgets, rejected records.
  const summary = h(
    'div',
    { class: 'summary' },
    h('div', { class: 'figure' }, h('span', { class: 'label' }, 'Program cost'), h('span', { class: 'value', 'data-testid': 'cost' }, `${group(r.cost ?? '0')} ${cur}`)),
    h('div', { class: 'figure' }, h('span', { class: 'label' }, 'Partners'), h('span', { class: 'value' }, String(r.partners.length))),
    h('div', { class: 'figure' }, h('span', { class: 'label' }, 'Records'), h('span', { class: 'value' }, `${r.records.toLocaleString('en')}${r.rejected ? ` (${r.rejected} rejected)` : ''}`)),
    ...Object.entries(r.totals)
      .filter(([, t]) => t.budget)
      .map(([pot, t]) => {
        const used = Number(t.budgetUsed ?? '0');
        const budget = Number(t.budget);
        const pct = budget > 0 ? Math.round((used / budget) * 1000) / 10 : 0;
        return h(
          'div',
          { class: 'figure' },
          h('span', { class: 'label' }, `Budget ${pot}`),
          h('span', { class: 'value' }, `${group(t.budgetUsed ?? '0')} of ${group(t.budget!)} ${unitOf(pot)} (${pct}%)`),
          h('meter', { min: 0, max: 1, value: budget > 0 ? Math.min(1, used / budget) : 0, 'aria-label': `Budget use of ${pot}` }),
        );
      }),
  );
  if (r.rejected) summary.append(h('p', { class: 'warn' }, `${r.rejected} invalid record${r.rejected === 1 ? ' was' : 's were'} left out (see the problems); the command line would stop unless run with --reject.`));

  // The statement table.
  const filter = h('input', { type: 'search', placeholder: 'Find partner', value: state.partnerFilter, 'aria-label': 'Find partner' });
  filter.addEventListener('input', () => {
    state.partnerFilter = filter.value;
    renderResults();
    resultsBody.querySelector<HTMLInputElement>('input[type=search]')?.focus();
  });
  const shown = r.partners.filter((p) => p.id.toLowerCase().includes(state.partnerFilter.toLowerCase()));
  const LIMIT = 200;
  const head1 = h('tr', {}, h('th', { rowspan: 2, scope: 'col' }, 'Partner'), ...r.tiers.map((t) => h('th', { rowspan: 2, scope: 'col' }, t.name)), ...r.pots.map((p) => h('th', { colspan: 3, scope: 'colgroup', class: 'pot' }, `${p.name} (${unitOf(p.name)})`)), h('th', { rowspan: 2, scope: 'col' }, `Cost (${cur})`));
  const head2 = h('tr', {}, ...r.pots.flatMap(() => ['earned', 'paid', 'carried'].map((x) => h('th', { scope: 'col', class: 'sub' }, x))));
  const rows = shown.slice(0, LIMIT).map((p) =>
    h(
      'tr',
      { class: p.id === state.partner ? 'selected' : '', 'data-partner': p.id },
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', 'aria-pressed': String(p.id === state.partner), onclick: () => selectPartner(p.id === state.partner ? undefined : p.id) }, p.id)),
      ...r.tiers.map((t) => h('td', {}, p.tiers[t.name] ?? '')),
      ...r.pots.flatMap((pot) => {
        const c = p.pots[pot.name]!;
        return [
          h('td', { class: 'num', 'data-pot': pot.name, 'data-field': 'earned' }, group(c.earned)),
          h('td', { class: `num paid${c.approval ? ' approval' : ''}`, 'data-pot': pot.name, 'data-field': 'paid', title: c.approval ? 'needs approval' : undefined }, group(c.paid) + (c.approval ? ' ⚑' : '')),
          h('td', { class: 'num', 'data-pot': pot.name, 'data-field': 'carried' }, group(c.carried)),
        ];
      }),
      h('td', { class: 'num' }, group(p.cost)),
    ),
  );
  const totals = h(
    'tr',
    { class: 'totals' },
    h('th', { scope: 'row' }, 'Total'),
    ...r.tiers.map(() => h('td', {})),
    ...r.pots.flatMap((pot) => {
      const t = r.totals[pot.name]!;
      return [h('td', { class: 'num' }, group(t.earned)), h('td', { class: 'num paid' }, group(t.paid)), h('td', { class: 'num' }, group(t.carried))];
    }),
    h('td', { class: 'num' }, group(r.cost ?? '')),
  );
  const statement = h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: 'statement', 'aria-label': `Statement ${r.period ?? ''}` }, h('thead', {}, head1, head2), h('tbody', {}, ...rows), h('tfoot', {}, totals)),
  );
  const more = shown.length > LIMIT ? h('p', { class: 'muted' }, `Showing ${LIMIT} of ${shown.length} partners; use the search box to find others.`) : null;

  resultsBody.replaceChildren(
    ...(stale ? [h('p', { class: 'blocked stale-note', role: 'status' }, `${latest.blocked} These are the last results, from before the error.`)] : []),
    summary,
    h('h2', {}, `Statement ${r.period ?? ''}`),
    h('div', { class: 'toolbar' }, filter, h('span', { class: 'muted' }, 'Select a partner for its awards, traces and the rules that gave it nothing.')),
    statement,
    ...(more ? [more] : []),
    renderDetail(r),
    renderCharts(r),
  );
}

function renderDetail(r: RunResult): HTMLElement {
  if (!state.partner) return h('div', {});
  const d = r.detail;
  const box = h('section', { class: 'detail', 'aria-label': `Partner ${state.partner}`, 'data-testid': 'partner-detail' });
  if (!d || d.id !== state.partner) {
    box.append(h('p', { class: 'muted' }, `Explaining ${state.partner}…`));
    return box;
  }
  const p = r.partners.find((x) => x.id === d.id);
  box.append(h('h2', {}, `Partner ${d.id} — ${d.period}`));
  const values = Object.entries(d.values);
  if (values.length) box.append(h('dl', { class: 'values' }, ...values.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
  box.append(h('h3', {}, 'Awards'));
  box.append(d.awards.length ? h('ol', { class: 'traces' }, ...d.awards.map((a) => h('li', {}, h('strong', {}, `${a.rule} → ${a.pot}: ${group(a.amount)}`), h('div', { class: 'trace' }, a.trace)))) : h('p', { class: 'muted' }, 'No awards in this period.'));
  box.append(h('h3', {}, 'Rules that gave nothing'));
  box.append(d.unfired.length ? h('ul', { class: 'traces' }, ...d.unfired.map((u) => h('li', {}, h('strong', {}, u.rule), ': ', u.why))) : h('p', { class: 'muted' }, 'Every rule gave this partner something.'));
  if (p) {
    const adj = r.pots.flatMap((pot) => {
      const c = p.pots[pot.name]!;
      return [
        ...c.adjustments.map((a) => `${pot.name}: ${a.kind} ${group(a.amount)}: ${a.note}`),
        ...(c.carriedIn !== '0' && !/^0\.0*$/.test(c.carriedIn) ? [`${pot.name}: carried in ${group(c.carriedIn)}`] : []),
      ];
    });
    const lines = [...adj, ...d.notes];
    if (lines.length) box.append(h('h3', {}, 'Pots'), h('ul', {}, ...lines.map((l) => h('li', {}, l))));
  }
  return box;
}

// ---------------------------------------------------------------------------------------------
// Charts (hand-written SVG)

function barChart(title: string, bars: { label: string; value: number; text: string; selected?: boolean; onclick?: () => void }[], unit: string): HTMLElement {
  const W = 520;
  const rowH = 18;
  const labelW = 110;
  const H = Math.max(1, bars.length) * rowH + 8;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': `${title}: ${bars.map((b) => `${b.label} ${b.text}`).join(', ')}` });
  bars.forEach((b, i) => {
    const y = 4 + i * rowH;
    const w = max > 0 ? Math.max(b.value > 0 ? 1 : 0, ((W - labelW - 110) * b.value) / max) : 0;
    const g = s('g', { class: `bar${b.selected ? ' selected' : ''}` });
    g.append(s('text', { x: labelW - 6, y: y + 12, 'text-anchor': 'end', class: 'label' }, b.label.length > 16 ? b.label.slice(0, 15) + '…' : b.label));
    g.append(s('rect', { x: labelW, y: y + 2, width: w, height: rowH - 5, rx: 2 }));
    g.append(s('text', { x: labelW + w + 6, y: y + 12, class: 'value' }, `${b.text}${unit ? ' ' + unit : ''}`));
    if (b.onclick) {
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('aria-label', `${b.label}: ${b.text}`);
      g.addEventListener('click', b.onclick);
      g.addEventListener('keydown', (e) => {
        if ((e as KeyboardEvent).key === 'Enter' || (e as KeyboardEvent).key === ' ') {
          e.preventDefault();
          b.onclick!();
        }
      });
    }
    svg.append(g);
  });
  return h('figure', { class: 'chart' }, h('figcaption', {}, title), svg);
}

function renderCharts(r: RunResult): HTMLElement {
  const cur = r.currency ?? '';
  const top = [...r.partners].sort((a, b) => Number(b.cost) - Number(a.cost) || (a.id < b.id ? -1 : 1)).slice(0, 15);
  const charts: HTMLElement[] = [
    barChart(
      `Payout per partner, ${r.period} (top ${top.length} by cost)`,
      top.map((p) => ({ label: p.id, value: Number(p.cost), text: group(p.cost), selected: p.id === state.partner, onclick: () => selectPartner(p.id) })),
      cur,
    ),
  ];
  for (const t of r.tiers) {
    const counts = t.levels.map((l) => r.partners.filter((p) => p.tiers[t.name] === l).length);
    charts.push(barChart(`Tier distribution: ${t.name}, ${r.period}`, t.levels.map((l, i) => ({ label: l, value: counts[i]!, text: String(counts[i]) })), 'partners'));
  }
  charts.push(
    barChart(
      'Program cost per period',
      r.periods.map((p) => ({
        label: p.period,
        value: Number(p.cost),
        text: group(p.cost),
        selected: p.period === r.period,
        onclick: () => {
          state.period = p.period;
          run();
        },
      })),
      cur,
    ),
  );
  return h('section', { class: 'charts', 'aria-label': 'Charts' }, ...charts);
}

// ---------------------------------------------------------------------------------------------
// Sessions: examples, share links, local storage

function say(m: string): void {
  status.textContent = m;
}
function showNotice(m: string): void {
  notice.replaceChildren(h('span', {}, m), h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', onclick: () => (notice.hidden = true) }, '×'));
  notice.hidden = false;
}

function loadSession(program: string, tables: Map<string, Table>, opts: { period?: string; partner?: string } = {}): void {
  state.tables = tables;
  state.period = opts.period;
  state.partner = opts.partner;
  state.schemaKey = '';
  state.pages.clear();
  state.result = undefined;
  state.lastGood = undefined;
  model.setValue(program);
  void runCheck();
}

function tablesFromFiles(files: Record<string, string>): Map<string, Table> {
  const out = new Map<string, Table>();
  for (const [name, text] of Object.entries(files)) {
    try {
      out.set(baseName(name), fileToTable(name.includes('.') ? name : `${name}.csv`, text));
    } catch (e) {
      showNotice(`${name} could not be read: ${(e as Error).message}`);
    }
  }
  return out;
}

exampleSelect.addEventListener('change', async () => {
  const ex = EXAMPLES[Number(exampleSelect.value)];
  exampleSelect.value = '';
  if (!ex) return;
  say(`Loading ${ex.name}…`);
  const files = await ex.data();
  notice.hidden = true;
  loadSession(ex.program, tablesFromFiles(files));
  if (Object.keys(files).length === 0) state.sampleWhenReady = true;
  say(`Loaded example ${ex.name}`);
});

shareButton.addEventListener('click', async () => {
  const data: Record<string, string> = {};
  for (const t of state.schema?.tables ?? []) {
    const table = state.tables.get(t.file);
    if (table) data[t.file] = tableToCsv(table).text;
  }
  const { hash, dataLeftOut } = await encodeSession({ program: model.getValue(), data });
  const url = location.href.replace(/#.*$/, '') + hash;
  history.replaceState(null, '', hash);
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    /* the address bar has it */
  }
  const where = copied ? 'Link copied to the clipboard and shown in the address bar' : 'Link shown in the address bar';
  if (dataLeftOut) showNotice(`${where}. The data was left out: with it the link would be longer than 8 KB, so the link carries the program only.`);
  else say(`${where} (${hash.length.toLocaleString('en')} characters).`);
  shareButton.dataset['url'] = url;
});

/** Above this many cells the data is not kept in local storage (it holds a few megabytes): the program is. */
const MAX_STORED_CELLS = 200_000;

function saveSession(): void {
  const tables: Record<string, Table> = {};
  let cells = 0;
  for (const [k, v] of state.tables) {
    tables[k] = v;
    cells += v.rows.length * v.columns.length;
  }
  const base = { program: model.getValue(), period: state.period, partner: state.partner };
  try {
    if (cells > MAX_STORED_CELLS) throw new Error('too large');
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...base, tables }));
  } catch {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(base)); // too large for local storage: the program only
    } catch {
      /* storage unavailable */
    }
  }
}

function storedSession(): { program: string; tables: Map<string, Table>; period?: string; partner?: string } | undefined {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (typeof v['program'] !== 'string') return undefined;
    const tables = new Map<string, Table>();
    const t = v['tables'];
    if (t && typeof t === 'object') {
      for (const [k, x] of Object.entries(t as Record<string, unknown>)) {
        const tb = x as Table;
        if (Array.isArray(tb?.columns) && Array.isArray(tb.rows) && tb.columns.every((c) => typeof c === 'string') && tb.rows.every((r) => Array.isArray(r) && r.every((c) => typeof c === 'string'))) tables.set(k, { columns: tb.columns, rows: tb.rows });
      }
    }
    return { program: v['program'], tables, ...(typeof v['period'] === 'string' ? { period: v['period'] } : {}), ...(typeof v['partner'] === 'string' ? { partner: v['partner'] } : {}) };
  } catch {
    return undefined;
  }
}

async function start(): Promise<void> {
  renderProblems();
  renderResults();
  if (location.hash.length > 1) {
    try {
      const s: Session & { dataLeftOut: boolean } = await decodeSession(location.hash);
      loadSession(s.program, tablesFromFiles(Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [`${k}.csv`, v]))));
      if (s.dataLeftOut) {
        state.sampleWhenReady = true;
        showNotice('This link carries the program only: its data was left out because the link would have been too large. The data panel holds generated sample data instead.');
      }
      say('Loaded the shared link.');
      // From now on the page is a session of its own (saved locally); Share makes a new link.
      history.replaceState(null, '', location.pathname + location.search);
      return;
    } catch (e) {
      showNotice(`The link could not be opened: ${(e as Error).message}`);
    }
  }
  const stored = storedSession();
  if (stored) {
    loadSession(stored.program, stored.tables, stored);
    return;
  }
  const ex = EXAMPLES.find((e) => e.name === 'northwind-distributor') ?? EXAMPLES[0]!;
  loadSession(ex.program, tablesFromFiles(await ex.data()));
}

void start();
