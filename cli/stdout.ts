/**
 * Standard output written before `write` returns, whatever it is: a file, a terminal or a pipe.
 *
 * `process.stdout` writes to a pipe from the event loop, later, and keeps what waits. A run writes
 * its statements without returning to the event loop, so through a pipe (`incent run … | gzip`)
 * every statement waited in memory until the end: 570 MB more for 600,000 partners. Here a pipe
 * whose reader is behind makes the run wait for it, a millisecond at a time; a reader that has
 * gone (`… | head`) ends the command quietly, as Unix tools do.
 */
import { writeSync } from 'node:fs';
import { quietOnClosedPipe } from './usage.js';

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `b` to file descriptor `fd` (1: standard output). */
export function writeAll(b: Uint8Array, fd = 1): void {
  for (let at = 0; at < b.length; ) {
    try {
      at += writeSync(fd, b, at, b.length - at);
    } catch (e) {
      // a full pipe, open without blocking: wait for its reader; a closed one ends the command quietly
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') Atomics.wait(PAUSE, 0, 0, 1);
      else quietOnClosedPipe(e as NodeJS.ErrnoException);
    }
  }
}

const UTF8 = new TextEncoder();

/** `s` written to standard output as UTF-8. */
export function writeText(s: string): void {
  writeAll(UTF8.encode(s));
}
