import { generateWide, floorWide } from './test/bench/wide.js';
const t = performance.now();
generateWide('bench-data/peers', 'bench-data/wide/incent-1m-partners', 1_000_000, 3_000_000);
console.log('gen', (performance.now() - t).toFixed(0));
const t2 = performance.now();
const f = floorWide('bench-data/wide/incent-1m-partners/sale.csv', 1_000_000);
console.log('floor', (performance.now() - t2).toFixed(0), f.size, [...f].slice(0, 3));
