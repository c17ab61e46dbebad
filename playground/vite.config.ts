import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { KEYWORDS } from '../language/tokens.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * The editor's tokenizer takes its keyword list from language/tokens.ts. In the page, that import is
 * replaced by the list itself, generated here at build time, so that the lexer (and Chevrotain) stays
 * out of the page's bundle: only the workers compile.
 */
function keywordsFromLexer(): Plugin {
  const id = '\0incent-keywords';
  return {
    name: 'incent-keywords',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer?.replace(/\\/g, '/').endsWith('/playground/src/monarch.ts') && source.endsWith('/language/tokens.js')) return id;
      return undefined;
    },
    load(x) {
      return x === id ? `export const KEYWORDS = ${JSON.stringify(KEYWORDS)};\n` : undefined;
    },
  };
}

export default defineConfig({
  root,
  plugins: [keywordsFromLexer()],
  base: './',
  // The playground imports the compiler and runtime from the repository and the examples at build time.
  server: { fs: { allow: [repo] } },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: true,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  preview: { host: '127.0.0.1' },
});
