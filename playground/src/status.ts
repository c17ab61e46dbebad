/** The status line (short messages, read out politely) and the notice bar (a message kept until dismissed). */
import { h } from './dom.js';

export interface Status {
  line: HTMLElement;
  notice: HTMLElement;
  say(message: string): void;
  showNotice(message: string): void;
  hideNotice(): void;
}

export function createStatus(): Status {
  const line = h('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const notice = h('div', { class: 'notice', role: 'alert', hidden: true });
  return {
    line,
    notice,
    say(m) {
      line.textContent = m;
    },
    showNotice(m) {
      notice.replaceChildren(h('span', {}, m), h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', onclick: () => (notice.hidden = true) }, '×'));
      notice.hidden = false;
    },
    hideNotice() {
      notice.hidden = true;
    },
  };
}
