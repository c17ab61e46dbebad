/**
 * The stable contract of a statement, for the acceptance examples (examples/*\/expected/): the §11
 * statement without the parts that are allowed to change wording (award `trace`, adjustment `note`)
 * or that repeat another field (gift `cards` are a breakdown of `paid`). Used by
 * examples/update-expected.mjs (which writes expected/) and by test/examples/examples.test.ts.
 */
import type { PotJson, StatementJson } from '../../runtime/statement.js';

export interface ProjectedPot {
  earned: string;
  paid: string;
  carried: string;
  carried_in: string;
  approval: boolean;
  adjustments: { kind: string; amount: string }[];
  /** §13: the ledger's figures of a pot that has them (lots, holds, draws). */
  ledger?: PotJson['ledger'];
  hold?: PotJson['hold'];
  draw?: PotJson['draw'];
}

export interface ProjectedStatement {
  program: string;
  period: string;
  currency: string;
  partners: {
    id: string;
    tiers: Record<string, string>;
    pots: Record<string, ProjectedPot>;
    awards: { rule: string; pot: string; amount: string }[];
  }[];
  totals: StatementJson['totals'];
  cost: string;
  rejected: number;
  /** §13.5: the seeded draws of the period. */
  draws?: StatementJson['draws'];
}

export function project(s: StatementJson): ProjectedStatement {
  return {
    program: s.program,
    period: s.period,
    currency: s.currency,
    partners: s.partners.map((p) => ({
      id: p.id,
      tiers: p.tiers,
      pots: Object.fromEntries(
        Object.entries(p.pots).map(([name, pot]) => [
          name,
          {
            earned: pot.earned,
            paid: pot.paid,
            carried: pot.carried,
            carried_in: pot.carried_in,
            approval: pot.approval,
            adjustments: pot.adjustments.map((a) => ({ kind: a.kind, amount: a.amount })),
            ...(pot.ledger ? { ledger: pot.ledger } : {}),
            ...(pot.hold ? { hold: pot.hold } : {}),
            ...(pot.draw ? { draw: pot.draw } : {}),
          },
        ]),
      ),
      awards: p.awards.map((a) => ({ rule: a.rule, pot: a.pot, amount: a.amount })),
    })),
    totals: s.totals,
    cost: s.cost,
    rejected: s.rejected,
    ...(s.draws ? { draws: s.draws } : {}),
  };
}

/** The text of an expected file: stable, one partner per line, so that a change shows as a small diff. */
export function expectedText(p: ProjectedStatement): string {
  const { partners, ...head } = p;
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const lines = partners.map((x) => '    ' + JSON.stringify(x));
  return `${top},\n  "partners": [\n${lines.join(',\n')}\n  ]\n}\n`;
}
