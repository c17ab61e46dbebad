/** One case per diagnostic the checker gives: the code, the exact text under its span, and the message. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BASE, HEADER, checkSource, spanText, summary } from './helpers.js';

interface Case {
  /** What the case shows. */
  title: string;
  code: string;
  /** The program: appended to BASE unless it starts with `program` (a whole file) or `!` (a file without header). */
  source: string;
  /** The exact source text under the diagnostic's span. */
  span: string;
  message: string;
}

const c = (title: string, code: string, source: string, span: string, message: string): Case => ({ title, code, source, span, message });

const names: Case[] = [
  c('an unknown name', 'E0201', 'let x = revenu * 2', 'revenu', '`revenu` is not defined'),
  c('a name declared twice', 'E0202', 'let revenue = 1', 'revenue', '`revenue` is already declared (as a measure)'),
  c('a field declared twice', 'E0203', 'event ret { amount: money  amount: money }', 'amount', 'event `ret` declares the field `amount` twice'),
  c('an enumeration value listed twice', 'E0203', 'event ret { reason: one of "damaged", "damaged" }', '"damaged"', '`damaged` is listed twice in `reason`'),
  c('an unknown partner field', 'E0204', 'let k = partner.kinds', 'kinds', 'partners have no field `kinds`'),
  c('an unknown event kind', 'E0205', 'rule "R" {\n  for each sales\n  award 1 to points\n}', 'sales', '`sales` is not an event kind'),
  c('an unknown event field', 'E0206', 'measure m = sum sale.amout', 'amout', 'event `sale` has no field `amout`'),
  c('an event field in a let', 'E0207', 'let y = sale.amount', 'sale.amount', '`sale.amount` is an event field, but no event is in scope in `let y`'),
  c(
    'an event field in a rule for each partner',
    'E0207',
    'rule "R" {\n  for each partner\n  award amount to cash\n}',
    'amount',
    '`amount` is a field of event `sale`, but no event is in scope in rule "R"',
  ),
  c(
    'a field of another event kind',
    'E0208',
    'rule "R" {\n  for each sale where training.course = "x"\n  award 1 to points\n}',
    'training.course',
    '`training.course` is a field of `training`, but this rule runs for each `sale`',
  ),
  c('an unknown pot', 'E0209', 'rule "R" {\n  for each sale\n  award 1 to pionts\n}', 'pionts', 'there is no payout `pionts`'),
  c('a cycle', 'E0210', 'let a = b + 1\nlet b = a + 1', 'a', '`a` depends on itself: `a` → `b` → `a`'),
  c('an unqualified field of two event kinds', 'E0211', 'event ret { amount: money }\nmeasure m = sum amount', 'amount', '`amount` is a field of several event kinds: `sale` and `ret`'),
  c(
    'a measure over two event kinds',
    'E0212',
    'measure m = sum sale.amount where training.course = "x"',
    'training.course',
    'measure `m` mixes two event kinds: `sale` and `training`',
  ),
  c('a pot used as a value', 'E0213', 'let z = cash * 2', 'cash', '`cash` is a pot, not a value'),
  c('a field of a measure', 'E0214', 'let z = revenue.amount', 'revenue', '`revenue` is a measure, it has no fields'),
  c('a field of an unknown object', 'E0214', 'let z = sael.amount', 'sael', '`sael` is neither `partner` nor an event kind'),
  c('an unknown tier level in a lookup', 'E0215', 'let m = lookup status { Member: 1, Silvr: 2, Gold: 3 }', 'Silvr', '`Silvr` is not a level of tier `status`'),
  c('a level of two tiers', 'E0216', 'tier medal by revenue {\n  Bronze\n  Gold from 5 EUR\n}\nlet g = Gold', 'Gold', '`Gold` is a level of more than one tier: `status` and `medal`'),
  c('two rules with one name', 'E0217', 'rule "R" {\n  for each sale\n  award 1 to points\n}\nrule "R" {\n  for each sale\n  award 2 to points\n}', '"R"', 'there are two rules named "R"'),
  c(
    'two tests with one name',
    'E0218',
    'test "T" {\n  period 2026-Q1\n}\ntest "T" {\n  period 2026-Q2\n}',
    '"T"',
    'there are two tests named "T"',
  ),
  c('two tier levels with one name', 'E0219', 'tier t by revenue {\n  A\n  B from 1 EUR\n  B from 2 EUR\n}', 'B', 'tier `t` has two levels named `B`'),
  c('a lookup key given twice', 'E0220', 'let m = lookup status { Member: 1, Silver: 2, Gold: 3, Gold: 4 }', 'Gold', '`Gold` is given twice in this `lookup`'),
  c('an unknown type', 'E0221', 'event ret { amount: mony }', 'mony', '`mony` is not a type'),
  c('an implicit field declared', 'E0222', 'event ret { date: date }', 'date', '`date` is an implicit field of every event'),
  c('the partner id declared', 'E0222', '!program "T" {\n  currency EUR\n  period year\n  start 2026-01-01\n}\npartner { id: text }', 'id', '`id` is an implicit field of every partner'),
  c(
    'a tier threshold that varies',
    'E0223',
    'tier t by revenue {\n  A\n  B from partner.target\n}',
    'partner.target',
    'a threshold of tier `t` must be a constant, but `partner.target` is different for every partner',
  ),
  c('a pot cap that varies', 'E0223', 'payout x as cash { cap revenue per partner }', 'revenue', 'the cap of pot `x` must be a constant, but `revenue` is different for every partner'),
  c('a measure with no event field', 'E0224', 'measure m = sum 5', '5', 'measure `m` uses no event field, so it has no events to aggregate'),
];

const units: Case[] = [
  c('money + number', 'E0301', 'let a = revenue + 5', 'revenue + 5', 'cannot add money (EUR) and a number — write `5 EUR`'),
  c('number - money', 'E0301', 'let a = 5 - revenue', '5 - revenue', 'cannot subtract money (EUR) from a number — write `5 EUR`'),
  c('money × money', 'E0301', 'let a = revenue * revenue', 'revenue * revenue', 'cannot multiply money (EUR) by money'),
  c('number ÷ money', 'E0301', 'let a = 2 / revenue', '2 / revenue', 'cannot divide a number by money (EUR)'),
  c('arithmetic on an enumeration', 'E0302', 'let a = partner.kind + 1', 'partner.kind', '`+` needs numbers or money, but this is a `kind` (one of "distributor", "reseller")'),
  c('negating text', 'E0302', 'measure m = sum -sale.sku', 'sale.sku', '`-` needs a number or money, but this is text'),
  c('comparing money with a number', 'E0303', 'let a = revenue > 5', 'revenue > 5', 'cannot compare money (EUR) with a number'),
  c(
    'comparing levels of two tiers',
    'E0303',
    'tier medal by revenue {\n  Bronze\n  Iron from 5 EUR\n}\nlet a = status = medal',
    'status = medal',
    'cannot compare a level of tier `status` with a level of tier `medal`',
  ),
  c('a range of another unit', 'E0303', 'let a = revenue in 1..5', '1', 'cannot compare money (EUR) with a number'),
  c(
    'an enumeration value that does not exist',
    'E0304',
    'rule "R" {\n  for each sale where category = "hardwre"\n  award 1 to points\n}',
    '"hardwre"',
    '`hardwre` is not a `category`: hardware, software, services',
  ),
  c('a set member that does not exist', 'E0304', 'let d = partner.kind in ["reseler"]', '"reseler"', '`reseler` is not a `kind`: distributor, reseller'),
  c('a where that is not a condition', 'E0305', 'rule "R" {\n  for each sale where amount\n  award 1 to points\n}', 'amount', '`where` needs a condition, but this is money (EUR)'),
  c('and on numbers', 'E0305', 'let a = 1 and true', '1', '`and` needs a condition, but this is a number'),
  c('if branches of two units', 'E0306', 'let a = if revenue > 5 EUR then 1 else 2 EUR', '2 EUR', 'the branches of `if` differ: `then` gives a number, `else` gives money (EUR)'),
  c('floor of money', 'E0307', 'let a = floor(revenue)', 'revenue', '`floor` needs a number, but this is money (EUR)'),
  c('round of a date', 'E0307', 'let a = round(2026-01-01)', '2026-01-01', '`round` needs a number or money, but this is a date'),
  c('max of two units', 'E0307', 'let a = max(revenue, 5)', '5', '`max` needs values of one type, but this is a number and the first is money (EUR)'),
  c('abs of two values', 'E0308', 'let a = abs(1, 2)', 'abs(1, 2)', '`abs` takes one value, but 2 are given'),
  c('money in another currency', 'E0309', 'let a = 5 USD', '5 USD', '`5 USD` is in USD, but the program\'s currency is EUR'),
  c('a date that does not exist', 'E0310', 'rule "R" {\n  for each sale where date = 2026-02-30\n  award 1 to points\n}', '2026-02-30', '`2026-02-30` is not a date that exists'),
  c('ordering text', 'E0311', 'let a = partner.kind < "reseller"', 'partner.kind', '`<` needs values that have an order, but this is a `kind` (one of "distributor", "reseller")'),
  c('ranking by text', 'E0311', 'rule "R" {\n  for top 3 partners by partner.kind\n  award 1 to trip\n}', 'partner.kind', 'partners cannot be ranked by a `kind` (one of "distributor", "reseller"): it has no order'),
  c('a lookup keyed by money', 'E0315', 'let a = lookup revenue { Gold: 1 }', 'revenue', '`lookup` needs a tier or an enumeration as its key, but this is money (EUR)'),
  c('lookup values of two units', 'E0316', 'let a = lookup status { Member: 1, Silver: 2 EUR, Gold: 3 }', '2 EUR', 'the values of this `lookup` differ: this is money (EUR), the first is a number'),
  c('band values of two units', 'E0316', 'let a = bands revenue {\n  below 10 EUR: 1\n  from 10 EUR: 2 EUR\n}', '2 EUR', 'the values of these bands differ: this is money (EUR), the first is a number'),
  c('a band threshold of another unit', 'E0317', 'let a = bands revenue {\n  below 100: 1\n  from 100 EUR: 2\n}', '100', 'this threshold is a number, but `bands` compares money (EUR)'),
  c('bands over text', 'E0317', 'let a = bands partner.kind {\n  below 1: 1\n  from 1: 2\n}', 'partner.kind', '`bands` needs a number or money, but this is a `kind` (one of "distributor", "reseller")'),
  c(
    'marginal money rates over money',
    'E0318',
    'let a = marginal revenue {\n  below 10 EUR: 1 EUR\n  from 10 EUR: 2 EUR\n}',
    '1 EUR',
    '`marginal` multiplies each part of money (EUR) by its rate, so a rate cannot be money (EUR)',
  ),
  c('money awarded as points', 'E0319', 'rule "R" {\n  for each sale\n  award amount to points\n}', 'amount', 'the pot `points` takes a number of points, but this is money (EUR)'),
  c('a number awarded as cash', 'E0319', 'rule "R" {\n  for each sale\n  award quantity to cash\n}', 'quantity', 'the pot `cash` takes money (EUR), but this is a number'),
  c('a points pot capped in money', 'E0319', 'payout p as points { cap 500 EUR per partner }', '500 EUR', 'the cap of pot `p` must be a number of points, but this is money (EUR)'),
  c('a money pot budgeted in points', 'E0319', 'payout x as cash { budget 5_000 }', '5_000', 'the budget of pot `x` must be money (EUR), but this is a number'),
  c(
    'a rule cap in the wrong unit',
    'E0319',
    'rule "R" {\n  for each partner\n  award revenue * 1% to cash\n  cap 500\n}',
    '500',
    'the cap of rule "R" (on pot `cash`) must be money (EUR), but this is a number',
  ),
  c('a measure default of another unit', 'E0320', 'measure m = max sale.amount else 0', '0', 'the `else` of measure `m` must be money (EUR), but this is a number'),
  c('a tier by text', 'E0320', 'tier t by partner.kind {\n  A\n  B from 1\n}', 'partner.kind', 'tier `t` must be by a number or money, but this is a `kind` (one of "distributor", "reseller")'),
  c('a tier threshold of another unit', 'E0320', 'tier t by revenue {\n  A\n  B from 5\n}', '5', 'a threshold of tier `t` must be money (EUR), but this is a number'),
  c('a sum of text', 'E0321', 'measure m = sum sale.sku', 'sale.sku', '`sum` needs numbers or money, but this is text'),
];

const header = (clauses: string) => `program "T" {\n${clauses}\n}\nevent sale { amount: money }\nmeasure m = sum sale.amount`;
const declarations: Case[] = [
  c('no header', 'E0401', '!event sale { amount: money }', '', 'the program has no header'),
  c('no period', 'E0402', header('  currency EUR\n  start 2026-01-01'), '"T"', 'the program header has no `period`'),
  c('a clause given twice', 'E0403', header('  currency EUR\n  currency EUR\n  period year\n  start 2026-01-01'), 'currency EUR', 'the header gives `currency` twice'),
  c('an unknown currency', 'E0404', header('  currency EUX\n  period year\n  start 2026-01-01'), 'EUX', '`EUX` is not an ISO 4217 currency code'),
  c('an unknown period', 'E0405', header('  currency EUR\n  period quaterly\n  start 2026-01-01'), 'quaterly', '`quaterly` is not a period'),
  c(
    'a start inside a quarter',
    'E0406',
    header('  currency EUR\n  period quarter\n  start 2026-02-01'),
    '2026-02-01',
    'the program must start on the first day of a quarter (1 January, 1 April, 1 July or 1 October)',
  ),
  c('an end inside a year', 'E0407', header('  currency EUR\n  period year\n  start 2026-01-01\n  end 2026-12-30'), '2026-12-30', 'the program must end on 31 December'),
  c('an end before the start', 'E0408', header('  currency EUR\n  period year\n  start 2026-01-01\n  end 2025-12-31'), '2025-12-31', 'the program ends (2025-12-31) before it starts (2026-01-01)'),
  c('an unknown rounding mode', 'E0409', header('  currency EUR\n  period year\n  start 2026-01-01\n  rounding bankers'), 'bankers', '`bankers` is not a rounding mode'),
  c('max without else', 'E0410', 'measure m = max sale.amount', 'm', 'measure `m` needs an `else`: the max of no events is undefined'),
  c('sum with else', 'E0411', 'measure m = sum sale.amount else 0 EUR', '0 EUR', '`sum` takes no `else`: the sum of no events is zero'),
  c('a window of zero periods', 'E0412', 'measure m = sum sale.amount over last 0 quarters', '0', '`last 0` needs a whole number of quarters above zero'),
  c('a threshold on the base level', 'E0413', 'tier t by revenue {\n  A from 1 EUR\n  B from 2 EUR\n}', '1 EUR', 'the first level, `A`, is the base level and takes no threshold'),
  c('a level without threshold', 'E0413', 'tier t by revenue {\n  A\n  B\n}', 'B', 'level `B` needs a threshold'),
  c(
    'thresholds that do not increase',
    'E0414',
    'tier t by revenue {\n  A\n  B from 5 EUR\n  C from 4 EUR\n}',
    '4 EUR',
    'the thresholds of tier `t` must increase: `C` starts at or below the level before it',
  ),
  c('a tier without levels', 'E0416', 'tier t by revenue {\n}', 't', 'tier `t` has no levels'),
  c('a lookup that misses a level', 'E0417', 'let m = lookup status { Member: 1, Gold: 3 }', 'status', 'this `lookup` has no value for `Silver`'),
  c(
    'a lookup that misses enumeration values',
    'E0417',
    'measure m = sum sale.quantity * lookup sale.category { "hardware": 1 }',
    'sale.category',
    'this `lookup` has no value for "software", "services"',
  ),
  c('bands that do not start with below', 'E0418', 'let a = bands revenue {\n  from 10 EUR: 1\n  from 20 EUR: 2\n}', 'from 10 EUR: 1', 'the first band must be `below T1`'),
  c('bands with only below', 'E0418', 'let a = bands revenue {\n  below 10 EUR: 1\n}', 'below 10 EUR: 1', '`bands` needs at least one `from` band after `below`'),
  c('a first from that is not T1', 'E0419', 'let a = bands revenue {\n  below 10 EUR: 1\n  from 20 EUR: 2\n}', '20 EUR', 'the first `from` threshold must be the `below` threshold'),
  c(
    'band thresholds that do not increase',
    'E0420',
    'let a = marginal revenue {\n  below 10 EUR: 1%\n  from 10 EUR: 2%\n  from 5 EUR: 3%\n}',
    '5 EUR',
    'band thresholds must increase: `5 EUR` is not above `10 EUR`',
  ),
  c('an unknown payout kind', 'E0421', 'payout x as cahs', 'cahs', '`cahs` is not a kind of payout'),
  c('a value on a cash pot', 'E0422', 'payout x as cash { value 5 EUR }', 'value 5 EUR', '`value` is only for `item` pots, but `x` is a `cash` pot'),
  c('denominations on a cash pot', 'E0422', 'payout x as cash { denominations 5 EUR }', 'denominations 5 EUR', '`denominations` is only for `giftcard` pots, but `x` is a `cash` pot'),
  c('an option given twice', 'E0423', 'payout x as cash {\n  budget 5 EUR\n  budget 6 EUR\n}', 'budget 6 EUR', 'pot `x` gives `budget` twice'),
  c('a budget of zero', 'E0424', 'payout x as cash { budget 0 EUR }', '0 EUR', 'the budget of pot `x` must be above zero'),
  c('a denomination listed twice', 'E0424', 'payout g as giftcard { denominations 25 EUR, 50 EUR, 25 EUR }', '25 EUR', 'the denomination `25 EUR` is listed twice'),
  c('a giftcard pot without denominations', 'E0425', 'payout g as giftcard', 'g', 'giftcard pot `g` needs `denominations`'),
  c('a rule without scope', 'E0426', 'rule "R" {\n  award 1 to points\n}', '"R"', 'rule "R" has no scope'),
  c('a rule with two scopes', 'E0426', 'rule "R" {\n  for each sale\n  for each partner\n  award 1 to points\n}', 'for each partner', 'rule "R" has more than one scope'),
  c('a rule without award', 'E0427', 'rule "R" {\n  for each sale\n}', '"R"', 'rule "R" awards nothing'),
  c('a cap with two awards', 'E0428', 'rule "R" {\n  for each sale\n  award 1 to points\n  award 1 EUR to cash\n  cap 5\n}', 'cap 5', 'rule "R" has a `cap` and 2 awards'),
  c('a cap per event on partners', 'E0429', 'rule "R" {\n  for each partner\n  award 1 to points\n  cap 5 per event\n}', 'cap 5 per event', '`cap … per event` needs a rule `for each EVENT`'),
  c('once with a ranking', 'E0430', 'rule "R" {\n  for top 3 partners by revenue\n  award 1 to trip\n  once per partner\n}', 'once per partner', '`once per partner` does not go with `for top`'),
  c('a ranking of zero partners', 'E0431', 'rule "R" {\n  for top 0 partners by revenue\n  award 1 to trip\n}', '0', '`for top 0` needs a whole number of partners above zero'),
  c('two caps', 'E0432', 'rule "R" {\n  for each sale\n  award 1 to points\n  cap 5\n  cap 6\n}', 'cap 6', 'rule "R" has more than one `cap`'),
  c('a test without period', 'E0433', 'test "T" {\n  expect "P1" cash = 0 EUR\n}', '"T"', 'test "T" has no `period`'),
  c('a month in a quarterly program', 'E0434', 'test "T" {\n  period 2026-03\n}', '2026-03', "the program's period is a quarter, but `2026-03` is a month"),
  c('a period before the start', 'E0434', 'test "T" {\n  period 2025-Q4\n}', '2025-Q4', '`2025-Q4` is before the program starts (2026-01-01)'),
  c(
    'an event without date',
    'E0435',
    'test "T" {\n  period 2026-Q1\n  partner "P1" { kind: "reseller", target: 5 EUR }\n  sale { partner: "P1", sku: "A", category: "hardware", amount: 5 EUR, quantity: 1 }\n}',
    'sale',
    'this `sale` is missing `date`',
  ),
  c('a partner without fields', 'E0435', 'test "T" {\n  period 2026-Q1\n  partner "P1" { kind: "reseller" }\n}', '"P1"', 'partner "P1" is missing `target`'),
  c(
    'expecting something that is not a pot, tier or measure',
    'E0436',
    'test "T" {\n  period 2026-Q1\n  partner "P1" { kind: "reseller", target: 5 EUR }\n  expect "P1" csh = 0 EUR\n}',
    'csh',
    'there is no payout, tier or measure `csh`',
  ),
  c(
    'expecting a partner the test does not have',
    'E0437',
    'test "T" {\n  period 2026-Q1\n  partner "P1" { kind: "reseller", target: 5 EUR }\n  expect "P2" cash = 0 EUR\n}',
    '"P2"',
    'there is no partner "P2" in this test',
  ),
];

const tests: Case[] = [
  c(
    'a test value of the wrong type',
    'E0320',
    'test "T" {\n  period 2026-Q1\n  partner "P1" { kind: "reseller", target: 5 }\n}',
    '5',
    '`target` must be money (EUR), but this is a number',
  ),
  c(
    'a test enumeration value that does not exist',
    'E0304',
    'test "T" {\n  period 2026-Q1\n  partner "P1" { kind: "resellr", target: 5 EUR }\n}',
    '"resellr"',
    '`resellr` is not a `kind`: distributor, reseller',
  ),
  c(
    'an expected tier level of another tier',
    'E0215',
    'let m = lookup status { Member: 1, Gold: 2, Platinum: 3, else: 0 }',
    'Platinum',
    '`Platinum` is not a level of tier `status`',
  ),
  c(
    'expecting points that are not whole',
    'E0320',
    'test "T" {\n  period 2026-Q1\n  partner "P1" { kind: "reseller", target: 5 EUR }\n  expect "P1" points = 1.5\n}',
    '1.5',
    'the amount paid from `points` must be a whole number, but this is `1.5`',
  ),
  c(
    'an unknown field in a test event',
    'E0206',
    'test "T" {\n  period 2026-Q1\n  training { partner: "P1", date: 2026-01-05, curse: "x" }\n}',
    'curse',
    'event `training` has no field `curse`',
  ),
];

const warnings: Case[] = [
  c('an unused let', 'W0001', 'let unused = 5', 'unused', 'let `unused` is never used'),
  c('an unused event kind', 'W0001', 'event claim { note: text }', 'claim', 'event `claim` is never used'),
  c(
    'an unbounded money pot',
    'W0002',
    'payout credit as credit\nrule "R" {\n  for each sale\n  award amount * 1% to credit\n}',
    'credit',
    'pot `credit` pays money with neither a `cap` nor a `budget`: its spending is unbounded',
  ),
  c('a where that is false', 'W0003', 'rule "R" {\n  for each sale where false\n  award 1 to points\n}', 'false', 'this condition can never hold: it is always false'),
  c(
    'a date range outside the program',
    'W0003',
    'rule "R" {\n  for each sale where date in 2025-01-01..2025-03-31\n  award 1 to points\n}',
    'date in 2025-01-01..2025-03-31',
    'this condition can never hold: 2025-01-01..2025-03-31 lies outside the program (2026-01-01..2026-12-31)',
  ),
  c(
    'an enumeration that must equal two values',
    'W0003',
    'rule "R" {\n  for each sale where category = "hardware" and category = "software"\n  award 1 to points\n}',
    'category = "hardware" and category = "software"',
    'this condition can never hold: `category` cannot be "software" and also what the rest of the condition requires',
  ),
  c('an item pot without value', 'W0004', 'payout gadget as item', 'gadget', "item pot `gadget` has no `value`: it counts as zero in the program's cost"),
];

function sourceOf(k: Case): string {
  if (k.source.startsWith('!')) return k.source.slice(1);
  if (k.source.startsWith('program')) return k.source;
  return `${BASE}\n${k.source}\n`;
}

describe.each([
  ['names and scopes (E02xx)', names],
  ['types and units (E03xx)', units],
  ['declarations and static rules (E04xx)', declarations],
  ['tests (§10)', tests],
  ['warnings (W00xx)', warnings],
])('%s', (_, cases) => {
  it.each(cases.map((k) => [k.title, k] as const))('%s', (_t, k) => {
    const r = checkSource(sourceOf(k));
    expect(r.syntax.map((d) => d.message), 'the case must parse').toEqual([]);
    const found = r.diagnostics.filter((d) => d.code === k.code && spanText(r, d) === k.span);
    expect(found.map((d) => d.message), summary(r).join('\n')).toContain(k.message);
    const d = found.find((x) => x.message === k.message)!;
    expect(d.hint, 'every diagnostic says how to fix it').toBeTruthy();
    expect(d.severity).toBe(k.code.startsWith('W') ? 'warning' : 'error');
  });
});

describe('did you mean', () => {
  it.each([
    ['a name', 'let x = revenu * 2', 'E0201', 'did you mean `revenue`?'],
    ['a partner field', 'let k = partner.kinds', 'E0204', 'did you mean `partner.kind`?'],
    ['an event kind', 'rule "R" {\n  for each sales\n  award 1 to points\n}', 'E0205', 'did you mean `sale`?'],
    ['an event field', 'measure m = sum sale.amout', 'E0206', 'did you mean `sale.amount`?'],
    ['a pot', 'rule "R" {\n  for each sale\n  award 1 to pionts\n}', 'E0209', 'did you mean `points`?'],
    ['an enumeration value', 'rule "R" {\n  for each sale where category = "hardwre"\n  award 1 to points\n}', 'E0304', 'did you mean `hardware`?'],
    ['a tier level', 'let m = lookup status { Member: 1, Silvr: 2, Gold: 3 }', 'E0215', 'did you mean `Silver`?'],
    ['a type name', 'event ret { amount: mony }', 'E0221', 'did you mean `money`?'],
    ['a payout kind', 'payout x as cahs', 'E0421', 'did you mean `cash`?'],
    ['an expected name', 'test "T" {\n  period 2026-Q1\n  expect "P1" staus = Gold\n}', 'E0436', 'did you mean `status`?'],
    ['a currency', header('  currency EUX\n  period year\n  start 2026-01-01'), 'E0404', 'did you mean `EUR`?'],
    ['a rounding mode', header('  currency EUR\n  period year\n  start 2026-01-01\n  rounding flor'), 'E0409', 'did you mean `floor`?'],
    ['a period unit', header('  currency EUR\n  period quaterly\n  start 2026-01-01'), 'E0405', 'did you mean `quarter`?'],
  ])('%s', (_t, src, code, hint) => {
    const r = checkSource(src.startsWith('program') ? src : `${BASE}\n${src}\n`);
    expect(r.syntax).toEqual([]);
    expect(r.diagnostics.filter((d) => d.code === code).map((d) => d.hint)).toContain(hint);
  });
});

describe('coverage of the diagnostic codes', () => {
  it('every code the checker can give has a case above', () => {
    const dir = new URL('../../compiler/', import.meta.url);
    const codes = new Set<string>();
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.ts')) continue;
      for (const m of readFileSync(new URL(f, dir), 'utf8').matchAll(/'([EW]0\d{3})'/g)) codes.add(m[1]!);
    }
    const tested = new Set([...names, ...units, ...declarations, ...tests, ...warnings].map((k) => k.code));
    expect([...codes].filter((x) => !tested.has(x)).sort()).toEqual([]);
  });

  it('every code is documented in docs/checker.md', () => {
    const doc = readFileSync(new URL('../../docs/checker.md', import.meta.url), 'utf8');
    const all = [...names, ...units, ...declarations, ...tests, ...warnings].map((k) => k.code);
    expect([...new Set(all)].filter((x) => !doc.includes(`\`${x}\``)).sort()).toEqual([]);
  });
});

export { HEADER };
