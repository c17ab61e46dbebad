/**
 * Monaco for Incent: only the editor core and the features the playground uses (no other
 * languages, no TypeScript/CSS/HTML/JSON workers). The language service runs in the language
 * worker; this module turns its answers into Monaco's providers and markers.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/features/codicon/register.js';
import 'monaco-editor/features/hover/register.js';
import 'monaco-editor/features/suggest/register.js';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/features/snippet/register.js';
import 'monaco-editor/features/format/register.js';
import 'monaco-editor/features/gotoSymbol/register.js';
import 'monaco-editor/editor/contrib/gotoSymbol/browser/goToCommands.js';
import 'monaco-editor/features/gotoError/register.js';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/comment/register.js';
import 'monaco-editor/features/contextmenu/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/quickCommand/register.js';
import 'monaco-editor/features/wordHighlighter/register.js';
import 'monaco-editor/features/folding/register.js';
import 'monaco-editor/features/linesOperations/register.js';
import 'monaco-editor/features/multicursor/register.js';
import 'monaco-editor/features/wordOperations/register.js';
import 'monaco-editor/features/indentation/register.js';
import 'monaco-editor/features/cursorUndo/register.js';
import 'monaco-editor/editor/browser/coreCommands.js';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';
import { incentLanguageConfiguration, incentMonarch } from './monarch.js';
import type { WireDiagnostic } from './protocol.js';
import type { CompletionItem, HoverResult, ItemKind } from './service.js';

(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

export { monaco };

export interface LanguageBackend {
  complete(text: string, offset: number): Promise<{ items: CompletionItem[]; replace: { start: number; end: number } }>;
  hover(text: string, offset: number): Promise<HoverResult | null>;
  definition(text: string, offset: number): Promise<{ start: number; end: number } | null>;
  format(text: string): Promise<{ text: string | null; message?: string }>;
  /** The selected partner's value of a let, measure or tier, as statements print it (for hover). */
  partnerValue(name: string): { partner: string; period: string; value: string } | undefined;
  /** Tells the page something (e.g. that formatting needs a program without syntax errors). */
  notify(message: string): void;
}

const KIND: Record<ItemKind, monaco.languages.CompletionItemKind> = {
  keyword: monaco.languages.CompletionItemKind.Keyword,
  let: monaco.languages.CompletionItemKind.Variable,
  measure: monaco.languages.CompletionItemKind.Function,
  tier: monaco.languages.CompletionItemKind.Enum,
  level: monaco.languages.CompletionItemKind.EnumMember,
  pot: monaco.languages.CompletionItemKind.Module,
  event: monaco.languages.CompletionItemKind.Class,
  field: monaco.languages.CompletionItemKind.Field,
  function: monaco.languages.CompletionItemKind.Method,
  value: monaco.languages.CompletionItemKind.Value,
  type: monaco.languages.CompletionItemKind.TypeParameter,
  snippet: monaco.languages.CompletionItemKind.Snippet,
};

function rangeOf(model: monaco.editor.ITextModel, start: number, end: number): monaco.Range {
  const a = model.getPositionAt(start);
  const b = model.getPositionAt(end);
  return new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column);
}

export function registerIncent(backend: LanguageBackend): void {
  monaco.languages.register({ id: 'incent', extensions: ['.incent'], aliases: ['Incent'] });
  monaco.languages.setMonarchTokensProvider('incent', incentMonarch as unknown as monaco.languages.IMonarchLanguage);
  monaco.languages.setLanguageConfiguration('incent', incentLanguageConfiguration);

  monaco.languages.registerCompletionItemProvider('incent', {
    triggerCharacters: ['.', '"', ' ', ':'],
    async provideCompletionItems(model, position) {
      const text = model.getValue();
      const offset = model.getOffsetAt(position);
      const r = await backend.complete(text, offset);
      const range = rangeOf(model, r.replace.start, r.replace.end);
      return {
        suggestions: r.items.map((it) => ({
          label: it.label,
          kind: KIND[it.kind],
          insertText: it.insertText ?? it.label,
          ...(it.snippet ? { insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet } : {}),
          ...(it.detail ? { detail: it.detail } : {}),
          ...(it.sortText ? { sortText: it.sortText } : {}),
          range,
        })),
      };
    },
  });

  monaco.languages.registerHoverProvider('incent', {
    async provideHover(model, position) {
      const r = await backend.hover(model.getValue(), model.getOffsetAt(position));
      if (!r) return null;
      const contents = r.contents.map((value) => ({ value, isTrusted: false, supportHtml: false }));
      if (r.valueName) {
        const v = backend.partnerValue(r.valueName);
        if (v) contents.push({ value: `Partner \`${v.partner.replace(/`/g, "'")}\` in ${v.period}: \`${v.value.replace(/`/g, "'")}\``, isTrusted: false, supportHtml: false });
      }
      return { range: rangeOf(model, r.span.start, r.span.end), contents };
    },
  });

  monaco.languages.registerDefinitionProvider('incent', {
    async provideDefinition(model, position) {
      const r = await backend.definition(model.getValue(), model.getOffsetAt(position));
      return r ? { uri: model.uri, range: rangeOf(model, r.start, r.end) } : null;
    },
  });

  monaco.languages.registerDocumentFormattingEditProvider('incent', {
    async provideDocumentFormattingEdits(model) {
      const r = await backend.format(model.getValue());
      if (r.text === null) {
        backend.notify(r.message ?? 'The program could not be formatted.');
        return [];
      }
      if (r.text === model.getValue()) return [];
      return [{ range: model.getFullModelRange(), text: r.text }];
    },
  });
}

export function setDiagnostics(model: monaco.editor.ITextModel, diags: WireDiagnostic[]): void {
  monaco.editor.setModelMarkers(
    model,
    'incent',
    diags.map((d) => {
      const r = rangeOf(model, d.start, Math.max(d.end, d.start));
      // An empty span (a missing token) still gets a visible squiggle one character wide.
      const end = d.end > d.start ? r : new monaco.Range(r.startLineNumber, r.startColumn, r.startLineNumber, r.startColumn + 1);
      return {
        severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
        code: d.code,
        message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
        startLineNumber: end.startLineNumber,
        startColumn: end.startColumn,
        endLineNumber: end.endLineNumber,
        endColumn: end.endColumn,
        ...(d.related?.length ? { relatedInformation: d.related.map((x) => ({ resource: model.uri, message: x.message, ...rangeFields(rangeOf(model, x.start, x.end)) })) } : {}),
      };
    }),
  );
}

function rangeFields(r: monaco.Range) {
  return { startLineNumber: r.startLineNumber, startColumn: r.startColumn, endLineNumber: r.endLineNumber, endColumn: r.endColumn };
}

export function createEditor(host: HTMLElement, value: string, dark: boolean): monaco.editor.IStandaloneCodeEditor {
  const model = monaco.editor.createModel(value, 'incent', monaco.Uri.parse('inmemory://playground/program.incent'));
  return monaco.editor.create(host, {
    model,
    theme: dark ? 'vs-dark' : 'vs',
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 14,
    tabSize: 2,
    insertSpaces: true,
    scrollBeyondLastLine: false,
    renderWhitespace: 'none',
    wordBasedSuggestions: 'off',
    quickSuggestions: { other: true, strings: true, comments: false },
    suggestOnTriggerCharacters: true,
    fixedOverflowWidgets: true,
    ariaLabel: 'Incent program editor. Press Alt+F1 for accessibility help, Ctrl+M to toggle Tab moving focus.',
    tabFocusMode: false,
  });
}

/** Text shown as itself in a hover (which reads Markdown). */
function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, '\\$&');
}

/** The shading of what the data never reached (coverage), per editor. */
const coverageShading = new WeakMap<monaco.editor.IStandaloneCodeEditor, monaco.editor.IEditorDecorationsCollection>();

/**
 * Shades the items a run never reached (`undefined`: none): whole lines for rules, bands, tier
 * levels, caps, budgets and minimums, the entry itself for a lookup entry (entries share a line),
 * each with a mark in the gutter and a hover saying what it is.
 */
export function setCoverage(editor: monaco.editor.IStandaloneCodeEditor, items: readonly { kind: string; label: string; start: number; end: number; reached: boolean; by: string }[] | undefined): void {
  const model = editor.getModel();
  if (!model) return;
  let shading = coverageShading.get(editor);
  if (!shading) coverageShading.set(editor, (shading = editor.createDecorationsCollection()));
  const length = model.getValueLength();
  shading.set(
    (items ?? [])
      .filter((i) => !i.reached && i.end <= length)
      .map((i) => {
        const inline = i.kind === 'lookup entry';
        return {
          range: rangeOf(model, i.start, i.end),
          options: {
            isWholeLine: !inline,
            ...(inline ? { inlineClassName: 'coverage-never-inline' } : { className: 'coverage-never' }),
            linesDecorationsClassName: 'coverage-never-gutter',
            hoverMessage: { value: markdownText(`Coverage: never reached — ${i.label}: ${i.by}`) },
          },
        };
      }),
  );
}
