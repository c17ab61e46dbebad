/**
 * Node versus the browser: the same program and data give byte-identical statements in Node and in
 * headless Chromium (the runtime bundled for the browser), and in the browser under a time zone far
 * from UTC.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.js';
import { loadData } from '../../runtime/data/load.js';
import { Evaluator } from '../../runtime/evaluate.js';
import { statementJson } from '../../runtime/statement.js';
import { describeInChromium, launch } from '../helpers/chromium.js';
import { browserBundle } from '../helpers/browser-bundle.js';
import { SWEEPSTAKES, SWEEPSTAKES_DATA } from '../helpers/sweepstakes.js';

const root = new URL('../../', import.meta.url).pathname;
const example = join(root, 'examples', 'northwind-distributor');

function inputs(): { source: string; texts: Record<string, string> } {
  const source = readFileSync(join(example, 'program.incent'), 'utf8');
  const texts: Record<string, string> = {};
  for (const f of readdirSync(join(example, 'data'))) texts[f] = readFileSync(join(example, 'data', f), 'utf8');
  return { source, texts };
}

function inNode(source: string, texts: Record<string, string>): string {
  const artifact = compile(source).artifact!;
  const { data } = loadData(artifact, texts);
  return JSON.stringify(new Evaluator(artifact).run(data).map((r) => statementJson(artifact, r)));
}

describeInChromium('Node and the browser agree', () => {
  let browser: Browser;
  let bundle: string;

  beforeAll(async () => {
    bundle = (await browserBundle('iife')).text;
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each(['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles'])('statements are byte-identical in Chromium (time zone %s)', async (timezoneId) => {
    const { source, texts } = inputs();
    const expected = inNode(source, texts);
    const context = await browser.newContext({ timezoneId });
    try {
      const page = await context.newPage();
      await page.setContent('<!doctype html><title>determinism</title>');
      await page.addScriptTag({ content: bundle });
      const actual = await page.evaluate(
        ({ source, texts }) => {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const I = (globalThis as any).Incent;
          const artifact = I.compile(source).artifact;
          const { data } = I.loadData(artifact, texts);
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          return JSON.stringify(new I.Evaluator(artifact).run(data).map((r: any) => I.statementJson(artifact, r)));
        },
        { source, texts },
      );
      expect(actual.length).toBeGreaterThan(1000);
      expect(actual).toBe(expected);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('a seeded draw (§13.5) draws the same winners in Chromium', async () => {
    const texts: Record<string, string> = { ...SWEEPSTAKES_DATA };
    const expected = inNode(SWEEPSTAKES, texts);
    expect(expected).toContain('"draws"');
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.setContent('<!doctype html><title>determinism</title>');
      await page.addScriptTag({ content: bundle });
      const actual = await page.evaluate(
        ({ source, texts }) => {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const I = (globalThis as any).Incent;
          const artifact = I.compile(source).artifact;
          const { data } = I.loadData(artifact, texts);
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          return JSON.stringify(new I.Evaluator(artifact).run(data).map((r: any) => I.statementJson(artifact, r)));
        },
        { source: SWEEPSTAKES, texts },
      );
      expect(actual).toBe(expected);
    } finally {
      await context.close();
    }
  }, 120_000);
});
