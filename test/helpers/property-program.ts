/**
 * The program the evaluator's property and time-zone tests run: every kind of pot, cap, budget and
 * rule; a column read under another header and a field with a default (§12.1); dates moved by days
 * and months, days between two dates, and the period's bounds (§12.4); §12.2, §12.3, §12.5 (an
 * event-level let read through a `ref`, running totals, keyed once, interpolation, previous values,
 * values at a date, a tier that falls at most one level, a budget served first come first served);
 * and §13 (points that expire, a hold whose clawbacks come through a `ref`, a recoverable draw, a
 * seeded draw).
 */
import { header } from './run.js';

export const PROGRAM = `${header()}
partner { kind: one of "distributor", "reseller" }
event sale { category: one of "hardware", "software"  amount: money from "Amount (€)"  shipped: date default 2026-06-30 }
event refund { amount: money }
event return { sale: ref sale }
measure revenue = sum sale.amount
measure hw = sum sale.amount where sale.category = "hardware" over last 2 quarters
tier status by revenue {
  Member
  Silver from 1_000 EUR
  Gold from 5_000 EUR
  down at most 1 level per period
}
let commission = sale.amount * lookup sale.category { "hardware": 2%, "software": 1% }
let curve = interpolate revenue { 1_000 EUR: 1%, 5_000 EUR: 3% }
let growth = revenue - previous revenue
let rate = bands hw {
  below 500 EUR: 1%
  from 500 EUR: 2.5%
  from 2_000 EUR: 4%
}
payout cash as cash {
  cap 400 EUR per partner
  budget 1_000 EUR
  minimum 20 EUR
  draw 25 EUR per period recoverable for 2 periods from 2026-04-01 where partner.kind = "reseller"
}
payout plain as cash {
  cap 150 EUR per partner
  budget 300 EUR
}
payout gift as giftcard {
  denominations 20 EUR, 50 EUR
  cap 300 EUR per partner per year
}
payout pts as points {
  budget 700
  expire after 2 periods
}
payout trip as item { value 1_000 EUR }
payout first as cash {
  cap 120 EUR per partner
  budget 200 EUR first come first served
  hold 40 days
}
rule "Sale" {
  for each sale
  award amount * 3% to cash
  award amount * rate to plain
}
rule "Refund" {
  for each refund
  award -(amount * 3%) to cash
}
rule "Distributor" {
  for each partner where partner.kind = "distributor" and revenue > 0 EUR
  award revenue * 1.5% to gift
}
rule "Points" {
  for each sale where category = "hardware"
  award floor(amount / 1 EUR) to pts
  cap 300 per event
}
rule "After 500 EUR this year" {
  for each sale where running sum amount over year to date >= 500 EUR
  award commission to first
}
rule "Return" {
  for each return
  award -sale.commission * (1 + curve at sale.date) to first
}
rule "Each category once" {
  for each sale
  award 5 to pts
  once per partner and category
}
rule "Growth" {
  for each partner where growth > 0 EUR and previous status >= Silver
  award growth * 1% to first
}
rule "Quick delivery" {
  for each sale where days between date and shipped <= 30 and date + 1 month >= period.start + 1 month
  award 5 to pts
}
rule "Late in the period" {
  for each sale where shipped > period.end - 10 days
  award 1 to pts
}
rule "Lucky" {
  for random 1 partners weighted by floor(revenue / 1_000 EUR) seed "Property" where revenue > 0 EUR
  award 10 to pts
}
rule "Top" {
  for top 2 partners by revenue where revenue > 0 EUR
  award 1 to trip
  award 50 to pts
}
`;
