/** Every syntax code's example gives exactly that diagnostic (code, span text, message), and only it. */
import { describe, expect, it } from 'vitest';
import { parse } from '../../language/parser.js';
import { syntax } from './syntax-cases.js';

describe('syntax codes', () => {
  it.each(syntax.map((k) => [k.code, k.title, k] as const))('%s: %s', (_code, _title, k) => {
    const r = parse(k.source);
    expect(r.diagnostics.map((d) => ({ code: d.code, span: k.source.slice(d.span.start, d.span.end), message: d.message }))).toEqual([{ code: k.code, span: k.span, message: k.message }]);
  });
});
