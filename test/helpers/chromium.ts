/**
 * The browser tests' Chromium: Debian's (`CHROMIUM_PATH`, else /usr/bin/chromium), driven by
 * playwright-core — never a downloaded browser. When it is missing, the browser tests are skipped
 * with a visible note on a developer's machine, and fail in CI (`CI` set): CI must run them.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export type ChromiumDecision = { action: 'run' } | { action: 'skip'; note: string } | { action: 'fail'; message: string };

/** Whether the environment is CI: `CI` set to anything but empty, `0` or `false` (`CI=true` on the usual CI services). */
export function isCI(env: Record<string, string | undefined>): boolean {
  const v = env['CI'];
  return v !== undefined && !['', '0', 'false'].includes(v.trim().toLowerCase());
}

/** What the browser tests do: run when Chromium is there; else fail in CI, skip elsewhere. */
export function decideChromium(opts: { found: boolean; ci: boolean; path: string }): ChromiumDecision {
  if (opts.found) return { action: 'run' };
  const missing = `Chromium not found at ${opts.path}; install Debian's chromium (apt-get install chromium)`;
  if (opts.ci) return { action: 'fail', message: `${missing} — CI must run the browser tests` };
  return { action: 'skip', note: `${missing} — browser tests skipped (with CI=true they fail)` };
}

export function chromiumDecision(): ChromiumDecision {
  return decideChromium({ found: existsSync(CHROMIUM), ci: isCI(process.env), path: CHROMIUM });
}

/**
 * `describe` for tests that need Chromium: runs `body` when Chromium is there; otherwise, in CI, one
 * failing test says what is missing, and elsewhere the suite is skipped with the note in its name and
 * on the console.
 */
export function describeInChromium(name: string, body: () => void): void {
  const d = chromiumDecision();
  if (d.action === 'run') describe(name, body);
  else if (d.action === 'fail') {
    describe(name, () => {
      it('has Chromium', () => {
        throw new Error(d.message);
      });
    });
  } else {
    console.warn(`${name}: ${d.note}`);
    describe.skip(`${name} (${d.note})`, body);
  }
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
