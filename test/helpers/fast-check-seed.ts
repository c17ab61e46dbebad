/**
 * Every property in `npm test` runs from one fixed fast-check seed, so that a run of the suite is
 * reproducible and CI does not fail on a rare case that the previous run never met (a failure
 * prints the seed and path to replay it). `FC_SEED=N` picks another seed, `FC_SEED=random` a new
 * one each run — how to look for new counterexamples, with `FC_RUNS=N` for more cases where a test
 * reads it, or `npm run fuzz` for the fuzz targets' long budget.
 */
import fc from 'fast-check';

const chosen = process.env['FC_SEED'];
if (chosen !== 'random') fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(chosen ?? 20_261_129) });
