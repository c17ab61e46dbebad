/**
 * The page's two workers and the plumbing to them: the language worker (compiler: diagnostics,
 * completion, hover, definition, formatting, sample data) answers requests by id; the run worker
 * evaluates, and a newer run replaces one still running (the worker is restarted), so results are
 * always the latest. Also the debouncing that turns keystrokes into one check or run.
 */
import type { LangRequest, LangResponse, RunRequest, RunResult } from './protocol.js';

let nextId = 1;

type Pending = (r: LangResponse) => void;
export type LangAsk<T extends LangResponse['type']> = Omit<Extract<LangRequest, { type: T }>, 'id'>;

/** The language worker: each request gets an id, and its answer resolves the request's promise. */
export class LangClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  constructor() {
    this.worker = new Worker(new URL('./lang.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<LangResponse>) => {
      const p = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      p?.(e.data);
    };
  }
  ask<T extends LangResponse['type']>(req: LangAsk<T>): Promise<Extract<LangResponse, { type: T }>> {
    const id = nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as Pending);
      this.worker.postMessage({ ...req, id });
    });
  }
}

/** The run worker: a newer run replaces one still running (the worker is restarted), so results are always the latest. */
export class Runner {
  private worker: Worker | undefined;
  private busy = false;
  private latest = 0;
  constructor(private readonly onResult: (r: RunResult) => void) {}
  private spawn(): Worker {
    const w = new Worker(new URL('./run.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<RunResult>) => {
      this.busy = false;
      if (e.data.id === this.latest) this.onResult(e.data);
    };
    return w;
  }
  run(req: Omit<RunRequest, 'id' | 'type'>): void {
    if (this.busy && this.worker) {
      this.worker.terminate();
      this.worker = undefined;
    }
    this.worker ??= this.spawn();
    this.latest = nextId++;
    this.busy = true;
    this.worker.postMessage({ ...req, type: 'run', id: this.latest } satisfies RunRequest);
  }
}

/** Calls `fn` once the calls have stopped for `ms` milliseconds. */
export function debounce(fn: () => void, ms: number): () => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (t) clearTimeout(t);
    t = setTimeout(fn, ms);
  };
}
