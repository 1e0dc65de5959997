import { statsCommand } from '../../infra/local/commands/stats.ts';

/** What `parcelscan stats --gateway <url>` prints, run in process as an operator would run it; its errors throw. */
export async function printedStats(gatewayUrl: string): Promise<string> {
  let printed = '';
  await statsCommand({
    stdout: (text) => {
      printed += text;
    },
    stderr: (text) => {
      throw new Error(text);
    },
    setExitCode: () => undefined,
    fetch: (url) => fetch(url),
  }).parseAsync(['--gateway', gatewayUrl], { from: 'user' });
  return printed;
}
