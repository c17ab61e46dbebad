/**
 * Screenshots of the playground for a look at the page (npx tsx playground/shot.mts [OUTDIR]):
 * results, a partner's explanation, the data panel, dark theme, and an editor hover.
 */
import { launch } from '../test/helpers/chromium.ts';
import { buildPlayground, removeDir, serve } from '../test/playground/harness.ts';

const out = process.argv[2] ?? '/tmp';
const dir = await buildPlayground();
const srv = await serve(dir);
const b = await launch();
try {
  const page = await b.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => console.log('console', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  await page.goto(srv.url);
  await page.waitForSelector('[data-testid=results] table.statement');
  await page.selectOption('[data-testid=examples]', { label: 'spec-example (northwind, small data)' });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${out}/playground-results.png` });
  await page.locator('[data-testid=results] table.statement tbody tr button').first().click();
  await page.waitForSelector('[data-testid=partner-detail] h2');
  await page.locator('[data-testid=partner-detail]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${out}/playground-partner.png` });
  await page.getByRole('tab', { name: 'Data' }).click();
  await page.locator('[data-testid=data] button[data-file=sale]').click();
  await page.screenshot({ path: `${out}/playground-data.png` });
  await page.locator('[data-testid=theme]').click();
  await page.locator('[data-testid=theme]').click();
  await page.getByRole('tab', { name: 'Results' }).click();
  const line = page.locator('[data-testid=editor] .view-line', { hasText: 'measure revenue ' });
  await line.locator('span', { hasText: 'revenue' }).first().hover();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${out}/playground-dark.png` });
  console.log(`screenshots in ${out}`);
} finally {
  await b.close();
  await srv.close();
  removeDir(dir);
}
