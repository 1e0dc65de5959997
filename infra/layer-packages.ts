/**
 * Third-party packages the functions load from the shared FC layer (mounted at /opt/nodejs/node_modules)
 * instead of bundling them. The official SDKs must not be bundled anyway: `tablestore` assigns implicit
 * globals (`pro` in lib/filter.js, `key` and `size` in its PlainBuffer builder), which only works in sloppy-mode
 * CommonJS, and an ESM-sourced bundle runs it in strict mode. zod is shared by every function and is most of
 * what a bundle would weigh (≈ 730 KiB of ≈ 810 KiB), so it lives in the layer too.
 */
export const layerPackages = ['tablestore', '@alicloud/mns', 'zod'] as const;
