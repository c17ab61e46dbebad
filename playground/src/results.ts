/**
 * The Results panel: the period picker, the summary (cost, budgets, records), the statement per
 * partner with a search box, the selected partner's explanation (values, awards with their traces,
 * the rules that gave it nothing), and the charts. While the program has errors the last results stay,
 * marked as stale.
 */
import type { App } from './app.js';
import { renderCharts } from './charts.js';
import { group, h } from './dom.js';
import type { RunResult } from './protocol.js';

/** Statement rows shown at most (the search box finds the others). */
const LIMIT = 200;

export interface ResultsPanel {
  element: HTMLElement;
  render(): void;
}

export function createResultsPanel(app: App): ResultsPanel {
  const { state } = app;
  const periodSelect = h('select', { 'data-testid': 'period', 'aria-label': 'Period' });
  const resultsBody = h('div', { class: 'results-body' });
  const element = h(
    'section',
    { class: 'panel', id: 'panel-results', role: 'tabpanel', 'aria-labelledby': 'tab-results', 'data-testid': 'results' },
    h('div', { class: 'toolbar sticky' }, h('label', {}, 'Period ', periodSelect)),
    resultsBody,
  );

  periodSelect.addEventListener('change', () => {
    state.period = periodSelect.value;
    app.save();
    app.run();
  });

  /** A period chosen in the cost-per-period chart. */
  function selectPeriod(period: string): void {
    state.period = period;
    app.run();
  }

  function render(): void {
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
      render();
      resultsBody.querySelector<HTMLInputElement>('input[type=search]')?.focus();
    });
    const shown = r.partners.filter((p) => p.id.toLowerCase().includes(state.partnerFilter.toLowerCase()));
    const head1 = h('tr', {}, h('th', { rowspan: 2, scope: 'col' }, 'Partner'), ...r.tiers.map((t) => h('th', { rowspan: 2, scope: 'col' }, t.name)), ...r.pots.map((p) => h('th', { colspan: 3, scope: 'colgroup', class: 'pot' }, `${p.name} (${unitOf(p.name)})`)), h('th', { rowspan: 2, scope: 'col' }, `Cost (${cur})`));
    const head2 = h('tr', {}, ...r.pots.flatMap(() => ['earned', 'paid', 'carried'].map((x) => h('th', { scope: 'col', class: 'sub' }, x))));
    const rows = shown.slice(0, LIMIT).map((p) =>
      h(
        'tr',
        { class: p.id === state.partner ? 'selected' : '', 'data-partner': p.id },
        h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', 'aria-pressed': String(p.id === state.partner), onclick: () => app.selectPartner(p.id === state.partner ? undefined : p.id) }, p.id)),
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
      renderCharts(r, state.partner, { partner: (id) => app.selectPartner(id), period: (p) => selectPeriod(p) }),
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

  return { element, render };
}
