/**
 * Third-party packages the functions load from the shared FC layer (mounted at /opt/nodejs/node_modules)
 * instead of bundling them. The official SDKs must not be bundled into the functions anyway: `tablestore` assigns
 * implicit globals (`pro` in lib/filter.js, `key` and `size` in its PlainBuffer builder), which only works in
 * sloppy-mode CommonJS, and an ESM-sourced bundle runs it in strict mode. zod is shared by every function and is
 * most of what a bundle would weigh (≈ 730 KiB of ≈ 810 KiB), so it lives in the layer too.
 */
export const layerPackages = ['tablestore', '@alicloud/mns', 'zod'] as const;

/** The client a function's first request constructs from a package: `new (require(name)[exportName] ?? require(name))(...args)`. */
export interface FirstClient {
  /** The constructor's export; the module itself when absent. */
  exportName?: string;
  /** Arguments shaped as the layer passes them (placeholders: constructing a client does not connect). */
  args: readonly unknown[];
}

/** How the layer build ships one package (infra/build/layer.ts). */
export interface LayerPackageOptions {
  /**
   * Ship the package and its dependencies as one minified CommonJS file with a V8 code cache
   * (infra/build/layer-bundle.ts) instead of as the hundreds of files npm installed: Node then reads and compiles
   * one file, or deserializes its bytecode. Only for packages that run the same bundled: the build refuses one
   * whose code asks where its files are (`__dirname`, `require.resolve`, …) or uses `import()`.
   */
  bundle: boolean;
  /** Modules below the package that functions require by path, besides its main module (bundled packages hold only these). */
  subpaths?: readonly string[];
  /** What a new instance's first request makes of the package: part of the measured cold start and of the code cache. */
  firstClient?: FirstClient;
}

/**
 * Packages not listed here ship as installed. `tablestore` is required by path for its compiled protobuf messages
 * (layers/core/src/store/errors.ts decodes Tablestore's `Error` with them). The first clients mirror
 * layers/core/src/store/tablestore-client.ts and layers/core/src/queue/queue-client.ts.
 */
export const layerPackageOptions: Readonly<Record<string, LayerPackageOptions>> = {
  tablestore: {
    bundle: true,
    subpaths: ['lib/protocol/tablestore_compiled_proto.js'],
    firstClient: {
      exportName: 'Client',
      args: [{ accessKeyId: 'access-key-id', secretAccessKey: 'access-key-secret', stsToken: 'sts-token', endpoint: 'https://parcelscan.cn-hangzhou.ots.aliyuncs.com', instancename: 'parcelscan', maxRetries: 0 }],
    },
  },
  '@alicloud/mns': {
    bundle: true,
    firstClient: {
      args: ['1234567890123456', { endpoint: 'https://1234567890123456.mns.cn-hangzhou.aliyuncs.com', accessKeyId: 'access-key-id', accessKeySecret: 'access-key-secret', securityToken: 'sts-token', readTimeout: 5000, connectTimeout: 5000 }],
    },
  },
  zod: { bundle: true },
};
