/**
 * The page's frame: the header (title, Examples, Format, Share, Theme, status line), the notice bar,
 * the editor with the Problems list on the left, and the Results/Data tabs on the right (the arrow
 * keys move between the two tabs).
 */
import { h } from './dom.js';

export interface LayoutParts {
  header: HTMLElement[];
  notice: HTMLElement;
  problems: HTMLElement;
  results: HTMLElement;
  data: HTMLElement;
  /** Dialogs, placed at the end of the page. */
  dialogs: HTMLElement[];
}

export interface Layout {
  /** Where the editor goes. */
  editorHost: HTMLElement;
  selectTab(which: 'results' | 'data'): void;
}

export function createLayout(root: HTMLElement, parts: LayoutParts): Layout {
  const editorHost = h('div', { class: 'editor', 'data-testid': 'editor', role: 'region', 'aria-label': 'Program editor' });
  const tabResults = h('button', { type: 'button', role: 'tab', id: 'tab-results', 'aria-controls': 'panel-results', 'aria-selected': 'true' }, 'Results');
  const tabData = h('button', { type: 'button', role: 'tab', id: 'tab-data', 'aria-controls': 'panel-data', 'aria-selected': 'false', tabindex: -1 }, 'Data');
  const tablist = h('div', { role: 'tablist', 'aria-label': 'Panels', class: 'tabs' }, tabResults, tabData);

  root.append(
    h('header', { class: 'top' }, h('h1', {}, 'Incent playground'), ...parts.header),
    parts.notice,
    h('main', { class: 'layout' }, h('div', { class: 'left' }, editorHost, parts.problems), h('div', { class: 'right' }, tablist, parts.results, parts.data)),
    ...parts.dialogs,
  );

  function selectTab(which: 'results' | 'data'): void {
    const r = which === 'results';
    tabResults.setAttribute('aria-selected', String(r));
    tabData.setAttribute('aria-selected', String(!r));
    tabResults.tabIndex = r ? 0 : -1;
    tabData.tabIndex = r ? -1 : 0;
    parts.results.hidden = !r;
    parts.data.hidden = r;
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

  return { editorHost, selectTab };
}
