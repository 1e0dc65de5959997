#!/usr/bin/env node
// The `parcelscan` CLI. It runs the TypeScript sources directly through tsx, so `npx parcelscan <command>`
// works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../infra/local/cli.ts');
