/**
 * The Problems list under the editor: why the program was not checked (too large, checker stopped),
 * the checker's diagnostics (a click moves the cursor there) and the data's invalid records with the
 * command line's messages (a click shows the row in the data panel).
 */
import type { App } from './app.js';
import { h } from './dom.js';

/** Data problems listed at most (the count says how many more). */
const MAX_LISTED = 200;

export interface Problems {
  element: HTMLElement;
  render(): void;
}

export function createProblems(app: App): Problems {
  const list = h('ul', { class: 'problem-list' });
  const title = h('h2', { id: 'problems-title' }, 'Problems');
  const element = h(
    'section',
    { class: 'problems', 'data-testid': 'problems', 'aria-labelledby': 'problems-title' },
    h('div', { class: 'problems-head' }, title, h('span', { class: 'muted keys' }, 'In the editor: Ctrl+Space completes, F12 goes to a definition, Shift+Alt+F formats, Ctrl+M lets Tab move the focus.')),
    list,
  );

  function render(): void {
    const { state, model, editor } = app;
    const items: HTMLElement[] = [];
    if (state.unchecked) items.push(h('li', { class: 'problem error' }, h('span', { class: 'sev' }, 'error'), ' ', h('span', { class: 'msg' }, state.unchecked)));
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
    for (const p of dataProblems.slice(0, MAX_LISTED)) {
      items.push(
        h(
          'li',
          { class: `problem data ${p.severity}` },
          h('button', { type: 'button', class: 'link', onclick: () => app.showDataProblem(p) }, h('span', { class: 'sev' }, p.severity), ' ', h('span', { class: 'msg' }, p.text)),
        ),
      );
    }
    if (dataProblems.length > MAX_LISTED) items.push(h('li', { class: 'problem' }, `… and ${dataProblems.length - MAX_LISTED} more data problems`));
    if (r?.blocked && !state.unchecked && state.diagnostics.every((d) => d.severity !== 'error')) items.push(h('li', { class: 'problem error' }, r.blocked));
    const programErrors = state.diagnostics.filter((d) => d.severity === 'error').length;
    const dataErrors = dataProblems.filter((p) => p.severity === 'error').length;
    const warnings = state.diagnostics.length - programErrors + dataProblems.length - dataErrors;
    const errors = programErrors + dataErrors + (state.unchecked ? 1 : 0);
    title.textContent = `Problems (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
    if (items.length === 0) items.push(h('li', { class: 'none' }, 'No problems.'));
    list.replaceChildren(...items);
  }

  return { element, render };
}
