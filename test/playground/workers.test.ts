/**
 * The page's worker plumbing (playground/src/workers.ts) with a stand-in Worker and fake timers:
 * answers by id, the watchdog that restarts a language worker that does not answer, checks that
 * replace one another, and runs that are replaced or stopped. The clock is fake: nothing here waits.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LANG_TIMEOUT_MS, SUPERSEDED_CHECK_MS } from '../../playground/src/limits.js';
import type { LangRequest, RunResult } from '../../playground/src/protocol.js';

class FakeWorker {
  static all: FakeWorker[] = [];
  posted: { id: number; type: string; text?: string }[] = [];
  terminated = false;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  constructor(readonly url: URL) {
    FakeWorker.all.push(this);
  }
  postMessage(m: { id: number; type: string; text?: string }): void {
    this.posted.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(data: unknown): void {
    this.onmessage?.({ data });
  }
}

const schema = { tables: [], currency: 'EUR', period: 'quarter', start: '', textHints: {}, moneyHints: [] };
const checkAnswer = (id: number) => ({ type: 'check', id, diagnostics: [], schema, ms: 1 });
const workers = (kind: string) => FakeWorker.all.filter((w) => w.url.pathname.includes(kind));
const last = (kind: string) => workers(kind).at(-1)!;

let W: typeof import('../../playground/src/workers.js');
beforeEach(async () => {
  FakeWorker.all = [];
  vi.stubGlobal('Worker', FakeWorker);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  W = await import('../../playground/src/workers.js');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the language worker', () => {
  it('resolves each request with the answer of its id', async () => {
    const lang = new W.LangClient();
    const w = last('lang');
    const hover = lang.ask<'hover'>({ type: 'hover', text: 't', offset: 1 });
    const def = lang.ask<'definition'>({ type: 'definition', text: 't', offset: 2 });
    const [h, d] = w.posted;
    w.answer({ type: 'hover', id: h!.id, result: null });
    w.answer({ type: 'definition', id: d!.id, result: { start: 0, end: 1 } });
    expect(await hover).toEqual({ type: 'hover', id: h!.id, result: null });
    expect((await def).result).toEqual({ start: 0, end: 1 });
  });

  it('restarts a worker that does not answer within LANG_TIMEOUT_MS, answering what waited on it', async () => {
    const stopped: string[] = [];
    const lang = new W.LangClient((why) => stopped.push(why));
    const check = lang.check('program');
    const complete = lang.ask<'complete'>({ type: 'complete', text: 'program', offset: 3 });
    await vi.advanceTimersByTimeAsync(LANG_TIMEOUT_MS - 1);
    expect(workers('lang')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(workers('lang')).toHaveLength(2);
    expect(workers('lang')[0]!.terminated).toBe(true);
    expect((await check)?.stopped).toBe(`Checking the program did not finish within ${LANG_TIMEOUT_MS / 1000} s and was stopped; it is checked again at the next edit.`);
    expect((await complete).result).toEqual({ items: [], replace: { start: 3, end: 3 } });
    expect(stopped).toHaveLength(1);
    // The new worker takes the next request.
    const again = lang.ask<'hover'>({ type: 'hover', text: 'program', offset: 0 });
    expect(last('lang').posted.map((m) => m.type)).toEqual(['hover']);
    last('lang').answer({ type: 'hover', id: last('lang').posted[0]!.id, result: null });
    expect((await again).result).toBeNull();
  });

  it('counts a request\'s time from when the worker started on it, not from when it was queued', async () => {
    const lang = new W.LangClient();
    const w = last('lang');
    void lang.ask<'hover'>({ type: 'hover', text: 't', offset: 0 });
    const check = lang.check('t');
    await vi.advanceTimersByTimeAsync(LANG_TIMEOUT_MS - 1000);
    w.answer({ type: 'hover', id: w.posted[0]!.id, result: null }); // the worker moves on to the check
    await vi.advanceTimersByTimeAsync(LANG_TIMEOUT_MS - 1000);
    expect(w.terminated).toBe(false);
    w.answer(checkAnswer(w.posted[1]!.id));
    expect((await check)?.stopped).toBeUndefined();
  });

  it('sends one check at a time: a newer check waits, replacing an older waiting one', async () => {
    const lang = new W.LangClient();
    const w = last('lang');
    const a = lang.check('a');
    const b = lang.check('b');
    const c = lang.check('c');
    expect(w.posted.map((m) => m.text)).toEqual(['a']);
    expect(await b).toBeUndefined(); // replaced by c before it was sent
    w.answer(checkAnswer(w.posted[0]!.id));
    expect((await a)?.stopped).toBeUndefined();
    await vi.advanceTimersByTimeAsync(0);
    expect(w.posted.map((m) => m.text)).toEqual(['a', 'c']);
    w.answer(checkAnswer(w.posted[1]!.id));
    expect((await c)?.id).toBe(w.posted[1]!.id);
    expect(w.terminated).toBe(false);
  });

  it('restarts the worker for a newer check when the check in flight runs past SUPERSEDED_CHECK_MS, without a notice', async () => {
    const stopped: string[] = [];
    const lang = new W.LangClient((why) => stopped.push(why));
    const first = last('lang');
    const a = lang.check('slow');
    await vi.advanceTimersByTimeAsync(SUPERSEDED_CHECK_MS / 2);
    const b = lang.check('newer');
    await vi.advanceTimersByTimeAsync(SUPERSEDED_CHECK_MS / 2 - 1);
    expect(first.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.terminated).toBe(true);
    expect((await a)?.stopped).toBe('superseded by a newer check');
    await vi.advanceTimersByTimeAsync(0);
    const second = last('lang');
    expect(second).not.toBe(first);
    expect(second.posted.map((m) => m.text)).toEqual(['newer']);
    second.answer(checkAnswer(second.posted[0]!.id));
    expect((await b)?.stopped).toBeUndefined();
    expect(stopped).toEqual([]);
  });

  it('does not restart for a newer check while the worker is on another request (sample data)', async () => {
    const lang = new W.LangClient();
    const w = last('lang');
    const sample = lang.ask<'sample'>({ type: 'sample', schema, seed: 1, partners: 1, events: 1 } as Omit<Extract<LangRequest, { type: 'sample' }>, 'id'>);
    const a = lang.check('a');
    const b = lang.check('b');
    await vi.advanceTimersByTimeAsync(SUPERSEDED_CHECK_MS * 5);
    expect(w.terminated).toBe(false);
    w.answer({ type: 'sample', id: w.posted[0]!.id, tables: {} });
    w.answer(checkAnswer(w.posted[1]!.id));
    expect((await sample).tables).toEqual({});
    expect((await a)?.stopped).toBeUndefined();
    await vi.advanceTimersByTimeAsync(0);
    expect(w.posted.map((m) => m.text ?? m.type)).toEqual(['sample', 'a', 'b']);
    void b;
  });
});

describe('the run worker', () => {
  const req = { text: 'program', files: {} };
  const answer = (id: number): RunResult => ({ type: 'run', id, problems: [], rejected: 0, records: 3, pots: [], tiers: [], periods: [], partners: [], totals: {}, ms: 1 });

  it('a newer run replaces one still running: the busy worker is terminated', () => {
    const results: RunResult[] = [];
    const runner = new W.Runner((r) => results.push(r), 30_000);
    runner.run(req);
    const first = last('run');
    runner.run(req);
    expect(first.terminated).toBe(true);
    const second = last('run');
    expect(second).not.toBe(first);
    second.answer(answer(second.posted[0]!.id));
    expect(results.map((r) => r.records)).toEqual([3]);
    // An idle worker is reused.
    runner.run(req);
    expect(last('run')).toBe(second);
  });

  it('stops a run that has not answered within its time limit, says why, and starts a new worker for the next run', async () => {
    const results: RunResult[] = [];
    const stopped: string[] = [];
    const runner = new W.Runner((r) => results.push(r), 3000, (why) => stopped.push(why));
    runner.run(req);
    const stuck = last('run');
    await vi.advanceTimersByTimeAsync(2999);
    expect(results).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(stuck.terminated).toBe(true);
    expect(results).toHaveLength(1);
    expect(results[0]!.blocked).toMatch(/^The evaluation did not finish within 3 s and was stopped\./);
    expect(stopped).toEqual([results[0]!.blocked]);
    runner.run(req);
    expect(last('run')).not.toBe(stuck);
  });

  it('a run that answers in time is not stopped, and cancel() drops the run in progress', async () => {
    const results: RunResult[] = [];
    const runner = new W.Runner((r) => results.push(r), 3000);
    runner.run(req);
    const w = last('run');
    w.answer(answer(w.posted[0]!.id));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(results.map((r) => r.blocked)).toEqual([undefined]);
    runner.run(req);
    runner.cancel();
    expect(w.terminated).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(results).toHaveLength(1);
  });
});
