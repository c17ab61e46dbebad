/** When the browser tests run, skip or fail: the decision of test/helpers/chromium.ts. */
import { describe, expect, it } from 'vitest';
import { decideChromium, isCI } from './chromium.js';

describe('the browser tests without Chromium', () => {
  it('run when Chromium is found, in CI or not', () => {
    expect(decideChromium({ found: true, ci: true, path: '/usr/bin/chromium' })).toEqual({ action: 'run' });
    expect(decideChromium({ found: true, ci: false, path: '/usr/bin/chromium' })).toEqual({ action: 'run' });
  });

  it('fail in CI with what to install', () => {
    expect(decideChromium({ found: false, ci: true, path: '/usr/bin/chromium' })).toEqual({
      action: 'fail',
      message: "Chromium not found at /usr/bin/chromium; install Debian's chromium (apt-get install chromium) — CI must run the browser tests",
    });
  });

  it('are skipped elsewhere, with a note', () => {
    const d = decideChromium({ found: false, ci: false, path: '/opt/chromium' });
    expect(d.action).toBe('skip');
    expect(d.action === 'skip' && d.note).toMatch(/^Chromium not found at \/opt\/chromium; .* browser tests skipped/);
  });

  it.each([
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'TRUE' }, true],
    [{ CI: 'false' }, false],
    [{ CI: '0' }, false],
    [{ CI: '' }, false],
    [{}, false],
  ])('CI in %j: %s', (env, ci) => {
    expect(isCI(env)).toBe(ci);
  });
});
