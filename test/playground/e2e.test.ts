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

  it('Exposure: beside the results, the most each pot can pay, what leaves it unbounded and what would bound it; updated as one types', async () => {
    const exposure = () => page.locator('[data-testid=exposure]').innerText();
    const notes = () => page.locator('[data-testid=exposure-notes]').innerText();
    // Worked out from the program (test/fixtures/northwind.incent) by hand, as `incent check --exposure` gives it.
    await expect.poll(exposure, { timeout: 20_000 }).toMatch(/cash\s+20,000\.00 EUR\s+the pot's cap\s+250,000\.00 EUR\s+the budget\s+1,000,000\.00 EUR\n/);
    expect(await exposure()).toContain('Over the program (4 periods)');
    expect(await exposure()).toMatch(/points\s+unbounded\s+unbounded\s+unbounded\n/);
    expect(await exposure()).toMatch(/credit\s+50,000\.00 EUR\s+the rule's cap\s+unbounded\s+unbounded\n/);
    expect(await exposure()).toMatch(/trip\s+1 item\s+its awards\s+10 items\s+the rankings that award to it\s+40 items/);
    expect(await notes()).toContain('line 55: points: rule "Hardware points" is unbounded — each award `floor(amount / 1 EUR) * multiplier` is not bounded: `sale.amount` (a field without a range); and a partner\'s sale events are not bounded in number');
    expect(await notes()).toContain('cash: paid to one partner in a period, also what is carried in from earlier periods (up to 49.99 EUR): at most 20,049.99 EUR');
    expect(await notes()).toContain('credit, to bound it for all partners: add `budget AMOUNT` to payout credit');
    // The cash budget: 250,000 EUR → 200,000 EUR; over the program, 4 × 200,000 EUR.
    await page.locator('[data-testid=editor] .view-lines').click();
    await page.keyboard.press('Control+f'); // find selects the text, wherever it is
    await page.keyboard.type('budget 250_000');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowRight'); // after `250_000`
    for (let i = 0; i < '0_000'.length; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.type('20');
    await expect.poll(exposure, { timeout: 20_000 }).toMatch(/cash\s+20,000\.00 EUR\s+the pot's cap\s+200,000\.00 EUR\s+the budget\s+800,000\.00 EUR\n/);
    // A line in the notes moves the editor there.
    await page.locator('[data-testid=exposure-notes] button', { hasText: 'line 60' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid=editor]') !== null)).toBe(true);
    await resetToSpecExample();
    expect(errors).toEqual([]);
  });

  it('Coverage: the editor shades what the data never reaches, the results list every item, both follow the program as one types; turned off, the shading goes', async () => {
    await page.locator('[data-testid=coverage-toggle]').check();
    const coverage = () => page.locator('[data-testid=coverage]').innerText();
    const row = (label: string) => page.locator('[data-testid=coverage] tbody tr', { hasText: label }).innerText();
    // As `incent run --coverage` gives it over the same data (counted by hand from the sample files).
    await expect.poll(coverage, { timeout: 20_000 }).toMatch(/^Coverage: 10 of 18 items reached over every period/);
    expect(await page.locator('[data-testid=coverage] tbody tr').count()).toBe(18);
    expect(await page.locator('[data-testid=coverage] tbody tr.never').count()).toBe(8);
    expect(await row('tier status: Gold')).toMatch(/^line 33\s+tier status: Gold\s+never: no partner reached this level$/);
    expect(await row('tier status: Silver')).toMatch(/^line 32\s+tier status: Silver\s+2 partners$/);
    expect(await row('rule "Hardware points"')).toMatch(/^line 55\s+rule "Hardware points"\s+14 events, 6 partners$/);
    expect(await row('payout cash: budget')).toMatch(/^line 48\s+payout cash: budget 250,000 EUR\s+never: it never bound$/);
    expect(await row('rule "Heroes trip"')).toMatch(/^line 77\s+rule "Heroes trip"\s+never: the data never made it award$/);
    // Each shaded line is one the data never reached: the Gold level and the whole Heroes trip rule, not the Silver level.
    const shadedTops = () => page.$$eval('[data-testid=editor] .view-overlays .coverage-never', (els) => els.map((e) => (e.parentElement as HTMLElement).style.top));
    const topOf = (text: string) => page.locator('[data-testid=editor] .view-line', { hasText: text }).first().evaluate((e) => (e as HTMLElement).style.top);
    await page.locator('[data-testid=coverage] button', { hasText: 'line 33' }).click();
    await expect.poll(shadedTops, { timeout: 10_000 }).toContain(await topOf('Gold from 1_000_000 EUR'));
    expect(await shadedTops()).not.toContain(await topOf('Silver from 250_000 EUR'));
    // The lookup's Gold entry alone is shaded on its line (the text's tokens are spans of their own; Monaco's spaces are no-break spaces).
    expect((await page.locator('[data-testid=editor] .view-line .coverage-never-inline').allInnerTexts()).join('').replace(/\u00a0/g, ' ')).toBe('Gold: 1.5');
    await page.locator('[data-testid=coverage] button', { hasText: 'line 77' }).click();
    await expect.poll(shadedTops, { timeout: 10_000 }).toEqual(expect.arrayContaining([await topOf('rule "Heroes trip"'), await topOf('for top 10 partners'), await topOf('award 1 to trip')]));
    expect(await page.locator('[data-testid=editor] .margin .coverage-never-gutter').count()).toBeGreaterThan(0);
    // Every partner with revenue qualifies for the trip: the rule is reached, its lines no longer shaded.
    await page.keyboard.press('Control+f');
    await page.keyboard.type('revenue >= 500_000 EUR');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowRight'); // after `EUR`
    for (let i = 0; i < ' EUR'.length; i++) await page.keyboard.press('ArrowLeft');
    for (let i = 0; i < '500_000'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('1');
    await expect.poll(coverage, { timeout: 20_000 }).toMatch(/^Coverage: 11 of 18 items reached over every period/);
    expect(await row('rule "Heroes trip"')).toMatch(/^line 77\s+rule "Heroes trip"\s+\d+ partners?$/);
    await expect.poll(shadedTops, { timeout: 10_000 }).not.toContain(await topOf('award 1 to trip'));
    await page.locator('[data-testid=coverage-toggle]').uncheck();
    await expect.poll(() => page.locator('[data-testid=editor] .coverage-never').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('[data-testid=coverage]').count()).toBe(0);
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
