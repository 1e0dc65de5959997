import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Node's Buffer() deprecation state is per process, so each case runs in a fresh one: the module is loaded as the
 * functions load it, then code outside node_modules calls `new Buffer()`, which Node would answer with DEP0005.
 */
const moduleUrl = new URL('../../../layers/core/src/store/buffer-deprecation-checks.ts', import.meta.url).href;

function stderrOf(settleFirst: boolean): string {
  const script = `
    const { endBufferDeprecationChecks } = await import(${JSON.stringify(moduleUrl)});
    ${settleFirst ? 'endBufferDeprecationChecks();' : ''}
    new Buffer(1);
    await new Promise((resolve) => setTimeout(resolve, 20));`;
  const tsx = fileURLToPath(new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url));
  const run = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the child failed: ${run.stderr}`);
  return run.stderr;
}

describe('endBufferDeprecationChecks', () => {
  it('without it, Node checks Buffer() calls and warns for one outside node_modules', () => {
    expect(stderrOf(false)).toContain('DEP0005');
  });

  it("after it, Node has stopped checking: the SDK's hundreds of Buffer() calls a request walk no stacks", () => {
    expect(stderrOf(true)).not.toContain('DEP0005');
  });
});
