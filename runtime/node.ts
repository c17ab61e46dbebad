/**
 * `incent/node`: a program's data folder on disk, for Node — `partners.csv` (or `.json`, `.ndjson`)
 * and one file per event kind. `openDataFolder` streams it (memory grows with partners, not with
 * records: the evaluator reads the event files again for each pass). Evaluate and read statements with `incent/runtime` (or `incent`).
 *
 * @module incent/node
 */
export { openDataFolder, DataStream, DataProblemsError, type StreamOptions } from './data/node-stream.js';
