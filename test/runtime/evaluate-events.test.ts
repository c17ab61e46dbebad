/**
 * §12.2 case by case: event-level lets (shared by an award and its clawback), `once per partner
 * and FIELD`, running totals. Small programs over inline CSV; every expected number is worked out by
 * hand in the comment beside it.
 */
import { describe, expect, it } from 'vitest';
import { award, header, paid, partner, period, runProgram, value, why } from '../helpers/run.js';

describe('event-level lets (§12.2)', () => {
  const src = `${header({ period: 'month', currency: 'USD' })}
event activation {
  model: one of "P9", "P9 Pro"
  line: one of "new", "upgrade"
}
event refund {
  activation: ref activation
}
let reward = lookup activation.model { "P9 Pro": 20 USD, "P9": 12.50 USD } + (if activation.line = "new" then 5 USD else 0 USD)
measure rewarded = sum activation.reward
payout cards as cash
rule "Activation" {
  for each activation where reward > 15 USD
  award reward to cards
}
rule "Refund" {
  for each refund
  award -activation.reward to cards
}
`;
  const r = runProgram(src, {
    'activation.csv': `id,partner,date,model,line
      A1,R1,2026-01-05,P9 Pro,new
      A2,R1,2026-01-06,P9,upgrade
      A3,R1,2026-01-07,P9,new`,
    'refund.csv': `id,partner,date,activation
      F1,R1,2026-02-03,A1
      F2,R1,2026-02-04,A2`,
  });

  it('a let of an event is computed on each event, in a rule, a measure and through a `ref`', () => {
    // A1 20 + 5 = 25, A2 12.50, A3 12.50 + 5 = 17.50; the rule keeps those above 15: 25 + 17.50 = 42.50
    expect(award(r, '2026-01', 'R1', 'Activation')).toBe('42.5');
    expect(value(r, '2026-01', 'R1', 'rewarded')).toBe('55'); // 25 + 12.50 + 17.50
    // February: F1 claws back A1's 25, F2 A2's 12.50 (which was never awarded: the refund rule has no condition)
    expect(award(r, '2026-02', 'R1', 'Refund')).toBe('-37.5');
    expect(paid(r, '2026-02', 'R1', 'cards')).toBe('0'); // a debt of 37.50 is carried
  });

  it('reads like a field in traces', () => {
    const p = partner(period(r, '2026-02'), 'R1');
    expect(p.awards.find((a) => a.rule === 'Refund')!.trace).toBe(
      'Refund: 2 refund events: F1 (2026-02-03) → -25.00 USD; F2 (2026-02-04) → -12.50 USD → first: activation.reward 25.00 USD → -37.50 USD',
    );
  });
});

describe('once per partner and FIELD (§12.2)', () => {
  const src = `${header({ period: 'month' })}
event module {
  code: one of "basics", "camera", "pro"
}
payout points as points
rule "Module" {
  for each module
  award lookup code { "basics": 100, "camera": 150, "pro": 250 } to points
  once per partner and code
}
rule "Module of the month" {
  for each module
  award 1 to points
  once per partner and code per period
}
`;
  const r = runProgram(src, {
    'module.csv': `id,partner,date,code
      M1,R1,2026-01-03,basics
      M2,R1,2026-01-05,basics
      M3,R1,2026-01-09,camera
      M4,R1,2026-02-04,basics
      M5,R1,2026-02-04,pro
      M6,R1,2026-03-01,camera
      M7,R2,2026-03-02,basics`,
  });

  it('each value of the field once per partner, over the run; per period, once per period', () => {
    expect(award(r, '2026-01', 'R1', 'Module')).toBe('250'); // basics (M1; M2 repeats it) 100 + camera 150
    expect(award(r, '2026-02', 'R1', 'Module')).toBe('250'); // pro; basics was awarded in January
    expect(award(r, '2026-03', 'R2', 'Module')).toBe('100'); // another partner: its own basics
    expect(award(r, '2026-01', 'R1', 'Module of the month')).toBe('2'); // basics, camera
    expect(award(r, '2026-02', 'R1', 'Module of the month')).toBe('2'); // basics again (a new month), pro
  });

  it('says why nothing was awarded', () => {
    expect(why(r, '2026-03', 'R1', 'Module')).toBe('once per partner and code: every code of its module events in 2026-03 was awarded before (camera in 2026-01)');
  });
});

describe('running totals (§12.2)', () => {
  const src = `${header({ period: 'month', start: '2026-01-01', end: '2026-12-31', currency: 'USD' })}
event purchase {
  category: one of "makeup", "giftcard"
  amount: money
}
payout points as points
rule "From the next purchase after 100 USD" {
  for each purchase where running sum amount where category != "giftcard" >= 100 USD
  award floor(amount / 1 USD) to points
}
rule "Tenth purchase of the year" {
  for each purchase where running count over year to date = 9
  award 1000 to points
}
let status_now = bands running sum purchase.amount over last 2 months {
  below 100 USD: 1
  from 100 USD: 2
}
rule "Status at the purchase" {
  for each purchase
  award status_now to points
}
`;
  const files = {
    'purchase.csv': `id,partner,date,category,amount
      Z0,M1,2025-12-30,makeup,500
      P1,M1,2026-01-02,makeup,60
      P2,M1,2026-01-03,giftcard,70
      P4,M1,2026-01-04,makeup,30
      P3,M1,2026-01-04,makeup,20
      P5,M1,2026-01-05,makeup,5
      P6,M1,2026-02-01,makeup,120
      P7,M1,2026-02-02,makeup,1
      P8,M1,2026-03-05,makeup,1
      P9,M1,2026-03-06,makeup,1
      PA,M1,2026-03-07,makeup,1
      PB,M1,2026-03-08,makeup,1`,
  };
  const r = runProgram(src, files);

  it('the total of the events before this one, in (date, id) order, in the window of its period', () => {
    // January, before each (gift cards excluded): P1 0, P2 60, P3 60 (P3 < P4 on one date), P4 80, P5 110.
    // So P5 (5) earns: 5 points. P4 (before: 60 + 20 = 80) earns nothing.
    expect(award(r, '2026-01', 'M1', 'From the next purchase after 100 USD')).toBe('5');
    // February starts again: P6 before 0, P7 before 120 → P7 earns 1.
    expect(award(r, '2026-02', 'M1', 'From the next purchase after 100 USD')).toBe('1');
  });

  it('a count over the year to date: the tenth purchase of 2026 (nine before it)', () => {
    // 2026 in order: P1 P2 P3 P4 P5 P6 P7 P8 P9 PA PB: PA is the tenth (Z0 is 2025)
    expect(award(r, '2026-03', 'M1', 'Tenth purchase of the year')).toBe('1000');
    expect(award(r, '2026-01', 'M1', 'Tenth purchase of the year')).toBe('none');
  });

  it('a window that reaches before the start, in a let: the status at each purchase', () => {
    // last 2 months of January: December and January; Z0 (2025-12-30, 500) counts, so every January purchase is at 2.
    // January: 5 purchases × 2 = 10. February (window January–February): P6 before = 285 → 2, P7 → 2: 4.
    // March (February–March): P8 before 121 → 2, and so on: 4 × 2 = 8.
    expect(award(r, '2026-01', 'M1', 'Status at the purchase')).toBe('10');
    expect(award(r, '2026-02', 'M1', 'Status at the purchase')).toBe('4');
    expect(award(r, '2026-03', 'M1', 'Status at the purchase')).toBe('8');
  });

  it('does not depend on the order of the records', () => {
    const lines = files['purchase.csv'].split('\n');
    const reversed = { 'purchase.csv': [lines[0]!, ...lines.slice(1).reverse()].join('\n') };
    const again = runProgram(src, reversed);
    for (const p of ['2026-01', '2026-02', '2026-03']) expect(partner(period(again, p), 'M1').awards).toEqual(partner(period(r, p), 'M1').awards);
  });

  it('explains a condition that did not hold with the running total', () => {
    const p = partner(period(r, '2026-03'), 'M1');
    expect(p.awards.find((a) => a.rule === 'From the next purchase after 100 USD')).toBeUndefined();
    expect(why(r, '2026-03', 'M1', 'From the next purchase after 100 USD')).toBe(
      '4 purchase events in 2026-03, none where running sum amount where category != "giftcard" >= 100 USD; e.g. P8: running sum amount where category != "giftcard" 0.00 USD < 100 USD',
    );
  });
});
