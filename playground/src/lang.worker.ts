/** The language worker: compiles the program as it is typed, and answers completion, hover, definition and formatting. */
import { compile, type CompileResult } from '../../compiler/compile.js';
import { format } from '../../language/format.js';
import type { LangRequest, LangResponse, WireDiagnostic } from './protocol.js';
import { generateSample } from './sample.js';
import { programSchema } from './schema.js';
import { complete, definition, hover } from './service.js';

const ctx = self as unknown as { onmessage: ((e: MessageEvent<LangRequest>) => void) | null; postMessage(m: LangResponse): void };

let last: { text: string; result: CompileResult } | undefined;
function compiled(text: string): CompileResult {
  if (last?.text !== text) last = { text, result: compile(text) };
  return last.result;
}

ctx.onmessage = (e) => {
  const m = e.data;
  try {
    switch (m.type) {
      case 'check': {
        const t0 = performance.now();
        const r = compiled(m.text);
        const diagnostics: WireDiagnostic[] = r.diagnostics.map((d) => ({
          severity: d.severity,
          code: d.code,
          message: d.message,
          ...(d.hint ? { hint: d.hint } : {}),
          start: d.span.start,
          end: d.span.end,
          ...(d.related?.length ? { related: d.related.map((x) => ({ message: x.message, start: x.span.start, end: x.span.end })) } : {}),
        }));
        const schema = r.checked ? programSchema(r.checked) : { tables: [], currency: 'EUR', period: 'quarter' as const, start: '', textHints: {}, moneyHints: [] };
        ctx.postMessage({ type: 'check', id: m.id, diagnostics, schema, ms: Math.round(performance.now() - t0) });
        break;
      }
      case 'complete':
        ctx.postMessage({ type: 'complete', id: m.id, result: complete(compiled(m.text), m.text, m.offset) });
        break;
      case 'hover':
        ctx.postMessage({ type: 'hover', id: m.id, result: hover(compiled(m.text), m.text, m.offset) ?? null });
        break;
      case 'definition':
        ctx.postMessage({ type: 'definition', id: m.id, result: definition(compiled(m.text), m.offset) ?? null });
        break;
      case 'sample':
        ctx.postMessage({ type: 'sample', id: m.id, tables: generateSample(m.schema, { seed: m.seed, partners: m.partners, events: m.events }) });
        break;
      case 'format': {
        const r = format(m.text);
        ctx.postMessage({ type: 'format', id: m.id, text: r.text ?? null, ...(r.text === undefined ? { message: 'Fix the syntax errors first: the formatter only formats a program that parses.' } : {}) });
        break;
      }
    }
  } catch (err) {
    // Never leave the page waiting: an internal error answers with nothing.
    console.warn('incent language worker:', err);
    if (m.type === 'check') ctx.postMessage({ type: 'check', id: m.id, diagnostics: [], schema: { tables: [], currency: 'EUR', period: 'quarter', start: '', textHints: {}, moneyHints: [] }, ms: 0, stopped: `The checker failed on this program (${(err as Error).message}); it is checked again at the next edit.` });
    else if (m.type === 'complete') ctx.postMessage({ type: 'complete', id: m.id, result: { items: [], replace: { start: m.offset, end: m.offset } } });
    else if (m.type === 'sample') ctx.postMessage({ type: 'sample', id: m.id, tables: {} });
    else if (m.type === 'format') ctx.postMessage({ type: 'format', id: m.id, text: null, message: String(err) });
    else ctx.postMessage({ type: m.type, id: m.id, result: null } as LangResponse);
  }
};
