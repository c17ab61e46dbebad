/**
 * Loads an optional database driver by package name. The bundled command is one CommonJS script
 * run through node:vm (cli/entry.ts), where `import()` has no loader: there the script's `require`
 * loads the driver (both drivers ship CommonJS builds); elsewhere (the library, the tests) `import()`.
 */
export async function loadDriver(name: string): Promise<unknown> {
  if (typeof require === 'function') return require(name) as unknown;
  return import(name);
}
