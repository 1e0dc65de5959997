import { describe, expect, it } from 'vitest';
import { coldStartScript, firstClientSource } from '../../../infra/build/cold-start-script.ts';
import { layerPackageOptions } from '../../../infra/layer-packages.ts';

describe('the script of a new instance', () => {
  it('constructs a client from the named export, or from the module itself', () => {
    expect(firstClientSource('require("tablestore")', { exportName: 'Client', args: [{ endpoint: 'https://i.ots.aliyuncs.com' }] })).toBe('new (require("tablestore")["Client"])({"endpoint":"https://i.ots.aliyuncs.com"});');
    expect(firstClientSource('loader.load("@alicloud/mns")', { args: ['123', { endpoint: 'https://e' }] })).toBe('new (loader.load("@alicloud/mns"))("123", {"endpoint":"https://e"});');
  });

  it('requires the bundle, makes the first client of each SDK it requires, and prints how the bundled ones were compiled', () => {
    const script = coldStartScript('/code/index.js', ['tablestore', 'zod']);
    expect(script.split('\n')).toEqual([
      'require("/code/index.js");',
      firstClientSource('require("tablestore")', layerPackageOptions.tablestore?.firstClient ?? { args: [] }),
      'process.stdout.write(JSON.stringify({"tablestore": require("tablestore/load.js").codeCache(), "zod": require("zod/load.js").codeCache()}));',
    ]);
  });

  it('reports nothing for packages shipped as installed', () => {
    expect(coldStartScript('/code/index.js', ['layer-probe'], {})).toBe('require("/code/index.js");\nprocess.stdout.write(JSON.stringify({}));');
  });
});
