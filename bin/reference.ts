/**
 * `npm run reference`: writes the code tables of language/REFERENCE.md from the one table of codes
 * (core/codes.ts) and the tested examples (test/language/syntax-cases.ts, test/compiler/cases.ts,
 * test/runtime/data/cases.ts, test/runtime/run-cases.ts). Each table sits between
 * `<!-- generated: NAME -->` and `<!-- end generated -->`; the rest of the file is left as it is.
 * `test/language/reference.test.ts` fails when the file differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CODES, type Stage } from '../core/codes.js';
import { declarations, names, tests, units, warnings, type Case } from '../test/compiler/cases.js';
import { syntax } from '../test/language/syntax-cases.js';
import { DATA_CASES } from '../test/runtime/data/cases.js';
import { RUN_CASES } from '../test/runtime/run-cases.js';

export const REFERENCE = fileURLToPath(new URL('../language/REFERENCE.md', import.meta.url));

/** A table cell: one line, pipes escaped, code in backticks (a backtick inside uses a double fence). */
function cell(text: string): string {
  return text.replace(/\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  const t = cell(text);
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

const STAGES: { stage: Stage; title: string }[] = [
  { stage: 'syntax', title: 'syntax (the parser)' },
  { stage: 'names', title: 'names and scopes' },
  { stage: 'units', title: 'types and units' },
  { stage: 'declarations', title: 'declarations and static rules' },
  { stage: 'warnings', title: 'warnings' },
  { stage: 'data files', title: 'data: the folder and its files (a run stops)' },
  { stage: 'data records', title: 'data: a record (it is rejected)' },
  { stage: 'data set', title: 'data: the whole data set (the record is rejected)' },
  { stage: 'tests', title: 'test blocks (`incent test`)' },
  { stage: 'evaluation', title: 'evaluation (a run stops)' },
];

/** Every code: its severity, what it means and the usual fix, by stage. */
function allCodes(): string {
  const rows = ['| code | severity | what | usual fix |', '|---|---|---|---|'];
  for (const { stage, title } of STAGES) {
    rows.push(`| **${title}** | | | |`);
    for (const [c, info] of Object.entries(CODES).filter(([, i]) => i.stage === stage).sort(([a], [b]) => (a < b ? -1 : 1))) {
      rows.push(`| \`${c}\` | ${info.severity} | ${cell(info.what)} | ${info.hint ? cell(info.hint) : ''} |`);
    }
  }
  return rows.join('\n');
}

/** Examples of program codes: the program text (or, `described`, what it is), and the message. */
function programExamples(cases: readonly { code: string; title: string; example: string; described?: boolean; message: string }[]): string {
  const rows = ['| code | what | example | message |', '|---|---|---|---|'];
  for (const k of [...cases].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))) rows.push(`| \`${k.code}\` | ${cell(k.title)} | ${k.described ? cell(k.example) : code(k.example)} | ${cell(k.message)} |`);
  return rows.join('\n');
}

const checker = (list: readonly Case[]) => list.map((k) => ({ code: k.code, title: k.title, example: k.source.replace(/^!/, ''), message: k.message }));

export function tables(): Record<string, string> {
  return {
    'all codes': allCodes(),
    'syntax examples': programExamples(syntax.map((k) => ({ code: k.code, title: k.title, example: k.shown ?? k.source, described: k.shown !== undefined, message: k.message }))),
    'checker examples': programExamples([...checker(names), ...checker(units), ...checker(declarations), ...checker(tests), ...checker(warnings)]),
    'data examples': ['| code | what | problem |', '|---|---|---|', ...DATA_CASES.map((k) => `| \`${k.code}\` | ${cell(k.title)} | ${code(k.problem.replace('{dir}', 'data'))} |`)].join('\n'),
    'run examples': ['| code | what | message |', '|---|---|---|', ...RUN_CASES.map((k) => `| \`${k.code}\` | ${cell(k.title)} | ${code(k.message)} |`)].join('\n'),
  };
}

/** The reference with its generated tables written anew. */
export function generate(text: string): string {
  const t = tables();
  return text.replace(/(<!-- generated: ([^>]+?) -->)[\s\S]*?(<!-- end generated -->)/g, (_m, open: string, name: string, close: string) => {
    const table = t[name];
    if (table === undefined) throw new Error(`REFERENCE.md asks for an unknown generated table "${name}"`);
    return `${open}\n${table}\n${close}`;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(REFERENCE, generate(readFileSync(REFERENCE, 'utf8')));
  console.log('language/REFERENCE.md: code tables written');
}
