/**
 * The Compare tab: the program in the editor against a baseline — the example or shared link last
 * loaded, or a version the designer pins — with the same changes in meaning and the same payout
 * impact as `incent diff`, computed in a worker of its own (compare.worker.ts, `review/`'s code)
 * and updated as one types while the tab is shown. A newer comparison replaces one still running;
 * one that has not answered within the run's time limit is stopped.
 */
import { h } from './dom.js';
import { runStoppedMessage } from './limits.js';
import type { CompareRequest, CompareResult } from './compare-run.js';

export interface CompareInputs {
  text(): string;
  files(): Record<string, string>;
  period(): string | undefined;
}

export interface Compare {
  element: HTMLElement;
  /** The baseline: its program and what to call it. */
  setBaseline(program: string, label: string): void;
  /** The tab is shown (true) or hidden; shown, it compares now. */
  setVisible(visible: boolean): void;
  /** Compares again (when the tab is shown). */
  run(): void;
}

export function createCompare(inputs: CompareInputs, timeoutMs: number): Compare {
  let baseline: { program: string; label: string } | undefined;
  let visible = false;
  const baselineName = h('span', { 'data-testid': 'compare-baseline' }, 'none yet');
  const pin = h('button', { type: 'button', 'data-testid': 'compare-pin', title: 'Compare later edits with the program as it is now' }, 'Pin this version');
  const headline = h('p', { class: 'compare-headline', 'data-testid': 'compare-headline' });
  const note = h('p', { class: 'compare-note', 'data-testid': 'compare-note', hidden: true });
  const report = h('pre', { class: 'compare-report', 'data-testid': 'compare-report', tabindex: 0 });
  const element = h(
    'section',
    { class: 'panel compare', id: 'panel-compare', role: 'tabpanel', 'aria-labelledby': 'tab-compare', 'data-testid': 'compare', hidden: true },
    h('div', { class: 'compare-bar' }, 'Baseline: ', baselineName, ' ', pin),
    headline,
    note,
    report,
  );

  let worker: Worker | undefined;
  let latest = 0;
  let busy = false;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;

  function show(r: CompareResult): void {
    headline.textContent = r.blocked ?? r.headline ?? '';
    note.hidden = !r.noImpact;
    note.textContent = r.noImpact ?? '';
    report.textContent = r.text ?? '';
  }

  function cancel(): void {
    clearTimeout(watchdog);
    latest = 0;
    if (busy && worker) {
      worker.terminate();
      worker = undefined;
      busy = false;
    }
  }

  function run(): void {
    if (!visible) return;
    if (!baseline) {
      show({ type: 'compare', id: 0, blocked: 'No baseline yet: load an example or pin this version.', ms: 0 });
      return;
    }
    cancel();
    if (!worker) {
      worker = new Worker(new URL('./compare.worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (e: MessageEvent<CompareResult>) => {
        busy = false;
        if (e.data.id !== latest) return;
        clearTimeout(watchdog);
        show(e.data);
      };
    }
    const id = (latest = nextId++);
    const period = inputs.period();
    busy = true;
    worker.postMessage({ type: 'compare', id, baseline: baseline.program, baselineLabel: baseline.label, text: inputs.text(), files: inputs.files(), ...(period ? { period } : {}) } satisfies CompareRequest);
    watchdog = setTimeout(() => {
      if (id !== latest || !busy) return;
      cancel();
      show({ type: 'compare', id, blocked: runStoppedMessage(timeoutMs), ms: 0 });
    }, timeoutMs);
  }

  pin.addEventListener('click', () => {
    const at = new Date().toTimeString().slice(0, 5);
    setBaseline(inputs.text(), `the version pinned at ${at}`);
  });

  function setBaseline(program: string, label: string): void {
    baseline = { program, label };
    baselineName.textContent = label;
    run();
  }

  return {
    element,
    setBaseline,
    setVisible(v) {
      visible = v;
      if (v) run();
      else cancel();
    },
    run,
  };
}
