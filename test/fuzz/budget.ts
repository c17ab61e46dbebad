/**
 * The budget of the fuzz targets in this folder: a few seconds' worth of cases in `npm test`, many
 * more with `INCENT_FUZZ=long` (`npm run fuzz`). The seed is fixed so that a run is reproducible;
 * `INCENT_FUZZ_SEED=N` picks another one (a failure prints the seed and path to replay it).
 */
export const LONG = process.env['INCENT_FUZZ'] === 'long';

/** The number of cases of a target: `quick` in `npm test`, `long` (default 20 × quick) with INCENT_FUZZ=long. */
export function runs(quick: number, long = quick * 20): number {
  return LONG ? long : quick;
}

/** The fast-check seed of every target. */
export const SEED = Number(process.env['INCENT_FUZZ_SEED'] ?? 2026);

/** Sizes scale with the budget too: the longest chain or deepest nesting a mutation makes. */
export function size(quick: number, long = quick * 5): number {
  return LONG ? long : quick;
}

/** A test's time limit: vitest's default in `npm test`, an hour for a long run. */
export const TIMEOUT = LONG ? 3_600_000 : 60_000;
