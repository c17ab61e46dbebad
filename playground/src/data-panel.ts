/**
 * The Data panel: one editable table per data file the program declares (`partners`, one per event
 * kind), paged, with the declared types in the headers and invalid cells marked; Paste CSV, open or
 * drop CSV/JSON/NDJSON files, Add row, Download CSV (formulas neutralised: download.ts), and Generate
 * sample. Also the tables as the runtime's data files (CSV texts, cached per table) for each run.
 */
import type { App } from './app.js';
import { h } from './dom.js';
import type { DataProblem } from './protocol.js';
import type { FieldKind, TableSchema } from './schema.js';
import { PAGE } from './state.js';
import { applyPaste, baseName, fileToTable, parsePaste, tableToCsv, withColumns, type Table } from './tables.js';

export interface DataPanel {
  /** The Data tab's panel. */
  element: HTMLElement;
  /** The Paste CSV dialog (placed at the end of the page). */
  dialog: HTMLDialogElement;
  renderTabs(): void;
  renderTable(): void;
  /** Shows a data problem's row (its page, its cell focused). */
  showProblem(p: DataProblem): void;
  generate(): Promise<void>;
  /** The tables as data files by name (`sale.csv`), as a run sends them; also records each file's line → row map. */
  files(): Record<string, string>;
}

export function createDataPanel(app: App): DataPanel {
  const { state } = app;
  const tabs = h('div', { class: 'subtabs', role: 'tablist', 'aria-label': 'Data files' });
  const body = h('div', { class: 'data-body' });
  const fileInput = h('input', { type: 'file', accept: '.csv,.json,.ndjson,.jsonl,text/csv,application/json', multiple: true, class: 'visually-hidden', 'data-testid': 'open-file', 'aria-label': 'Open data files' });
  const seedInput = h('input', { type: 'number', value: '1', min: '0', class: 'small', 'aria-label': 'Seed' });
  const partnersInput = h('input', { type: 'number', value: '12', min: '1', max: '100000', class: 'small', 'aria-label': 'Partners to generate' });
  const eventsInput = h('input', { type: 'number', value: '300', min: '0', max: '1000000', class: 'small', 'aria-label': 'Events per kind to generate' });
  const element = h(
    'section',
    { class: 'panel', id: 'panel-data', role: 'tabpanel', 'aria-labelledby': 'tab-data', 'data-testid': 'data', hidden: true },
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', onclick: () => fileInput.click() }, 'Open files…'),
      fileInput,
      h('button', { type: 'button', onclick: () => openPasteDialog() }, 'Paste CSV…'),
      h('button', { type: 'button', onclick: () => void downloadTable() }, 'Download CSV'),
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
    tabs,
    body,
  );

  const pasteText = h('textarea', { rows: 12, cols: 80, 'aria-label': 'CSV text', spellcheck: 'false' });
  const pasteMode = h('select', { 'aria-label': 'Replace or append' }, h('option', { value: 'replace', text: 'replace the table' }), h('option', { value: 'append', text: 'append rows' }));
  const dialog = h(
    'dialog',
    { 'aria-label': 'Paste CSV' },
    h('form', { method: 'dialog' }, h('p', {}, 'Paste CSV (or cells copied from a spreadsheet) with a header row:'), pasteText, h('p', {}, pasteMode, ' ', h('button', { value: 'ok' }, 'Load'), ' ', h('button', { value: 'cancel' }, 'Cancel'))),
  );

  // -------------------------------------------------------------------------------------------
  // The tables as the runtime's files

  /** CSV texts of the tables, kept until a table changes (typing in the program never re-serialises 50,000 records). */
  const csvCache = new Map<string, { table: Table; text: string; rowOfLine: Map<number, number> }>();
  function tableChanged(file?: string): void {
    if (file === undefined) csvCache.clear();
    else csvCache.delete(file);
  }

  function files(): Record<string, string> {
    const out: Record<string, string> = {};
    state.rowOfLine.clear();
    for (const t of state.schema?.tables ?? []) {
      const table = withColumns(state.tables.get(t.file), t.fields.map((f) => f.name));
      let c = csvCache.get(t.file);
      if (!c || c.table !== table) {
        c = { table, ...tableToCsv(table) };
        csvCache.set(t.file, c);
      }
      out[`${t.file}.csv`] = c.text;
      state.rowOfLine.set(t.file, c.rowOfLine);
    }
    return out;
  }

  function tableSchema(file: string | undefined): TableSchema | undefined {
    return state.schema?.tables.find((t) => t.file === file);
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  function renderTabs(): void {
    const tables = state.schema?.tables ?? [];
    tabs.replaceChildren(
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
              renderTabs();
              renderTable();
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

  function renderTable(): void {
    const file = state.dataTab;
    const ts = tableSchema(file);
    if (!file || !ts) {
      body.replaceChildren(h('p', { class: 'empty' }, state.schema ? 'The program declares no data.' : 'Waiting for the program…'));
      return;
    }
    const table = withColumns(state.tables.get(file), ts.fields.map((f) => f.name));
    state.tables.set(file, table);
    const declared = new Map(ts.fields.map((f) => [f.name, f.type]));
    const anyOf = new Map(ts.fields.flatMap((f) => (f.any ? [[f.name, f.any.by === undefined ? 'money any: an amount and its code (12.50 GBP)' : `money any: an amount in the currency of ${f.any.by}`] as const] : [])));
    const pages = Math.max(1, Math.ceil(table.rows.length / PAGE));
    const page = Math.min(state.pages.get(file) ?? 0, pages - 1);
    const probs = cellProblems(file);
    const first = page * PAGE;
    const rows = table.rows.slice(first, first + PAGE);
    const typeText = (t: FieldKind | undefined) => (t === undefined ? 'not declared: ignored' : typeof t === 'object' ? ('ref' in t ? `the id of a record of ${t.ref}` : `one of ${t.enum.join(', ')}`) : t);
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col', class: 'rownum' }, '#'),
      ...table.columns.map((c) => h('th', { scope: 'col', class: declared.has(c) ? '' : 'ignored', title: anyOf.get(c) ?? typeText(declared.get(c)) }, c, h('span', { class: 'type' }, anyOf.has(c) ? 'money any' : typeText(declared.get(c))))),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
    );
    const bodyRows = rows.map((row, k) => {
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
            app.scheduleRun();
            app.save();
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
      h('button', { type: 'button', disabled: page === 0, onclick: () => (state.pages.set(file, page - 1), renderTable()) }, '‹ Previous'),
      ` rows ${table.rows.length ? first + 1 : 0}–${Math.min(first + PAGE, table.rows.length)} of ${table.rows.length.toLocaleString('en')} `,
      h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => (state.pages.set(file, page + 1), renderTable()) }, 'Next ›'),
    );
    const active = document.activeElement as HTMLElement | null;
    const focusKey = active?.dataset['row'] !== undefined && body.contains(active) ? [active.dataset['row'], active.dataset['col'], (active as HTMLInputElement).selectionStart] : undefined;
    body.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'data-table' }, h('thead', {}, head), h('tbody', {}, ...bodyRows))), pager);
    if (focusKey) {
      const el = body.querySelector<HTMLInputElement>(`input[data-row="${focusKey[0]}"][data-col="${focusKey[1]}"]`);
      if (el) {
        el.focus();
        if (typeof focusKey[2] === 'number') el.setSelectionRange(focusKey[2], focusKey[2]);
      }
    }
  }

  function showProblem(p: DataProblem): void {
    const file = baseName(p.file);
    const row = state.rowOfLine.get(file)?.get(p.line);
    app.selectTab('data');
    state.dataTab = file;
    if (row !== undefined) state.pages.set(file, Math.floor(row / PAGE));
    renderTabs();
    renderTable();
    if (row !== undefined) {
      const cols = state.tables.get(file)?.columns ?? [];
      const col = p.field !== undefined ? Math.max(0, cols.indexOf(p.field)) : 0;
      const input = body.querySelector<HTMLInputElement>(`input[data-row="${row}"][data-col="${col}"]`);
      input?.focus();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Edits: rows, sample data, files, paste, download

  function afterDataChange(): void {
    tableChanged();
    renderTabs();
    renderTable();
    app.scheduleRun();
    app.save();
  }

  function addRow(): void {
    const file = state.dataTab;
    if (!file) return;
    const t = state.tables.get(file)!;
    t.rows.push(t.columns.map(() => ''));
    state.pages.set(file, Math.floor((t.rows.length - 1) / PAGE));
    afterDataChange();
    body.querySelector<HTMLInputElement>(`input[data-row="${t.rows.length - 1}"][data-col="0"]`)?.focus();
  }

  async function generate(): Promise<void> {
    if (!state.schema) return;
    const seed = Number(seedInput.value) || 0;
    app.say('Generating sample data…');
    const { tables, stopped } = await app.lang.ask<'sample'>({ type: 'sample', schema: state.schema, seed, partners: Math.min(100_000, Number(partnersInput.value) || 12), events: Math.min(1_000_000, Number(eventsInput.value) || 0) });
    if (stopped) {
      app.say(''); // the notice says why
      return;
    }
    for (const [k, t] of Object.entries(tables)) state.tables.set(k, t);
    state.pages.clear();
    afterDataChange();
    app.say(`Generated sample data (seed ${seed}).`);
  }

  fileInput.addEventListener('change', async () => {
    const picked = [...(fileInput.files ?? [])];
    fileInput.value = '';
    await loadFiles(picked);
  });

  async function loadFiles(picked: File[]): Promise<void> {
    const known = new Set(state.schema?.tables.map((t) => t.file) ?? []);
    const loaded: string[] = [];
    for (const f of picked) {
      let base = baseName(f.name);
      if (!known.has(base) && picked.length === 1 && state.dataTab) base = state.dataTab;
      if (!known.has(base)) {
        app.showNotice(`${f.name}: the program declares no data file "${base}" (expected ${[...known].map((k) => `${k}.csv`).join(', ')}).`);
        continue;
      }
      try {
        state.tables.set(base, fileToTable(f.name, await f.text()));
        loaded.push(`${f.name} → ${base}`);
        state.dataTab = base;
        state.pages.set(base, 0);
      } catch (e) {
        app.showNotice(`${f.name} could not be read: ${(e as Error).message}`);
      }
    }
    if (loaded.length) app.say(`Loaded ${loaded.join(', ')}`);
    afterDataChange();
  }

  element.addEventListener('dragover', (e) => e.preventDefault());
  element.addEventListener('drop', (e) => {
    e.preventDefault();
    void loadFiles([...(e.dataTransfer?.files ?? [])]);
  });

  function openPasteDialog(): void {
    if (!state.dataTab) return;
    pasteText.value = '';
    dialog.showModal();
  }
  dialog.addEventListener('close', () => {
    const file = state.dataTab;
    if (dialog.returnValue !== 'ok' || !file) return;
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

  async function downloadTable(): Promise<void> {
    const file = state.dataTab;
    if (!file) return;
    // Loaded on first use: csvCell comes with the runtime's decimal numbers, which the page does not otherwise need.
    const { tableToDownloadCsv } = await import('./download.js');
    const text = tableToDownloadCsv(state.tables.get(file)!);
    const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: `${file}.csv` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  return { element, dialog, renderTabs, renderTable, showProblem, generate, files };
}
