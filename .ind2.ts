import { indented } from './runtime/statement-stream.js';
const p = { id: 'P000123', tiers: { status: 'Gold' }, pots: { points: { earned: '123456', paid: '123456', carried: '0', carried_in: '0', adjustments: [], approval: false }, cash: { earned: '20500.00', paid: '20000.00', carried: '0.00', carried_in: '0.00', adjustments: [{ kind: 'cap', amount: '-500.00', note: 'pot cap 20,000.00 EUR per partner per period' }], approval: false } }, awards: [{ rule: 'Points', pot: 'points', amount: '123456', trace: 'Points: base_points 82,304 × multiplier 1.5 → 123,456 points' }, { rule: 'Rebate', pot: 'cash', amount: '20500.00', trace: 'Rebate: hardware 512,500.00 EUR reaches band "from 500,000 EUR" → 4% → 20,500.00 EUR' }] };
for (let r = 0; r < 5; r++) {
  let t = performance.now(); let n = 0;
  for (let i = 0; i < 200000; i++) n += indented(p, '    ').length;
  const a = performance.now() - t; t = performance.now();
  for (let i = 0; i < 200000; i++) n += JSON.stringify(p, null, 2).replace(/\n/g, '\n    ').length;
  const b = performance.now() - t;
  console.log('indented', a.toFixed(0), 'stringify+replace', b.toFixed(0));
}
