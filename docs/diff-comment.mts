/**
 * The README's picture of `incent diff --format markdown` as a pull request shows it
 * (npx tsx docs/diff-comment.mts [OUT.png]): the golden case test/review/golden/rates-and-budget
 * for 2026-Q1, rendered to HTML with markdown-it (TypeDoc's, already installed for `npm run docs`)
 * under a plain comment style, opened in Debian's Chromium and saved as a PNG.
 */
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { main } from '../cli/main.ts';
import { launch } from '../test/helpers/chromium.ts';

const root = join(import.meta.dirname, '..');
const golden = join(root, 'test', 'review', 'golden', 'rates-and-budget');
const out = process.argv[2] ?? join(root, 'docs', 'diff-comment.png');

let md = '';
const code = main(['diff', join(golden, 'old.incent'), join(golden, 'new.incent'), '--data', join(golden, 'data'), '--period', '2026-Q1', '--format', 'markdown'], { out: (s) => (md += s), err: (s) => process.stderr.write(s), color: false });
if (code !== 0) throw new Error(`incent diff exited ${code}`);
md = md.split(`${golden}/`).join('');

const body = new MarkdownIt({ html: true }).render(md);
const css = `
body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; background: #f6f8fa; margin: 0; padding: 24px; }
.comment { max-width: 920px; border: 1px solid #d1d9e0; border-radius: 6px; background: #fff; }
.head { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; border-radius: 6px 6px 0 0; color: #59636e; }
.head b { color: #1f2328; }
.body { padding: 16px; }
h3 { font-size: 1.25em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin: 24px 0 16px; }
table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
details { margin-bottom: 16px; } summary { cursor: pointer; }
sub { color: #59636e; }
`;
const html = `<!doctype html><meta charset="utf-8"><style>${css}</style><div class="comment"><div class="head"><b>incent-bot</b> commented</div><div class="body">${body}</div></div>`;

const b = await launch();
try {
  const page = await b.newPage({ viewport: { width: 980, height: 600 }, deviceScaleFactor: 1 });
  await page.setContent(html);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => d.setAttribute('open', '')));
  await page.locator('.comment').screenshot({ path: out });
  console.log(out);
} finally {
  await b.close();
}
