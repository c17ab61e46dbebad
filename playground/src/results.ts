/**
 * The Results panel: the period picker, the summary (cost, budgets, records), the statement per
 * partner with a search box, the selected partner's explanation (values, awards with their traces,
 * the rules that gave it nothing), and the charts. While the program has errors the last results stay,
 * marked as stale.
 */
import type { App } from './app.js';
import { renderCharts } from './charts.js';
import { group, h } from './dom.js';
import type { RunResult, WireBound } from './protocol.js';

/** Statement rows shown at most (the search box finds the others). */
const LIMIT = 200;

export interface ResultsPanel {
  element: HTMLElement;
  render(): void;
}

export function createResultsPanel(app: App): ResultsPanel {
  const { state } = app;
  const periodSelect = h('select', { 'data-testid': 'period', 'aria-label': 'Period' });
  const coverageToggle = h('input', { type: 'checkbox', 'data-testid': 'coverage-toggle' });
  const resultsBody = h('div', { class: 'results-body' });
  const element = h(
    'section',
    { class: 'panel', id: 'panel-results', role: 'tabpanel', 'aria-labelledby': 'tab-results', 'data-testid': 'results' },
    h(
      'div',
      { class: 'toolbar sticky' },
      h('label', {}, 'Period ', periodSelect),
      h('label', { title: 'Record what the data reaches of each rule, band, lookup entry, tier level, cap, budget and minimum; shade in the editor what it never reaches' }, coverageToggle, ' Coverage'),
    ),
    resultsBody,
  );
  coverageToggle.addEventListener('change', () => {
    state.coverage = coverageToggle.checked;
    app.run();
  });

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
      resultsBody.replaceChildren(h('p', { class: 'blocked' }, r.blocked), ...(r.exposure ? [renderExposure(r)] : []));
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
      ...(r.exposure ? [renderExposure(r)] : []),
      ...(r.coverage && state.coverage ? [renderCoverage(r)] : []),
      h('h2', {}, `Statement ${r.period ?? ''}`),
      h('div', { class: 'toolbar' }, filter, h('span', { class: 'muted' }, 'Select a partner for its awards, traces and the rules that gave it nothing.')),
      statement,
      ...(more ? [more] : []),
      renderDetail(r),
      renderCharts(r, state.partner, { partner: (id) => app.selectPartner(id), period: (p) => selectPeriod(p) }),
    );
  }

  /**
   * The most each pot can pay, whatever the data (`incent check --exposure`): a row per pot (one
   * partner in one period, all partners in one period, over the program when it has an end), then
   * for what is unbounded the award that makes it so and the smallest change that bounds it.
   */
  function renderExposure(r: RunResult): HTMLElement {
    const x = r.exposure!;
    const cell = (b: WireBound) => h('td', { class: b.bounded ? 'num' : 'num unbounded' }, b.text, ...(b.by ? [h('span', { class: 'muted by' }, b.by)] : []));
    const rows = x.pots.map((p) => h('tr', { 'data-pot': p.pot }, h('th', { scope: 'row' }, p.pot), cell(p.perPartner), cell(p.perPeriod), ...(x.periods !== undefined ? [cell(p.program ?? { text: 'unbounded', bounded: false })] : [])));
    const notes = x.notes.map((n) =>
      h('li', { class: n.fix ? 'fix' : '' }, ...(n.line !== undefined ? [h('button', { type: 'button', class: 'link', onclick: () => app.revealLine(n.line!) }, `line ${n.line}`), ': '] : []), n.text),
    );
    return h(
      'section',
      { class: 'exposure', 'data-testid': 'exposure', 'aria-label': 'Exposure' },
      h('h2', {}, 'Exposure: the most each pot can pay, for any data'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'exposure-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Pot'), h('th', { scope: 'col' }, 'One partner, one period'), h('th', { scope: 'col' }, 'All partners, one period'), ...(x.periods !== undefined ? [h('th', { scope: 'col' }, `Over the program (${x.periods} period${x.periods === 1 ? '' : 's'})`)] : []))),
          h('tbody', {}, ...rows),
        ),
      ),
      ...(notes.length ? [h('ul', { class: 'exposure-notes', 'data-testid': 'exposure-notes' }, ...notes)] : []),
    );
  }

  /** What the data reached of each item over every period (what it never reached is shaded in the editor), each item with its line. */
  function renderCoverage(r: RunResult): HTMLElement {
    const c = r.coverage!;
    const rows = c.items.map((i) =>
      h(
        'tr',
        { class: i.reached ? '' : 'never' },
        h('td', { class: 'num' }, h('button', { type: 'button', class: 'link', onclick: () => app.revealLine(i.line) }, `line ${i.line}`)),
        h('td', {}, i.label),
        h('td', {}, i.reached ? i.by : `never: ${i.by}`),
      ),
    );
    return h(
      'section',
      { class: 'coverage', 'data-testid': 'coverage', 'aria-label': 'Coverage' },
      h('h2', {}, `Coverage: ${c.reached} of ${c.total} items reached over every period`),
      c.items.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'coverage-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col' }, 'Reached by'))), h('tbody', {}, ...rows)))
        : h('p', { class: 'muted' }, 'The program has no rule, band, lookup entry, tier level, cap, budget or minimum.'),
      ...(c.items.length && c.reached === c.total ? [h('p', { class: 'muted' }, 'The data reaches every item.')] : []),
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
