/** The compare worker: the program against its baseline (changes in meaning and payout impact), off the page's thread. */
import { compareProgram, type CompareRequest, type CompareResult } from './compare-run.js';

const ctx = self as unknown as { onmessage: ((e: MessageEvent<CompareRequest>) => void) | null; postMessage(m: CompareResult): void };

ctx.onmessage = (e) => {
  const m = e.data;
  try {
    ctx.postMessage(compareProgram(m));
  } catch (err) {
    ctx.postMessage({ type: 'compare', id: m.id, blocked: `Internal error: ${(err as Error).message}`, ms: 0 });
  }
};
