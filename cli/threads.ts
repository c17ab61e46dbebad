/**
 * The second thread of `incent run`: it reads the tail of a large event file (96 MiB or more,
 * `SPLIT_MIN_BYTES`) in pass 1 while the main thread reads the head (`runtime/data/tail.ts` says
 * how the two are put together, exactly). `--threads 1` keeps one thread. Below that size the
 * second thread costs about what it saves on two cores: it compiles and warms up the same code
 * (`runtime/DATA.md`).
 *
 * The thread runs the bundled command itself (dist/incent.mjs, which loads dist/commands.cjs with
 * its code cache and, in a worker, calls `runTail`): it opens the data folder, builds the program's
 * column kernel, reads the tail and posts its part. The main thread, which reads synchronously,
 * waits for it on a shared flag and takes the message from the port without returning to the
 * event loop (`receiveMessageOnPort`).
 *
 * Only the bundled command has a script a thread can run: from the sources (tests, `tsx`) every
 * file is read by one thread. `INCENT_THREADS=report` says on stderr what the second thread did.
 * For tests: `INCENT_SPLIT_BYTES` sets from how many bytes a file is split (default 96 MiB), and
 * `INCENT_TAIL_FAIL` makes the second thread fail (its tail is then read by the first).
 */
import { availableParallelism } from 'node:os';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { Artifact } from '../runtime/artifact.js';
import { Evaluator } from '../runtime/evaluate.js';
import { openDataFolder } from '../runtime/data/node-stream.js';
import type { TailJob, TailPart, TailReader } from '../runtime/data/tail.js';
import { TAIL_THREAD, threadEntry } from './thread-entry.js';

/** What the main thread gives the tail's thread. */
export interface TailWork {
  job: TailJob;
  artifact: Artifact;
  dir: string;
  /** Set to 1 once the part (or the error) is posted on `port`. */
  flag: Int32Array;
  port: MessagePort;
}

type TailMessage = { part: TailPart } | { error: string };

function report(line: string): void {
  if (process.env['INCENT_THREADS'] === 'report') process.stderr.write(`incent: ${line}\n`);
}

/** `node:worker_threads`, loaded when a second thread is started: loading it cost every run's start ~2–5 ms, and most files are read by one. */
const workerThreads = (): typeof import('node:worker_threads') => process.getBuiltinModule('node:worker_threads');

/** Options of a run's data folder (`--threads 2`, the default): a second thread for large files, when there is a core for it and a script to run. */
export function threadOptions(a: Artifact, dir: string): { tail?: TailReader; tailMinBytes?: number } {
  const entry = threadEntry();
  if (entry === undefined) return {};
  if (availableParallelism() < 2) {
    report('one thread: this machine has one core');
    return {};
  }
  const min = process.env['INCENT_SPLIT_BYTES'];
  return { tail: tailReader(entry, a, dir), ...(min !== undefined && /^\d+$/.test(min) ? { tailMinBytes: Number(min) } : {}) };
}

/** Starts a thread per tail; its part is waited for at most a few times as long as the head took (then the head's thread reads the tail). */
function tailReader(script: string, artifact: Artifact, dir: string): TailReader {
  return (job) => {
    const { MessageChannel, receiveMessageOnPort, Worker } = workerThreads();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    let worker: Worker;
    try {
      const work: TailWork = { job, artifact, dir, flag, port: port2 };
      worker = new Worker(script, { argv: [TAIL_THREAD], workerData: { incentTail: work }, transferList: [port2], stdout: true, stderr: true });
    } catch (e) {
      report(`one thread: a second could not be started (${(e as Error).message})`);
      return undefined;
    }
    worker.on('error', () => {}); // its failure is its message, or its silence
    worker.unref();
    const started = performance.now();
    const stop = (): void => {
      port1.close();
      void worker.terminate();
    };
    return {
      take() {
        const head = performance.now() - started;
        const waited = Atomics.wait(flag, 0, 0, Math.max(5000, 4 * head));
        const m = receiveMessageOnPort(port1)?.message as TailMessage | undefined;
        stop();
        if (waited === 'timed-out' || m === undefined) {
          report(`${job.kind}: the second thread gave no part ${waited === 'timed-out' ? 'in time' : '(it ended without one)'}; its tail is read by the first`);
          return undefined;
        }
        if ('error' in m) {
          report(`${job.kind}: the second thread failed (${m.error}); its tail is read by the first`);
          return undefined;
        }
        report(`${job.kind}: bytes ${job.from}–${m.part.stop} read by a second thread (${m.part.records} records, ${m.part.backCount} given back as rows; head ${Math.round(head)} ms, waited ${Math.round(performance.now() - started - head)} ms, at ${Math.round(performance.now())} ms)`);
        return m.part;
      },
      cancel() {
        report(`${job.kind}: the tail from byte ${job.from} does not start a record as read; read by the first thread`);
        stop();
      },
    };
  };
}

/** Reads a tail (what the second thread does; tests call it in their own thread). */
export function tailPart(job: TailJob, artifact: Artifact, dir: string): TailPart {
  const data = openDataFolder(dir, artifact);
  const ev = new Evaluator(artifact);
  return data.readTail(job, (back) => ev.tailKernel(job.kind, data.partners, back));
}

/** In the tail's thread: reads it and posts the part (or the error), then sets the flag. */
export function runTail(work: TailWork): void {
  let message: TailMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    if (process.env['INCENT_TAIL_FAIL']) throw new Error('INCENT_TAIL_FAIL is set (tests)');
    const part = tailPart(work.job, work.artifact, work.dir);
    message = { part };
    const k = part.kernel;
    transfer = [part.h1.buffer, part.h2.buffer, part.back.buffer, part.backEnds.buffer, k.sums.buffer, k.counts.buffer, k.seen.buffer, k.ids.bytes.buffer, k.ids.at.buffer, k.ids.len.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
    transfer = [...new Set(transfer)];
  } catch (e) {
    message = { error: e instanceof Error ? e.message : String(e) };
  }
  work.port.postMessage(message, transfer);
  Atomics.store(work.flag, 0, 1);
  Atomics.notify(work.flag, 0);
  // The message is in the main thread's port already: this thread ends, and its heap goes with it
  // (the main thread, busy finishing, would only end it when the run ends).
  process.exit(0);
}
