/** The results' charts, hand-written SVG: payout per partner, tier distribution, cost per period. */
import { group, h, s } from './dom.js';
import type { RunResult } from './protocol.js';

export interface Bar {
  label: string;
  value: number;
  text: string;
  selected?: boolean;
  onclick?: () => void;
}

/** A horizontal bar chart; a bar with `onclick` is a button (focusable, Enter or Space). */
export function barChart(title: string, bars: Bar[], unit: string): HTMLElement {
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

/** The charts of one run: a bar selects its partner or its period. */
export function renderCharts(r: RunResult, selected: string | undefined, on: { partner(id: string): void; period(period: string): void }): HTMLElement {
  const cur = r.currency ?? '';
  const top = [...r.partners].sort((a, b) => Number(b.cost) - Number(a.cost) || (a.id < b.id ? -1 : 1)).slice(0, 15);
  const charts: HTMLElement[] = [
    barChart(
      `Payout per partner, ${r.period} (top ${top.length} by cost)`,
      top.map((p) => ({ label: p.id, value: Number(p.cost), text: group(p.cost), selected: p.id === selected, onclick: () => on.partner(p.id) })),
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
      r.periods.map((p) => ({ label: p.period, value: Number(p.cost), text: group(p.cost), selected: p.period === r.period, onclick: () => on.period(p.period) })),
      cur,
    ),
  );
  return h('section', { class: 'charts', 'aria-label': 'Charts' }, ...charts);
}
