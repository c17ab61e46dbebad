/**
 * `npm run lookahead`: writes language/lookahead-table.ts, the lookahead paths of every alternation
 * and optional production of the grammar as chevrotain computes them (language/lookahead.ts says
 * why). Run it after changing the grammar; test/language/lookahead.test.ts fails until then.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lookaheadTableSource } from '../language/lookahead-source.js';

const out = fileURLToPath(new URL('../language/lookahead-table.ts', import.meta.url));
writeFileSync(out, lookaheadTableSource());
console.log(`wrote ${out}`);
