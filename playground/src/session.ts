/**
 * Sessions: the Examples menu (every `examples/NAME/program.incent` with its data, and the spec's
 * example), Share links (program and data in the link's hash, see share.ts), the last session in
 * local storage, and which of these the page opens with.
 */
import type { App } from './app.js';
import { h } from './dom.js';
import { EXAMPLES } from './examples.js';
import { decodeSession, encodeSession, type Session } from './share.js';
import { baseName, fileToTable, tableToCsv, type Table } from './tables.js';

const STORAGE_KEY = 'incent-playground-session';
/** Above this many cells the data is not kept in local storage (it holds a few megabytes): the program is. */
const MAX_STORED_CELLS = 200_000;

export interface Sessions {
  /** The Examples menu. */
  examples: HTMLSelectElement;
  /** The Share button. */
  share: HTMLButtonElement;
  /** Saves the session to local storage now. */
  save(): void;
  /** Opens the page's first session: a shared link, else the stored session, else an example. */
  start(): Promise<void>;
}

export function createSessions(app: App): Sessions {
  const { state } = app;
  const examples = h('select', { 'aria-label': 'Examples', 'data-testid': 'examples' }, h('option', { value: '', text: 'Examples…' }), ...EXAMPLES.map((e, i) => h('option', { value: String(i), text: e.name })));
  const share = h('button', { type: 'button', 'data-testid': 'share', title: 'Copy a link with the program and its data' }, 'Share');

  function load(program: string, tables: Map<string, Table>, label: string, opts: { period?: string; partner?: string } = {}): void {
    state.tables = tables;
    state.period = opts.period;
    state.partner = opts.partner;
    state.schemaKey = '';
    state.pages.clear();
    state.result = undefined;
    state.lastGood = undefined;
    app.model.setValue(program);
    app.setBaseline(program, label);
    void app.check();
  }

  function tablesFromFiles(files: Record<string, string>): Map<string, Table> {
    const out = new Map<string, Table>();
    for (const [name, text] of Object.entries(files)) {
      try {
        out.set(baseName(name), fileToTable(name.includes('.') ? name : `${name}.csv`, text));
      } catch (e) {
        app.showNotice(`${name} could not be read: ${(e as Error).message}`);
      }
    }
    return out;
  }

  examples.addEventListener('change', async () => {
    const ex = EXAMPLES[Number(examples.value)];
    examples.value = '';
    if (!ex) return;
    app.say(`Loading ${ex.name}…`);
    const files = await ex.data();
    app.hideNotice();
    load(ex.program, tablesFromFiles(files), `the example ${ex.name}`);
    if (Object.keys(files).length === 0) state.sampleWhenReady = true;
    app.say(`Loaded example ${ex.name}`);
  });

  share.addEventListener('click', async () => {
    const data: Record<string, string> = {};
    for (const t of state.schema?.tables ?? []) {
      const table = state.tables.get(t.file);
      if (table) data[t.file] = tableToCsv(table).text;
    }
    const { hash, dataLeftOut } = await encodeSession({ program: app.model.getValue(), data });
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
    if (dataLeftOut) app.showNotice(`${where}. The data was left out: with it the link would be longer than 8 KB, so the link carries the program only.`);
    else app.say(`${where} (${hash.length.toLocaleString('en')} characters).`);
    share.dataset['url'] = url;
  });

  function save(): void {
    const tables: Record<string, Table> = {};
    let cells = 0;
    for (const [k, v] of state.tables) {
      tables[k] = v;
      cells += v.rows.length * v.columns.length;
    }
    const base = { program: app.model.getValue(), period: state.period, partner: state.partner };
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

  function stored(): { program: string; tables: Map<string, Table>; period?: string; partner?: string } | undefined {
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
    if (location.hash.length > 1) {
      try {
        const s: Session & { dataLeftOut: boolean } = await decodeSession(location.hash);
        load(s.program, tablesFromFiles(Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [`${k}.csv`, v]))), 'the shared link');
        if (s.dataLeftOut) {
          state.sampleWhenReady = true;
          app.showNotice('This link carries the program only: its data was left out because the link would have been too large. The data panel holds generated sample data instead.');
        }
        app.say('Loaded the shared link.');
        // From now on the page is a session of its own (saved locally); Share makes a new link.
        history.replaceState(null, '', location.pathname + location.search);
        return;
      } catch (e) {
        app.showNotice(`The link could not be opened: ${(e as Error).message}`);
      }
    }
    const last = stored();
    if (last) {
      load(last.program, last.tables, 'the last session', last);
      return;
    }
    const ex = EXAMPLES.find((e) => e.name === 'northwind-distributor') ?? EXAMPLES[0]!;
    load(ex.program, tablesFromFiles(await ex.data()), `the example ${ex.name}`);
  }

  return { examples, share, save, start };
}
