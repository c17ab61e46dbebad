/**
 * The checker's field options stage (§12.1): the column each field is read from (`from "Column
 * header"`), one field per column; and each `default VALUE`, a constant of the field's type that
 * the checker computes (like a test value), so that the runtime can give it to an empty cell.
 */
import { error } from '../core/diagnostics.js';
import type { Expr } from '../language/syntax.js';
import type { FieldInfo, Type } from './checked.js';
import { fold, isLiteral } from './consts.js';
import type { CheckContext } from './context.js';

/** Checks the columns and defaults of the partner block and of every event kind (E0226, and the defaults' types and constancy). */
export function checkFieldOptions(ck: CheckContext): void {
  if (ck.out.partner.declared) record(ck, ck.out.partner.fields, 'partners');
  for (const ev of ck.out.events.values()) record(ck, ev.fields, `event \`${ev.name}\``);
}

function record(ck: CheckContext, fields: Map<string, FieldInfo>, owner: string): void {
  const byColumn = new Map<string, FieldInfo>();
  for (const f of fields.values()) {
    const at = f.decl?.column ?? f.decl?.name;
    if (f.decl?.column && f.column === '') {
      ck.report(error('E0226', `the column of \`${f.name}\` has no name`, f.decl.column.span, `write the column header as the data has it, e.g. \`${f.name}: … from "${f.name}"\`, or remove \`from ""\``));
      continue;
    }
    const other = byColumn.get(f.column);
    if (other && at) {
      const how = (x: FieldInfo) => (x.decl?.column ? `\`${x.name}\` is read from "${x.column}"` : `\`${x.name}\` is read from its own column "${x.column}"`);
      ck.report(
        error('E0226', `${owner} reads the column "${f.column}" for two fields: \`${other.name}\` and \`${f.name}\``, at.span, 'map each field to a column of its own with `from "Column header"`', [
          { span: (other.decl?.column ?? other.decl?.name ?? at).span, message: how(other) },
        ]),
      );
      continue;
    }
    byColumn.set(f.column, f);
  }
  for (const f of fields.values()) if (f.default && !f.implicit) defaultValue(ck, f, f.default);
}

/** A field's default: a constant of its type that the checker computes. */
function defaultValue(ck: CheckContext, f: FieldInfo, v: Expr): void {
  const scope = ck.noEvent(`the default of \`${f.name}\``, 'a default is one value for every record: write a constant, e.g. `default 0`');
  const t = ck.x.check(v, scope);
  if (!ck.requireConstant(v, `the default of \`${f.name}\``)) return;
  if (!ck.x.expectType(v, t, f.type, `the default of \`${f.name}\``)) return;
  computable(ck, v, t);
}

/** E0438: a default is a literal or a constant the checker computes (arithmetic of literals and constant `let`s). */
function computable(ck: CheckContext, v: Expr, t: Type): void {
  if (t.kind === 'error' || isLiteral(v)) return;
  const c = fold(v, ck.letConst);
  if (c?.kind === 'overflow') ck.x.reportOverflow(c);
  if (c !== undefined) return;
  ck.report(error('E0438', 'a default must be computed before the run, but the checker cannot compute this one', v.span, 'write the value itself, e.g. `0 EUR`, or arithmetic of values and constant `let`s'));
}
