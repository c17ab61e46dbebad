/**
 * Fuzz target for the playground's share links (issue 14): a link is untrusted input. Whatever the
 * hash — any text, any base64url, any deflated JSON, bombs included — decoding either gives a
 * session of plain strings or fails with a readable message; and any session round-trips.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSession, deflate, encodeSession, toBase64Url } from '../../playground/src/share.js';
import { runs, SEED, TIMEOUT } from './budget.js';

async function decodesOrSays(hash: string): Promise<void> {
  try {
    const s = await decodeSession(hash);
    expect(typeof s.program).toBe('string');
    for (const [k, v] of Object.entries(s.data ?? {})) {
      expect(k).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(typeof v).toBe('string');
    }
    expect(typeof s.dataLeftOut).toBe('boolean');
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/^(this link is not an Incent playground link|the link is damaged \()/);
  }
}

const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4 });
const session = fc.record({ p: fc.oneof(fc.string(), json), d: fc.oneof(fc.constant(undefined), fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string(), json), { maxKeys: 4 }), json), x: fc.oneof(fc.constant(undefined), json) });

describe('share links, fuzzed', () => {
  it(
    'any text after #: a session of strings or a readable error',
    async () => {
      await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.string().map((s) => `#v1.${s}`), fc.uint8Array({ maxLength: 200 }).map((b) => `#v1.${toBase64Url(b)}`)), decodesOrSays), { numRuns: runs(300), seed: SEED });
    },
    TIMEOUT,
  );

  it(
    'any deflated JSON: a session of strings or a readable error (a `__proto__` key is just a key)',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(session.map((s) => JSON.stringify(s)), json.map((v) => JSON.stringify(v)), fc.constant('{"p":"x","d":{"__proto__":"y"}}')), async (text) => decodesOrSays(`#v1.${await deflate(text)}`)),
        { numRuns: runs(200), seed: SEED },
      );
    },
    TIMEOUT,
  );

  it(
    'any session round-trips (without its data when the link would be too long)',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 2000 }), fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.string({ maxLength: 3000 }), { maxKeys: 3 }), async (program, data) => {
          const { hash, dataLeftOut } = await encodeSession({ program, data });
          const back = await decodeSession(hash);
          expect(back.program).toBe(program);
          expect(back.dataLeftOut).toBe(dataLeftOut);
          if (!dataLeftOut && Object.keys(data).length > 0) expect({ ...back.data }).toEqual(data);
        }),
        { numRuns: runs(60), seed: SEED },
      );
    },
    TIMEOUT,
  );
});
