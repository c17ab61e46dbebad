/**
 * The page's two workers and the plumbing to them, bounded so that the page always settles:
 *
 * - The language worker (compiler: diagnostics, completion, hover, definition, formatting, sample
 *   data) answers requests by id, in order. A request that has not answered LANG_TIMEOUT_MS after the
 *   worker started on it (SAMPLE_TIMEOUT_MS for sample data) stops the worker: it is terminated and
 *   started again, and every request waiting on it gets an empty answer (a check's says why). Checks
 *   go one at a time: a newer check waits for the one in flight, replacing any other waiting check,
 *   and if the one in flight has not finished SUPERSEDED_CHECK_MS after it started, the worker is
 *   restarted for the newer one.
 * - The run worker evaluates. A newer run replaces one still running (the worker is terminated and
 *   started again), so results are always the latest; a run that has not answered within its time
 *   limit is stopped the same way and answers with a message saying so.
 *
 * Also the debouncing that turns keystrokes into one check or run.
 */
import { checkStoppedMessage, LANG_TIMEOUT_MS, RUN_TIMEOUT_MS, runStoppedMessage, SAMPLE_TIMEOUT_MS, sampleStoppedMessage, SUPERSEDED_CHECK_MS } from './limits.js';
import type { LangRequest, LangResponse, RunRequest, RunResult } from './protocol.js';

let nextId = 1;

export type LangAsk<T extends LangResponse['type']> = Omit<Extract<LangRequest, { type: T }>, 'id'>;
export type CheckResponse = Extract<LangResponse, { type: 'check' }>;

interface Pending {
  req: LangRequest;
  resolve: (r: LangResponse) => void;
}

const EMPTY_SCHEMA: CheckResponse['schema'] = { tables: [], currency: 'EUR', period: 'quarter', start: '', textHints: {}, moneyHints: [] };

/** The answer to a request whose worker was stopped: nothing, and for a check, why. */
function emptyAnswer(req: LangRequest, why: string): LangResponse {
  switch (req.type) {
    case 'check':
      return { type: 'check', id: req.id, diagnostics: [], schema: EMPTY_SCHEMA, ms: 0, stopped: why };
    case 'complete':
      return { type: 'complete', id: req.id, result: { items: [], replace: { start: req.offset, end: req.offset } } };
    case 'hover':
      return { type: 'hover', id: req.id, result: null };
    case 'definition':
      return { type: 'definition', id: req.id, result: null };
    case 'format':
      return { type: 'format', id: req.id, text: null, message: why };
    case 'sample':
      return { type: 'sample', id: req.id, tables: {}, stopped: why };
  }
}

/** The language worker: each request gets an id, and its answer (or an empty one, if the worker is stopped) resolves the request's promise. */
export class LangClient {
  private worker!: Worker;
  /** Requests posted and not answered, in the order the worker takes them. */
  private readonly pending = new Map<number, Pending>();
  /** When the worker started on the oldest pending request (the one it is working on). */
  private headStarted = 0;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  /** The check posted and not answered. */
  private checking: { id: number } | undefined;
  /** The newest check asked while another was in flight. */
  private nextCheck: { text: string; resolve: (r: CheckResponse | undefined) => void } | undefined;
  private supersede: ReturnType<typeof setTimeout> | undefined;

  /** `onStopped` hears each time the worker is stopped, with why. */
  constructor(private readonly onStopped: (why: string) => void = () => {}) {
    this.start();
  }

  private start(): void {
    this.worker = new Worker(new URL('./lang.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<LangResponse>) => this.answered(e.data);
  }

  private answered(r: LangResponse): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    this.headStarted = performance.now();
    this.arm();
    p.resolve(r);
    this.watchSuperseded();
  }

  /** Watches the oldest pending request: the one the worker is on. */
  private arm(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    const head = this.pending.values().next().value;
    if (!head) return;
    const sample = head.req.type === 'sample';
    const bound = sample ? SAMPLE_TIMEOUT_MS : LANG_TIMEOUT_MS;
    const why = sample ? sampleStoppedMessage(bound) : checkStoppedMessage(bound);
    this.watchdog = setTimeout(() => this.restart(why, true), Math.max(0, this.headStarted + bound - performance.now()));
  }

  /** Terminates the worker and starts a new one; every pending request gets an empty answer saying `why`. */
  private restart(why: string, report: boolean): void {
    this.worker.terminate();
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    clearTimeout(this.supersede);
    this.supersede = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    this.start();
    for (const p of waiting) p.resolve(emptyAnswer(p.req, why));
    if (report) this.onStopped(why);
  }

  private post<T extends LangResponse['type']>(req: LangAsk<T>): { id: number; answer: Promise<Extract<LangResponse, { type: T }>> } {
    const id = nextId++;
    const full = { ...req, id } as unknown as LangRequest;
    const answer = new Promise<Extract<LangResponse, { type: T }>>((resolve) => {
      if (this.pending.size === 0) this.headStarted = performance.now();
      this.pending.set(id, { req: full, resolve: resolve as (r: LangResponse) => void });
      this.worker.postMessage(full);
      if (this.pending.size === 1) this.arm();
    });
    return { id, answer };
  }

  ask<T extends Exclude<LangResponse['type'], 'check'>>(req: LangAsk<T>): Promise<Extract<LangResponse, { type: T }>> {
    return this.post<T>(req).answer;
  }

  /**
   * Checks a program. Resolves with undefined when a newer check replaced this one before it was
   * sent; with `stopped` set when the worker was stopped.
   */
  check(text: string): Promise<CheckResponse | undefined> {
    if (!this.checking) return this.sendCheck(text);
    this.nextCheck?.resolve(undefined);
    const answer = new Promise<CheckResponse | undefined>((resolve) => (this.nextCheck = { text, resolve }));
    this.watchSuperseded();
    return answer;
  }

  private sendCheck(text: string): Promise<CheckResponse | undefined> {
    const { id, answer } = this.post<'check'>({ type: 'check', text });
    this.checking = { id };
    return answer.then((r) => {
      if (this.checking?.id === id) this.checking = undefined;
      const next = this.nextCheck;
      if (next && !this.checking) {
        this.nextCheck = undefined;
        void this.sendCheck(next.text).then(next.resolve);
      }
      return r;
    });
  }

  /**
   * While a newer check waits: once the worker has spent SUPERSEDED_CHECK_MS on the check in flight,
   * it is restarted (the check in flight is dropped) and the newer check goes to the new worker.
   * Called again whenever the worker moves on to another request.
   */
  private watchSuperseded(): void {
    clearTimeout(this.supersede);
    this.supersede = undefined;
    const head = this.pending.keys().next().value;
    if (!this.checking || !this.nextCheck || head !== this.checking.id) return;
    this.supersede = setTimeout(
      () => {
        this.supersede = undefined;
        if (this.checking && this.nextCheck && this.pending.keys().next().value === this.checking.id) this.restart('superseded by a newer check', false);
      },
      Math.max(0, this.headStarted + SUPERSEDED_CHECK_MS - performance.now()),
    );
  }
}

/** The run worker: a newer run replaces one still running (the worker is restarted), so results are always the latest; a run past its time limit is stopped. */
export class Runner {
  private worker: Worker | undefined;
  private busy = false;
  private latest = 0;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly onResult: (r: RunResult) => void,
    private readonly timeoutMs = RUN_TIMEOUT_MS,
    private readonly onStopped: (why: string) => void = () => {},
  ) {}
  private spawn(): Worker {
    const w = new Worker(new URL('./run.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<RunResult>) => {
      this.busy = false;
      if (e.data.id !== this.latest) return;
      clearTimeout(this.watchdog);
      this.onResult(e.data);
    };
    return w;
  }
  run(req: Omit<RunRequest, 'id' | 'type'>): void {
    this.cancel();
    this.worker ??= this.spawn();
    const id = (this.latest = nextId++);
    this.busy = true;
    this.worker.postMessage({ ...req, type: 'run', id } satisfies RunRequest);
    this.watchdog = setTimeout(() => this.stop(id), this.timeoutMs);
  }
  /** Stops the run in progress, if any: its result never arrives. */
  cancel(): void {
    clearTimeout(this.watchdog);
    this.latest = 0;
    if (this.busy && this.worker) {
      this.worker.terminate();
      this.worker = undefined;
      this.busy = false;
    }
  }
  private stop(id: number): void {
    if (id !== this.latest || !this.busy) return;
    this.cancel();
    const why = runStoppedMessage(this.timeoutMs);
    this.onResult({ type: 'run', id, blocked: why, problems: [], rejected: 0, records: 0, pots: [], tiers: [], periods: [], partners: [], totals: {}, ms: this.timeoutMs });
    this.onStopped(why);
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
