/**
 * The playground's bounds: how large a program it checks and evaluates (the command line's limit,
 * from core/limits.ts), and how long it waits for a worker before stopping it. Pure (no DOM).
 */

import { MAX_PROGRAM_BYTES } from '../../core/limits.js';

/** The largest program checked and evaluated: 1 MiB of UTF-8 text (programs are a few kilobytes). */
export { MAX_PROGRAM_BYTES };

/** An evaluation that has not answered after this long is stopped (its worker terminated, a new one started). */
export const RUN_TIMEOUT_MS = 30_000;

/** A request to the language worker (check, completion, hover, definition, formatting) that has not answered after this long, once the worker has started on it: the worker is restarted. */
export const LANG_TIMEOUT_MS = 20_000;

/** Sample data for up to 100,000 partners and 1,000,000 events per kind takes longer. */
export const SAMPLE_TIMEOUT_MS = 120_000;

/** A check superseded by a newer one is given this long to finish before its worker is restarted for the newer one. */
export const SUPERSEDED_CHECK_MS = 1_000;

/** The size of a text in UTF-8, counting no further than `limit` + 1 when given. */
export function utf8Length(text: string, limit = Infinity): number {
  let n = 0;
  for (let i = 0; i < text.length && n <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** `7.6 MiB`, `1 MiB`, `800 KiB`, `12 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Number((n / (1024 * 1024)).toFixed(1))} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}

/** Why a program is not checked or evaluated (larger than MAX_PROGRAM_BYTES), or undefined. */
export function programTooLarge(text: string): string | undefined {
  // Cheap for the common case: a UTF-16 unit is at most 3 bytes of UTF-8 (4 for a pair of 2 units).
  if (text.length * 3 <= MAX_PROGRAM_BYTES) return undefined;
  if (text.length <= MAX_PROGRAM_BYTES && utf8Length(text, MAX_PROGRAM_BYTES) <= MAX_PROGRAM_BYTES) return undefined;
  const size = utf8Length(text);
  return `The program is ${formatBytes(size)} (${size.toLocaleString('en')} bytes): the playground checks and evaluates programs of at most ${formatBytes(MAX_PROGRAM_BYTES)} (the command line's limit too). Make it smaller to see its problems and results.`;
}

/** The message of an evaluation stopped after `ms`. */
export function runStoppedMessage(ms: number): string {
  return `The evaluation did not finish within ${ms / 1000} s and was stopped. Numbers that grow without bound (a value multiplied by itself again and again) or a very large data set can do that: change the program or the data to evaluate again.`;
}

/** The message of a language worker stopped after `ms`. */
export function checkStoppedMessage(ms: number): string {
  return `Checking the program did not finish within ${ms / 1000} s and was stopped; it is checked again at the next edit.`;
}

/** The message of a sample generation stopped after `ms`. */
export function sampleStoppedMessage(ms: number): string {
  return `Generating sample data did not finish within ${ms / 1000} s and was stopped; try fewer partners or events.`;
}

/**
 * The evaluation's time limit from the page's address: `?timeout=SECONDS` (1 to 600) for a slow
 * machine or a test; RUN_TIMEOUT_MS otherwise.
 */
export function runTimeoutFrom(search: string): number {
  const v = Number(new URLSearchParams(search).get('timeout'));
  return Number.isFinite(v) && v >= 1 && v <= 600 ? Math.round(v * 1000) : RUN_TIMEOUT_MS;
}
