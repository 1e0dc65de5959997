import { describe, expect, it } from 'vitest';
import { layerRequires, requiredPackages } from '../../../infra/build/layer-requires.ts';

const BUNDLE = [
  'var import_zod = require("zod");',
  'var import_tablestore = __toESM(require("tablestore"), 1);',
  'var import_compiled = __toESM(require("tablestore/lib/protocol/tablestore_compiled_proto.js"), 1);',
  'var import_crypto = require("node:crypto");',
  'var import_zod2 = require("zod");',
  'var other = require("tablestore-extra");',
].join('\n');

describe('the layer modules a function bundle requires', () => {
  it('finds each package and each module below one, once, and nothing else', () => {
    expect(layerRequires(BUNDLE, ['tablestore', '@alicloud/mns', 'zod'])).toEqual([
      { packageName: 'tablestore', specifier: 'tablestore' },
      { packageName: 'tablestore', specifier: 'tablestore/lib/protocol/tablestore_compiled_proto.js' },
      { packageName: 'zod', specifier: 'zod' },
    ]);
  });

  it('names the packages in the order the layer lists them', () => {
    expect(requiredPackages(BUNDLE, ['zod', '@alicloud/mns', 'tablestore'])).toEqual(['zod', 'tablestore']);
  });
});
