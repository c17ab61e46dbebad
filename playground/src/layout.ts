/**
 * The page's frame: the header (title, Examples, Format, Share, Theme, status line), the notice bar,
 * the editor with the Problems list on the left, and the Results/Data/Compare tabs on the right (the
 * arrow keys move between the tabs).
 */
import { h } from './dom.js';

export interface LayoutParts {
  header: HTMLElement[];
  notice: HTMLElement;
  problems: HTMLElement;
  results: HTMLElement;
  data: HTMLElement;
  /** The Compare tab's panel. */
  compare: HTMLElement;
  /** Told each time a tab is selected. */
  onSelect?: (which: Tab) => void;
  /** Dialogs, placed at the end of the page. */
  dialogs: HTMLElement[];
}

export type Tab = 'results' | 'data' | 'compare';

export interface Layout {
  /** Where the editor goes. */
  editorHost: HTMLElement;
  selectTab(which: Tab): void;
}

export function createLayout(root: HTMLElement, parts: LayoutParts): Layout {
  const editorHost = h('div', { class: 'editor', 'data-testid': 'editor', role: 'region', 'aria-label': 'Program editor' });
  const tabs: [Tab, string, HTMLElement][] = [
    ['results', 'Results', parts.results],
    ['data', 'Data', parts.data],
    ['compare', 'Compare', parts.compare],
  ];
  const buttons = tabs.map(([id, label], i) => h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': `panel-${id}`, 'aria-selected': String(i === 0), tabindex: i === 0 ? 0 : -1 }, label));
  const tablist = h('div', { role: 'tablist', 'aria-label': 'Panels', class: 'tabs' }, ...buttons);

  root.append(
    h('header', { class: 'top' }, h('h1', {}, 'Incent playground'), ...parts.header),
    parts.notice,
    h('main', { class: 'layout' }, h('div', { class: 'left' }, editorHost, parts.problems), h('div', { class: 'right' }, tablist, ...tabs.map(([, , panel]) => panel))),
    ...parts.dialogs,
  );

  function selectTab(which: Tab): void {
    tabs.forEach(([id, , panel], i) => {
      const on = id === which;
      buttons[i]!.setAttribute('aria-selected', String(on));
      buttons[i]!.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    });
    parts.onSelect?.(which);
  }
  tabs.forEach(([id], i) => buttons[i]!.addEventListener('click', () => selectTab(id)));
  tablist.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const at = buttons.findIndex((b) => b.getAttribute('aria-selected') === 'true');
    const next = (at + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length;
    selectTab(tabs[next]![0]);
    buttons[next]!.focus();
    e.preventDefault();
  });

  return { editorHost, selectTab };
}
