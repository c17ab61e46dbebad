#!/usr/bin/env node
// The `incent` command. Runs the TypeScript sources through tsx's loader, so that it works right
// after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/main.ts');
runCli();
