/**
 * The bundled command's script, which a second thread of a run runs (`threads.ts`): set by the
 * command when it starts, kept in this small module so that starting a command does not load the
 * evaluator (`threads.ts` does).
 */
let entry: string | undefined;

/** The argument a run's second thread is started with (so that the command's start need not load `node:worker_threads` to tell). */
export const TAIL_THREAD = '--incent-tail-thread';

export function setThreadEntry(file: string): void {
  entry = file;
}

/** The script a thread runs, or undefined (run from the sources: one thread). */
export function threadEntry(): string | undefined {
  return entry;
}
