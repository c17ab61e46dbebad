#!/usr/bin/env node
/**
 * `npm start`: builds the playground and serves it on localhost (port from PORT, 5173 by default).
 * Uses Vite's API, so it works after a plain `npm ci` (Vite is a devDependency).
 */
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const port = Number(process.env.PORT ?? 5173);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
await build({ root, configFile: `${root}vite.config.ts`, logLevel: 'warn' });
const server = await preview({ root, configFile: `${root}vite.config.ts`, preview: { port, strictPort: true, host: '127.0.0.1' } });
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
console.log(`Incent playground: ${url}`);
