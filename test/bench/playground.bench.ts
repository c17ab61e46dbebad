/**
 * The playground's responsiveness, by hand (`npx tsx test/bench/playground.bench.ts`; not part of
 * `npm test`: timings belong to benchmarks): builds the page, loads the spec's example, generates
 * 500 partners and 25,000 events per kind (50,500 records), then types a line into the editor one key
 * every 40 ms while the workers check and evaluate, and reports the page thread's longest stall
 * (a 10 ms interval timer's largest lateness) and the evaluation time the page reports.
 */
import { CHROMIUM, launch } from '../helpers/chromium.js';
import { buildPlayground, removeDir, serve } from '../playground/harness.js';

const dir = await buildPlayground();
const server = await serve(dir);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const status = () => page.locator('.status').innerText();
  await page.goto(server.url);
  await page.selectOption('[data-testid=examples]', { label: 'spec-example (northwind, small data)' });
  await page.locator('[data-testid=results] table.statement tbody tr').first().waitFor({ timeout: 60_000 });
  await page.getByRole('tab', { name: 'Data' }).click();
  await page.getByLabel('Partners to generate').fill('500');
  await page.getByLabel('Events per kind to generate').fill('25000');
  await page.locator('[data-testid=generate]').click();
  await page.waitForFunction(() => /Evaluated 50,500 records/.test(document.querySelector('.status')?.textContent ?? ''), null, { timeout: 120_000 });
  const evaluated = await status();
  await page.evaluate(() => {
    const w = window as unknown as { lag: number };
    w.lag = 0;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      w.lag = Math.max(w.lag, now - last - 10);
      last = now;
    }, 10);
  });
  await page.locator('[data-testid=editor] .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n# typing over 50,000 records', { delay: 40 });
  await page.evaluate(() => (document.querySelector('.status')!.textContent = ''));
  await page.keyboard.type('!', { delay: 40 });
  await page.waitForFunction(() => /Evaluated 50,500 records/.test(document.querySelector('.status')?.textContent ?? ''), null, { timeout: 120_000 });
  const lag = await page.evaluate(() => (window as unknown as { lag: number }).lag);
  console.log(`Chromium: ${CHROMIUM}`);
  console.log(`first evaluation: ${evaluated}`);
  console.log(`after typing:     ${await status()}`);
  console.log(`page thread's longest stall while typing: ${Math.round(lag)} ms`);
} finally {
  await browser.close();
  await server.close();
  removeDir(dir);
}
