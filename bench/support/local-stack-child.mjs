// Runs local-stack-child.ts through tsx registered from inside, as bin/parcelscan.mjs runs the CLI: node flags such as
// `--import tsx` are inherited by worker threads, and the function instances of `npx parcelscan start` run without tsx.
import { register } from 'tsx/esm/api';

register();
await import('./local-stack-child.ts');
