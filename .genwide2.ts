import { generateWide } from './test/bench/wide.js';
generateWide('bench-data/peers', 'bench-data/wide/incent-200k-partners', 200_000, 600_000);
