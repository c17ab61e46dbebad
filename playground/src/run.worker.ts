/** The run worker: compiles and evaluates the program over the data, off the page's thread. */
import type { RunRequest, RunResult } from './protocol.js';
import { runProgram } from './run.js';

const ctx = self as unknown as { onmessage: ((e: MessageEvent<RunRequest>) => void) | null; postMessage(m: RunResult): void };

ctx.onmessage = (e) => {
  const m = e.data;
  try {
    ctx.postMessage(runProgram(m));
  } catch (err) {
    ctx.postMessage({ type: 'run', id: m.id, blocked: `Internal error: ${(err as Error).message}`, problems: [], rejected: 0, records: 0, pots: [], tiers: [], periods: [], partners: [], totals: {}, ms: 0 });
  }
};
