/** The playground's bounds (playground/src/limits.ts): program size in UTF-8, the notice's wording, the time limit from the address. */
import { describe, expect, it } from 'vitest';
import { formatBytes, MAX_PROGRAM_BYTES, programTooLarge, RUN_TIMEOUT_MS, runTimeoutFrom, utf8Length } from '../../playground/src/limits.js';

describe('program size limit', () => {
  it('is 1 MiB', () => {
    expect(MAX_PROGRAM_BYTES).toBe(1_048_576);
  });

  it.each(['', 'abc', 'é', '€', '😀', 'a😀b€é', '\ud800 lone surrogate', 'x'.repeat(1000)])('measures %j in UTF-8 like Node', (text) => {
    expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });

  it('accepts a program of exactly 1 MiB and refuses one byte more, counting bytes, not characters', () => {
    expect(programTooLarge('a'.repeat(MAX_PROGRAM_BYTES))).toBeUndefined();
    expect(programTooLarge('a'.repeat(MAX_PROGRAM_BYTES + 1))).toMatch(/^The program is 1 MiB \(1,048,577 bytes\): the playground checks and evaluates programs of at most 1 MiB/);
    // 349,526 × '€' (3 bytes each) = 1,048,578 bytes in fewer than a million characters.
    expect(programTooLarge('€'.repeat(349_526))).toContain('(1,048,578 bytes)');
    expect(programTooLarge('€'.repeat(349_525))).toBeUndefined();
  });

  it('says how large the program is', () => {
    expect(programTooLarge('x'.repeat(8_000_000))).toBe(
      "The program is 7.6 MiB (8,000,000 bytes): the playground checks and evaluates programs of at most 1 MiB (the command line's limit too). Make it smaller to see its problems and results.",
    );
    expect([formatBytes(12), formatBytes(2048), formatBytes(1024 * 1024), formatBytes(1.5 * 1024 * 1024)]).toEqual(['12 bytes', '2 KiB', '1 MiB', '1.5 MiB']);
  });
});

describe('the evaluation time limit from the address', () => {
  it.each([
    ['', RUN_TIMEOUT_MS],
    ['?timeout=3', 3000],
    ['?timeout=2.5', 2500],
    ['?timeout=600', 600_000],
    ['?timeout=0', RUN_TIMEOUT_MS],
    ['?timeout=601', RUN_TIMEOUT_MS],
    ['?timeout=abc', RUN_TIMEOUT_MS],
    ['?other=1', RUN_TIMEOUT_MS],
  ])('%j → %i ms', (search, ms) => {
    expect(runTimeoutFrom(search)).toBe(ms);
  });
});
