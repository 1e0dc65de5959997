import { layerPackageOptions, type FirstClient, type LayerPackageOptions } from '../layer-packages.ts';

/**
 * What a new FC instance runs before its first request gets going, as a `node -e` script: it requires the
 * function's bundle (which requires its layer packages), then constructs the client of each SDK the bundle uses,
 * as that first request does (`tablestoreClientFor`, `queueClientFor` in layers/core/src/runtime). Constructing a
 * client does not connect, so the script needs no server.
 */

/**
 * The statement constructing `client` from the module `moduleExpression` evaluates to.
 *
 * @example
 * firstClientSource('require("tablestore")', { exportName: 'Client', args: [{ endpoint: 'https://i.ots.aliyuncs.com' }] });
 * // 'new (require("tablestore")["Client"])({"endpoint":"https://i.ots.aliyuncs.com"});'
 */
export function firstClientSource(moduleExpression: string, client: FirstClient): string {
  const constructor = `${moduleExpression}${client.exportName === undefined ? '' : `[${JSON.stringify(client.exportName)}]`}`;
  return `new (${constructor})(${client.args.map((arg) => JSON.stringify(arg)).join(', ')});`;
}

/**
 * The script requires `bundlePath`, constructs the first clients of `packages` (the layer packages the bundle
 * requires, shipped as `packageOptions` says), and prints one JSON object: for each bundled layer package, whether
 * its code cache was used (see bundle-loader.ts).
 *
 * @example
 * coldStartScript('/mnt/code/scan-webhook/index.js', ['tablestore', 'zod']);
 */
export function coldStartScript(bundlePath: string, packages: readonly string[], packageOptions: Readonly<Record<string, LayerPackageOptions>> = layerPackageOptions): string {
  const firstClients = packages.flatMap((name) => {
    const client = packageOptions[name]?.firstClient;
    return client === undefined ? [] : [firstClientSource(`require(${JSON.stringify(name)})`, client)];
  });
  const bundled = packages.filter((name) => packageOptions[name]?.bundle === true);
  const codeCache = `{${bundled.map((name) => `${JSON.stringify(name)}: require(${JSON.stringify(`${name}/load.js`)}).codeCache()`).join(', ')}}`;
  return [`require(${JSON.stringify(bundlePath)});`, ...firstClients, `process.stdout.write(JSON.stringify(${codeCache}));`].join('\n');
}
