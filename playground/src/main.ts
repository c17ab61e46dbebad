/**
 * The Incent playground: a program in Monaco, its data in editable tables, and its statements,
 * updated as one types. The compiler runs in a language worker (diagnostics, completion, hover,
 * definition, formatting) and the evaluation in a run worker, so that typing never waits for either.
 *
 * This file wires the parts together and holds the pipeline: an edit → a check (diagnostics and the
 * data tables' schema) → a run → the results. The parts: layout.ts (the page's frame and tabs),
 * editor.ts (Monaco), workers.ts (the workers), problems.ts, results.ts and charts.ts, data-panel.ts,
 * compare.ts (the Compare tab: the program against a baseline, as `incent diff` compares them),
 * session.ts (examples, share links, local storage), theme.ts, status.ts.
 *
 * Everything the page shows from a program, its data or a shared link goes in as text
 * (textContent, attributes, Monaco markers) — never as HTML, never as code.
 */
import './styles.css';
import type { App } from './app.js';
import { createCompare } from './compare.js';
import { createDataPanel } from './data-panel.js';
import { h } from './dom.js';
import { createEditor, registerIncent, setCoverage, setDiagnostics } from './editor.js';
import { createLayout } from './layout.js';
import { programTooLarge, runTimeoutFrom } from './limits.js';
import { createProblems } from './problems.js';
import type { RunResult } from './protocol.js';
import { createResultsPanel } from './results.js';
import { schemaKey, type ProgramSchema } from './schema.js';
import { createSessions } from './session.js';
import { createState } from './state.js';
import { createStatus } from './status.js';
import { withColumns } from './tables.js';
import { createTheme } from './theme.js';
import { debounce, LangClient, Runner } from './workers.js';

const state = createState();
const status = createStatus();
const lang = new LangClient(status.showNotice);
const runner = new Runner(showRun, runTimeoutFrom(location.search), status.showNotice);

const app: App = {
  state,
  get editor() {
    return editor;
  },
  get model() {
    return model;
  },
  lang,
  check: () => check(),
  run: () => run(),
  scheduleRun: () => scheduleRun(),
  save: () => save(),
  say: status.say,
  showNotice: status.showNotice,
  hideNotice: status.hideNotice,
  selectTab: (which) => layout.selectTab(which),
  setBaseline: (program, label) => compare.setBaseline(program, label),
  selectPartner(id) {
    state.partner = id;
    results.render();
    run();
  },
  showDataProblem: (p) => data.showProblem(p),
  revealLine(line) {
    editor.revealLineInCenter(line);
    editor.setPosition({ lineNumber: line, column: 1 });
    editor.focus();
  },
};

// ---------------------------------------------------------------------------------------------
// The page

const theme = createTheme();
const sessions = createSessions(app);
const problems = createProblems(app);
const results = createResultsPanel(app);
const data = createDataPanel(app);
const compare = createCompare({ text: () => model.getValue(), files: () => data.files(), period: () => state.period }, runTimeoutFrom(location.search));
const formatButton = h('button', { type: 'button', title: 'Format Document (Shift+Alt+F)' }, 'Format');
const layout = createLayout(document.getElementById('app')!, {
  header: [sessions.examples, formatButton, sessions.share, theme.button, status.line],
  notice: status.notice,
  problems: problems.element,
  results: results.element,
  data: data.element,
  compare: compare.element,
  onSelect: (which) => compare.setVisible(which === 'compare'),
  dialogs: [data.dialog],
});

// ---------------------------------------------------------------------------------------------
// The editor

// A program too large to check gets no completion, hover, definition or formatting either.
registerIncent({
  complete: async (text, offset) => (programTooLarge(text) ? { items: [], replace: { start: offset, end: offset } } : (await lang.ask<'complete'>({ type: 'complete', text, offset })).result),
  hover: async (text, offset) => (programTooLarge(text) ? null : (await lang.ask<'hover'>({ type: 'hover', text, offset })).result),
  definition: async (text, offset) => (programTooLarge(text) ? null : (await lang.ask<'definition'>({ type: 'definition', text, offset })).result),
  format: async (text) => {
    const tooLarge = programTooLarge(text);
    if (tooLarge) return { text: null, message: tooLarge };
    const r = await lang.ask<'format'>({ type: 'format', text });
    return { text: r.text, ...(r.message ? { message: r.message } : {}) };
  },
  partnerValue: (name) => {
    const d = state.result?.detail;
    const v = d?.values[name];
    return d && v !== undefined ? { partner: d.id, period: d.period, value: v } : undefined;
  },
  notify: (m) => status.say(m),
});
const editor = createEditor(layout.editorHost, '', theme.isDark());
theme.apply();
const model = editor.getModel()!;
formatButton.addEventListener('click', () => {
  editor.focus();
  void editor.getAction('editor.action.formatDocument')?.run();
});

// ---------------------------------------------------------------------------------------------
// The pipeline: edit → check → schema → run → results

let checkVersion = 0;
const scheduleCheck = debounce(() => void check(), 120);
const scheduleRun = debounce(() => run(), 250);
const save = debounce(() => sessions.save(), 800);

model.onDidChangeContent(() => {
  scheduleCheck();
  scheduleRun();
  save();
});

/** Whether the program was too large at the last check (the notice is shown once, when it becomes so). */
let tooLarge = false;

async function check(): Promise<void> {
  const v = ++checkVersion;
  const text = model.getValue();
  const why = programTooLarge(text);
  if (why) {
    notChecked(why);
    return;
  }
  if (tooLarge) {
    tooLarge = false;
    status.hideNotice();
  }
  const r = await lang.check(text);
  if (!r || v !== checkVersion) return; // a newer check replaced this one
  if (r.stopped) {
    state.unchecked = r.stopped;
    state.diagnostics = [];
    setDiagnostics(model, []);
    problems.render();
    return;
  }
  state.unchecked = undefined;
  state.diagnostics = r.diagnostics;
  setDiagnostics(model, r.diagnostics);
  const hasErrors = r.diagnostics.some((d) => d.severity === 'error');
  if (r.schema.tables.length > 0 || !hasErrors) updateSchema(r.schema);
  // No schema yet (a first program with errors): the run says why there are no results.
  else if (!state.schema) run();
  problems.render();
}

/** A program too large to check or evaluate: nothing is sent to the workers, and the page says why. */
function notChecked(why: string): void {
  runner.cancel();
  state.unchecked = why;
  state.diagnostics = [];
  setDiagnostics(model, []);
  state.result = { type: 'run', id: 0, blocked: why, problems: [], rejected: 0, records: 0, pots: [], tiers: [], periods: [], partners: [], totals: {}, ms: 0 };
  results.render();
  problems.render();
  status.say('');
  if (!tooLarge) status.showNotice(why);
  tooLarge = true;
}

/** A new schema (other data files or fields): the tables get their columns, and the program runs. */
function updateSchema(schema: ProgramSchema): void {
  state.schema = schema;
  const key = schemaKey(schema);
  if (key === state.schemaKey) return;
  state.schemaKey = key;
  for (const t of schema.tables) state.tables.set(t.file, withColumns(state.tables.get(t.file), t.fields.map((f) => f.name)));
  if (!state.dataTab || !schema.tables.some((t) => t.file === state.dataTab)) state.dataTab = schema.tables[0]?.file;
  if (state.sampleWhenReady && schema.tables.length > 0) {
    state.sampleWhenReady = false;
    void data.generate();
    return;
  }
  data.renderTabs();
  data.renderTable();
  run();
}

/** The program text of the latest run asked for (coverage shades only the text it was computed for). */
let lastRunText = '';

function run(): void {
  // Until the first check gives the data's schema, a run would have no data (unless the program has errors).
  if (!state.schema && !state.diagnostics.some((d) => d.severity === 'error')) return;
  const text = model.getValue();
  if (programTooLarge(text)) return;
  lastRunText = text;
  runner.run({ text, files: data.files(), ...(state.period ? { period: state.period } : {}), ...(state.partner ? { explain: state.partner } : {}), ...(state.coverage ? { coverage: true } : {}) });
  compare.run();
}

function showRun(r: RunResult): void {
  state.result = r;
  // Coverage shades the text it was computed for; a run without it (or turned off) clears the shading.
  // (Monaco moves the shading along with edits made meanwhile; a run of an older text leaves it so.)
  if (!state.coverage) setCoverage(editor, undefined);
  else if (r.coverage && model.getValue() === lastRunText) setCoverage(editor, r.coverage.items);
  if (!r.blocked) state.lastGood = r;
  if (r.period) state.period = r.period;
  results.render();
  problems.render();
  data.renderTable();
  status.say(r.blocked ? '' : `Evaluated ${r.records.toLocaleString('en')} records in ${r.ms} ms`);
}

problems.render();
results.render();
void sessions.start();
