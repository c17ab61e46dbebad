/** One example per syntax code, as data: checked by syntax-cases.test.ts, read by the reference's generator (bin/reference.ts). */
export interface SyntaxCase {
  title: string;
  code: string;
  /** The program text (a whole file, or a declaration: nothing is added to it). */
  source: string;
  /** The exact source text under the diagnostic's span. */
  span: string;
  message: string;
  /** How the example is shown in the reference, when the source is too long to show. */
  shown?: string;
}

const sc = (title: string, code: string, source: string, span: string, message: string, shown?: string): SyntaxCase => ({ title, code, source, span, message, ...(shown ? { shown } : {}) });

export const syntax: SyntaxCase[] = [
  sc('a character that starts no token', 'E0001', 'let x = 5 @ 2', '@', 'unexpected character `@`'),
  sc('a string without its closing quote', 'E0002', 'let s = "NW-RTR-9', '"NW-RTR-9', 'this string has no closing `"`'),
  sc('a program over the size limit', 'E0005', `# ${'x'.repeat(4_000_000)}`, '', 'this program has 4,000,002 characters, but a program has at most 4,000,000', 'a file of more than 4,000,000 characters'),
  sc('a missing closing parenthesis', 'E0101', 'let x = (1 + 2\nlet y = 3', '', 'expected `)`, found `let`'),
  sc('a keyword where a name is expected', 'E0101', 'let tier = 3', 'tier', 'expected a name, found `tier`'),
  sc('none of the alternatives fits', 'E0102', 'rule "R" {\n  for each sale\n  award 5 EUR + * 2 to cash\n}', '*', 'expected an expression, found `*`'),
  sc('a list that needs an item is empty', 'E0103', 'event e {\n  kind: one of }', '}', 'expected a type (`text`, `integer`, `decimal`, `money`, `date`, `boolean` or `one of "a", "b"`), found `}`'),
  sc('tokens left after a declaration', 'E0104', 'let x = 1 2', '2', 'unexpected `2` after the end of the declaration'),
  sc('a clause outside a declaration', 'E0105', 'award 1 to points', 'award', 'expected a declaration (`program`, `partner`, `event`, `let`, `measure`, `tier`, `payout`, `rule` or `test`), found `award`'),
  sc('a second header', 'E0106', 'program "a" {\n  currency EUR\n}\nprogram "b" {\n  currency EUR\n}', 'program "b" {\n  currency EUR\n}', 'a file has one `program` header; this is a second one'),
  sc('a keyword where an expression is expected', 'E0108', 'rule "R" {\n  for each sale\n  award to cash\n}', 'to', 'expected an expression, found `to`'),
  sc("a field's options out of order", 'E0109', 'event sale {\n  amount: money from "Net" in 0 EUR..10 EUR\n}', 'in', '`in` comes before `from` in a field\'s options'),
  sc("a field's option given twice", 'E0109', 'event sale {\n  note: text default "x" default "y"\n}', 'default', 'this field already has its `default`'),
  sc('an expression nested 65 levels deep', 'E0107', `let x = ${'('.repeat(65)}1${')'.repeat(65)}`, '(', 'this expression nests more than 64 levels deep', '`let x = ((…((1))…))` with 65 pairs of parentheses'),
];
