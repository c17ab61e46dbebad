/**
 * The playground end to end, in headless Chromium (Debian's, driven by playwright-core): the app is
 * built once into a temp folder and served on 127.0.0.1; one browser, pages reused.
 */
import { readFileSync } from 'node:fs';
import { encodeSession } from '../../playground/src/share.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeInChromium, launch } from '../helpers/chromium.js';
import { buildPlayground, removeDir, serve } from './harness.js';

const SPEC_EXAMPLE = 'spec-example (northwind, small data)';

describeInChromium('playground in Chromium', () => {
  let dir: string;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    p.on('pageerror', (e) => errors.push(e.message));
  };
  const statementRows = (p: Page) => p.locator('[data-testid=results] table.statement tbody tr');
  const totalsText = (p: Page) => p.locator('[data-testid=results] table.statement tfoot').innerText();

  const resetToSpecExample = async () => {
    await page.selectOption('[data-testid=examples]', { label: SPEC_EXAMPLE });
    await expect.poll(() => page.locator('[data-testid=problems]').innerText(), { timeout: 10_000 }).toContain('No problems.');
    await expect.poll(() => statementRows(page).count(), { timeout: 20_000 }).toBe(8);
  };

  beforeAll(async () => {
    dir = await buildPlayground();
    server = await serve(dir);
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    watch(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) removeDir(dir);
  });

  it('loads without console errors and shows an example\'s results', async () => {
    await page.goto(server.url);
    await expect.poll(() => statementRows(page).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.selectOption('[data-testid=examples]', { label: SPEC_EXAMPLE });
    await expect.poll(() => statementRows(page).count(), { timeout: 20_000 }).toBe(8);
    await expect(page.locator('[data-testid=period] option').allInnerTexts()).resolves.toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(await page.locator('[data-testid=problems]').innerText()).toContain('No problems.');
    expect(errors).toEqual([]);
  });

  it('an error typed into the program shows a marker and a problem; fixing it restores results', async () => {
    await page.locator('[data-testid=editor] .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nlet broken = revenu');
    await page.locator('[data-testid=editor] .squiggly-error').first().waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('[data-testid=problems]').innerText()).toContain('`revenu` is not defined');
    // The last results stay, marked as stale, while the program has errors.
    await expect.poll(() => page.locator('[data-testid=results] .stale-note').innerText()).toContain('The program has errors');
    await page.keyboard.type('e');
    await expect.poll(() => page.locator('[data-testid=problems]').innerText(), { timeout: 10_000 }).toContain('Problems (0 errors');
    await expect.poll(() => page.locator('[data-testid=results] .stale-note').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => statementRows(page).count(), { timeout: 10_000 }).toBe(8);
    expect(await page.locator('[data-testid=editor] .squiggly-error').count()).toBe(0);
  });

  it('formats the document with the project\'s formatter', async () => {
    await page.locator('[data-testid=editor] .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nlet   spaced   =   revenue*2');
    await page.getByRole('button', { name: 'Format' }).click();
    await expect.poll(() => page.locator('[data-testid=editor] .view-lines').innerText(), { timeout: 10_000 }).toMatch(/let\sspaced\s=\srevenue\s\*\s2/);
    await resetToSpecExample();
  });

  it('Compare: the program against the loaded example, with incent diff\'s changes and impact, updated as one types; a pinned version becomes the baseline', async () => {
    await page.selectOption('[data-testid=period]', '2026-Q1');
    await page.getByRole('tab', { name: 'Compare' }).click();
    const report = () => page.locator('[data-testid=compare-report]').innerText();
    const headline = () => page.locator('[data-testid=compare-headline]').innerText();
    expect(await page.locator('[data-testid=compare-baseline]').innerText()).toBe(`the example ${SPEC_EXAMPLE}`);
    await expect.poll(report, { timeout: 20_000 }).toContain('no change in meaning');
    await expect.poll(headline).toContain('2026-Q1: cost unchanged');
    // The Router SPIFF pays 30 EUR instead of 25 EUR.
    const line = page.locator('[data-testid=editor] .view-line', { hasText: 'award 25 EUR' });
    await line.click();
    await page.keyboard.press('Home'); // the line's first character: `award`
    for (let i = 0; i < 'award '.length; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.type('30');
    await expect.poll(report, { timeout: 20_000 }).toContain('award 25 EUR → 30 EUR');
    await expect.poll(headline).toMatch(/^2026-Q1: cost \+[\d,.]+ EUR \(\+[\d.]+%\), \d+ of 8 partners affected$/);
    expect(await report()).toContain('rule "Router SPIFF"');
    // Pinned: the edited version is the baseline, so nothing has changed since.
    await page.locator('[data-testid=compare-pin]').click();
    await expect.poll(() => page.locator('[data-testid=compare-baseline]').innerText()).toMatch(/^the version pinned at \d\d:\d\d$/);
    await expect.poll(report, { timeout: 20_000 }).toContain('no change in meaning');
    await page.getByRole('tab', { name: 'Results' }).click();
    await resetToSpecExample();
    expect(errors).toEqual([]);
  });

  it('editing a data cell changes a payout', async () => {
    await page.selectOption('[data-testid=period]', '2026-Q1');
    await expect.poll(() => page.locator('[data-testid=results] h2', { hasText: 'Statement' }).innerText()).toBe('Statement 2026-Q1');
    const before = await totalsText(page);
    await page.getByRole('tab', { name: 'Data' }).click();
    await page.locator('[data-testid=data] button[data-file=sale]').click();
    await page.locator('input[aria-label="sale row 1 category"]').fill('hardware');
    await page.locator('input[aria-label="sale row 1 amount"]').fill('900000');
    await page.getByRole('tab', { name: 'Results' }).click();
    // The row's partner earns hardware points: floor(900000) × its multiplier, at least (the runs of
    // the two edits may arrive one after the other: wait for the second).
    const points = (t: string) => Number(t.split('\t').find((c) => /\d/.test(c))!.replace(/,/g, ''));
    await expect.poll(async () => points(await totalsText(page)) - points(before), { timeout: 10_000 }).toBeGreaterThanOrEqual(900_000);
  });

  it('a share link restores program and data in a fresh page', async () => {
    await page.locator('[data-testid=editor] .view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('# shared-marker\n');
    await page.waitForTimeout(400);
    await page.locator('[data-testid=share]').click();
    await page.locator('[data-testid=share][data-url]').waitFor({ timeout: 10_000 });
    const url = (await page.locator('[data-testid=share]').getAttribute('data-url'))!;
    expect(url).toMatch(/#v1\.[A-Za-z0-9_-]+$/);
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const p = await fresh.newPage();
      watch(p);
      await p.goto(url);
      await expect.poll(() => statementRows(p).count(), { timeout: 30_000 }).toBe(8);
      expect(await p.locator('[data-testid=editor] .view-lines').innerText()).toContain('shared-marker');
      await p.getByRole('tab', { name: 'Data' }).click();
      await p.locator('[data-testid=data] button[data-file=sale]').click();
      expect(await p.locator('input[aria-label="sale row 1 amount"]').inputValue()).toBe('900000');
      expect(await p.locator('input[aria-label="sale row 1 category"]').inputValue()).toBe('hardware');

      // Opening a CSV file loads it into its table.
      await p.locator('[data-testid=open-file]').setInputFiles({
        name: 'training.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('id,partner,date,course\nT1,P001,2026-02-01,Router Pro\nT2,P002,2026-02-03,Wi-Fi Design\n'),
      });
      await expect.poll(() => p.locator('[data-testid=data] button[data-file=training]').innerText()).toBe('training.csv (2)');
      expect(await p.locator('input[aria-label="training row 2 course"]').inputValue()).toBe('Wi-Fi Design');
      expect(await p.locator('[data-testid=problems]').innerText()).toContain('Problems (0 errors');
    } finally {
      await fresh.close();
    }
    expect(errors).toEqual([]);
  });

  it('hovers with the selected partner\'s value, and completes enumeration values', async () => {
    await page.getByRole('tab', { name: 'Results' }).click();
    await page.locator('[data-testid=results] table.statement tbody tr button', { hasText: 'P004' }).click();
    await page.locator('[data-testid=partner-detail] h2', { hasText: 'P004' }).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=editor] .view-lines').click();
    await page.keyboard.press('Control+Home');
    const line = page.locator('[data-testid=editor] .view-line', { hasText: 'measure revenue ' }).first();
    await line.scrollIntoViewIfNeeded();
    const box = (await line.boundingBox())!;
    await page.mouse.move(box.x + 90, box.y + box.height / 2);
    await page.mouse.move(box.x + 95, box.y + box.height / 2);
    await expect.poll(() => page.locator('.monaco-hover').allInnerTexts(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/measure revenue: money \(EUR\)[\s\S]*Partner P004 in 2026-Q1: [\d,.]+ EUR/)]));
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nrule "x" {\n  for each sale where category = "');
    await expect.poll(() => page.locator('.suggest-widget').innerText(), { timeout: 10_000 }).toMatch(/hardware[\s\S]*services[\s\S]*software/);
    await page.keyboard.press('Escape');
    await resetToSpecExample();
  });

  it('stays responsive while typing with 50,000 records: the typed text appears and the results follow it', async () => {
    // How long the page's thread stalls is measured by test/bench/playground.bench.ts, not asserted here.
    const evaluated = () => page.locator('.status').innerText();
    await page.getByRole('tab', { name: 'Data' }).click();
    await page.getByLabel('Partners to generate').fill('500');
    await page.getByLabel('Events per kind to generate').fill('25000');
    await page.locator('[data-testid=generate]').click();
    await expect.poll(evaluated, { timeout: 60_000 }).toMatch(/Evaluated 50,500 records/);
    await page.getByRole('tab', { name: 'Results' }).click();
    await page.locator('[data-testid=editor] .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n# typing over 50,000 records\nlet typed = revenu', { delay: 40 });
    await expect.poll(() => page.locator('[data-testid=editor] .view-lines').innerText(), { timeout: 30_000 }).toMatch(/#\styping\sover\s50,000\srecords\s+let\styped\s=\srevenu/); // Monaco shows spaces as U+00A0
    // The results follow the typing: stale while the program has an error…
    await expect.poll(() => page.locator('[data-testid=results] .stale-note').count(), { timeout: 60_000 }).toBe(1);
    await page.keyboard.type('e', { delay: 40 });
    // …and fresh again, over all 50,500 records, once it is fixed.
    await expect.poll(() => page.locator('[data-testid=results] .stale-note').count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(evaluated, { timeout: 60_000 }).toMatch(/Evaluated 50,500 records/);
    expect(await page.locator('[data-testid=problems]').innerText()).toContain('Problems (0 errors');
    expect(await statementRows(page).count()).toBeGreaterThan(100);
    await page.getByRole('tab', { name: 'Data' }).click();
    await page.getByLabel('Events per kind to generate').fill('300');
    await page.getByLabel('Partners to generate').fill('12');
    await resetToSpecExample();
  });

  it('shows invalid records with the command line\'s messages', async () => {
    await page.getByRole('tab', { name: 'Data' }).click();
    await page.locator('[data-testid=data] button[data-file=sale]').click();
    await page.locator('input[aria-label="sale row 2 amount"]').fill('12,50');
    await expect.poll(() => page.locator('[data-testid=problems]').innerText(), { timeout: 10_000 }).toContain('sale.csv:3: field "amount": "12,50" is not a decimal amount');
    expect(await page.locator('input[aria-label="sale row 2 amount"]').getAttribute('aria-invalid')).toBe('true');
  });

  it('downloads a table as CSV with the cells a spreadsheet would run as formulas neutralised', async () => {
    await page.getByRole('tab', { name: 'Data' }).click();
    await page.locator('[data-testid=data] button[data-file=sale]').click();
    await page.locator('input[aria-label="sale row 1 sku"]').fill('=HYPERLINK("http://x")');
    await page.locator('input[aria-label="sale row 2 sku"]').fill(' =1+1');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('sale.csv');
    const lines = readFileSync(await download.path(), 'utf8').split('\r\n');
    expect(lines[0]).toBe('id,partner,date,sku,category,amount,quantity');
    expect(lines[1]).toContain(`,"'=HYPERLINK(""http://x"")",`);
    expect(lines[2]).toContain(`,' =1+1,`);
    await resetToSpecExample();
  });


  it('a program over 1 MiB (an 8 MB one-line program) is neither checked nor evaluated: the page settles with a notice', async () => {
    // The spec's example on one line, then a sum of 2,000,000 ones: 8 MB on one line, built here.
    const oneLine = readFileSync('test/fixtures/northwind.incent', 'utf8').split('\n').filter((l) => !l.startsWith('#')).join(' ');
    const program = `${oneLine} let big = ${'1 + '.repeat(2_000_000)}1`;
    expect(program.length).toBeGreaterThan(8_000_000);
    await resetToSpecExample();
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.evaluate((text) => navigator.clipboard.writeText(text), program);
    await page.locator('[data-testid=editor] .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    await expect.poll(() => page.locator('.notice').innerText(), { timeout: 60_000 }).toMatch(/^The program is 7\.6 MiB \(8,\d{3},\d{3} bytes\): the playground checks and evaluates programs of at most 1 MiB/);
    await expect.poll(() => page.locator('[data-testid=results]').innerText(), { timeout: 10_000 }).toContain('The program is 7.6 MiB');
    expect(await page.locator('[data-testid=results]').innerText()).not.toContain('Evaluating');
    expect(await page.locator('[data-testid=problems]').innerText()).toMatch(/Problems \(1 error, 0 warnings\)[\s\S]*at most 1 MiB/);
    // Back under the limit, the program is checked and evaluated again.
    await page.keyboard.press('Control+Z');
    await expect.poll(() => statementRows(page).count(), { timeout: 30_000 }).toBe(8);
    await expect.poll(() => page.locator('.notice').isHidden(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('[data-testid=problems]').innerText()).toContain('No problems.');
  });

  it('an evaluation that does not answer is stopped, its worker restarted, and the page says so', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const p = await fresh.newPage();
      // A run worker that never answers: it loops forever on every request.
      const runWorker = /\/run\.worker-[^/]*\.js$/;
      await p.route(runWorker, (route) => route.fulfill({ contentType: 'text/javascript', body: 'self.onmessage = () => { for (;;) {} };' }));
      await p.goto(`${server.url}?timeout=3`); // the evaluation's time limit: 3 s instead of 30 s
      await expect.poll(() => p.locator('[data-testid=results]').innerText(), { timeout: 60_000 }).toContain('The evaluation did not finish within 3 s and was stopped.');
      expect(await p.locator('.notice').innerText()).toContain('The evaluation did not finish within 3 s and was stopped.');
      expect(await p.locator('[data-testid=problems]').innerText()).toContain('The evaluation did not finish within 3 s');
      // With a worker that answers, the next edit evaluates again.
      await p.unroute(runWorker);
      await p.locator('[data-testid=editor] .view-lines').click();
      await p.keyboard.press('Control+End');
      await p.keyboard.type('\n# again');
      await expect.poll(() => statementRows(p).count(), { timeout: 60_000 }).toBeGreaterThan(0);
      await expect.poll(() => p.locator('.status').innerText(), { timeout: 10_000 }).toMatch(/^Evaluated [\d,]+ records/);
    } finally {
      await fresh.close();
    }
  });

  it('a first program with errors shows them, not "Evaluating…" forever', async () => {
    const { hash } = await encodeSession({ program: 'program "Broken" {\n  currency EUR\n  period quarter\n  start 2026-01-01\n}\n\nlet x = \n' });
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const p = await fresh.newPage();
      await p.goto(server.url + hash);
      await expect.poll(() => p.locator('[data-testid=results]').innerText(), { timeout: 30_000 }).toContain('The program has errors: see the problems.');
      expect(await p.locator('[data-testid=problems]').innerText()).toMatch(/Problems \([1-9]\d* errors?/);
    } finally {
      await fresh.close();
    }
  });
});
