/**
 * `npm run bench -- <name> [options]`: runs one benchmark. Each benchmark is a module exporting
 * `main(args)`, which parses its own options (node:util parseArgs) and writes its results under
 * bench/results/. Adding one is one line in `benchmarks`.
 *
 * @example
 * npm run bench -- tablestore
 * npm run bench -- tablestore --huge
 */

interface BenchmarkModule {
  main(args: string[]): Promise<void>;
}

const benchmarks: Record<string, () => Promise<BenchmarkModule>> = {
  tablestore: () => import('./tablestore.ts'),
  ingest: () => import('./ingest.ts'),
  query: () => import('./query.ts'),
};

const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : benchmarks[name];
if (load === undefined) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]   (--help for a benchmark's options)`);
  process.exit(name === undefined || name === '--help' ? 0 : 2);
}
await (await load()).main(args);
