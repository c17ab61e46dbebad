/**
 * A partner's part of a statement written for its known shape (`statement-stream.ts` streams the
 * statements, partner by partner): the text between its values made once, amounts written as
 * digits (`Writer.fixed`), names escaped as the statement's format escapes them — what the
 * generic statement (`statement.ts`) gives, byte for byte, without making it first.
 */
import { drawJson, holdJson } from './ledger/statement.js';
import type { LedgerFigures } from './ledger/ledger.js';
import type { Artifact } from './artifact.js';
import * as N from './num.js';
import type { Num } from './num.js';
import type { PartnerResult } from './results.js';
import { csvCell, potAmount, potDigits } from './statement.js';
import type { Writer } from './statement-stream.js';

const UTF8 = new TextEncoder();
/** A statement's constant text (punctuation, keys, indentation), encoded once for `Writer.bytes`. */
const encoded = (s: string): Uint8Array => UTF8.encode(s);

/**
 * A partner's statement as `JSON.stringify(partnerJson(a, p), null, 2)` gives it, every line after
 * the first indented by `at`, written to `w`: for the statement's known shape, its punctuation and
 * keys made once, amounts copied as ASCII (`toFixedText` writes digits, a `-` and a `.` only),
 * strings escaped as `JSON.stringify` does (`Writer.json`) — several times faster than stringifying
 * with indentation, and than joining the partner's text before encoding it.
 */
export function partnerJsonWriter(a: Artifact, at: string): (p: PartnerResult, w: Writer) => void {
  const pots = a.pots.map((pot) => ({ name: pot.name, key: JSON.stringify(pot.name), digits: potDigits(a, pot.name), f: (v: Num) => potAmount(a, pot.name, v) }));
  const digitsOf = new Map(pots.map((p) => [p.name, p.digits]));
  const i1 = at + '  ';
  const i2 = i1 + '  ';
  const i3 = i2 + '  ';
  const i4 = i3 + '  ';
  // the text between the values, by what follows it, encoded once
  const b = encoded;
  const K = {
    id: b('{\n' + i1 + '"id": '),
    tiers: b(',\n' + i1 + '"tiers": '),
    tierFirst: b('{\n' + i2),
    tierNext: b(',\n' + i2),
    tiersEnd: b('\n' + i1 + '}'),
    pots: b(',\n' + i1 + '"pots": '),
    potFirst: pots.map((pot) => b('{\n' + i2 + pot.key + ': {\n' + i3 + '"earned": "')),
    potNext: pots.map((pot) => b(',\n' + i2 + pot.key + ': {\n' + i3 + '"earned": "')),
    paid: b('",\n' + i3 + '"paid": "'),
    carried: b('",\n' + i3 + '"carried": "'),
    carriedIn: b('",\n' + i3 + '"carried_in": "'),
    adjustments: b('",\n' + i3 + '"adjustments": '),
    kindFirst: b('[\n' + i4 + '{\n' + i4 + '  "kind": '),
    kindNext: b(',\n' + i4 + '{\n' + i4 + '  "kind": '),
    adjAmount: b(',\n' + i4 + '  "amount": "'),
    note: b('",\n' + i4 + '  "note": '),
    adjEnd: b('\n' + i4 + '}'),
    listEnd3: b('\n' + i3 + ']'),
    approvalTrue: b(',\n' + i3 + '"approval": true'),
    approvalFalse: b(',\n' + i3 + '"approval": false'),
    potEnd: b('\n' + i2 + '}'),
    potsEnd: b('\n' + i1 + '}'),
    awards: b(',\n' + i1 + '"awards": '),
    ruleFirst: b('[\n' + i2 + '{\n' + i3 + '"rule": '),
    ruleNext: b(',\n' + i2 + '{\n' + i3 + '"rule": '),
    trace: b('",\n' + i3 + '"trace": '),
    awardEnd: b('\n' + i2 + '}'),
    awardsEnd: b('\n' + i1 + ']'),
    ledger: b(',\n' + i3 + '"ledger": '),
    end: b('\n' + at + '}'),
  };
  const ledger = ledgerJsonWriter(i3);
  // A tier and its level, and an award's rule and pot, are names of the program: each pair's text
  // is encoded when first met, then written as bytes (not escaped again for every partner).
  const pairs = (text: (x: string, y: string) => string) => {
    const byX = new Map<string, Map<string, Uint8Array>>();
    return (x: string, y: string): Uint8Array => {
      let byY = byX.get(x);
      if (!byY) byX.set(x, (byY = new Map()));
      let t = byY.get(y);
      if (!t) byY.set(y, (t = b(text(x, y))));
      return t;
    };
  };
  const tierLevel = pairs((t, level) => JSON.stringify(t) + ': ' + JSON.stringify(level));
  const rulePot = pairs((rule, pot) => JSON.stringify(rule) + ',\n' + i3 + '"pot": ' + JSON.stringify(pot) + ',\n' + i3 + '"amount": "');
  return (p, w) => {
    w.bytes(K.id);
    w.json(p.id);
    w.bytes(K.tiers);
    const tiers = Object.keys(p.tiers);
    if (tiers.length === 0) w.ascii('{}');
    else {
      for (let k = 0; k < tiers.length; k++) {
        const t = tiers[k]!;
        w.bytes(k === 0 ? K.tierFirst : K.tierNext);
        w.bytes(tierLevel(t, p.tiers[t]!));
      }
      w.bytes(K.tiersEnd);
    }
    w.bytes(K.pots);
    if (pots.length === 0) w.ascii('{}');
    else {
      // (loops, not callbacks: cheaper for V8's interpreter, which writes a run's first partners)
      for (let k = 0; k < pots.length; k++) {
        const pot = pots[k]!;
        const x = p.pots[pot.name]!;
        w.bytes(k === 0 ? K.potFirst[k]! : K.potNext[k]!);
        w.fixed(x.earned, pot.digits);
        w.bytes(K.paid);
        w.fixed(x.paid, pot.digits);
        w.bytes(K.carried);
        w.fixed(x.carried, pot.digits);
        w.bytes(K.carriedIn);
        w.fixed(x.carriedIn, pot.digits);
        w.bytes(K.adjustments);
        if (x.adjustments.length === 0) w.ascii('[]');
        else {
          for (let m = 0; m < x.adjustments.length; m++) {
            const j = x.adjustments[m]!;
            w.bytes(m === 0 ? K.kindFirst : K.kindNext);
            w.json(j.kind);
            w.bytes(K.adjAmount);
            w.fixed(j.amount, pot.digits);
            w.bytes(K.note);
            w.json(j.note);
            w.bytes(K.adjEnd);
          }
          w.bytes(K.listEnd3);
        }
        w.bytes(x.approval ? K.approvalTrue : K.approvalFalse);
        if (x.cards) {
          let out = ',\n' + i3 + '"cards": ';
          if (x.cards.length === 0) out += '[]';
          else {
            out += '[';
            x.cards.forEach((c, m) => {
              out += (m === 0 ? '\n' : ',\n') + i4 + '{\n' + i4 + '  "denomination": "' + pot.f(c.denomination) + '",\n' + i4 + '  "count": ' + indented(c.count, '') + '\n' + i4 + '}';
            });
            out += '\n' + i3 + ']';
          }
          w.write(out);
        }
        // §13: the ledger's figures, as `potJson` writes them
        if (x.ledger) {
          w.bytes(K.ledger);
          ledger(w, x.ledger, pot.digits);
        }
        if (x.hold) w.write(',\n' + i3 + '"hold": ' + indented(holdJson(x.hold, pot.f), i3));
        if (x.draw) w.write(',\n' + i3 + '"draw": ' + indented(drawJson(x.draw, pot.f), i3));
        w.bytes(K.potEnd);
      }
      w.bytes(K.potsEnd);
    }
    w.bytes(K.awards);
    if (p.awards.length === 0) w.ascii('[]');
    else {
      for (let m = 0; m < p.awards.length; m++) {
        const aw = p.awards[m]!;
        w.bytes(m === 0 ? K.ruleFirst : K.ruleNext);
        w.bytes(rulePot(aw.rule, aw.pot));
        w.fixed(aw.amount, digitsOf.get(aw.pot) ?? 0);
        w.bytes(K.trace);
        w.json(aw.trace);
        w.bytes(K.awardEnd);
      }
      w.bytes(K.awardsEnd);
    }
    w.bytes(K.end);
  };
}

/**
 * `indented(ledgerJson(l, f), at)` written to `w` (`f` writing amounts with `digits` decimals), for its known shape (its text between values
 * encoded once): a run with lots writes one per partner, pot and period.
 */
export function ledgerJsonWriter(at: string): (w: Writer, l: LedgerFigures, digits: number) => void {
  const i1 = at + '  ';
  const i2 = i1 + '  ';
  const i3 = i2 + '  ';
  const b = encoded;
  const K = {
    balance: b('{\n' + i1 + '"balance": "'),
    redeemed: b('",\n' + i1 + '"redeemed": "'),
    expired: b('",\n' + i1 + '"expired": "'),
    expiring: b('",\n' + i1 + '"expiring": {\n' + i2 + '"amount": "'),
    on: b('",\n' + i2 + '"on": '),
    lots: b('\n' + i1 + '},\n' + i1 + '"lots": '),
    lotFirst: b('[\n' + i2 + '{\n' + i3 + '"period": '),
    lotNext: b(',\n' + i2 + '{\n' + i3 + '"period": '),
    remaining: b(',\n' + i3 + '"remaining": "'),
    expires: b('",\n' + i3 + '"expires": '),
    lotEndAfterAmount: b('"\n' + i2 + '}'),
    lotEnd: b('\n' + i2 + '}'),
    lotsEnd: b('\n' + i1 + ']'),
    end: b('\n' + at + '}'),
  };
  return (w, l, digits) => {
    w.bytes(K.balance);
    w.fixed(l.balance, digits);
    w.bytes(K.redeemed);
    w.fixed(l.redeemed, digits);
    w.bytes(K.expired);
    w.fixed(l.expired, digits);
    w.bytes(K.expiring);
    w.fixed(l.expiring, digits);
    w.bytes(K.on);
    w.json(l.expiringOn);
    w.bytes(K.lots);
    if (l.lots.length === 0) w.ascii('[]');
    else {
      l.lots.forEach((x, k) => {
        w.bytes(k === 0 ? K.lotFirst : K.lotNext);
        w.json(x.period);
        w.bytes(K.remaining);
        w.fixed(x.remaining, digits);
        if (x.expires) {
          w.bytes(K.expires);
          w.json(x.expires);
          w.bytes(K.lotEnd);
        } else w.bytes(K.lotEndAfterAmount);
      });
      w.bytes(K.lotsEnd);
    }
    w.bytes(K.end);
  };
}

/**
 * `JSON.stringify(value, null, 2)` with every line after the first indented by `at` — for plain
 * data (objects, arrays, strings, finite numbers, booleans, null; no `toJSON`), as statements are.
 * Faster than stringifying and then indenting, for a run's hundreds of thousands of partners.
 */
export function indented(value: unknown, at: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      const inner = at + '  ';
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          out += (i === 0 ? '\n' : ',\n') + inner + (v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 'null' : indented(v, inner));
        }
        return out + '\n' + at + ']';
      }
      let out = '';
      for (const k of Object.keys(value)) {
        const v: unknown = (value as Record<string, unknown>)[k];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        out += (out === '' ? '{\n' : ',\n') + inner + JSON.stringify(k) + ': ' + indented(v, inner);
      }
      return out === '' ? '{}' : out + '\n' + at + '}';
    }
    default:
      return 'null';
  }
}

/**
 * `statementCsvRows(a, period, p)` written to `w`: a row per pot, `period,partner,levels…,pot,
 * earned,adjustments,carried_in,paid,carried,approval[,ledger…]`. The period's cell and each pot's
 * are encoded once, a tier level's when first met; the partner's id is escaped by `csvCell` once a
 * partner; amounts are `toFixedText`'s digits (`Writer.fixed`), plain cells as they are.
 */
export function partnerCsvWriter(a: Artifact): (period: string, p: PartnerResult, w: Writer) => void {
  const ledger = ledgerCsvWriter(a);
  const pots = a.pots.map((pot) => ({ name: pot.name, cell: encoded(',' + csvCell(pot.name) + ','), digits: potDigits(a, pot.name) }));
  const tiers = a.tiers.map((t) => t.name);
  const levels = new Map<string, Uint8Array>();
  const levelCell = (level: string): Uint8Array => {
    let b = levels.get(level);
    if (!b) levels.set(level, (b = encoded(',' + csvCell(level))));
    return b;
  };
  const COMMA = encoded(',');
  const YES = encoded(',yes');
  const NO = encoded(',no');
  const CRLF = encoded('\r\n');
  let periodText: string | undefined;
  let periodCell = COMMA;
  return (period, p, w) => {
    if (period !== periodText) {
      periodText = period;
      periodCell = encoded(csvCell(period) + ',');
    }
    const id = csvCell(p.id);
    for (let k = 0; k < pots.length; k++) {
      const pot = pots[k]!;
      const x = p.pots[pot.name]!;
      let adj: Num = N.ZERO;
      for (let m = 0; m < x.adjustments.length; m++) adj = N.add(adj, x.adjustments[m]!.amount);
      w.bytes(periodCell);
      w.ascii(id);
      for (let t = 0; t < tiers.length; t++) w.bytes(levelCell(p.tiers[tiers[t]!] ?? ''));
      w.bytes(pot.cell);
      w.fixed(x.earned, pot.digits);
      w.bytes(COMMA);
      w.fixed(adj, pot.digits);
      w.bytes(COMMA);
      w.fixed(x.carriedIn, pot.digits);
      w.bytes(COMMA);
      w.fixed(x.paid, pot.digits);
      w.bytes(COMMA);
      w.fixed(x.carried, pot.digits);
      w.bytes(x.approval ? YES : NO);
      ledger?.(w, x, pot.digits);
      w.bytes(CRLF);
    }
  };
}

/**
 * A pot's ledger cells of a CSV statement row (`ledgerColumns(a).cells`), written to `w`: each
 * group — lots, holds, draws — when a pot of the program has it, its amounts as digits, a date
 * through `csvCell`, a pot without the group's figures as empty cells. Undefined for a program
 * without any.
 */
function ledgerCsvWriter(a: Artifact): ((w: Writer, x: PartnerResult['pots'][string], digits: number) => void) | undefined {
  const lots = a.pots.some((p) => p.lots);
  const holds = a.pots.some((p) => p.hold);
  const draws = a.pots.some((p) => p.draw);
  if (!lots && !holds && !draws) return undefined;
  const COMMA = encoded(',');
  const EMPTY_LOTS = encoded(',,,,,');
  const EMPTY_HOLDS = encoded(',,,');
  const EMPTY_DRAWS = encoded(',,,,');
  const amount = (w: Writer, v: Num, digits: number): void => {
    w.bytes(COMMA);
    w.fixed(v, digits);
  };
  return (w, x, digits) => {
    if (lots) {
      const l = x.ledger;
      if (l) {
        amount(w, l.balance, digits);
        amount(w, l.redeemed, digits);
        amount(w, l.expired, digits);
        amount(w, l.expiring, digits);
        w.bytes(COMMA);
        w.ascii(csvCell(l.expiringOn));
      } else w.bytes(EMPTY_LOTS);
    }
    if (holds) {
      const h = x.hold;
      if (h) {
        amount(w, h.pending, digits);
        amount(w, h.available, digits);
        amount(w, h.cancelled, digits);
      } else w.bytes(EMPTY_HOLDS);
    }
    if (draws) {
      const d = x.draw;
      if (d) {
        amount(w, d.topUp, digits);
        amount(w, d.recovered, digits);
        amount(w, d.forgiven, digits);
        amount(w, d.debt, digits);
      } else w.bytes(EMPTY_DRAWS);
    }
  };
}
