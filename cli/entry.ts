/** The entry point of the bundled command (dist/incent.mjs). */
import { runCli } from './main.js';

runCli();
