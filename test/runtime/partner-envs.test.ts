import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PartnerEnvs } from '../../runtime/partner-envs.js';
import type { PartnerEnv } from '../../runtime/compile-ir.js';

const env = (id: string): PartnerEnv => ({ id, attrs: {}, vals: {} });
const byCodeUnits = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

describe('a period\'s partner environments, found by id', () => {
  it('finds what a map finds, by binary search and then by the map it makes, for any ids (sorted or not)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 6 }), { maxLength: 300 }), fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { maxLength: 40 }), fc.boolean(), (ids, others, sorted) => {
        const list = (sorted ? [...ids].sort(byCodeUnits) : ids).map(env);
        const envs = new PartnerEnvs(list);
        const map = new Map(list.map((e) => [e.id, e]));
        expect(envs.list).toBe(list);
        // more lookups than the searches allowed before the map is made (1,024 for these sizes)
        for (let round = 0; round < 3; round++) {
          for (const id of [...ids, ...others]) expect(envs.get(id)).toBe(map.get(id));
          for (let i = 0; i < list.length; i++) expect(envs.at(i, list[i]!.id)).toBe(list[i]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('looks past a position that holds another partner', () => {
    const list = ['P1', 'P10', 'P2', 'Q1', 'p1', 'é'].sort(byCodeUnits).map(env);
    const envs = new PartnerEnvs(list);
    expect(envs.at(0, 'P2')).toBe(list.find((e) => e.id === 'P2'));
    expect(envs.at(99, 'Q1')).toBe(list.find((e) => e.id === 'Q1'));
    expect(envs.at(1, 'P3')).toBeUndefined();
    expect(new PartnerEnvs([]).get('P1')).toBeUndefined();
  });
});
