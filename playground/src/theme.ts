/** Light and dark themes: `auto` follows `prefers-color-scheme`; the Theme button cycles auto → light → dark (kept in local storage). */
import { h } from './dom.js';
import { monaco } from './editor.js';

const THEME_KEY = 'incent-playground-theme';
type ThemePref = 'auto' | 'light' | 'dark';

export interface Theme {
  button: HTMLButtonElement;
  isDark(): boolean;
  /** Applies the theme to the page and to Monaco (call once the editor exists). */
  apply(): void;
}

export function createTheme(): Theme {
  const button = h('button', { type: 'button', 'aria-label': 'Theme', 'data-testid': 'theme' });
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  let pref: ThemePref = (localStorage.getItem(THEME_KEY) as ThemePref | null) ?? 'auto';
  if (!['auto', 'light', 'dark'].includes(pref)) pref = 'auto';
  const isDark = () => (pref === 'auto' ? media.matches : pref === 'dark');
  const apply = () => {
    document.documentElement.dataset['theme'] = isDark() ? 'dark' : 'light';
    button.textContent = `Theme: ${pref}`;
    monaco.editor.setTheme(isDark() ? 'vs-dark' : 'vs');
  };
  button.addEventListener('click', () => {
    pref = pref === 'auto' ? 'light' : pref === 'light' ? 'dark' : 'auto';
    localStorage.setItem(THEME_KEY, pref);
    apply();
  });
  media.addEventListener('change', apply);
  return { button, isDark, apply };
}
